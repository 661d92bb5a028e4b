"""The image registries: the catalogue (engine/node/registry.yaml), the rule for what it does not
list, and the Kubernetes docs' images running in a cluster (docs/containers.md "Images")."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cluster import Cluster
from engine.node import registry
from engine.node.registry import REGISTRY, UNLISTED_SIZE, PullError, parse_reference
from tests.node_fixtures import cluster, container_status, create, events, logs, pod

ROOT = Path(__file__).resolve().parent.parent

# Every image reference in kubernetes/website content/en/examples/ (and the Kubernetes Basics
# tutorial), with the family it runs as. The docs' deliberate failures are tested below.
DOCS_IMAGES = {
    "nginx": "nginx",
    "nginx:latest": "nginx",
    "nginx:1.7.9": "nginx",
    "nginx:1.9.2": "nginx",
    "nginx:1.14.2": "nginx",
    "nginx:1.15": "nginx",
    "nginx:1.16.1": "nginx",
    "busybox": "busybox",
    "busybox:1.28": "busybox",
    "busybox:1.37": "busybox",
    "docker.io/library/busybox": "busybox",
    "registry.k8s.io/busybox": "busybox",
    "registry.k8s.io/busybox:1.27.2": "busybox",
    "k8s.gcr.io/busybox": "busybox",
    "alpine:latest": "alpine",
    "debian": "debian",
    "fedora": "fedora",
    "python": "python",
    "perl": "perl",
    "perl:5.34.0": "perl",
    "docker.io/library/bash": "bash",
    "docker.io/library/bash:5": "bash",
    "redis": "redis",
    "redis:5": "redis",
    "redis:5.0.4": "redis",
    "docker.io/redis:6.0.5": "redis",
    "mysql:5.6": "mysql",
    "mysql:5.7": "mysql",
    "mysql:8.0": "mysql",
    "wordpress:6.2.1-apache": "app",
    "mongo:4.2": "app",
    "rabbitmq": "app",
    "polinux/stress": "stress",
    "gcr.io/google-samples/kubernetes-bootcamp:v1": "app",
    "docker.io/jocatalin/kubernetes-bootcamp:v2": "app",
    "gcr.io/google-samples/hello-app:1.0": "app",
    "gcr.io/google-samples/hello-app:2.0": "app",
    "us-docker.pkg.dev/google-samples/containers/gke/hello-app:2.0": "app",
    "us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower:v2": "redis",
    "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5": "app",
    "gcr.io/google-samples/node-hello:1.0": "app",
    "gcr.io/google-samples/hello-go-gke:1.0": "app",
    "gcr.io/google-samples/hello-frontend:1.0": "nginx",
    "gcr.io/google-samples/xtrabackup:1.0": "app",
    "gcr.io/google-samples/cassandra:v13": "app",
    "registry.k8s.io/pause": "pause",
    "registry.k8s.io/pause:3.8": "pause",
    "registry.k8s.io/e2e-test-images/agnhost:2.39": "agnhost",
    "registry.k8s.io/e2e-test-images/agnhost:2.40": "agnhost",
    "registry.k8s.io/nginx-slim:0.7": "nginx",
    "registry.k8s.io/nginx-slim:0.8": "nginx",
    "registry.k8s.io/nginx-slim:0.24": "nginx",
    "k8s.gcr.io/nginx-slim:0.8": "nginx",
    "registry.k8s.io/liveness": "liveness",
    "k8s.gcr.io/liveness": "liveness",
    "registry.k8s.io/goproxy:0.1": "app",
    "registry.k8s.io/echoserver:1.4": "app",
    "registry.k8s.io/hpa-example": "app",
    "registry.k8s.io/etcd:3.5.1-0": "app",
    "registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10": "app",
    "registry.k8s.io/fluentd-gcp:1.30": "app",
    "k8s.gcr.io/fluentd-elasticsearch:1.20": "app",
    "quay.io/fluentd_elasticsearch/fluentd:v2.5.2": "app",
    # not in the catalogue: they resolve by the rule
    "registry.k8s.io/node-problem-detector:v0.1": "app",
    "registry.k8s.io/event-exporter:v0.2.3": "app",
    "registry.k8s.io/cpa/cluster-proportional-autoscaler:1.8.4": "app",
    "docker.io/corelab/gb-frontend:v5": "app",
    "docker.io/curlimages/curl:8.18.0": "alpine",
    "docker.io/alpine/socat:1.8.0.3": "app",
    "hashicorp/http-echo:1.0": "app",
    "vish/stress": "app",
    "bprashanth/nginxhttps:1.0": "nginx",
    "gcr.io/myproject/job-wq-2": "app",
    "quay.io/crio/artifact:v2": "app",
}

NOT_FOUND = (
    'failed to pull and unpack image "{0}": failed to resolve reference "{0}": {0}: not found'
)


def resolve(image: str) -> registry.Image:
    ref = parse_reference(image)
    assert ref is not None, image
    return REGISTRY.resolve(ref)


def pull_error(image: str) -> PullError:
    with pytest.raises(PullError) as caught:
        resolve(image)
    return caught.value


# ---- the catalogue ------------------------------------------------------------------------------


def test_the_first_catalogue_is_unchanged():
    """The rows of the Python catalogue the data replaced: same sizes, versions, families and
    digests (goldens print them), tags at most added to."""
    before = json.loads((ROOT / "tests/golden/registry-catalogue-before-data.json").read_text())
    for row in before:
        for tag in row["tags"]:
            image = resolve(f"{row['repository']}:{tag}")
            assert image.tags[: len(row["tags"])] == tuple(row["tags"])
            assert (image.version, image.size, image.family) == (
                row["version"],
                row["size"],
                row["family"],
            )
            assert (image.digest, image.image_id) == (row["digest"], row["image_id"])


@pytest.mark.parametrize(("image", "family"), sorted(DOCS_IMAGES.items()))
def test_every_image_the_docs_use_resolves(image, family):
    assert resolve(image).family == family


def test_a_listed_tag_has_its_row():
    image = resolve("nginx:1.14.2")
    assert (image.repository, image.version, image.size) == (
        "docker.io/library/nginx",
        "1.14.2",
        44_710_204,
    )
    assert resolve("nginx:1.14") is image  # tags of one row name the same content
    assert resolve("busybox:1.28").size < 1_000_000


def test_an_unknown_tag_of_a_listed_repository_is_not_found():
    error = pull_error("nginx:9.99")
    assert error.code == "NotFound"
    assert error.desc == NOT_FOUND.format("docker.io/library/nginx:9.99")
    # Kubernetes Basics' deliberate failure: the rolling update to a version that does not exist
    error = pull_error("gcr.io/google-samples/kubernetes-bootcamp:v10")
    assert error.desc == NOT_FOUND.format("gcr.io/google-samples/kubernetes-bootcamp:v10")
    assert pull_error(f"redis@sha256:{'0' * 64}").code == "NotFound"


def test_a_mirror_serves_the_same_content_under_its_own_name():
    mirrored, original = (
        resolve("k8s.gcr.io/busybox:1.27.2"),
        resolve("registry.k8s.io/busybox:1.27.2"),
    )
    assert mirrored.repository == "k8s.gcr.io/busybox"
    assert mirrored.repo_digest == f"k8s.gcr.io/busybox@{original.digest}"
    assert (mirrored.image_id, mirrored.size) == (original.image_id, original.size)
    assert pull_error("k8s.gcr.io/busybox:9.9").desc == NOT_FOUND.format("k8s.gcr.io/busybox:9.9")


def test_absent_repositories_and_unresolvable_hosts_fail_as_containerd_says():
    denied = pull_error("non-existing-repo/non-existing-image:example")  # the docs' ConfigIssue
    assert denied.code == "Unknown"
    assert denied.desc.endswith(
        "pull access denied, repository does not exist or may require authorization: "
        "server message: insufficient_scope: authorization failed"
    )
    assert "pull access denied" in pull_error("ngnix").desc  # a typo of nginx
    assert pull_error("registry.example/team/app:1").desc.endswith(
        'Head "https://registry.example/v2/team/app/manifests/1": dial tcp: lookup '
        "registry.example: no such host"
    )


def test_malformed_references_do_not_parse():
    for image in ("gcr.io/<project>/job-wq-1", "NGINX", "nginx:", "nginx:1.27:1"):
        assert parse_reference(image) is None, image


def test_the_catalogue_refuses_an_unquoted_tag(tmp_path):
    text = (ROOT / "engine/node/registry.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "registry.yaml"
    row = '{tags: ["1.20.2", "1.20"]'
    assert row in text
    broken.write_text(text.replace(row, "{tags: [1.20.2, 1.20]"))
    with pytest.raises(ValueError, match="quote tags and version"):
        registry.load(broken)


# ---- the rule for repositories the catalogue does not list --------------------------------------


def test_an_unlisted_repository_resolves_with_a_size_from_its_name():
    image = resolve("example.com/team/shop:2.3")
    low, high = UNLISTED_SIZE
    assert low <= image.size < high
    assert (image.family, image.version, image.tags) == ("app", "2.3", ("2.3",))
    assert resolve("example.com/team/shop:2.4").size == image.size  # the repository's size
    assert resolve("example.com/team/shop:2.4").digest != image.digest  # another tag's content
    assert resolve("example.com/team/cart:2.3").size != image.size
    assert resolve("example.com/team/shop:2.3") == image  # the same every time


def test_an_unlisted_repository_has_the_same_size_in_another_process():
    code = "from engine.node.registry import REGISTRY; print(REGISTRY.image('acme/shop:1').size)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert int(out.stdout) == resolve("acme/shop:1").size


def test_an_unlisted_repository_named_like_a_family_is_that_family():
    assert resolve("bitnami/redis:7.4").family == "redis"
    assert resolve("bitnami/redis:7.4").version == "7.4.2"  # the official image's, for that tag
    assert resolve("myorg/nginx-slim:9").family == "nginx"
    assert resolve("mirror.gcr.io/library/busybox").family == "busybox"
    assert resolve("gcr.io/google_containers/liveness").family == "liveness"


def test_an_unlisted_repository_pulled_by_digest_keeps_that_digest():
    digest = "sha256:" + "ab" * 32
    image = resolve(f"acme/shop@{digest}")
    assert image.repo_digest == f"docker.io/acme/shop@{digest}"


# ---- in a cluster --------------------------------------------------------------------------------


def test_an_unlisted_image_is_pulled_and_serves_on_its_declared_port():
    c, _ = cluster()
    probe = {"httpGet": {"path": "/ready", "port": 3000}, "periodSeconds": 1}
    create(c, pod(image="acme/shop:1", ports=[{"containerPort": 3000}], readinessProbe=probe))
    c.advance(5)
    size = resolve("acme/shop:1").size
    pulled = [e["message"] for e in events(c) if e["reason"] == "Pulled"]
    assert len(pulled) == 1
    assert pulled[0].startswith('Successfully pulled image "acme/shop:1" in ')
    assert pulled[0].endswith(f"Image size: {size} bytes.")
    status = container_status(c)
    assert status["ready"] is True
    assert status["imageID"] == resolve("acme/shop:1").repo_digest
    assert logs(c) == (200, "Listening on port 3000\n")


def test_an_app_image_with_a_command_runs_the_command():
    c, _ = cluster()
    command = ["sh", "-c", "echo hi; sleep 2"]
    create(c, pod(image="acme/shop:1", restart="Never", command=command))
    c.advance(6)
    assert logs(c) == (200, "hi\n")
    assert container_status(c)["state"]["terminated"]["reason"] == "Completed"


def test_an_app_image_started_by_its_own_program_is_its_server():
    # the docs' gRPC probe example: command is the image's own etcd
    c, _ = cluster()
    argv = ["/usr/local/bin/etcd", "--data-dir", "/var/lib/etcd"]
    probe = {"grpc": {"port": 2379}, "initialDelaySeconds": 1, "periodSeconds": 1}
    create(
        c,
        pod(
            image="registry.k8s.io/etcd:3.5.1-0",
            command=argv,
            ports=[{"containerPort": 2379}],
            livenessProbe=probe,
        ),
    )
    c.advance(20)
    status = container_status(c)
    assert "running" in status["state"] and status["restartCount"] == 0
    assert '"address":"[::]:2379"' in logs(c)[1]


def test_an_app_dies_of_sigterm_unless_it_runs_node_as_pid_1():
    c, _ = cluster()
    create(c, pod(name="hello", image="gcr.io/google-samples/hello-app:2.0"))
    create(c, pod(name="boot", image="gcr.io/google-samples/kubernetes-bootcamp:v1", grace=5))
    c.advance(8)
    assert logs(c, "hello")[1].endswith(" Server listening on port 8080\n")
    assert logs(c, "boot")[1].startswith("Kubernetes Bootcamp App Started At: 2026-")
    c.kubectl("delete pod hello boot --wait=false")
    c.advance(1)
    hello = [e for e in events(c, "hello") if e["reason"] == "Killing"]
    assert hello, events(c, "hello")
    assert c.kubectl("get pod hello").exit_code != 0  # gone within a second: exit 143
    assert c.kubectl("get pod boot").exit_code == 0  # still terminating: SIGTERM ignored
    c.advance(6)
    assert c.kubectl("get pod boot").exit_code != 0  # killed when the 5 s grace period ended


def full_cluster_pods(c: Cluster) -> list[list[str]]:
    return [line.split() for line in c.kubectl("get pods").stdout.splitlines()[1:]]


def test_the_kubernetes_basics_deployment_runs_and_its_bad_update_fails():
    c = Cluster(seed=3)
    out = c.kubectl(
        "create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1"
    )
    assert out.exit_code == 0, out.text
    c.advance(15)
    assert [row[1:3] for row in full_cluster_pods(c)] == [["1/1", "Running"]]
    c.kubectl(
        "set image deployments/kubernetes-bootcamp "
        "kubernetes-bootcamp=gcr.io/google-samples/kubernetes-bootcamp:v10"
    )
    c.advance(15)
    statuses = sorted(row[2] for row in full_cluster_pods(c))
    assert statuses[0] in ("ErrImagePull", "ImagePullBackOff") and statuses[1] == "Running"


def test_the_docs_nginx_deployment_and_busybox_sleeper_run():
    c = Cluster(seed=4)
    deployment = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx-deployment, labels: {app: nginx}}
spec:
  replicas: 3
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - {name: nginx, image: "nginx:1.14.2", ports: [{containerPort: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: busybox}
spec:
  containers:
  - {name: busybox, image: "busybox:1.28", command: [sleep, "3600"], imagePullPolicy: IfNotPresent}
"""
    out = c.kubectl("apply -f -", deployment)
    assert out.exit_code == 0, out.text
    c.advance(20)
    rows = full_cluster_pods(c)
    assert len(rows) == 4
    assert all(row[1:3] == ["1/1", "Running"] for row in rows), rows
    assert "nginx/1.14.2" in c.kubectl(f"logs {rows[-1][0]}").stdout  # nginx-deployment-…


def test_the_docs_liveness_demo_fails_its_probe_after_ten_seconds():
    c, _ = cluster()
    probe = {"httpGet": {"path": "/healthz", "port": 8080}, "initialDelaySeconds": 3}
    create(c, pod(image="registry.k8s.io/liveness", args=["/server"], livenessProbe=probe))
    c.advance(10)
    assert container_status(c)["restartCount"] == 0
    c.advance(30)
    assert container_status(c)["restartCount"] >= 1
    unhealthy = {e["message"] for e in events(c) if e["reason"] == "Unhealthy"}
    assert unhealthy == {"Liveness probe failed: HTTP probe failed with statuscode: 500"}


def test_the_docs_goproxy_answers_tcp_probes():
    c, _ = cluster()
    probe = {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 2, "periodSeconds": 2}
    create(
        c,
        pod(
            image="registry.k8s.io/goproxy:0.1",
            ports=[{"containerPort": 8080}],
            readinessProbe=probe,
            livenessProbe=probe,
        ),
    )
    c.advance(8)
    assert container_status(c)["ready"] is True
