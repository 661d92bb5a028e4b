"""The certificates of the API's TLS port: a CA made at first start and kept in the data
folder, and a serving certificate it signs for the names the server is reached by.

A kubeconfig carries the CA (certificate-authority-data), so a client checks the server as it
would a real cluster's and then sends its bearer token as usual (client-go sends credentials
only over TLS). The CA stays the same across restarts, so kubeconfigs handed out keep working;
the serving certificate is made again when the names change or it nears its end. Keys are
ECDSA P-256, written readable by their owner only.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_YEARS = 10  # kubeadm's CA lives ten years
SERVING_DAYS = 365  # and its serving certificates one
RENEW_BEFORE = datetime.timedelta(days=30)
# The names a pod would use for the API server (kubeadm's apiserver certificate SANs), and
# this machine's loopback.
BASE_NAMES = (
    "localhost",
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
    "127.0.0.1",
    "::1",
    "10.96.0.1",
)


@dataclass(frozen=True)
class Certificates:
    ca_pem: bytes  # what kubeconfigs carry
    cert_file: Path  # the serving certificate, then the CA (the chain a client is sent)
    key_file: Path


def ensure(directory: Path, names: Iterable[str]) -> Certificates:
    """The CA in `directory` (made if missing) and a serving certificate for BASE_NAMES and
    `names` (host names or IP addresses)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_cert_file, ca_key_file = directory / "ca.crt", directory / "ca.key"
    if not (ca_cert_file.exists() and ca_key_file.exists()):
        _write_pair(ca_cert_file, ca_key_file, *_make_ca())
    ca_cert = x509.load_pem_x509_certificate(ca_cert_file.read_bytes())
    ca_key = serialization.load_pem_private_key(ca_key_file.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    wanted = sorted(set(BASE_NAMES) | {n for n in names if n})
    cert_file, key_file = directory / "apiserver.crt", directory / "apiserver.key"
    if not _still_good(cert_file, key_file, wanted):
        cert, key = _make_serving(ca_cert, ca_key, wanted)
        chain = cert.public_bytes(serialization.Encoding.PEM) + ca_cert_file.read_bytes()
        _write_private(key_file, _key_pem(key))
        cert_file.write_bytes(chain)
    return Certificates(ca_cert_file.read_bytes(), cert_file, key_file)


def _make_ca() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "podlife-ca")])
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _make_serving(
    ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey, names: list[str]
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=SERVING_DAYS))
        .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]), False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def _still_good(cert_file: Path, key_file: Path, names: list[str]) -> bool:
    if not (cert_file.exists() and key_file.exists()):
        return False
    cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
    if cert.not_valid_after_utc - _now() < RENEW_BEFORE:
        return False
    alternatives = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    have = {str(v) for v in alternatives.get_values_for_type(x509.DNSName)}
    have |= {str(v) for v in alternatives.get_values_for_type(x509.IPAddress)}
    return have == {str(_general_name(n).value) for n in names}


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name.strip("[]")))
    except ValueError:
        return x509.DNSName(name)


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=not cert_sign,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _write_pair(
    cert_file: Path, key_file: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey
) -> None:
    _write_private(key_file, _key_pem(key))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.chmod(path, 0o600)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
