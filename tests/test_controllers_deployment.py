"""The Deployment controller: rolling updates with upstream's arithmetic, Recreate, rollback,
pause and resume, history clean-up, proportional scaling and the progress deadline."""

from __future__ import annotations

import pytest

from engine.controllers.deployment import util
from engine.controllers.hashing import compute_hash, safe_encode_string
from tests.controller_kit import (
    cluster_with,
    deployment,
    deployment_yaml,
    messages,
    pause,
    pods,
    replicasets,
    rollout_undo,
    rs_sizes,
    run_kubelets,
    scale,
    scaling_events,
    set_image,
    watch,
)


def rolled_out(replicas: int, **kwargs):
    """A Deployment of `replicas` nginx:1.25 pods, all Running and Ready."""
    c = cluster_with()
    c.kubectl("apply -f -", deployment_yaml(replicas=replicas, **kwargs))
    run_kubelets(c)
    return c


def names(c) -> tuple[str, str]:
    """(first ReplicaSet, second ReplicaSet) by creation."""
    found = list(rs_sizes(c))
    return found[0], found[1]


@pytest.mark.parametrize(
    ("replicas", "steps"),
    [
        # 3 replicas, 25%/25%: maxSurge 1, maxUnavailable 0
        (
            3,
            [
                ("new", 0, 1),
                ("old", 3, 2),
                ("new", 1, 2),
                ("old", 2, 1),
                ("new", 2, 3),
                ("old", 1, 0),
            ],
        ),
        # 4 replicas: maxSurge 1, maxUnavailable 1
        (
            4,
            [
                ("new", 0, 1),
                ("old", 4, 3),
                ("new", 1, 2),
                ("old", 3, 1),
                ("new", 2, 4),
                ("old", 1, 0),
            ],
        ),
        # 10 replicas: maxSurge 3 (2.5 rounded up), maxUnavailable 2 (rounded down)
        (
            10,
            [
                ("new", 0, 3),
                ("old", 10, 8),
                ("new", 3, 5),
                ("old", 8, 3),
                ("new", 5, 10),
                ("old", 3, 0),
            ],
        ),
    ],
)
def test_rolling_update_follows_upstream_arithmetic(replicas, steps):
    c = rolled_out(replicas)
    set_image(c, "nginx:1.26")
    run_kubelets(c)
    old, new = names(c)
    expected = [f"Scaled up replica set {old} from 0 to {replicas}"]
    for which, before, after in steps:
        name = new if which == "new" else old
        direction = "up" if after > before else "down"
        expected.append(f"Scaled {direction} replica set {name} from {before} to {after}")
    assert scaling_events(c) == expected
    assert rs_sizes(c) == {old: 0, new: replicas}

    d = deployment(c)
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    status = d["status"]
    assert status["replicas"] == status["updatedReplicas"] == status["availableReplicas"]
    assert [(x["type"], x["status"], x["reason"], x["message"]) for x in status["conditions"]] == [
        ("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
        (
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            f'ReplicaSet "{new}" has successfully progressed.',
        ),
    ]
    new_rs = next(rs for rs in replicasets(c) if rs["metadata"]["name"] == new)
    assert new_rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    surge = util.resolve_fenceposts("25%", "25%", replicas)[0]
    assert new_rs["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] == str(
        replicas + surge
    )


def test_fenceposts():
    assert util.resolve_fenceposts("25%", "25%", 1) == (1, 0)
    assert util.resolve_fenceposts("25%", "25%", 4) == (1, 1)
    assert util.resolve_fenceposts("25%", "25%", 10) == (3, 2)
    assert util.resolve_fenceposts(0, "10%", 5) == (0, 1)  # both zero: unavailable 1
    assert util.resolve_fenceposts(2, 0, 5) == (2, 0)


def test_pod_template_hash_looks_and_behaves_like_upstreams():
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": []}}
    first = compute_hash(template, None)
    assert first == compute_hash(
        {"spec": {"containers": []}, "metadata": template["metadata"]}, None
    )
    assert set(first) <= set("456789bcdf") and 1 <= len(first) <= 10
    assert compute_hash(template, 1) != first  # a collision count changes the name
    other = {"metadata": {"labels": {"app": "web", "v": "2"}}, "spec": {"containers": []}}
    assert compute_hash(other, None) != first
    assert safe_encode_string("0123456789") == "456789bcdf"


def test_rollout_undo_reuses_the_old_replicaset_with_a_new_revision():
    c = rolled_out(3)
    set_image(c, "nginx:1.26")
    run_kubelets(c)
    first, second = names(c)

    assert rollout_undo(c) == "deployment.apps/web rolled back"
    run_kubelets(c)
    assert len(replicasets(c)) == 2  # no third ReplicaSet: the first one is found by template
    assert rs_sizes(c) == {first: 3, second: 0}
    by_name = {rs["metadata"]["name"]: rs for rs in replicasets(c)}
    annotations = by_name[first]["metadata"]["annotations"]
    assert annotations["deployment.kubernetes.io/revision"] == "3"
    assert annotations["deployment.kubernetes.io/revision-history"] == "1"
    d = deployment(c)
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.25"
    # The 10th distinct ScalingReplicaSet message on the Deployment and the ones after it
    # are combined into one event (client-go's EventCorrelator), as `kubectl describe` shows.
    assert scaling_events(c)[-1] == (
        f"(combined from similar events): Scaled down replica set {second} from 1 to 0"
    )
    assert len(scaling_events(c)) == 10
    progressing = d["status"]["conditions"][-1]
    assert progressing["message"] == f'ReplicaSet "{first}" has successfully progressed.'


def test_pause_and_resume():
    c = rolled_out(3)
    pause(c, True)
    c.settle()
    progressing = deployment(c)["status"]["conditions"][-1]
    assert (progressing["status"], progressing["reason"], progressing["message"]) == (
        "Unknown",
        "DeploymentPaused",
        "Deployment is paused",
    )
    set_image(c, "nginx:1.26")
    run_kubelets(c)
    assert len(replicasets(c)) == 1  # paused: the template change is not rolled out

    seen = watch(c, "/apis/apps/v1/namespaces/default/deployments")
    pause(c, False)
    c.settle()
    assert len(replicasets(c)) == 2
    reasons = []
    for _, d in seen:
        reason = d["status"]["conditions"][-1]["reason"]
        if not reasons or reasons[-1] != reason:
            reasons.append(reason)
    # NewReplicaSetCreated is set in the same sync as DeploymentResumed, from a copy whose
    # resourceVersion the first write made stale: upstream's write meets a 409 too, and the
    # retried sync reports progress instead.
    assert reasons == ["DeploymentPaused", "DeploymentResumed", "ReplicaSetUpdated"]
    assert any(
        e.kind == "response"
        and e.data["code"] == 409
        and e.target.endswith("deployment-controller")
        for e in c.trace
    )
    run_kubelets(c)
    _, new = names(c)
    assert rs_sizes(c)[new] == 3
    assert deployment(c)["status"]["conditions"][-1]["reason"] == "NewReplicaSetAvailable"


def test_revision_history_limit_deletes_the_oldest_empty_replicasets():
    c = rolled_out(2, extra_spec="  revisionHistoryLimit: 1\n")
    for version in ("1.26", "1.27", "1.28"):
        set_image(c, f"nginx:{version}")
        run_kubelets(c)
    images = sorted(
        rs["spec"]["template"]["spec"]["containers"][0]["image"] for rs in replicasets(c)
    )
    assert images == ["nginx:1.27", "nginx:1.28"]  # the newest, and one old one to roll back to
    notes = [
        e.summary for e in c.trace if e.kind == "reconcile" and "revisionHistoryLimit" in e.summary
    ]
    assert len(notes) == 2


def test_recreate_scales_old_pods_away_before_new_ones_start():
    c = rolled_out(3, extra_spec="  strategy:\n    type: Recreate\n")
    set_image(c, "nginx:1.26")
    c.settle()
    old_name = next(iter(rs_sizes(c)))
    # Old pods are unscheduled here, so they go at once; only then is the new one made.
    assert scaling_events(c)[1:] == [
        f"Scaled down replica set {old_name} from 3 to 0",
        f"Scaled up replica set {names(c)[1]} from 0 to 3",
    ]
    assert not any(p["metadata"]["labels"]["pod-template-hash"] in old_name for p in pods(c))


def test_scaling_mid_rollout_is_proportional():
    c = rolled_out(10)
    set_image(c, "nginx:1.26")
    c.settle()  # the new pods never become ready: the rollout is stuck half way
    old, new = names(c)
    assert rs_sizes(c) == {old: 8, new: 5}

    scale(c, 20)
    c.settle()
    # 13 pods allowed before (10 + 3), 25 now (20 + 5): +12 shared 8:5 between the two.
    sizes = rs_sizes(c)
    assert sizes == {old: 15, new: 10}
    assert scaling_events(c)[-2:] == [
        f"Scaled up replica set {old} from 8 to 15",
        f"Scaled up replica set {new} from 5 to 10",
    ]
    for rs in replicasets(c):
        assert rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] == "20"
        assert rs["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] == "25"


def test_progress_deadline_exceeded():
    c = cluster_with()
    c.kubectl("apply -f -", deployment_yaml(extra_spec="  progressDeadlineSeconds: 30\n"))
    assert c.settle()  # the deadline re-check is a timer: it does not hold the cluster busy
    (rs,) = replicasets(c)
    name = rs["metadata"]["name"]
    progressing = deployment(c)["status"]["conditions"][-1]
    assert progressing["reason"] == "ReplicaSetUpdated"
    c.advance(40)
    c.settle()
    progressing = deployment(c)["status"]["conditions"][-1]
    assert (progressing["status"], progressing["reason"], progressing["message"]) == (
        "False",
        "ProgressDeadlineExceeded",
        f'ReplicaSet "{name}" has timed out progressing.',
    )
    available = deployment(c)["status"]["conditions"][0]
    assert (available["type"], available["status"], available["reason"]) == (
        "Available",
        "False",
        "MinimumReplicasUnavailable",
    )


def test_events_say_who_scaled_what():
    c = rolled_out(3)
    set_image(c, "nginx:1.26")
    run_kubelets(c)
    assert all(m.startswith("Scaled ") for m in messages(c, "ScalingReplicaSet"))
    described = c.kubectl("get events").stdout
    assert "ScalingReplicaSet   deployment/web" in described
