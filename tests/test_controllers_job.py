"""Jobs with the whole control plane: the docs' pi Job to completion (defaults, generated
selector, tracking finalizer, status, events, logs, the story), parallel completions, a failing
Job retried with back-off until backoffLimit, restartPolicy OnFailure, a deleted pod replaced,
activeDeadlineSeconds, ttlSecondsAfterFinished, validation, get and describe."""

from __future__ import annotations

import pytest

from engine.cluster import Cluster
from engine.controllers.job.util import TRACKING_FINALIZER
from engine.node.perl import one_liner, pi_digits
from tests.controller_kit import call, get

PI = """
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  {extra}template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
"""

FAILING = """
apiVersion: batch/v1
kind: Job
metadata:
  name: fail
spec:
  backoffLimit: {limit}
  template:
    spec:
      containers:
      - name: fail
        image: busybox:1.28
        command: ["sh", "-c", "echo about to fail; exit 1"]
      restartPolicy: {policy}
"""

JOB_PATH = "/apis/batch/v1/namespaces/default/jobs/"


def cluster() -> Cluster:
    c = Cluster(seed=3)
    c.settle()
    return c


def run(c: Cluster, manifest: str, wait: str = "") -> None:
    result = c.kubectl("apply -f -", manifest)
    assert result.exit_code == 0, result.text
    c.settle()
    if wait:
        assert c.kubectl(f"wait --for=condition={wait} job --all --timeout=600s").exit_code == 0
        c.settle()


def job_pods(c: Cluster) -> list[dict]:
    return call(c, "GET", "/api/v1/namespaces/default/pods").body["items"]


def reasons(c: Cluster, kind: str = "Job") -> list[tuple[str, str]]:
    items = call(c, "GET", "/api/v1/namespaces/default/events").body["items"]
    return [(e["reason"], e["message"]) for e in items if e["involvedObject"]["kind"] == kind]


def milestones(c: Cluster, source: str = "controller-manager/job-controller") -> list[str]:
    return [e.summary for e in c.trace if e.kind.value == "milestone" and e.source == source]


def test_the_docs_pi_job_runs_to_completion():
    c = cluster()
    run(c, PI.format(extra=""))
    job = get(c, JOB_PATH + "pi")
    uid = job["metadata"]["uid"]
    spec = job["spec"]
    assert {k: spec[k] for k in ("backoffLimit", "completions", "parallelism")} == {
        "backoffLimit": 4,
        "completions": 1,
        "parallelism": 1,
    }
    assert (spec["completionMode"], spec["suspend"], spec["manualSelector"]) == (
        "NonIndexed",
        False,
        False,
    )
    assert spec["podReplacementPolicy"] == "TerminatingOrFailed"
    assert spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    generated = {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": "pi",
        "controller-uid": uid,
        "job-name": "pi",
    }
    assert spec["template"]["metadata"]["labels"] == generated
    assert job["metadata"]["labels"] == generated  # SetDefaults_Job: the template's labels
    [pod] = job_pods(c)
    assert pod["metadata"]["name"].startswith("pi-")
    assert pod["metadata"]["finalizers"] == [TRACKING_FINALIZER]  # still running: held
    assert c.kubectl("wait --for=condition=complete job/pi --timeout=60s").exit_code == 0
    [pod] = job_pods(c)
    assert pod["status"]["phase"] == "Succeeded"
    assert not pod["metadata"].get("finalizers")  # counted, then let go
    status = get(c, JOB_PATH + "pi")["status"]
    assert [(c_["type"], c_["reason"]) for c_ in status["conditions"]] == [
        ("SuccessCriteriaMet", "CompletionsReached"),
        ("Complete", "CompletionsReached"),
    ]
    assert status["conditions"][1]["message"] == "Reached expected number of succeeded pods"
    assert (status["succeeded"], status["ready"], status["terminating"]) == (1, 0, 0)
    assert status["uncountedTerminatedPods"] == {}
    assert "active" not in status and status["startTime"] <= status["completionTime"]
    assert reasons(c) == [
        ("SuccessfulCreate", f"Created pod: {pod['metadata']['name']}"),
        ("Completed", "Job completed"),
    ]
    logs = c.kubectl(f"logs {pod['metadata']['name']}").stdout
    assert logs == pi_digits(2000) + "\n"
    assert logs.startswith("3.14159265358979323846") and len(logs) == 2002
    assert c.kubectl("get pods").stdout.split("\n")[1].split()[2] == "Completed"
    table = c.kubectl("get jobs").stdout.splitlines()
    assert table[0].split() == ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
    assert table[1].split()[:3] == ["pi", "Complete", "1/1"]
    story = milestones(c)
    assert story == [
        "The Job controller creates pod 1 of 1 for Job pi",
        "Job pi is complete: 1 of 1 completions. Its pods stay, Completed, so that you can "
        "read their logs",
    ]


