"""kubectl rollout status / history / undo / pause / resume / restart.

Expected texts were checked against the real kubectl 1.37.1 talking to the same API server.
The history tests build a Deployment's ReplicaSets through the API, as the Deployment
controller would have, on a cluster without controllers; the last test runs a real rollout.
"""

from __future__ import annotations

import copy
import json

from engine.cluster import Cluster
from tests.kubectl_helpers import call, out, quiet_cluster, sent

DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
CHANGE_CAUSE = "kubectl set image deployment/web nginx=nginx:1.27"


def with_history() -> Cluster:
    """Deployment `web` at revision 2 (nginx:1.27), revision 1 (nginx:1.26) kept."""
    cluster = quiet_cluster()
    cluster.kubectl("create deployment web --image=nginx")
    deploy = call(cluster, "GET", f"{DEPLOYMENTS}/web")
    for revision, (hash_, image) in enumerate(
        [("5b944d484", "nginx:1.26"), ("7c5ddbdf54", "nginx:1.27")], start=1
    ):
        template = copy.deepcopy(deploy["spec"]["template"])
        template["metadata"]["labels"]["pod-template-hash"] = hash_
        template["spec"]["containers"][0]["image"] = image
        annotations = {"deployment.kubernetes.io/revision": str(revision)}
        if revision == 2:
            annotations["kubernetes.io/change-cause"] = CHANGE_CAUSE
        owner = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": "web",
            "uid": deploy["metadata"]["uid"],
            "controller": True,
        }
        call(
            cluster,
            "POST",
            "/apis/apps/v1/namespaces/default/replicasets",
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {
                    "name": f"web-{hash_}",
                    "annotations": annotations,
                    "labels": {"app": "web", "pod-template-hash": hash_},
                    "ownerReferences": [owner],
                },
                "spec": {
                    "replicas": revision - 1,
                    "template": template,
                    "selector": {"matchLabels": {"app": "web", "pod-template-hash": hash_}},
                },
            },
        )
    template = copy.deepcopy(deploy["spec"]["template"])
    template["spec"]["containers"][0]["image"] = "nginx:1.27"
    call(
        cluster,
        "PATCH",
        f"{DEPLOYMENTS}/web",
        {
            "metadata": {"annotations": {"deployment.kubernetes.io/revision": "2"}},
            "spec": {"template": template},
        },
        "application/merge-patch+json",
    )
    return cluster


def set_status(cluster: Cluster, status: dict[str, object]) -> None:
    deploy = call(cluster, "GET", f"{DEPLOYMENTS}/web")
    deploy["status"] = {"observedGeneration": deploy["metadata"]["generation"], **status}
    call(cluster, "PUT", f"{DEPLOYMENTS}/web/status", deploy)


def test_history_table_and_one_revision() -> None:
    cluster = with_history()
    result, requests = sent(cluster, "rollout history deploy/web")
    assert out(result) == (
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n"
        f"2         {CHANGE_CAUSE}\n\n",
        "",
        0,
    )
    assert requests == [
        f"GET {DEPLOYMENTS}/web",
        f"GET {DEPLOYMENTS}/web",
        "GET /apis/apps/v1/namespaces/default/replicasets?labelSelector=app=web",
    ]
    assert cluster.kubectl("rollout history deploy/web --revision=1").stdout == (
        "deployment.apps/web with revision #1\nPod Template:\n  Labels:\tapp=web\n"
        "\tpod-template-hash=5b944d484\n  Containers:\n   nginx:\n    Image:\tnginx:1.26\n"
        "    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n"
        "    Mounts:\t<none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n"
        "  Tolerations:\t<none>\n\n"
    )
    assert out(cluster.kubectl("rollout history deploy/web --revision=5")) == (
        "",
        "error: unable to find the specified revision\n",
        1,
    )


def test_history_of_a_deployment_without_replicasets() -> None:
    cluster = quiet_cluster()
    cluster.kubectl("create deployment fresh --image=nginx")
    assert out(cluster.kubectl("rollout history deploy/fresh")) == (
        "deployment.apps/fresh \nNo rollout history found.\n",
        "",
        0,
    )
    assert out(cluster.kubectl("rollout undo deploy/fresh")) == (
        "",
        'error: no rollout history found for deployment "fresh"\n',
        1,
    )


def test_undo_restores_the_previous_template_with_a_json_patch() -> None:
    cluster = with_history()
    result, requests = sent(cluster, "rollout undo deploy/web")
    assert out(result) == ("deployment.apps/web rolled back\n", "", 0)
    assert requests[-1] == f"PATCH {DEPLOYMENTS}/web"
    deploy = json.loads(cluster.kubectl("get deploy web -o json").stdout)
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"
    assert "pod-template-hash" not in deploy["spec"]["template"]["metadata"]["labels"]
    assert out(cluster.kubectl("rollout undo deploy/web --to-revision=1")) == (
        "deployment.apps/web skipped rollback (current template already matches revision 1)\n",
        "",
        0,
    )
    assert out(cluster.kubectl("rollout undo deploy/web --to-revision=9")) == (
        "",
        "error: unable to find specified revision 9 in history\n",
        1,
    )
    assert out(cluster.kubectl("rollout undo deploy/web --to-revision=2")) == (
        "deployment.apps/web rolled back\n",
        "",
        0,
    )
    assert json.loads(cluster.kubectl("get deploy web -o json").stdout)["metadata"][
        "annotations"
    ] == {"deployment.kubernetes.io/revision": "2", "kubernetes.io/change-cause": CHANGE_CAUSE}


