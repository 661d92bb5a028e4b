"""The namespace controller: deleting a namespace deletes what is in it, then the namespace."""

from __future__ import annotations

from tests.controller_kit import call, cluster_with, deployment_yaml, pods, watch


def test_deleting_a_namespace_empties_it_then_removes_it():
    c = cluster_with(("*",))
    assert c.kubectl("create namespace shop").exit_code == 0
    c.kubectl("apply -n shop -f -", deployment_yaml())
    c.settle()
    assert len(pods(c, "shop")) == 3
    seen = watch(c, "/api/v1/namespaces")

    start = c.now
    result = c.kubectl("delete namespace shop")
    assert result.stdout == 'namespace "shop" deleted\n'
    assert result.exit_code == 0
    assert c.now - start >= 5  # namespaceDeletionGracePeriod before the controller acts

    assert call(c, "GET", "/api/v1/namespaces/shop").code == 404
    for path in (
        "/api/v1/namespaces/shop/pods",
        "/apis/apps/v1/namespaces/shop/deployments",
        "/apis/apps/v1/namespaces/shop/replicasets",
    ):
        listed = call(c, "GET", path)
        assert listed.ok and listed.body["items"] == []

    shop = [obj for kind, obj in seen if obj["metadata"]["name"] == "shop"]
    assert shop[0]["status"]["phase"] == "Terminating"
    assert shop[0]["spec"]["finalizers"] == ["kubernetes"]
    conditions = {x["type"]: (x["status"], x["reason"]) for x in shop[-1]["status"]["conditions"]}
    assert conditions == {
        "NamespaceDeletionDiscoveryFailure": ("False", "ResourcesDiscovered"),
        "NamespaceDeletionGroupVersionParsingFailure": ("False", "ParsedGroupVersions"),
        "NamespaceDeletionContentFailure": ("False", "ContentDeleted"),
        "NamespaceContentRemaining": ("False", "ContentRemoved"),
        "NamespaceFinalizersRemaining": ("False", "ContentHasNoFinalizers"),
    }
    assert seen[-1][0] == "DELETED"


def test_a_terminating_namespace_refuses_new_objects_and_waits_for_its_pods():
    c = cluster_with(("*",))
    c.kubectl("create namespace shop")
    c.kubectl("apply -n shop -f -", deployment_yaml(replicas=1))
    c.settle()
    pod = pods(c, "shop")[0]
    bound = call(
        c,
        "POST",
        f"/api/v1/namespaces/shop/pods/{pod['metadata']['name']}/binding",
        {
            "apiVersion": "v1",
            "kind": "Binding",
            "metadata": {"name": pod["metadata"]["name"]},
            "target": {"kind": "Node", "name": "node-1"},
        },
    )
    assert bound.ok
    c.kubectl(["delete", "namespace", "shop", "--wait=false"])
    c.advance(10)  # (settling would never end: the pod never finishes, the controller retries)
    ns = call(c, "GET", "/api/v1/namespaces/shop").body
    assert ns["status"]["phase"] == "Terminating"  # its pod is still terminating (no kubelet)
    remaining = {x["type"]: x for x in ns["status"]["conditions"]}["NamespaceContentRemaining"]
    assert remaining["status"] == "True"
    assert remaining["message"] == "Some resources are remaining: pods. has 1 resource instances"
    refused = c.kubectl("apply -n shop -f -", deployment_yaml(name="late"))
    assert refused.exit_code == 1
    assert "because it is being terminated" in refused.stderr
