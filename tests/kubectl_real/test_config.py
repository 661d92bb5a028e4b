"""ConfigMaps and Secrets with the real kubectl and the in-engine one, side by side: create
from literals, files and env files, apply manifests (stringData, bad base64, a ConfigMap and
a Deployment in one file), get, describe, -o yaml, delete."""

from __future__ import annotations

import pytest

from tests.kubectl_real.conftest import Kube, Twin, normalized

CONFIG_AND_DEPLOYMENT = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: game-config
data:
  lives: "3"
  ui.properties: |
    color=blue
    mode=dark
binaryData:
  logo.png: iVBORw0KGgo=
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: game
spec:
  selector:
    matchLabels:
      app: game
  template:
    metadata:
      labels:
        app: game
    spec:
      containers:
      - name: game
        image: nginx:1.27
"""

SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: db
  labels:
    app: db
type: Opaque
data:
  user: YWRtaW4=
stringData:
  password: hunter2
"""

BAD_BASE64 = SECRET.replace("YWRtaW4=", "not-base64!")

BAD_KEYS = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: bad
data:
  lives: "3"
  bad/key: x
binaryData:
  lives: AAA=
"""

TLS_WITHOUT_KEY = """\
apiVersion: v1
kind: Secret
metadata:
  name: site
type: kubernetes.io/tls
data:
  tls.crt: Y2VydA==
"""

IMMUTABLE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: frozen
immutable: true
data:
  a: "1"
"""


def same(twin: Twin, line: str) -> str:
    """Run `line` on both; both must answer alike. The real kubectl's stdout is returned."""
    real, engine = twin.both(line)
    assert (normalized(engine.stdout), normalized(engine.stderr), engine.exit_code) == (
        normalized(real.stdout),
        normalized(real.stderr),
        real.code,
    ), line
    return real.stdout


def test_create_configmap_from_literals_files_and_env_files(twin: Twin) -> None:
    twin.file("app.properties", "color=blue\nmode=dark\n")
    twin.file("game.env", "# lives and level\nLIVES=3\n  LEVEL=easy\n\n")
    out = same(
        twin,
        "create configmap game --from-literal=player=Ana --from-literal=sum=1+1=2 "
        "--from-file=app.properties --from-file=ui=app.properties",
    )
    assert out == "configmap/game created\n"
    same(twin, "create cm env --from-env-file=game.env")
    assert "game               4" in same(twin, "get cm")  # beside kube-root-ca.crt
    same(twin, "get configmaps game -o yaml")
    same(twin, "describe configmap game")
    same(twin, "describe cm env")
    same(twin, "delete cm env")


@pytest.mark.parametrize(
    "line",
    [
        "create configmap dup --from-literal=a=1 --from-literal=a=2",
        "create configmap bad --from-literal=bad/key=1",
        "create configmap bad --from-literal==1",
        "create configmap bad --from-file=missing.txt",
        "create configmap bad --from-file=k=",
        "create configmap bad --from-env-file=x.env --from-literal=a=1",
        "create configmap one two",
        "create secret generic dup --from-literal=a=1 --from-literal=a=2",
        "create secret generic bad --from-literal=bad/key=1",
        "create secret generic tls --from-literal=a=1 --type=kubernetes.io/tls",
        "create secret docker-registry reg --docker-username=ana",
    ],
)
def test_create_refusals(twin: Twin, line: str) -> None:
    same(twin, line)


def test_create_secrets_and_read_them_back(twin: Twin) -> None:
    twin.file("key.txt", "s3cr3t")
    assert same(twin, "create secret generic db --from-literal=user=admin --from-file=key.txt") == (
        "secret/db created\n"
    )
    same(
        twin,
        "create secret docker-registry reg --docker-username=ana --docker-password=pw "
        "--docker-email=ana@example.com",
    )
    same(twin, "create secret generic db --from-literal=a=b")  # exists already
    same(twin, "get secrets")
    same(twin, "get secret db -o yaml")
    same(twin, "get secret reg -o json")
    same(twin, "describe secret db")
    same(twin, "describe secrets")
    same(twin, "get secrets --field-selector type=Opaque")
    same(twin, "create secret generic dry --from-literal=a=b --dry-run=client -o yaml")
    same(twin, "delete secret db reg")


