"""The cluster's certificate authority and service-account signing key, as kubeadm makes them
(cmd/kubeadm/app/phases/certs: the `kubernetes` CA, ten years; sa.key), but derived from the
cluster's seed: the same seed gives the same bytes, in any process (keys are P-256, signatures
RFC 6979 deterministic ECDSA, so nothing random goes in).

The CA's certificate is what the root-ca-cert-publisher writes into every namespace's
`kube-root-ca.crt` ConfigMap and the kubelet mounts at
/var/run/secrets/kubernetes.io/serviceaccount/ca.crt; the signing key signs ServiceAccount
tokens (engine/apiserver/serviceaccount_token.py). The HTTP door's TLS port has a CA of its own
(web/kube_api/tls.py), kept in the data folder.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from engine.timeutil import EPOCH

CA_VALIDITY = timedelta(days=3650)  # kubeadm constants.CACertificateValidityPeriod
# The cluster was made a day before the learner arrived (its objects read 00:00:00).
CA_NOT_BEFORE = EPOCH - timedelta(days=1)
SIGNING = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)


@dataclass(frozen=True)
class PKI:
    ca_pem: str  # the CA certificate, PEM
    signing_key: ec.EllipticCurvePrivateKey  # the service-account key (sa.key)
    key_id: str  # the JWT `kid`: a hash of the public key, as serviceaccount.keyIDFromPublicKey


def _key(label: str, seed: int) -> ec.EllipticCurvePrivateKey:
    digest = hashlib.sha256(f"podlife/{label}/{seed}".encode()).digest()
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # P-256's n
    return ec.derive_private_key(int.from_bytes(digest) % (order - 1) + 1, ec.SECP256R1())


@cache
def of(seed: int) -> PKI:
    ca_key = _key("ca", seed)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kubernetes")])
    public = ca_key.public_key()
    serial = int.from_bytes(hashlib.sha256(f"podlife/ca-serial/{seed}".encode()).digest()[:8])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(serial)
        .not_valid_before(CA_NOT_BEFORE)
        .not_valid_after(CA_NOT_BEFORE + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("kubernetes")]), critical=False)
        .sign(ca_key, hashes.SHA256(), ecdsa_deterministic=True)
    )
    signing_key = _key("sa", seed)
    der = signing_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    key_id = _b64url(hashlib.sha256(der).digest())
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    return PKI(pem, signing_key, key_id)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
