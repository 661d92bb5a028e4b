"""Jobs and CronJobs with the real kubectl and the in-engine one, side by side: the docs' pi
Job and hello CronJob applied, get (plain and wide), describe, -o yaml, `wait`, the pods
Completed, logs; `create job` (plain and --from=cronjob/…) and `create cronjob`, which the real
kubectl sends as protobuf; refusals."""

from __future__ import annotations

import json

import pytest

from tests.kubectl_real.conftest import Twin
from tests.kubectl_real.test_config import same
from tests.kubectl_real.test_services import same_but_uid

PI = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
"""

HELLO = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
"""


def test_the_pi_job_from_apply_to_logs(twin: Twin) -> None:
    twin.file("pi.yaml", PI)
    assert same(twin, "apply -f pi.yaml") == "job.batch/pi created\n"
    same(twin, "get jobs")
    twin.advance(30)  # perl runs for 2 s once its 330 MB image is pulled
    assert (
        same(twin, "wait --for=condition=complete job/pi --timeout=120s")
        == "job.batch/pi condition met\n"
    )
    table = same(twin, "get jobs -o wide")
    assert table.splitlines()[1].split()[1:3] == ["Complete", "1/1"]
    pods = same(twin, "get pods")
    assert pods.splitlines()[1].split()[1:3] == ["0/1", "Completed"]
    same_but_uid(twin, "get job pi -o yaml")
    same(twin, "describe job pi")
    logs = same(twin, "logs job/pi")
    assert logs.startswith("3.14159265358979323846264338327950288419716939937510")
    assert len(logs.strip()) == 2001
    same(twin, "delete job pi")
    same(twin, "get pods")


def test_the_hello_cronjob(twin: Twin) -> None:
    twin.file("hello.yaml", HELLO)
    assert same(twin, "apply -f hello.yaml") == "cronjob.batch/hello created\n"
    same(twin, "get cronjobs")
    same(twin, "get cj -o wide")
    same_but_uid(twin, "get cronjob hello -o yaml")
    same(twin, "describe cronjob hello")
    twin.advance(65)  # 00:01: the first run
    same(twin, "get cronjobs")
    same(twin, "get jobs")
    same(twin, "get pods")
    same(twin, "describe cronjob hello")
    assert same(twin, "logs job/hello-29453761") == (
        "Thu Jan 01 00:01:01 UTC 2026\nHello from the Kubernetes cluster\n"
    )


def test_create_job_and_cronjob_are_sent_as_protobuf(twin: Twin) -> None:
    twin.file("hello.yaml", HELLO)
    same(twin, "apply -f hello.yaml")
    assert same(twin, "create job once --image=busybox:1.28 -- echo hi") == (
        "job.batch/once created\n"
    )
    assert same(twin, "create job manual --from=cronjob/hello") == "job.batch/manual created\n"
    real, engine = twin.both("get job manual -o json")
    job = json.loads(real.stdout)
    assert json.loads(engine.stdout)["spec"]["template"]["spec"] == job["spec"]["template"]["spec"]
    assert job["metadata"]["annotations"] == {"cronjob.kubernetes.io/instantiate": "manual"}
    assert job["metadata"]["ownerReferences"][0]["kind"] == "CronJob"
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["/bin/sh", "-c", "date; echo Hello from the Kubernetes cluster"]
    real, engine = twin.both("get job once -o json")
    spec = json.loads(real.stdout)["spec"]["template"]["spec"]
    assert spec == json.loads(engine.stdout)["spec"]["template"]["spec"]
    assert (spec["containers"][0]["command"], spec["restartPolicy"]) == (["echo", "hi"], "Never")
    assert twin.real("create cronjob tick --image=busybox:1.28 --schedule=*/5_*_*_*_*").code == 1
    line = [
        "create",
        "cronjob",
        "tick",
        "--image=busybox:1.28",
        "--schedule=*/5 * * * *",
        "--",
        "date",
    ]
    real = twin.kube(*line)
    engine = twin.local.kubectl(line)
    assert (
        (real.stdout, real.code)
        == (engine.stdout, engine.exit_code)
        == (
            "cronjob.batch/tick created\n",
            0,
        )
    )
    twin.local.settle()
    same(twin, "get cronjobs")
    same_but_uid(twin, "get cronjob tick -o yaml")
    same(twin, "get jobs")


@pytest.mark.parametrize(
    "line",
    [
        "create job x",
        "create job y --image=busybox --from=cronjob/hello",
        "create job z --from=deploy/web",
        "create job z --from=cm/kube-root-ca.crt",
        "create cronjob c --image=busybox --schedule=@hourly --dry-run=client -o yaml",
        "create job z --from=cronjob/nope",
        "create job a b --image=busybox",
        "create job d --image=busybox --dry-run=client -o yaml",
        "create cronjob c --image=busybox",
    ],
)
def test_create_refusals_and_dry_run(twin: Twin, line: str) -> None:
    same(twin, line)


def test_invalid_jobs_are_refused_alike(twin: Twin) -> None:
    twin.file("always.yaml", PI.replace("restartPolicy: Never", "restartPolicy: Always"))
    same(twin, "apply -f always.yaml")
    twin.file("late.yaml", HELLO.replace("* * * * *", "61 * * * *"))
    same(twin, "apply -f late.yaml")
