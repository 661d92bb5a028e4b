"""ServiceAccount tokens: what `POST serviceaccounts/<name>/token` (TokenRequest) hands out and
what the authenticator accepts back (pkg/serviceaccount/jwt.go, claims.go;
pkg/registry/core/serviceaccount/storage/token.go TokenREST).

A token is a JWT signed with the cluster's service-account key (engine/pki.py; ES256, as a
cluster given an EC sa.key signs). It names the ServiceAccount, and the pod (and its node) or
Secret it is bound to: it stops working when they are deleted, and at its expiry. The kubelet
asks for 3607 seconds, which the API server quietly extends to a year (and marks `warnafter`),
so that old clients that never re-read the file keep working.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from engine import pki
from engine.apiserver.authorization.attributes import (
    SERVICE_ACCOUNT_PREFIX,
    service_account_groups,
)

# kubeadm's --service-account-issuer; --api-audiences defaults to it
ISSUER = "https://kubernetes.default.svc.cluster.local"
MIN_EXPIRATION = 600  # validation.go ValidateTokenRequest: "less than 10 minutes"
MAX_EXPIRATION = 1 << 32  # "larger than 2^32 seconds"
DEFAULT_EXPIRATION = 3600  # SetDefaults_TokenRequestSpec
WARN_ONLY_EXPIRATION = 3607  # serviceaccount.WarnOnlyBoundTokenExpirationSeconds
EXTENDED_EXPIRATION = 365 * 24 * 3600  # serviceaccount.ExpirationExtensionSeconds


@dataclass(frozen=True)
class Ref:
    name: str
    uid: str


@dataclass(frozen=True)
class Identity:
    """Who a valid token says it is, and what it hangs on."""

    namespace: str
    account: Ref
    pod: Ref | None
    secret: Ref | None
    node: Ref | None

    @property
    def user(self) -> str:
        return f"{SERVICE_ACCOUNT_PREFIX}{self.namespace}:{self.account.name}"

    @property
    def groups(self) -> tuple[str, ...]:
        return (*service_account_groups(self.namespace), "system:authenticated")


def issue(
    seed: int,
    now: int,
    identity: Identity,
    audiences: list[str],
    seconds: int,
    jti: str,
) -> str:
    """claims.go Claims, signed (jwt.go JWTTokenGenerator.GenerateToken)."""
    private: dict[str, Any] = {
        "namespace": identity.namespace,
        "serviceaccount": {"name": identity.account.name, "uid": identity.account.uid},
    }
    for key, ref in (("pod", identity.pod), ("secret", identity.secret), ("node", identity.node)):
        if ref is not None:
            private[key] = {"name": ref.name, "uid": ref.uid}
    expires = seconds
    if seconds == WARN_ONLY_EXPIRATION and identity.pod is not None:
        expires = EXTENDED_EXPIRATION  # token.go: extendExpiration, for the kubelet's tokens
        private["warnafter"] = now + seconds
    claims = {
        "aud": audiences,
        "exp": now + expires,
        "iat": now,
        "iss": ISSUER,
        "jti": jti,
        "kubernetes.io": private,
        "nbf": now,
        "sub": identity.user,
    }
    keys = pki.of(seed)
    header = {"alg": "ES256", "kid": keys.key_id}
    signing_input = f"{_segment(header)}.{_segment(claims)}"
    der = keys.signing_key.sign(signing_input.encode(), pki.SIGNING)
    r, s = decode_dss_signature(der)
    return f"{signing_input}.{_b64(r.to_bytes(32) + s.to_bytes(32))}"


def read(seed: int, token: str, now: float) -> Identity | None:
    """The token's identity if its signature, issuer and times hold (jwt.go Validator);
    None for anything else. Whether what it names still exists is the caller's to check."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header = json.loads(_unb64(parts[0]))
        claims = json.loads(_unb64(parts[1]))
        raw = _unb64(parts[2])
    except ValueError:
        return None
    keys = pki.of(seed)
    if not isinstance(header, dict) or header.get("alg") != "ES256" or len(raw) != 64:
        return None
    signature = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
    try:
        keys.signing_key.public_key().verify(
            signature, f"{parts[0]}.{parts[1]}".encode(), ec.ECDSA(hashes.SHA256())
        )
    except InvalidSignature:
        return None
    if not isinstance(claims, dict) or claims.get("iss") != ISSUER:
        return None
    if not claims.get("nbf", 0) <= now < claims.get("exp", 0):
        return None
    private = claims.get("kubernetes.io") or {}
    account = private.get("serviceaccount") or {}
    return Identity(
        str(private.get("namespace", "")),
        Ref(str(account.get("name", "")), str(account.get("uid", ""))),
        *(_ref(private.get(k)) for k in ("pod", "secret", "node")),
    )


def _ref(value: Any) -> Ref | None:
    if not isinstance(value, dict):
        return None
    return Ref(str(value.get("name", "")), str(value.get("uid", "")))


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, sort_keys=True, separators=(",", ":")).encode())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as error:
        raise ValueError(str(error)) from None
