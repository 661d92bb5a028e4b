// The lesson's files a kubectl step reads are shown with it (static/src/lesson.js filesNamed).
import assert from "node:assert/strict";
import { test } from "node:test";

import { filesNamed } from "../../static/src/lesson.js";

const FILES = {
  "https://k8s.io/examples/controllers/fluentd-daemonset.yaml": "kind: DaemonSet\n",
  "default.conf": "server {}\n",
  "/tmp/nginx.crt": "CERT",
};

test("a -f URL, a --from-file=NAME and a --cert PATH are found as whole words", () => {
  assert.deepEqual(
    filesNamed("create -f https://k8s.io/examples/controllers/fluentd-daemonset.yaml", FILES).map((f) => f.name),
    ["https://k8s.io/examples/controllers/fluentd-daemonset.yaml"],
  );
  assert.deepEqual(filesNamed("create configmap c --from-file=default.conf", FILES), [
    { name: "default.conf", text: "server {}\n" },
  ]);
  assert.deepEqual(
    filesNamed("create secret tls s --key /tmp/nginx.key --cert /tmp/nginx.crt", FILES).map((f) => f.name),
    ["/tmp/nginx.crt"],
  );
});

test("a name that is only part of a word, or no files at all, shows nothing", () => {
  assert.deepEqual(filesNamed("create configmap c --from-file=my-default.conf", FILES), []);
  assert.deepEqual(filesNamed("get pods"), []);
});
