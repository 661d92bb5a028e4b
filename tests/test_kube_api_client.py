"""The official Python client (`kubernetes`) against the real web server (`python app.py`),
on the `default` cluster the server creates at start: create, list, watch and delete pods and
deployments. This also covers the web session path (SessionHost): no page is attached, so
time catches up on each request."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

kubernetes = pytest.importorskip("kubernetes")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("client") / "kubeconfig"
    server = subprocess.Popen(
        # The API's TLS port (web/kube_api/door.py): the kubeconfig points there.
        [sys.executable, "app.py", "--port", str(_free_port()), "--api-port", str(_free_port())],
        cwd=ROOT,
        env={**os.environ, "PODLIFE_KUBECONFIG": str(path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not path.exists() and time.monotonic() < deadline and server.poll() is None:
        time.sleep(0.1)
    try:
        if not path.exists():
            pytest.fail("the server wrote no kubeconfig for its default cluster")
        yield path
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def api_client(kubeconfig: Path) -> Iterator[Any]:
    client = kubernetes.config.new_client_from_config(config_file=str(kubeconfig))
    yield client
    client.close()


def _pod(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
    }


def test_pods_create_list_watch_delete(api_client: Any) -> None:
    core = kubernetes.client.CoreV1Api(api_client)
    created = core.create_namespaced_pod("default", _pod("client-pod"))
    assert created.metadata.name == "client-pod"
    assert created.metadata.uid
    names = [p.metadata.name for p in core.list_namespaced_pod("default").items]
    assert "client-pod" in names
    watch = kubernetes.watch.Watch()
    seen = []
    for event in watch.stream(
        core.list_namespaced_pod,
        "default",
        label_selector="app=client-pod",
        timeout_seconds=2,
    ):
        seen.append((event["type"], event["object"].metadata.name))
        watch.stop()
    assert seen == [("ADDED", "client-pod")]
    core.delete_namespaced_pod("client-pod", "default", grace_period_seconds=0)
    with pytest.raises(kubernetes.client.ApiException) as missing:
        core.read_namespaced_pod("client-pod", "default")
    assert missing.value.status == 404


def test_nodes_read_into_the_clients_models(api_client: Any) -> None:
    """The client validates what it reads: a field the real server always sends (even empty)
    must be there."""
    core = kubernetes.client.CoreV1Api(api_client)
    nodes = core.list_node().items
    assert [n.metadata.name for n in nodes] == ["node-1", "node-2", "node-3"]
    node = core.read_node("node-1")
    assert node.status.node_info.kubelet_version.startswith("v1.37")
    assert node.status.node_info.kube_proxy_version == ""


def test_deployments_create_list_delete(api_client: Any) -> None:
    apps = kubernetes.client.AppsV1Api(api_client)
    body = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "client-deploy"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "client-deploy"}},
            "template": {
                "metadata": {"labels": {"app": "client-deploy"}},
                "spec": _pod("x")["spec"],
            },
        },
    }
    created = apps.create_namespaced_deployment("default", body)
    assert created.spec.replicas == 2
    listed = apps.list_namespaced_deployment("default")
    assert [d.metadata.name for d in listed.items] == ["client-deploy"]
    status = apps.delete_namespaced_deployment("client-deploy", "default")
    status = status if isinstance(status, dict) else status.to_dict()
    assert status["status"] == "Success"
    assert apps.list_namespaced_deployment("default").items == []


def test_service_accounts_create_read_list_watch_patch_delete(api_client: Any) -> None:
    core = kubernetes.client.CoreV1Api(api_client)
    accounts = [a.metadata.name for a in core.list_namespaced_service_account("default").items]
    assert accounts == ["default"]  # the serviceaccount controller's
    body = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "robot"}}
    created = core.create_namespaced_service_account("default", body)
    assert created.metadata.uid
    watch = kubernetes.watch.Watch()
    for event in watch.stream(
        core.list_namespaced_service_account,
        "default",
        field_selector="metadata.name=robot",
        timeout_seconds=2,
    ):
        assert (event["type"], event["object"].metadata.name) == ("ADDED", "robot")
        watch.stop()
    patch = {"automountServiceAccountToken": False, "imagePullSecrets": [{"name": "regcred"}]}
    patched = core.patch_namespaced_service_account("robot", "default", patch)
    assert patched.automount_service_account_token is False
    read = core.read_namespaced_service_account("robot", "default")
    assert [s.name for s in read.image_pull_secrets] == ["regcred"]
    core.delete_namespaced_service_account("robot", "default")
    with pytest.raises(kubernetes.client.ApiException) as missing:
        core.read_namespaced_service_account("robot", "default")
    assert missing.value.status == 404


def test_a_service_account_token_and_the_ca_bundle(api_client: Any) -> None:
    """TokenRequest (create_namespaced_service_account_token) into the client's models, and
    the CA bundle every namespace has."""
    core = kubernetes.client.CoreV1Api(api_client)
    request = kubernetes.client.AuthenticationV1TokenRequest(
        spec=kubernetes.client.V1TokenRequestSpec(audiences=["vault"], expiration_seconds=7200)
    )
    answer = core.create_namespaced_service_account_token("default", "default", request)
    assert answer.spec.audiences == ["vault"] and answer.spec.expiration_seconds == 7200
    assert answer.status.token.count(".") == 2 and answer.status.expiration_timestamp
    bundle = core.read_namespaced_config_map("kube-root-ca.crt", "default")
    assert bundle.data["ca.crt"].startswith("-----BEGIN CERTIFICATE-----")


def test_the_client_talks_tls_with_the_kubeconfigs_ca(kubeconfig: Path) -> None:
    cluster = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]
    assert cluster["server"].startswith("https://") and cluster["certificate-authority-data"]


def test_exec_through_the_stream_module(api_client: Any) -> None:
    """kubernetes.stream.stream over WebSocket: output, the exit code on the error channel,
    stdin to an interactive shell."""
    from kubernetes.stream import stream

    core = kubernetes.client.CoreV1Api(api_client)
    body = _pod("client-shell")
    body["spec"]["containers"][0].update(image="busybox:1.36", command=["sleep", "3600"])
    core.create_namespaced_pod("default", body)
    deadline = time.monotonic() + 30
    while core.read_namespaced_pod("client-shell", "default").status.phase != "Running":
        assert time.monotonic() < deadline, "the pod never ran"
        time.sleep(0.2)

    def open_(command: list[str], stdin: bool = False) -> Any:
        # _preload_content=False: the client is ours to close (the preloading form leaves
        # its socket open).
        return stream(
            core.connect_get_namespaced_pod_exec,
            "client-shell",
            "default",
            command=command,
            stderr=True,
            stdin=stdin,
            stdout=True,
            tty=False,
            _preload_content=False,
        )

    def close(client: Any) -> None:
        client.close()
        client.sock.shutdown()  # websocket-client's close shuts the socket down, never closes it

    done = open_(["sh", "-c", "echo hi; hostname"])
    done.run_forever(timeout=10)
    assert (done.read_stdout(), done.returncode) == ("hi\nclient-shell\n", 0)
    close(done)
    failing = open_(["sh", "-c", "echo oops >&2; exit 3"])
    failing.run_forever(timeout=10)
    assert (failing.read_stderr(), failing.returncode) == ("oops\n", 3)
    close(failing)
    shell = open_(["sh"], stdin=True)
    shell.write_stdin("cd /etc; ls\n")
    text = ""
    while "resolv.conf" not in text and shell.is_open():
        shell.update(timeout=1)
        text += shell.read_stdout()
    assert text == "hostname\nhosts\nresolv.conf\n"
    shell.write_stdin("exit 5\n")
    shell.run_forever(timeout=10)
    assert shell.returncode == 5
    close(shell)
    core.delete_namespaced_pod("client-shell", "default", grace_period_seconds=0)


def test_rbac_create_read_list_watch_patch_delete_and_a_review(api_client: Any) -> None:
    rbac = kubernetes.client.RbacAuthorizationV1Api(api_client)
    assert "cluster-admin" in [r.metadata.name for r in rbac.list_cluster_role().items]
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "pod-reader"},
        "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}],
    }
    assert rbac.create_namespaced_role("default", role).metadata.uid
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "read-pods"},
        "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "default"}],
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
    }
    rbac.create_namespaced_role_binding("default", binding)
    watch = kubernetes.watch.Watch()
    for event in watch.stream(rbac.list_namespaced_role_binding, "default", timeout_seconds=2):
        assert (event["type"], event["object"].role_ref.name) == ("ADDED", "pod-reader")
        watch.stop()
    rule = {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}
    patched = rbac.patch_namespaced_role("pod-reader", "default", {"rules": [rule]})
    assert patched.rules[0].verbs == ["get", "list", "watch"]
    assert rbac.read_namespaced_role_binding("read-pods", "default").subjects[0].kind == (
        "ServiceAccount"
    )
    authz = kubernetes.client.AuthorizationV1Api(api_client)
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": {"verb": "delete", "resource": "pods"}},
    }
    assert authz.create_self_subject_access_review(review).status.allowed is True
    rbac.delete_namespaced_role_binding("read-pods", "default")
    rbac.delete_namespaced_role("pod-reader", "default")
    with pytest.raises(kubernetes.client.ApiException) as missing:
        rbac.read_namespaced_role("pod-reader", "default")
    assert missing.value.status == 404


def test_without_the_token_the_server_says_unauthorized(kubeconfig: Path) -> None:
    configuration = kubernetes.client.Configuration()
    loader = kubernetes.config.kube_config.KubeConfigLoader(
        config_dict=yaml.safe_load(kubeconfig.read_text())
    )
    loader.load_and_set(configuration)
    configuration.host = configuration.host.split("/token/")[0]
    configuration.api_key = {}
    with (
        kubernetes.client.ApiClient(configuration) as client,
        pytest.raises(kubernetes.client.ApiException) as refused,
    ):
        kubernetes.client.CoreV1Api(client).list_namespaced_pod("default")
    assert refused.value.status == 401


def test_networking_ingresses_classes_and_policies(api_client: Any) -> None:
    net = kubernetes.client.NetworkingV1Api(api_client)
    net.create_ingress_class(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "IngressClass",
            "metadata": {
                "name": "client-class",
                "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"},
            },
            "spec": {"controller": "example.com/ingress-controller"},
        }
    )
    backend = {"service": {"name": "web", "port": {"number": 80}}}
    rule = {"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}}
    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "client-ing"},
        "spec": {"rules": [rule]},
    }
    created = net.create_namespaced_ingress("default", ingress)
    # DefaultIngressClass admission gave it the default class.
    assert created.spec.ingress_class_name == "client-class"
    assert created.spec.rules[0].http.paths[0].backend.service.port.number == 80
    # What an ingress controller would write, through the status subresource.
    status = {"status": {"loadBalancer": {"ingress": [{"ip": "172.18.0.100"}]}}}
    patched = net.patch_namespaced_ingress_status("client-ing", "default", status)
    assert patched.status.load_balancer.ingress[0].ip == "172.18.0.100"
    rule["http"]["paths"][0]["pathType"] = "Everything"
    with pytest.raises(kubernetes.client.ApiException) as refused:
        net.create_namespaced_ingress("default", {**ingress, "metadata": {"name": "bad"}})
    assert refused.value.status == 422
    causes = yaml.safe_load(refused.value.body)["details"]["causes"]
    assert causes == [
        {
            "reason": "FieldValueNotSupported",
            "message": 'Unsupported value: "Everything": supported values: "Exact", '
            '"ImplementationSpecific", "Prefix"',
            "field": "spec.rules[0].http.paths[0].pathType",
        }
    ]
    policy = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "client-deny"},
        "spec": {"podSelector": {}, "egress": [{"ports": [{"port": 53}]}]},
    }
    made = net.create_namespaced_network_policy("default", policy)
    assert made.spec.policy_types == ["Ingress", "Egress"]
    assert made.spec.egress[0].ports[0].protocol == "TCP"
    listed = net.list_namespaced_network_policy("default")
    assert [p.metadata.name for p in listed.items] == ["client-deny"]
    net.delete_namespaced_network_policy("client-deny", "default")
    net.delete_namespaced_ingress("client-ing", "default")
    net.delete_ingress_class("client-class")
    assert net.list_namespaced_ingress("default").items == []


def test_horizontal_pod_autoscalers(api_client: Any) -> None:
    apps = kubernetes.client.AppsV1Api(api_client)
    scaling = kubernetes.client.AutoscalingV2Api(api_client)
    template = {"metadata": {"labels": {"app": "hpa-web"}}, "spec": _pod("x")["spec"]}
    apps.create_namespaced_deployment(
        "default",
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "hpa-web"},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": "hpa-web"}},
                "template": template,
            },
        },
    )
    body = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "hpa-web"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "hpa-web"},
            "minReplicas": 2,
            "maxReplicas": 4,
        },
    }
    created = scaling.create_namespaced_horizontal_pod_autoscaler("default", body)
    # SetDefaults_HorizontalPodAutoscaler: 80% CPU when no metric is given.
    assert created.spec.metrics[0].resource.target.average_utilization == 80
    # A new HPA's status, as the client's models read it (the HPA controller first looks 15 s
    # later: its conditions are twin-tested in tests/kubectl_real/test_autoscaling.py).
    read = scaling.read_namespaced_horizontal_pod_autoscaler("hpa-web", "default")
    assert (read.status.desired_replicas, read.status.current_metrics) == (0, None)
    assert read.spec.scale_target_ref.kind == "Deployment"
    listed = scaling.list_namespaced_horizontal_pod_autoscaler("default")
    assert [h.metadata.name for h in listed.items] == ["hpa-web"]
    body["spec"]["maxReplicas"] = 1
    with pytest.raises(kubernetes.client.ApiException) as refused:
        scaling.create_namespaced_horizontal_pod_autoscaler(
            "default", {**body, "metadata": {"name": "bad"}}
        )
    assert refused.value.status == 422
    scaling.delete_namespaced_horizontal_pod_autoscaler("hpa-web", "default")
    apps.delete_namespaced_deployment("hpa-web", "default")


def test_replication_controllers_scale_status_and_cascading_delete(api_client: Any) -> None:
    """The docs' ReplicationController through CoreV1Api: the client's models read what the
    server defaults and reports, its autoscaling/v1 Scale, and a foreground delete."""
    core = kubernetes.client.CoreV1Api(api_client)
    template = {"metadata": {"labels": {"app": "client-rc"}}, "spec": _pod("x")["spec"]}
    body = {
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": {"name": "client-rc"},
        "spec": {"replicas": 3, "template": template},
    }
    created = core.create_namespaced_replication_controller("default", body)
    assert created.spec.selector == {"app": "client-rc"}  # defaulted from the template
    assert created.metadata.labels == {"app": "client-rc"}
    scale = core.read_namespaced_replication_controller_scale("client-rc", "default")
    assert (scale.spec.replicas, scale.status.selector) == (3, "app=client-rc")
    scale.spec.replicas = 2
    core.replace_namespaced_replication_controller_scale("client-rc", "default", scale)

    def pods() -> list[Any]:
        listed = core.list_namespaced_pod("default", label_selector="app=client-rc").items
        return [p for p in listed if p.metadata.deletion_timestamp is None]

    deadline = time.monotonic() + 20
    while len(pods()) != 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [p.metadata.owner_references[0].kind for p in pods()] == ["ReplicationController"] * 2
    status = core.read_namespaced_replication_controller_status("client-rc", "default").status
    assert (status.replicas, status.observed_generation) == (2, 2)
    listed = core.list_namespaced_replication_controller("default").items
    assert [rc.metadata.name for rc in listed] == ["client-rc"]
    core.delete_namespaced_replication_controller(
        "client-rc", "default", propagation_policy="Foreground"
    )
    deadline = time.monotonic() + 20
    while pods() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pods() == []


def test_validating_admission_policies(api_client: Any) -> None:
    """The docs' example through the client's AdmissionregistrationV1Api models: a
    Deployment of 6 replicas refused in a namespace labelled environment=test, 422 Invalid."""
    core = kubernetes.client.CoreV1Api(api_client)
    apps = kubernetes.client.AppsV1Api(api_client)
    admission = kubernetes.client.AdmissionregistrationV1Api(api_client)
    policy = admission.create_validating_admission_policy(
        {
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingAdmissionPolicy",
            "metadata": {"name": "demo-policy.example.com"},
            "spec": {
                "matchConstraints": {
                    "resourceRules": [
                        {
                            "apiGroups": ["apps"],
                            "apiVersions": ["v1"],
                            "operations": ["CREATE", "UPDATE"],
                            "resources": ["deployments"],
                        }
                    ]
                },
                "validations": [{"expression": "object.spec.replicas <= 5"}],
            },
        }
    )
    assert policy.spec.failure_policy == "Fail"
    assert policy.spec.match_constraints.resource_rules[0].scope == "*"
    admission.create_validating_admission_policy_binding(
        {
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingAdmissionPolicyBinding",
            "metadata": {"name": "demo-binding-test.example.com"},
            "spec": {
                "policyName": "demo-policy.example.com",
                "validationActions": ["Deny"],
                "matchResources": {"namespaceSelector": {"matchLabels": {"environment": "test"}}},
            },
        }
    )
    listed = admission.list_validating_admission_policy_binding()
    assert [b.spec.policy_name for b in listed.items] == ["demo-policy.example.com"]
    core.create_namespace({"metadata": {"name": "vap-test", "labels": {"environment": "test"}}})
    template = {"metadata": {"labels": {"app": "vap"}}, "spec": _pod("x")["spec"]}
    try:
        with pytest.raises(kubernetes.client.ApiException) as refused:
            apps.create_namespaced_deployment(
                "vap-test",
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": {"name": "nginx"},
                    "spec": {
                        "replicas": 6,
                        "selector": {"matchLabels": {"app": "vap"}},
                        "template": template,
                    },
                },
            )
        assert refused.value.status == 422
        assert yaml.safe_load(refused.value.body)["message"] == (
            'deployments.apps "nginx" is forbidden: ValidatingAdmissionPolicy '
            "'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied "
            "request: failed expression: object.spec.replicas <= 5"
        )
    finally:
        admission.delete_validating_admission_policy_binding("demo-binding-test.example.com")
        admission.delete_validating_admission_policy("demo-policy.example.com")
        core.delete_namespace("vap-test")
