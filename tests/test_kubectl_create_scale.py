"""kubectl create deployment / create namespace / run / scale: what they send and print.

Expected texts were checked against the real kubectl 1.37.1 talking to the same API server.
"""

from __future__ import annotations

import json

from engine.cluster import Cluster
from tests.kubectl_helpers import out, quiet_cluster, sent

USAGE_NAME = (
    "error: exactly one NAME is required, got {}\n"
    "See 'kubectl create {} -h' for help and examples\n"
)


def test_create_deployment_posts_the_generated_object() -> None:
    cluster = quiet_cluster()
    result, requests = sent(cluster, "create deployment web --image=nginx --replicas=2 --port=80")
    assert out(result) == ("deployment.apps/web created\n", "", 0)
    assert requests == [
        "POST /apis/apps/v1/namespaces/default/deployments"
        "?fieldManager=kubectl-create&fieldValidation=Strict"
    ]
    deploy = json.loads(cluster.kubectl("get deploy web -o json").stdout)
    assert deploy["metadata"]["labels"] == {"app": "web"}
    assert deploy["spec"]["selector"] == {"matchLabels": {"app": "web"}}
    assert deploy["spec"]["replicas"] == 2
    container = deploy["spec"]["template"]["spec"]["containers"][0]
    assert (container["name"], container["ports"]) == (
        "nginx",
        [{"containerPort": 80, "protocol": "TCP"}],
    )


def test_create_deployment_dry_run_prints_kubectls_own_object() -> None:
    result = quiet_cluster().kubectl(
        "create deployment web3 --image=nginx,redis --dry-run=client -o yaml"
    )
    assert result.stdout == (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web3\n"
        "  name: web3\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web3\n"
        "  strategy: {}\n  template:\n    metadata:\n      labels:\n        app: web3\n"
        "    spec:\n      containers:\n      - image: nginx\n        name: nginx\n"
        "        resources: {}\n      - image: redis\n        name: redis\n"
        "        resources: {}\nstatus: {}\n"
    )


def test_create_deployment_errors() -> None:
    cluster = quiet_cluster()
    assert out(cluster.kubectl("create deployment web")) == (
        "",
        'error: required flag(s) "image" not set\n',
        1,
    )
    assert out(cluster.kubectl("create deployment x y --image=a")) == (
        "",
        USAGE_NAME.format(2, "deployment"),
        1,
    )
    assert out(cluster.kubectl("create deployment w --image=a --image=b -- sleep 1")) == (
        "",
        "error: cannot specify multiple --image options and command\n",
        1,
    )
    cluster.kubectl("create deploy web --image=nginx")  # the `deploy` alias
    assert out(cluster.kubectl("create deployment web --image=nginx")) == (
        "",
        'error: failed to create deployment: deployments.apps "web" already exists\n',
        1,
    )
    invalid = cluster.kubectl("create deployment Web --image=nginx").stderr
    assert invalid.startswith(
        'error: failed to create deployment: Deployment.apps "Web" is invalid: metadata.name: '
        'Invalid value: "Web": a lowercase RFC 1123 subdomain'
    )


def test_create_namespace() -> None:
    cluster = quiet_cluster()
    assert out(cluster.kubectl("create namespace dev")) == ("namespace/dev created\n", "", 0)
    assert out(cluster.kubectl("create ns dev")) == (
        "",
        'Error from server (AlreadyExists): namespaces "dev" already exists\n',
        1,
    )
    assert out(cluster.kubectl("create ns a b")) == ("", USAGE_NAME.format(2, "namespace"), 1)
    assert cluster.kubectl("create namespace x --dry-run=client -o json").stdout == (
        '{\n    "kind": "Namespace",\n    "apiVersion": "v1",\n    "metadata": {\n'
        '        "name": "x"\n    },\n    "spec": {},\n    "status": {}\n}\n'
    )


def test_run_creates_a_labelled_pod() -> None:
    cluster = quiet_cluster()
    result, requests = sent(cluster, "run web --image=nginx")
    assert out(result) == ("pod/web created\n", "", 0)
    assert requests == ["POST /api/v1/namespaces/default/pods?fieldManager=kubectl-run"]
    assert "run=web" in cluster.kubectl("get pod web --show-labels").stdout
    assert out(cluster.kubectl("run web --image=nginx")) == (
        "",
        'Error from server (AlreadyExists): pods "web" already exists\n',
        1,
    )


