"""CronJobs with the whole control plane, on the virtual clock: the docs' hello CronJob runs
each minute (Job names, annotations, status, events, logs, the story), history limits,
concurrencyPolicy Forbid and Replace, suspend, @hourly and timeZone, and the schedule's
validation with robfig/cron's errors."""

from __future__ import annotations

import datetime as dt

import pytest

from engine import cronschedule
from engine.cluster import Cluster
from tests.controller_kit import call, get

HELLO = """
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "{schedule}"
  {extra}jobTemplate:
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
            - {command}
          restartPolicy: OnFailure
"""
DATE_AND_HELLO = "date; echo Hello from the Kubernetes cluster"
CJ_PATH = "/apis/batch/v1/namespaces/default/cronjobs/hello"
MINUTE = 29453760  # 2026-01-01T00:00:00Z, the virtual epoch, in minutes since 1970


def cluster() -> Cluster:
    c = Cluster(seed=3)
    c.settle()
    return c


def create(c: Cluster, schedule: str = "* * * * *", extra: str = "", command: str = "") -> None:
    manifest = HELLO.format(schedule=schedule, extra=extra, command=command or DATE_AND_HELLO)
    result = c.kubectl("apply -f -", manifest)
    assert result.stdout == "cronjob.batch/hello created\n", result.text
    c.settle()


def until(c: Cluster, seconds: float) -> None:
    """Run the virtual clock to `seconds` after the epoch."""
    c.advance(seconds - c.now)
    c.settle()


def jobs(c: Cluster) -> list[dict]:
    return call(c, "GET", "/apis/batch/v1/namespaces/default/jobs").body["items"]


def names(c: Cluster) -> list[str]:
    return sorted(j["metadata"]["name"] for j in jobs(c))


def reasons(c: Cluster) -> list[tuple[str, str]]:
    items = call(c, "GET", "/api/v1/namespaces/default/events").body["items"]
    return [(e["reason"], e["message"]) for e in items if e["involvedObject"]["kind"] == "CronJob"]


def story(c: Cluster) -> list[str]:
    return [
        e.summary
        for e in c.trace
        if e.kind.value == "milestone" and e.source == "controller-manager/cronjob-controller"
    ]


def test_the_docs_hello_cronjob_runs_every_minute():
    c = cluster()
    create(c)
    cj = get(c, CJ_PATH)
    assert {k: cj["spec"][k] for k in ("concurrencyPolicy", "suspend")} == {
        "concurrencyPolicy": "Allow",
        "suspend": False,
    }
    assert (cj["spec"]["successfulJobsHistoryLimit"], cj["spec"]["failedJobsHistoryLimit"]) == (
        3,
        1,
    )
    assert jobs(c) == []
    until(c, 61)
    [job] = jobs(c)
    assert job["metadata"]["name"] == f"hello-{MINUTE + 1}"
    assert job["metadata"]["annotations"] == {
        "batch.kubernetes.io/cronjob-scheduled-timestamp": "2026-01-01T00:01:00Z"
    }
    owner = job["metadata"]["ownerReferences"][0]
    assert (owner["kind"], owner["name"], owner["controller"]) == ("CronJob", "hello", True)
    assert job["spec"]["backoffLimit"] == 6  # the Job's own defaults, not the template's
    status = get(c, CJ_PATH)["status"]
    assert status["lastScheduleTime"] == "2026-01-01T00:01:00Z"
    assert status["lastSuccessfulTime"].startswith("2026-01-01T00:01:0")
    assert "active" not in status  # it finished within the second
    assert reasons(c) == [
        ("SuccessfulCreate", f"Created job hello-{MINUTE + 1}"),
        ("SawCompletedJob", f"Saw completed job: hello-{MINUTE + 1}, condition: Complete"),
    ]
    pod = call(c, "GET", "/api/v1/namespaces/default/pods").body["items"][0]["metadata"]["name"]
    assert c.kubectl(f"logs {pod}").stdout == (
        "Thu Jan 01 00:01:01 UTC 2026\nHello from the Kubernetes cluster\n"
    )
    assert story(c) == [
        'CronJob hello (schedule "* * * * *") first runs at 00:01',
        f"It is 00:01: the CronJob controller creates Job hello-{MINUTE + 1} from CronJob "
        "hello's jobTemplate; the next run is at 00:02",
    ]
    row = c.kubectl("get cronjobs").stdout.splitlines()
    assert row[0].split() == [
        "NAME",
        "SCHEDULE",
        "TIMEZONE",
        "SUSPEND",
        "ACTIVE",
        "LAST",
        "SCHEDULE",
        "AGE",
    ]
    assert row[1].split()[:8] == ["hello", "*", "*", "*", "*", "*", "<none>", "False"]


