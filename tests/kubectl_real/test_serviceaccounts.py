"""ServiceAccounts with the real kubectl and the in-engine one, side by side: the `default`
account of every namespace, create (protobuf body), get, describe, -o yaml, and a pod naming
an account that does not exist."""

from __future__ import annotations

import base64
import json

from tests.kubectl_real.conftest import Twin, normalized

ROBOT = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: robot
  labels:
    team: ops
imagePullSecrets:
- name: regcred
automountServiceAccountToken: false
"""

POD_AS_GHOST = """\
apiVersion: v1
kind: Pod
metadata:
  name: haunted
spec:
  serviceAccountName: ghost
  containers:
  - name: app
    image: nginx:1.27
"""


def same(twin: Twin, line: str) -> str:
    real, engine = twin.both(line)
    assert (normalized(engine.stdout), normalized(engine.stderr), engine.exit_code) == (
        normalized(real.stdout),
        normalized(real.stderr),
        real.code,
    ), line
    return real.stdout


def test_every_namespace_has_a_default_account(twin: Twin) -> None:
    rows = [line.split()[:3] for line in same(twin, "get serviceaccounts -A").splitlines()]
    assert ["default", "default", "0"] in rows
    assert ["kube-system", "deployment-controller", "0"] in rows  # the controllers' own
    same(twin, "create namespace dev")
    assert same(twin, "get sa -n dev").splitlines()[1].split()[:2] == ["default", "0"]
    same(twin, "describe sa default")


def test_create_get_describe_and_a_pod_without_its_account(twin: Twin) -> None:
    assert same(twin, "create serviceaccount builder") == "serviceaccount/builder created\n"
    same(twin, "create sa builder")  # already exists: kubectl's wrapped error
    same(twin, "create sa")
    same(twin, "create sa bot --dry-run=client -o yaml")
    twin.file("robot.yaml", ROBOT)
    same(twin, "apply -f robot.yaml")
    same(twin, "get sa")
    same(twin, "get sa robot -o yaml")
    assert "Image pull secrets:  regcred\n" in same(twin, "describe sa robot")
    twin.file("pod.yaml", POD_AS_GHOST)
    refused = twin.real("apply -f pod.yaml")
    assert 'error looking up service account default/ghost: serviceaccount "ghost" not found' in (
        refused.stderr
    )
    same(twin, "apply -f pod.yaml")


def test_create_token_with_the_real_kubectl(twin: Twin) -> None:
    """`kubectl create token` from the real kubectl (its TokenRequest, a protobuf body)."""
    made = twin.real("create token default --duration=2h --audience=vault")
    token = made.stdout.strip()
    assert token.count(".") == 2, made.stderr
    body = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert claims["exp"] - claims["iat"] == 7200 and claims["aud"] == ["vault"]
    engine_token = twin.engine("create token default").stdout.strip()
    assert engine_token.split(".")[0] == token.split(".")[0]  # the same key signs both
    for line in ("create token default --duration=5m", "create token nobody"):
        same(twin, line)
