"""Jobs and CronJobs through the official Python client (`kubernetes`, BatchV1Api) against the
real web server: create, read, list, an informer's list then watch from its resourceVersion
until the Job completes, patch (a label; the immutable template refused), delete; a CronJob
created, suspended by a patch, listed and deleted."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_kube_api_client import api_client, kubeconfig  # noqa: F401 (fixtures)

kubernetes = pytest.importorskip("kubernetes")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _job(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name},
        "spec": {
            "backoffLimit": 4,
            "template": {
                "spec": {
                    "containers": [
                        {"name": "hi", "image": "busybox:1.28", "command": ["echo", "hi"]}
                    ],
                    "restartPolicy": "Never",
                }
            },
        },
    }


def test_jobs_create_read_list_watch_patch_delete(api_client: Any) -> None:  # noqa: F811
    batch = kubernetes.client.BatchV1Api(api_client)
    created = batch.create_namespaced_job("default", _job("client-job"))
    uid = created.metadata.uid
    assert created.spec.selector.match_labels == {"batch.kubernetes.io/controller-uid": uid}
    assert (created.spec.backoff_limit, created.spec.completions) == (4, 1)
    assert created.spec.template.metadata.labels["job-name"] == "client-job"
    assert batch.read_namespaced_job("client-job", "default").metadata.uid == uid
    # An informer: list, then watch from the list's resourceVersion.
    listed = batch.list_namespaced_job("default")
    assert [j.metadata.name for j in listed.items] == ["client-job"]
    conditions: list[str] = []
    if not (listed.items[0].status.conditions or []):  # (the usual case: it takes a moment)
        watch = kubernetes.watch.Watch()
        for event in watch.stream(
            batch.list_namespaced_job,
            "default",
            resource_version=listed.metadata.resource_version,
            timeout_seconds=20,
        ):
            job = event["object"]
            conditions = [c.type for c in job.status.conditions or []]
            if "Complete" in conditions:
                watch.stop()
    else:
        conditions = [c.type for c in listed.items[0].status.conditions]
    assert conditions == ["SuccessCriteriaMet", "Complete"]
    job = batch.read_namespaced_job_status("client-job", "default")
    assert (job.status.succeeded, job.status.ready, job.status.terminating) == (1, 0, 0)
    assert job.status.completion_time >= job.status.start_time
    patched = batch.patch_namespaced_job(
        "client-job", "default", {"metadata": {"labels": {"team": "a"}}}
    )
    assert patched.metadata.labels["team"] == "a"
    with pytest.raises(kubernetes.client.ApiException) as refused:
        batch.patch_namespaced_job(
            "client-job",
            "default",
            {"spec": {"template": {"spec": {"containers": [{"name": "hi", "image": "busybox"}]}}}},
        )
    assert refused.value.status == 422
    assert "spec.template: Invalid value" in refused.value.body
    assert "field is immutable" in refused.value.body
    core = kubernetes.client.CoreV1Api(api_client)
    pods = core.list_namespaced_pod("default", label_selector="job-name=client-job").items
    assert [p.status.phase for p in pods] == ["Succeeded"]
    batch.delete_namespaced_job("client-job", "default", propagation_policy="Background")
    with pytest.raises(kubernetes.client.ApiException) as missing:
        batch.read_namespaced_job("client-job", "default")
    assert missing.value.status == 404


def test_cronjobs_create_suspend_list_delete(api_client: Any) -> None:  # noqa: F811
    batch = kubernetes.client.BatchV1Api(api_client)
    body = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "client-cron"},
        "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": _job("x")["spec"]}},
    }
    created = batch.create_namespaced_cron_job("default", body)
    assert (created.spec.concurrency_policy, created.spec.suspend) == ("Allow", False)
    assert created.spec.successful_jobs_history_limit == 3
    patched = batch.patch_namespaced_cron_job("client-cron", "default", {"spec": {"suspend": True}})
    assert patched.spec.suspend is True
    assert [c.metadata.name for c in batch.list_namespaced_cron_job("default").items] == [
        "client-cron"
    ]
    bad = {**body, "metadata": {"name": "bad-cron"}, "spec": {**body["spec"], "schedule": "@often"}}
    with pytest.raises(kubernetes.client.ApiException) as refused:
        batch.create_namespaced_cron_job("default", bad)
    assert refused.value.status == 422
    assert 'spec.schedule: Invalid value: \\"@often\\": unrecognized descriptor: @often' in (
        refused.value.body
    )
    batch.delete_namespaced_cron_job("client-cron", "default")
    assert batch.list_namespaced_cron_job("default").items == []
