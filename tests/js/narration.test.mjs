// narration.js: what the narration box says of a message, in a beginner's words.

import assert from "node:assert/strict";
import { test } from "node:test";

import { caption, emptyNarration } from "../../static/src/narration.js";

const pod = { kind: "Pod", name: "solo", namespace: "default" };

test("apply's existence check reads as a question, and its 404 as the answer 'not yet'", () => {
  const ask = caption({ kind: "request", source: "kubectl", target: "api-server", summary: "get pod default/solo", object: pod, data: { method: "GET", url: "/api/v1/namespaces/default/pods/solo" } });
  assert.match(ask, /^kubectl asks the API server whether pod solo exists, and what it holds \(GET /);
  const answer = caption({ kind: "response", source: "api-server", target: "kubectl", summary: "404 Not Found", object: pod, data: { code: 404 } });
  assert.equal(answer, "The API server answers kubectl: 404 Not Found — there is no pod solo (yet).");
  const refused = caption({ kind: "response", source: "api-server", target: "kubectl", summary: "403 Forbidden", object: pod, data: { code: 403 } });
  assert.match(refused, /the request was refused\.$/);
});

test("before anything happened, a learner is asked to apply, a follower told the teacher will", () => {
  assert.match(emptyNarration(null).headline, /^Apply a manifest/);
  const follower = emptyNarration("follower");
  assert.doesNotMatch(`${follower.headline} ${follower.caption}`, /press Apply|Paste|Apply a manifest/);
  assert.match(follower.headline, /teacher applies/);
  assert.doesNotMatch(`${emptyNarration("ended").headline} ${emptyNarration("ended").caption}`, /teacher applies|press Apply/);
});
