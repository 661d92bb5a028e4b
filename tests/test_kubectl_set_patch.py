"""kubectl set image and kubectl patch.

Expected texts were checked against the real kubectl 1.37.1 talking to the same API server.
"""

from __future__ import annotations

import json

from engine.cluster import Cluster
from tests.kubectl_helpers import out, quiet_cluster, sent


def workload_cluster() -> Cluster:
    cluster = quiet_cluster()
    cluster.kubectl("create deployment web --image=nginx")
    cluster.kubectl("run pod1 --image=nginx")
    return cluster


def image_of(cluster: Cluster, line: str) -> str:
    obj = json.loads(cluster.kubectl(line).stdout)
    spec = obj["spec"].get("template", {}).get("spec") or obj["spec"]
    return str(spec["containers"][0]["image"])


def test_set_image_patches_the_pod_template() -> None:
    cluster = workload_cluster()
    result, requests = sent(cluster, "set image deployment/web nginx=nginx:1.27")
    assert out(result) == ("deployment.apps/web image updated\n", "", 0)
    assert requests == [
        "GET /apis/apps/v1/namespaces/default/deployments/web",
        "PATCH /apis/apps/v1/namespaces/default/deployments/web?fieldManager=kubectl-set",
    ]
    assert image_of(cluster, "get deploy web -o json") == "nginx:1.27"
    # the same image again: no patch, nothing printed
    result, requests = sent(cluster, "set image deployment/web nginx=nginx:1.27")
    assert out(result) == ("", "", 0)
    assert len(requests) == 1


def test_set_image_wildcard_and_pods() -> None:
    cluster = workload_cluster()
    assert out(cluster.kubectl("set image deploy/web '*=nginx:1.28'")) == (
        "deployment.apps/web image updated\n",
        "",
        0,
    )
    assert image_of(cluster, "get deploy web -o json") == "nginx:1.28"
    assert out(cluster.kubectl("set image pod/pod1 pod1=busybox")) == (
        "pod/pod1 image updated\n",
        "",
        0,
    )
    assert out(cluster.kubectl("set image deploy -l app=web nginx=nginx:1.29 -o name")) == (
        "deployment.apps/web\n",
        "",
        0,
    )


def test_set_image_errors() -> None:
    cluster = workload_cluster()
    cases = {
        "set image deploy/web app=nginx:1.27": 'error: unable to find container named "app"\n',
        "set image deploy/web": "error: at least one image update is required\n",
        "set image deploy/web '*=a' nginx=b": (
            "error: all containers are already specified by *, but saw more than one "
            "container_name=container_image pairs\n"
        ),
        "set image deploy/nope nginx=x": (
            'Error from server (NotFound): deployments.apps "nope" not found\n'
        ),
        "set image": (
            "error: You must provide one or more resources by argument or filename.\n"
            "Example resource specifications include:\n   '-f rsrc.yaml'\n"
            "   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n"
        ),
    }
    for line, stderr in cases.items():
        assert out(cluster.kubectl(line)) == ("", stderr, 1), line
    bare = cluster.kubectl("set")
    assert (bare.stdout, bare.exit_code) == ("", 1)
    assert bare.stderr.startswith("Configure application resources.\n")


def test_patch_types() -> None:
    cluster = workload_cluster()
    result, requests = sent(cluster, 'patch pod pod1 -p \'{"metadata":{"labels":{"x":"y"}}}\'')
    assert out(result) == ("pod/pod1 patched\n", "", 0)
    assert requests == [
        "GET /api/v1/namespaces/default/pods/pod1",
        "PATCH /api/v1/namespaces/default/pods/pod1?fieldManager=kubectl-patch",
    ]
    assert out(cluster.kubectl('patch pod pod1 -p \'{"metadata":{"labels":{"x":"y"}}}\'')) == (
        "pod/pod1 patched (no change)\n",
        "",
        0,
    )
    merge = "patch pod pod1 --type=merge -p 'metadata: {labels: {z: \"1\"}}'"
    assert out(cluster.kubectl(merge)) == ("pod/pod1 patched\n", "", 0)
    json_patch = (
        'patch pod pod1 --type=json -p \'[{"op":"add","path":"/metadata/labels/q","value":"2"}]\''
    )
    assert out(cluster.kubectl(json_patch)) == ("pod/pod1 patched\n", "", 0)
    assert "q=2,run=pod1,x=y,z=1" in cluster.kubectl("get pod pod1 --show-labels").stdout


def test_patch_errors() -> None:
    cluster = workload_cluster()
    cases = {
        "patch pod pod1": (
            "error: must specify --patch or --patch-file containing the contents of the patch\n"
        ),
        "patch pod pod1 --type=bogus -p '{}'": (
            'error: --type must be one of [json merge strategic], not "bogus"\n'
        ),
        "patch pod pod1 -p '{}' --patch-file=x.json": (
            "error: cannot specify --patch and --patch-file together\n"
        ),
        "patch pod pod1 --patch-file=nope.json": (
            "error: unable to read patch file: open nope.json: no such file or directory\n"
        ),
        "patch pod nope -p '{}'": 'Error from server (NotFound): pods "nope" not found\n',
        "patch pod pod1 -p 'not json'": (
            "Error from server (BadRequest): json: cannot unmarshal string into Go value of "
            "type map[string]interface {}\n"
        ),
        'patch pod pod1 --type=json -p \'[{"op":"remove","path":"/metadata/labels/no"}]\'': (
            "The request is invalid: the server rejected our request due to an error in our "
            "request\n"
        ),
    }
    for line, stderr in cases.items():
        assert out(cluster.kubectl(line)) == ("", stderr, 1), line


def test_patch_from_a_file_and_dry_run() -> None:
    cluster = workload_cluster()
    cluster.files["labels.yaml"] = "metadata:\n  labels:\n    f: '1'\n"
    assert out(cluster.kubectl("patch pod pod1 --patch-file=labels.yaml")) == (
        "pod/pod1 patched\n",
        "",
        0,
    )
    result, requests = sent(
        cluster, 'patch pod pod1 -p \'{"metadata":{"labels":{"g":"1"}}}\' --dry-run=client'
    )
    assert out(result) == ("pod/pod1 patched (dry run)\n", "", 0)
    assert requests == ["GET /api/v1/namespaces/default/pods/pod1"]