def test_run_flags_shape_the_pod() -> None:
    line = (
        "run web2 --image=nginx:1.27 --port=80 --labels=a=b,c=d --restart=Never "
        "--env=FOO=bar --env=X=1,Y=2 --dry-run=client -o json --command -- sleep 3600"
    )
    pod = json.loads(quiet_cluster().kubectl(line).stdout)
    assert pod == {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {"name": "web2", "labels": {"a": "b", "c": "d"}},
        "spec": {
            "containers": [
                {
                    "name": "web2",
                    "image": "nginx:1.27",
                    "command": ["sleep", "3600"],
                    "ports": [{"containerPort": 80}],
                    "env": [{"name": "FOO", "value": "bar"}, {"name": "X", "value": "1,Y=2"}],
                    "resources": {},
                }
            ],
            "restartPolicy": "Never",
            "dnsPolicy": "ClusterFirst",
        },
        "status": {},
    }


def test_run_errors() -> None:
    cluster = quiet_cluster()
    cases = {
        "run": 'error: required flag(s) "image" not set\n',
        "run --image=nginx": "error: NAME is required for run\n",
        "run a --image=nginx --restart=Bogus": (
            "error: invalid restart policy: Bogus, valid values are: Always, OnFailure, Never\n"
        ),
        "run a --image=nginx --port=abc": "error: --port must be a number\n",
        "run a --image=nginx --env=FOO": "error: invalid env: FOO\n",
        "run a --image=nginx --labels=bad": "error: unexpected label spec: bad\n",
        "run a --image='bad image'": (
            'error: invalid image name "bad image": invalid reference format\n'
        ),
        "run a --image=nginx --image-pull-policy=Sometimes": (
            "error: invalid image pull policy: Sometimes, valid values are: Always, "
            "IfNotPresent, Never\n"
        ),
    }
    for line, stderr in cases.items():
        assert out(cluster.kubectl(line)) == ("", stderr, 1), line


def test_scale_patches_the_scale_subresource() -> None:
    cluster = quiet_cluster()
    cluster.kubectl("create deployment web --image=nginx")
    result, requests = sent(cluster, "scale deploy web --replicas=3")
    assert out(result) == ("deployment.apps/web scaled\n", "", 0)
    assert requests == [
        "GET /apis/apps/v1/namespaces/default/deployments/web",
        "PATCH /apis/apps/v1/namespaces/default/deployments/web/scale",
    ]
    assert "0/3" in cluster.kubectl("get deploy web").stdout


def test_scale_preconditions_read_then_put_the_scale() -> None:
    cluster = quiet_cluster()
    cluster.kubectl("create deployment web --image=nginx")
    assert out(cluster.kubectl("scale deploy/web --replicas=3 --current-replicas=2")) == (
        "",
        "error: Expected replicas to be 2, was 1\n",
        1,
    )
    result, requests = sent(cluster, "scale deploy/web --replicas=4 --current-replicas=1")
    assert out(result) == ("deployment.apps/web scaled\n", "", 0)
    assert requests[1:] == [
        "GET /apis/apps/v1/namespaces/default/deployments/web/scale",
        "PUT /apis/apps/v1/namespaces/default/deployments/web/scale",
    ]
    stale = cluster.kubectl("scale deploy web --replicas=1 --resource-version=1").stderr
    assert stale.startswith("error: Expected resource version to be 1, was ")


def test_scale_errors() -> None:
    cluster = quiet_cluster()
    cluster.kubectl("create deployment web --image=nginx")
    cluster.kubectl("run pod1 --image=nginx")
    cases = {
        "scale deploy web": ('error: required flag(s) "replicas" not set\n'),
        "scale deploy web --replicas=-1": (
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or "
            "equal to 0\n"
        ),
        "scale deploy --replicas=2": (
            "error: resource(s) were provided, but no name was specified\n"
        ),
        "scale deploy nope --replicas=2": (
            'Error from server (NotFound): deployments.apps "nope" not found\n'
        ),
        "scale deploy -l app=nope --replicas=2": "error: no objects passed to scale\n",
        "scale pod pod1 --replicas=2": (
            "Error from server (NotFound): the server could not find the requested resource\n"
        ),
        "scale deploy web --replicas=2 --dry-run=bogus": (
            'error: Invalid dry-run value (bogus). Must be "none", "server", or "client".\n'
        ),
    }
    for line, stderr in cases.items():
        assert out(cluster.kubectl(line)) == ("", stderr, 1), line
    assert out(cluster.kubectl("scale deploy --all --replicas=2 --dry-run=client")) == (
        "deployment.apps/web scaled (dry run)\n",
        "",
        0,
    )


def test_scale_starts_pods_when_the_control_plane_runs() -> None:
    cluster = Cluster(seed=1)
    cluster.kubectl("create deployment web --image=nginx")
    cluster.kubectl("scale deploy web --replicas=3")
    cluster.settle()
    assert "3/3" in cluster.kubectl("get deploy web").stdout
