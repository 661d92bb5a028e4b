"""ServiceAccount tokens and the cluster CA (engine/apiserver/serviceaccount_token.py,
engine/pki.py, engine/controllers/rootcacertpublisher.py): `kubectl create token`, the tokens
the kubelet mounts into every pod next to ca.crt, and the API server taking them back."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography import x509

from engine.apiserver.request import Request, Response
from engine.cluster import Cluster

Obj = dict[str, Any]


def claims(token: str) -> Obj:
    body = token.split(".")[1]
    decoded: Obj = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return decoded


def as_bearer(
    cluster: Cluster, token: str, path: str = "/api/v1/namespaces/default/pods"
) -> Response:
    """A request over HTTP carrying the token, as a client in or out of the cluster sends it."""
    headers = {"authorization": f"Bearer {token}"}
    return cluster.call(Request("GET", path, headers=headers, user="", groups=(), source="http"))


def create_token(cluster: Cluster, args: str = "") -> str:
    result = cluster.kubectl(f"create token default {args}".strip())
    assert result.exit_code == 0, result.text
    return result.stdout.strip()


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=3)


def test_create_token_signs_a_token_for_the_service_account(cluster: Cluster) -> None:
    token = create_token(cluster)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "ES256" and header["kid"]
    got = claims(token)
    assert got["sub"] == "system:serviceaccount:default:default"
    assert got["iss"] == "https://kubernetes.default.svc.cluster.local"
    assert got["aud"] == ["https://kubernetes.default.svc.cluster.local"]
    assert got["exp"] - got["iat"] == 3600 and got["nbf"] == got["iat"]
    account = json.loads(cluster.kubectl("get sa default -o json").stdout)
    assert got["kubernetes.io"] == {
        "namespace": "default",
        "serviceaccount": {"name": "default", "uid": account["metadata"]["uid"]},
    }
    assert claims(create_token(cluster, "--duration=2h --audience=vault"))["aud"] == ["vault"]
    # the same seed, the same inputs: the same token, byte for byte
    assert create_token(Cluster(seed=3)) == token


def test_the_api_server_takes_a_token_back_as_its_service_account(cluster: Cluster) -> None:
    token = create_token(cluster)
    refused = as_bearer(cluster, token)
    assert refused.code == 403 and refused.body["message"] == (
        'pods is forbidden: User "system:serviceaccount:default:default" cannot list resource '
        '"pods" in API group "" in the namespace "default"'
    )
    cluster.kubectl("create rolebinding read --clusterrole=view --serviceaccount=default:default")
    assert as_bearer(cluster, token).code == 200
    assert as_bearer(cluster, token[:-4] + "AAAA").code == 401  # a forged signature
    assert as_bearer(cluster, "not.a.token").code == 401
    cluster.advance(3601)  # expired
    assert as_bearer(cluster, token).code == 401


def test_a_token_bound_to_a_pod_dies_with_the_pod(cluster: Cluster) -> None:
    cluster.kubectl("run web --image=nginx")
    cluster.settle()
    cluster.kubectl("create rolebinding read --clusterrole=view --serviceaccount=default:default")
    token = create_token(cluster, "--bound-object-kind=Pod --bound-object-name=web")
    pod = json.loads(cluster.kubectl("get pod web -o json").stdout)
    bound = claims(token)["kubernetes.io"]
    assert bound["pod"] == {"name": "web", "uid": pod["metadata"]["uid"]}
    assert bound["node"]["name"] == pod["spec"]["nodeName"]
    assert as_bearer(cluster, token).code == 200
    cluster.kubectl("delete pod web --now")
    cluster.settle()
    assert as_bearer(cluster, token).code == 401
    account = cluster.kubectl(
        "create token default --bound-object-kind=Pod --bound-object-name=gone"
    )
    assert account.stderr == 'error: failed to create token: pods "gone" not found\n'


def test_kubectl_create_token_refusals(cluster: Cluster) -> None:
    def err(args: str) -> str:
        result = cluster.kubectl(f"create token {args}")
        assert result.exit_code != 0
        return result.stderr

    assert err("default --duration=5m") == (
        'error: failed to create token: TokenRequest.authentication.k8s.io "default" is '
        "invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less "
        "than 10 minutes\n"
    )
    assert err("nobody") == 'error: failed to create token: serviceaccounts "nobody" not found\n'
    assert err("default --bound-object-name=web") == (
        "error: --bound-object-name can only be set if --bound-object-kind is provided\n"
    )
    assert err("default --bound-object-kind=Deployment --bound-object-name=x") == (
        "error: supported --bound-object-kind values are Node, Pod, Secret\n"
    )
    cluster.kubectl("create serviceaccount robot")
    cluster.kubectl("run web --image=nginx")
    assert err("robot --bound-object-kind=Pod --bound-object-name=web") == (
        'error: failed to create token: cannot bind token for serviceaccount "robot" to pod '
        "running with different serviceaccount name.\n"
    )


def test_every_pod_gets_its_token_and_the_cluster_ca(cluster: Cluster) -> None:
    cluster.kubectl("run web --image=nginx")
    cluster.settle()
    folder = "/var/run/secrets/kubernetes.io/serviceaccount"
    assert cluster.kubectl(f"exec web -- ls {folder}").stdout == "ca.crt\nnamespace\ntoken\n"
    token = cluster.kubectl(f"exec web -- cat {folder}/token").stdout
    got = claims(token)
    # the kubelet asks for 3607 s: the API server makes it a year and says when to renew
    assert got["exp"] - got["iat"] == 365 * 24 * 3600
    assert got["kubernetes.io"]["warnafter"] == got["iat"] + 3607
    assert got["kubernetes.io"]["pod"]["name"] == "web"
    cluster.kubectl("create rolebinding read --clusterrole=view --serviceaccount=default:default")
    assert as_bearer(cluster, token).code == 200
    pem = cluster.kubectl(f"exec web -- cat {folder}/ca.crt").stdout
    published = json.loads(cluster.kubectl("get cm kube-root-ca.crt -o json").stdout)
    assert pem == published["data"]["ca.crt"]
    ca = x509.load_pem_x509_certificate(pem.encode())
    assert ca.subject.rfc4514_string() == "CN=kubernetes"
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_every_namespace_gets_the_ca_bundle_and_keeps_it(cluster: Cluster) -> None:
    listed = cluster.kubectl(
        "get cm -A --field-selector metadata.name=kube-root-ca.crt "
        "-o custom-columns=NS:.metadata.namespace --no-headers"
    )
    assert listed.stdout.split() == ["default", "kube-node-lease", "kube-public", "kube-system"]
    cluster.kubectl("create namespace team")
    cluster.settle()
    made = json.loads(cluster.kubectl("get cm kube-root-ca.crt -n team -o json").stdout)
    assert made["metadata"]["annotations"]["kubernetes.io/description"].startswith(
        "Contains a CA bundle that can be used to verify the kube-apiserver"
    )
    cluster.kubectl("delete cm kube-root-ca.crt -n team")
    cluster.settle()
    again = json.loads(cluster.kubectl("get cm kube-root-ca.crt -n team -o json").stdout)
    assert again["data"] == made["data"] and again["metadata"]["uid"] != made["metadata"]["uid"]
    cluster.kubectl("""patch cm kube-root-ca.crt -n team -p '{"data":{"ca.crt":"x"}}'""")
    cluster.settle()
    restored = json.loads(cluster.kubectl("get cm kube-root-ca.crt -n team -o json").stdout)
    assert restored["data"] == made["data"]