def test_the_uncounted_pod_is_recorded_before_its_finalizer_goes():
    """trackJobStatusAndRemoveFinalizers: uid into uncountedTerminatedPods, finalizer removed,
    then counted: three writes in that order."""
    c = cluster()
    run(c, PI.format(extra=""), wait="complete")
    writes = [
        e.summary
        for e in c.trace
        if e.kind.value == "request"
        and e.source == "controller-manager/job-controller"
        and e.summary.split()[0] in ("update", "patch")
    ]
    assert writes[-3:] == [
        "update job/status default/pi",
        f"patch pod default/{job_pods(c)[0]['metadata']['name']}",
        "update job/status default/pi",
    ]


def test_parallel_completions_run_two_at_a_time():
    c = cluster()
    run(c, PI.format(extra="completions: 5\n  parallelism: 2\n  "))
    assert len(job_pods(c)) == 2
    assert c.kubectl("wait --for=condition=complete job/pi --timeout=600s").exit_code == 0
    assert len(job_pods(c)) == 5
    assert get(c, JOB_PATH + "pi")["status"]["succeeded"] == 5
    story = milestones(c)
    assert story[0] == "The Job controller creates pods 1 to 2 of 5 for Job pi"
    assert story[-1].startswith("Job pi is complete: 5 of 5 completions")
    assert c.kubectl("get job pi").stdout.splitlines()[1].split()[2] == "5/5"


def test_a_failing_job_is_retried_with_back_off_until_its_backoff_limit():
    c = cluster()
    run(c, FAILING.format(limit=2, policy="Never"), wait="failed")
    pods = job_pods(c)
    assert len(pods) == 3 and all(p["status"]["phase"] == "Failed" for p in pods)
    created = sorted(p["metadata"]["creationTimestamp"] for p in pods)
    status = get(c, JOB_PATH + "fail")["status"]
    assert status["failed"] == 3 and "completionTime" not in status
    assert [(x["type"], x["reason"]) for x in status["conditions"]] == [
        ("FailureTarget", "BackoffLimitExceeded"),
        ("Failed", "BackoffLimitExceeded"),
    ]
    assert status["conditions"][1]["message"] == "Job has reached the specified backoff limit"
    assert ("BackoffLimitExceeded", "Job has reached the specified backoff limit") in reasons(c)
    story = milestones(c)
    assert story[1].endswith("a retry after a 10 s back-off: backoffLimit 2, 1 failure so far")
    assert story[2].endswith("a retry after a 20 s back-off: backoffLimit 2, 2 failures so far")
    assert story[3] == (
        "Job fail failed (BackoffLimitExceeded): 3 failed pods, more than backoffLimit 2. "
        "No more pods are created"
    )
    # 10 s, then 20 s after each failure (the pods fail about a second after they start)
    assert created[0] < created[1] < created[2]
    assert c.kubectl("get job fail").stdout.splitlines()[1].split()[1:3] == ["Failed", "0/1"]
    assert c.kubectl("logs " + pods[0]["metadata"]["name"]).stdout == "about to fail\n"


def test_with_restart_policy_on_failure_the_restarts_count_against_the_limit():
    """pastBackoffLimitOnFailure: the kubelet restarts the container in place; at
    backoffLimit restarts the Job fails and its pod is deleted."""
    c = cluster()
    run(c, FAILING.format(limit=2, policy="OnFailure"))
    [pod] = job_pods(c)
    c.advance(120)
    c.settle()
    status = get(c, JOB_PATH + "fail")["status"]
    assert [(x["type"], x["reason"]) for x in status["conditions"]] == [
        ("FailureTarget", "BackoffLimitExceeded"),
        ("Failed", "BackoffLimitExceeded"),
    ]
    assert job_pods(c) == []
    assert ("SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}") in reasons(c)
    assert len([r for r, _ in reasons(c) if r == "SuccessfulCreate"]) == 1


def test_a_deleted_pod_is_replaced():
    c = cluster()
    run(c, PI.format(extra=""))
    [pod] = job_pods(c)
    c.kubectl(f"delete pod {pod['metadata']['name']} --wait=false")
    c.settle()
    names = {p["metadata"]["name"] for p in job_pods(c)}
    assert len(names - {pod["metadata"]["name"]}) == 1
    assert c.kubectl("wait --for=condition=complete job/pi --timeout=600s").exit_code == 0
    status = get(c, JOB_PATH + "pi")["status"]
    assert (status["succeeded"], status["failed"]) == (1, 1)  # a deleted pod counts as failed