def test_pause_resume_restart() -> None:
    cluster = with_history()
    assert out(cluster.kubectl("rollout pause deploy/web")) == (
        "deployment.apps/web paused\n",
        "",
        0,
    )
    assert out(cluster.kubectl("rollout pause deploy/web")) == (
        "",
        'error: deployments.apps "web" is already paused\n',
        1,
    )
    assert out(cluster.kubectl("rollout undo deploy/web")) == (
        "",
        "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout "
        "resume' and try again\n",
        1,
    )
    assert out(cluster.kubectl("rollout restart deploy/web")) == (
        "",
        'error: deployments.apps "web" can\'t restart paused deployment (run rollout resume '
        "first)\n",
        1,
    )
    assert out(cluster.kubectl("rollout resume deploy/web")) == (
        "deployment.apps/web resumed\n",
        "",
        0,
    )
    assert out(cluster.kubectl("rollout resume deploy/web")) == (
        "",
        'error: deployments.apps "web" is not paused\n',
        1,
    )
    assert out(cluster.kubectl("rollout restart deploy/web")) == (
        "deployment.apps/web restarted\n",
        "",
        0,
    )
    template = json.loads(cluster.kubectl("get deploy web -o json").stdout)["spec"]["template"]
    assert template["metadata"]["annotations"] == {
        "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z"
    }
    # the same virtual second: the patch would change nothing
    assert cluster.kubectl("rollout restart deploy/web").stderr == (
        "error: failed to create patch for web: if restart has already been triggered within "
        "the past second, please wait before attempting to trigger another\n"
    )


def test_rollout_errors() -> None:
    cluster = with_history()
    cluster.kubectl("run pod1 --image=nginx")
    cases = {
        "rollout status": "error: required resource not specified\n",
        "rollout history pod/pod1": 'error: no history viewer has been implemented for "Pod"\n',
        "rollout undo pod/pod1": 'error: no rollbacker has been implemented for "Pod"\n',
        "rollout status pod/pod1": "error: no status viewer has been implemented for Pod\n",
        "rollout pause pod/pod1": 'error: pods "pod1" pausing is not supported\n',
        "rollout status deploy/web --revision=-1": (
            "error: revision must be a positive integer: -1\n"
        ),
        "rollout status deploy/nope": (
            'Error from server (NotFound): deployments.apps "nope" not found\n'
        ),
    }
    for line, stderr in cases.items():
        assert out(cluster.kubectl(line)) == ("", stderr, 1), line
    bare = cluster.kubectl("rollout")
    assert (bare.stdout.splitlines()[0], bare.stderr, bare.exit_code) == (
        "Manage the rollout of one or many resources.",
        "",
        1,
    )


def test_status_lines_follow_the_deployment_status() -> None:
    cluster = with_history()
    assert out(cluster.kubectl("rollout status deploy/web --timeout=1s")) == (
        "Waiting for deployment spec update to be observed...\n",
        "error: timed out waiting for the condition\n",
        1,
    )
    set_status(cluster, {"replicas": 2, "updatedReplicas": 0})
    assert cluster.kubectl("rollout status deploy/web --watch=false").stdout == (
        'Waiting for deployment "web" rollout to finish: 0 out of 1 new replicas have been '
        "updated...\n"
    )
    set_status(
        cluster, {"replicas": 2, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1}
    )
    assert cluster.kubectl("rollout status deploy/web --watch=false").stdout == (
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending '
        "termination...\n"
    )
    set_status(
        cluster, {"replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1}
    )
    assert out(cluster.kubectl("rollout status deploy/web")) == (
        'deployment "web" successfully rolled out\n',
        "",
        0,
    )
    assert cluster.kubectl("rollout status deploy/web --revision=3").stderr == (
        "error: desired revision (3) is different from the running revision (2)\n"
    )


def test_a_real_rollout_end_to_end() -> None:
    cluster = Cluster(seed=1)
    cluster.kubectl("create deployment web --image=nginx --replicas=2")
    first = cluster.kubectl("rollout status deploy/web")
    assert first.exit_code == 0
    assert first.stdout.splitlines()[0] == "Waiting for deployment spec update to be observed..."
    assert first.stdout.endswith('deployment "web" successfully rolled out\n')
    cluster.kubectl("set image deploy/web nginx=nginx:1.27")
    second = cluster.kubectl("rollout status deploy/web")
    assert second.exit_code == 0
    assert "rollout to finish: 1 out of 2 new replicas have been updated...\n" in second.stdout
    assert second.stdout.endswith('deployment "web" successfully rolled out\n')
    assert cluster.kubectl("rollout history deploy/web").stdout == (
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    )
    assert cluster.kubectl("rollout undo deploy/web").stdout == "deployment.apps/web rolled back\n"
    assert cluster.kubectl("rollout status deploy/web").exit_code == 0
    assert cluster.kubectl("rollout history deploy/web").stdout.splitlines()[2:4] == [
        "2         <none>",
        "3         <none>",
    ]