def test_history_limits_keep_the_newest_jobs():
    c = cluster()
    create(c, extra="successfulJobsHistoryLimit: 2\n  ")
    until(c, 4 * 60 + 5)
    assert names(c) == [f"hello-{MINUTE + 3}", f"hello-{MINUTE + 4}"]
    deleted = [m for r, m in reasons(c) if r == "SuccessfulDelete"]
    assert deleted == [f"Deleted job hello-{MINUTE + 1}", f"Deleted job hello-{MINUTE + 2}"]
    assert (
        f"The CronJob controller deletes Job hello-{MINUTE + 1}, the oldest successful one: "
        "successfulJobsHistoryLimit 2 keeps only the newest"
    ) in story(c)
    # The deleted Jobs' pods went with them (background propagation).
    pods = call(c, "GET", "/api/v1/namespaces/default/pods").body["items"]
    assert sorted(p["metadata"]["name"][:14] for p in pods) == names(c)


def test_forbid_skips_a_run_while_one_is_active():
    c = cluster()
    create(c, extra="concurrencyPolicy: Forbid\n  ", command="sleep 90")
    until(c, 2 * 60 + 5)
    assert names(c) == [f"hello-{MINUTE + 1}"]
    assert (
        "JobAlreadyActive",
        "Not starting job because prior execution is running and concurrency policy is Forbid",
    ) in reasons(c)
    assert [ref["name"] for ref in get(c, CJ_PATH)["status"]["active"]] == [f"hello-{MINUTE + 1}"]
    # The skipped 00:02 run is still owed: it starts as soon as the first Job is done (no
    # startingDeadlineSeconds), and lastScheduleTime says 00:02.
    until(c, 3 * 60 + 5)
    assert names(c) == [f"hello-{MINUTE + 1}", f"hello-{MINUTE + 2}"]
    assert get(c, CJ_PATH)["status"]["lastScheduleTime"] == "2026-01-01T00:02:00Z"


def test_replace_deletes_the_active_job_first():
    c = cluster()
    create(c, extra="concurrencyPolicy: Replace\n  ", command="sleep 90")
    until(c, 2 * 60 + 5)
    assert names(c) == [f"hello-{MINUTE + 2}"]
    assert ("SuccessfulDelete", f"Deleted job hello-{MINUTE + 1}") in reasons(c)


def test_a_suspended_cronjob_creates_nothing():
    c = cluster()
    create(c, extra="suspend: true\n  ")
    until(c, 3 * 60)
    assert jobs(c) == []
    assert c.kubectl("get cj hello").stdout.splitlines()[1].split()[7] == "True"


def test_hourly_in_a_time_zone():
    c = cluster()
    create(c, schedule="@hourly", extra='timeZone: "Asia/Kolkata"\n  ')  # UTC+5:30
    assert story(c) == ['CronJob hello (schedule "@hourly") first runs at 00:30']
    until(c, 31 * 60)
    [job] = jobs(c)
    assert job["metadata"]["name"] == f"hello-{MINUTE + 30}"
    stamp = job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"]
    assert stamp == "2026-01-01T06:00:00+05:30"


def test_schedules_as_robfig_cron_reads_them():
    start = dt.datetime(2026, 1, 1, 10, 2, 30, tzinfo=dt.UTC)
    cases = {
        "*/5 * * * *": "10:05",
        "@hourly": "11:00",
        "@daily": "00:00",
        "30 9 * * MON-FRI": "09:30",
        "@every 90s": "10:04",
    }
    for spec, expected in cases.items():
        assert f"{cronschedule.parse(spec).next_after(start):%H:%M}" == expected, spec


@pytest.mark.parametrize(
    ("schedule", "error"),
    [
        ("61 * * * *", "end of range (61) above maximum (59): 61"),
        ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
        ("@fortnightly", "unrecognized descriptor: @fortnightly"),
        ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ],
)
def test_an_invalid_schedule_is_refused(schedule: str, error: str):
    c = cluster()
    result = c.kubectl("apply -f -", HELLO.format(schedule=schedule, extra="", command="date"))
    assert result.stderr == (
        f'The CronJob "hello" is invalid: spec.schedule: Invalid value: "{schedule}": {error}\n'
    )


def test_a_job_template_with_restart_policy_always_is_refused():
    c = cluster()
    manifest = HELLO.format(schedule="* * * * *", extra="", command="date").replace(
        "OnFailure", "Always"
    )
    assert c.kubectl("apply -f -", manifest).stderr == (
        'The CronJob "hello" is invalid: spec.jobTemplate.spec.template.spec.restartPolicy: '
        'Required value: valid values: "OnFailure", "Never"\n'
    )


def test_describe_cronjob():
    c = cluster()
    create(c)
    until(c, 65)
    text = c.kubectl("describe cronjob hello").stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Schedule: * * * * *" in lines
    assert "Last Schedule Time: Thu, 01 Jan 2026 00:01:00 +0000" in lines
    assert "Active Jobs: <none>" in lines
    assert f"Saw completed job: hello-{MINUTE + 1}, condition: Complete" in text