def test_active_deadline_fails_the_job_and_stops_its_pods():
    c = cluster()
    run(c, PI.format(extra="activeDeadlineSeconds: 3\n  "), wait="failed")
    conditions = get(c, JOB_PATH + "pi")["status"]["conditions"]
    assert (conditions[-1]["type"], conditions[-1]["reason"]) == ("Failed", "DeadlineExceeded")
    assert conditions[-1]["message"] == "Job was active longer than specified deadline"
    assert any(r == "SuccessfulDelete" for r, _ in reasons(c))


def test_ttl_after_finished_deletes_the_job_and_its_pods():
    c = cluster()
    run(c, PI.format(extra="ttlSecondsAfterFinished: 100\n  "), wait="complete")
    finished = c.now
    told = milestones(c, "controller-manager/ttl-after-finished-controller")
    assert told == [
        "Job pi has finished: the TTL-after-finished controller will delete it and its pods "
        "at 00:01:49 (ttlSecondsAfterFinished 100)"
    ]
    c.advance(90)
    c.settle()
    assert call(c, "GET", JOB_PATH + "pi").code == 200
    c.advance(finished + 105 - c.now)
    c.settle()
    assert call(c, "GET", JOB_PATH + "pi").code == 404
    assert job_pods(c) == []


def test_a_deleted_job_keeps_its_pods_unless_told_otherwise():
    """batch/v1's DefaultGarbageCollectionPolicy is OrphanDependents; kubectl asks for
    Background."""
    c = cluster()
    run(c, PI.format(extra=""), wait="complete")
    assert call(c, "DELETE", JOB_PATH + "pi").code == 200
    c.settle()
    [pod] = job_pods(c)
    assert not pod["metadata"].get("ownerReferences")
    run(c, PI.format(extra="").replace("name: pi", "name: pi2"), wait="complete")
    assert c.kubectl("delete job pi2").stdout == 'job.batch "pi2" deleted from default namespace\n'
    c.settle()
    assert [p["metadata"]["name"][:3] for p in job_pods(c)] == ["pi-"]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            ("      restartPolicy: Never\n", ""),
            'The Job "pi" is invalid: spec.template.spec.restartPolicy: Required value: valid '
            'values: "OnFailure", "Never"\n',
        ),
        (
            ("restartPolicy: Never", "restartPolicy: Always"),
            'The Job "pi" is invalid: spec.template.spec.restartPolicy: Required value: valid '
            'values: "OnFailure", "Never"\n',
        ),
        (
            ("backoffLimit: 4", "backoffLimit: -1"),
            'The Job "pi" is invalid: spec.backoffLimit: Invalid value: -1: must be greater '
            "than or equal to 0\n",
        ),
    ],
)
def test_validation(change: tuple[str, str], error: str):
    c = cluster()
    result = c.kubectl("apply -f -", PI.format(extra="").replace(*change))
    assert result.stderr == error


def test_the_template_is_immutable():
    c = cluster()
    run(c, PI.format(extra=""))
    result = c.kubectl("apply -f -", PI.format(extra="").replace("perl:5.34.0", "perl:5.40"))
    assert result.stderr.startswith('The Job "pi" is invalid: spec.template: Invalid value: ')
    assert result.stderr.endswith(": field is immutable\n")


def test_deleting_a_running_job_lets_its_pods_go():
    """The Job is gone before its pod finished: the pod's tracking finalizer is removed
    (enqueueOrphanPod), or it would stay Terminating for ever."""
    c = cluster()
    sleeper = FAILING.format(limit=2, policy="Never").replace(
        "echo about to fail; exit 1", "sleep 60"
    )
    run(c, sleeper)
    [pod] = job_pods(c)
    assert pod["metadata"]["finalizers"] == [TRACKING_FINALIZER]
    assert c.kubectl("delete job fail").exit_code == 0
    c.settle()
    c.advance(40)  # the kubelet's 30 s of grace
    c.settle()
    assert job_pods(c) == []


def test_more_digits_than_podlife_computes_are_not_understood():
    assert one_liner(["-Mbignum=bpi", "-wle", "print bpi(20000)"]) is not None
    assert one_liner(["-Mbignum=bpi", "-wle", "print bpi(20001)"]) is None
    assert one_liner(["-wle", "print 1"]) is None