def test_apply_manifests(twin: Twin) -> None:
    for name, text in [
        ("both.yaml", CONFIG_AND_DEPLOYMENT),
        ("secret.yaml", SECRET),
        ("bad-base64.yaml", BAD_BASE64),
        ("bad-keys.yaml", BAD_KEYS),
        ("tls.yaml", TLS_WITHOUT_KEY),
        ("frozen.yaml", IMMUTABLE),
    ]:
        twin.file(name, text)
    out = same(twin, "apply -f both.yaml")
    assert out == "configmap/game-config created\ndeployment.apps/game created\n"
    assert same(twin, "apply -f secret.yaml") == "secret/db created\n"
    # stringData is in the last-applied configuration but never in the live object, so
    # kubectl's three-way patch is never empty: a Secret with stringData is always "configured".
    assert same(twin, "apply -f secret.yaml") == "secret/db configured\n"
    yaml_text = same(twin, "get secret db -o yaml")
    assert "password: aHVudGVyMg==" in yaml_text
    assert "stringData" not in yaml_text.split("last-applied-configuration")[0]
    same(twin, "get cm game-config -o yaml")
    same(twin, "describe cm game-config")
    same(twin, "describe secret db")
    assert "illegal base64 data at input byte 3" in same(twin, "apply -f bad-base64.yaml") + (
        twin.real("apply -f bad-base64.yaml").stderr
    )
    same(twin, "apply -f bad-keys.yaml")
    same(twin, "apply -f tls.yaml")
    same(twin, "apply -f frozen.yaml")
    twin.file("frozen.yaml", IMMUTABLE.replace('a: "1"', 'a: "2"'))
    same(twin, "apply -f frozen.yaml")
    same(twin, "delete -f both.yaml")


def test_explain_and_api_resources_know_both_kinds(kube: Kube) -> None:
    secret_data = kube("explain", "secret.data")
    assert secret_data.code == 0, secret_data.stderr
    assert "FIELD: data <map[string]string>" in secret_data.stdout
    config = kube("explain", "cm")
    assert config.code == 0, config.stderr
    assert config.stdout.startswith("KIND:       ConfigMap\nVERSION:    v1\n")
    for field in (
        "binaryData\t<map[string]string>",
        "data\t<map[string]string>",
        "immutable\t<boolean>",
    ):
        assert field in config.stdout
    rows = {line.split()[0]: line.split() for line in kube("api-resources").stdout.splitlines()}
    assert rows["configmaps"] == ["configmaps", "cm", "v1", "true", "ConfigMap"]
    assert rows["secrets"] == ["secrets", "v1", "true", "Secret"]


READER = """\
apiVersion: v1
kind: Pod
metadata:
  name: reader
spec:
  containers:
  - name: app
    image: busybox:1.37
    command: ["sh", "-c", "echo user=$DB_USER $(GAME_lives); cat /etc/game/lives; sleep 3600"]
    envFrom:
    - configMapRef:
        name: game-config
      prefix: GAME_
    env:
    - name: DB_USER
      valueFrom:
        secretKeyRef:
          name: db
          key: user
    volumeMounts:
    - name: game
      mountPath: /etc/game
  volumes:
  - name: game
    configMap:
      name: game-config
"""

WAITER = """\
apiVersion: v1
kind: Pod
metadata:
  name: waiter
spec:
  containers:
  - name: app
    image: nginx:1.27
    env:
    - name: COLOR
      valueFrom:
        configMapKeyRef:
          name: absent
          key: color
"""


def test_pods_read_configmaps_and_secrets_or_wait_for_them(twin: Twin) -> None:
    for name, text in [
        ("both.yaml", CONFIG_AND_DEPLOYMENT),
        ("secret.yaml", SECRET),
        ("reader.yaml", READER),
        ("waiter.yaml", WAITER),
    ]:
        twin.file(name, text)
    for line in ("apply -f both.yaml", "apply -f secret.yaml", "apply -f reader.yaml"):
        same(twin, line)
    assert same(twin, "logs reader") == "user=admin 3\n3\n"
    same(twin, "apply -f waiter.yaml")
    assert "CreateContainerConfigError" in same(twin, "get pod waiter")
    described = same(twin, "describe pod waiter")
    assert 'Error: configmap "absent" not found' in described


def test_create_configmap_and_secret_from_a_directory(twin: Twin) -> None:
    """--from-file=DIR/: one key per file directly in it (the ConfigMap task's first step)."""
    twin.file("configmap/game.properties", "enemies=aliens\nlives=3\n")
    twin.file("configmap/ui.properties", "color.good=purple\n")
    twin.file("configmap/nested/deeper.txt", "left out\n")
    assert same(twin, "create configmap game-config --from-file=configmap/") == (
        "configmap/game-config created\n"
    )
    same(twin, "describe configmaps game-config")
    same(twin, "create secret generic game-secret --from-file=configmap")
    same(twin, "get secret game-secret -o jsonpath={.data}")
    same(twin, "create configmap keyed --from-file=key=configmap/")
