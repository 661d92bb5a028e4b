"""The Kubernetes Basics tutorial (kubernetes.io/docs/tutorials/kubernetes-basics/) with the
real kubectl, its commands as the tutorial gives them, shell quoting included (the
go-templates that fill POD_NAME, NODE_PORT and AFFECTED_POD too: the real kubectl prints
them). scenarios/30-kubernetes-basics.yaml is the same lesson with Podlife's own kubectl;
where the two have the command, their answers are compared. Left out, as there: `kubectl
proxy`, `curl` and `kubectl exec`, which need a real container or network."""

from __future__ import annotations

import shlex

from tests.kubectl_real.conftest import Run, Twin, needs_running_pods, normalized

BOOTCAMP = "deployments/kubernetes-bootcamp"
IMAGE = "gcr.io/google-samples/kubernetes-bootcamp"
NAMES = "'{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'"  # the tutorial's go-template


def real(twin: Twin, line: str) -> Run:
    return twin.kube(*shlex.split(line))


def step(twin: Twin, line: str, expected: str | None = None, *, compare: bool = True) -> str:
    """Run a tutorial command with the real kubectl (it must succeed), and with the in-engine
    kubectl on the twin cluster; compare the two where the output names nothing the twins
    draw differently (pod names, IPs, node ports) and the in-engine kubectl prints it (it
    has no go-templates)."""
    run = real(twin, line)
    assert run.code == 0, (line, run.stderr)
    if expected is not None:
        assert run.stdout == expected, line
    engine = twin.engine(line)
    if compare:
        assert (normalized(engine.stdout), engine.stderr, engine.exit_code) == (
            normalized(run.stdout),
            run.stderr,
            0,
        ), line
    return run.stdout


def rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines()[1:]]


@needs_running_pods
def test_the_kubernetes_basics_tutorial_runs_literally(twin: Twin) -> None:
    # Module 2: create a Deployment (a protobuf body from kubectl's typed client).
    assert "Server Version: v1.37.0-podlife" in step(twin, "version", compare=False)
    step(twin, "get nodes")
    step(
        twin,
        f"create deployment kubernetes-bootcamp --image={IMAGE}:v1",
        "deployment.apps/kubernetes-bootcamp created\n",
    )
    assert rows(step(twin, "get deployments"))[0][:4] == ["kubernetes-bootcamp", "1/1", "1", "1"]

    # Module 3: explore the pod.
    (pod_name,) = step(twin, f"get pods -o go-template --template {NAMES}", compare=False).split()
    assert pod_name.startswith("kubernetes-bootcamp-")
    assert rows(step(twin, "get pods", compare=False))[0][1:3] == ["1/1", "Running"]
    described = step(twin, "describe pods", compare=False)
    assert f"Image:          {IMAGE}:v1" in described
    logs = step(twin, f'logs "{pod_name}"', compare=False)
    assert logs.startswith("Kubernetes Bootcamp App Started At: ")

    # Module 4: a Service, labels.
    step(twin, "get services")
    step(
        twin,
        'expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080',
        "service/kubernetes-bootcamp exposed\n",
    )
    service = step(twin, "describe services/kubernetes-bootcamp", compare=False)
    assert "Type:                     NodePort" in service
    node_port = step(
        twin,
        "get services/kubernetes-bootcamp -o go-template='{{(index .spec.ports 0).nodePort}}'",
        compare=False,
    )
    assert f"NodePort:                 <unset>  {node_port}/TCP" in service
    assert 30000 <= int(node_port) <= 32767
    assert "Selector:               app=kubernetes-bootcamp" in step(
        twin, "describe deployment", compare=False
    )
    assert len(rows(step(twin, "get pods -l app=kubernetes-bootcamp", compare=False))) == 1
    assert len(rows(step(twin, "get services -l app=kubernetes-bootcamp", compare=False))) == 1
    step(twin, f'label pods "{pod_name}" version=v1', f"pod/{pod_name} labeled\n", compare=False)
    assert "version=v1" in step(twin, f'describe pods "{pod_name}"', compare=False)
    assert rows(step(twin, "get pods -l version=v1", compare=False))[0][0] == pod_name
    step(
        twin,
        "delete service -l app=kubernetes-bootcamp",
        'service "kubernetes-bootcamp" deleted from default namespace\n',
    )
    step(twin, "get services")

    # Module 5: scale up and down.
    step(twin, "get rs", compare=False)
    step(twin, f"scale {BOOTCAMP} --replicas=4", "deployment.apps/kubernetes-bootcamp scaled\n")
    assert rows(step(twin, "get deployments"))[0][:4] == ["kubernetes-bootcamp", "4/4", "4", "4"]
    wide = rows(step(twin, "get pods -o wide", compare=False))
    assert [row[2] for row in wide] == ["Running"] * 4
    assert "4 desired | 4 updated | 4 total | 4 available" in step(
        twin, f"describe {BOOTCAMP}", compare=False
    )
    gone = real(twin, "describe services/kubernetes-bootcamp")
    assert (gone.code, gone.stderr) == (
        1,
        'Error from server (NotFound): services "kubernetes-bootcamp" not found\n',
    )
    step(twin, f"scale {BOOTCAMP} --replicas=2", "deployment.apps/kubernetes-bootcamp scaled\n")
    assert len(rows(step(twin, "get pods -o wide", compare=False))) == 2

    # Module 6: a rolling update, a bad one, and the rollback.
    step(
        twin,
        f"set image {BOOTCAMP} kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2",
        "deployment.apps/kubernetes-bootcamp image updated\n",
    )
    step(
        twin,
        'expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080',
        "service/kubernetes-bootcamp exposed\n",
    )
    step(
        twin,
        f"rollout status {BOOTCAMP}",
        'deployment "kubernetes-bootcamp" successfully rolled out\n',
    )
    pods = step(twin, "describe pods", compare=False)
    assert pods.count("Image:          docker.io/jocatalin/kubernetes-bootcamp:v2") == 2
    step(
        twin,
        f"set image {BOOTCAMP} kubernetes-bootcamp={IMAGE}:v10",
        "deployment.apps/kubernetes-bootcamp image updated\n",
    )
    statuses = [row[2] for row in rows(step(twin, "get pods", compare=False))]
    assert statuses.count("Running") == 2
    assert {"ErrImagePull", "ImagePullBackOff"} & set(statuses), statuses
    pending = "get pods --field-selector status.phase=Pending -o go-template --template"
    affected = step(twin, f"{pending} {NAMES}", compare=False).split()
    assert len(affected) == 1
    events = step(twin, f"describe pod {affected[0]}", compare=False)
    assert f"{IMAGE}:v10: not found" in events
    step(twin, f"rollout undo {BOOTCAMP}", "deployment.apps/kubernetes-bootcamp rolled back\n")
    assert [row[2] for row in rows(step(twin, "get pods", compare=False))] == ["Running"] * 2
    step(
        twin,
        f"delete {BOOTCAMP} services/kubernetes-bootcamp",
        'deployment.apps "kubernetes-bootcamp" deleted from default namespace\n'
        'service "kubernetes-bootcamp" deleted from default namespace\n',
    )
