"""Endpoints: ValidateEndpointsCreate / ValidateEndpointsUpdate of
pkg/apis/core/validation/validation.go (validateEndpointSubsets, validateEndpointAddress,
validateEndpointPort, ValidateNonSpecialIP)."""

from __future__ import annotations

import ipaddress

from engine.apimachinery import field
from engine.apiserver.validation.common import Errors, Obj, _d, _l, _s
from engine.apiserver.validation.meta import validate_meta, validate_object_meta
from engine.apiserver.validation.names import (
    is_dns1123_label,
    is_valid_port_num,
    name_is_dns_subdomain,
)
from engine.apiserver.validation.service import IP_EXAMPLE, PROTOCOLS

_LINK_LOCAL_MULTICAST = (ipaddress.ip_network("224.0.0.0/24"), ipaddress.ip_network("ff02::/16"))


def validate_endpoints(obj: Obj, old: Obj | None) -> Errors:
    """ValidateEndpointsCreate (old is None) or ValidateEndpointsUpdate (which runs the whole
    of ValidateEndpoints again, metadata included)."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    if old is not None:
        errs += validate_object_meta(_d(obj.get("metadata")), True, name_is_dns_subdomain)
    for i, subset in enumerate(_l(obj.get("subsets"))):
        path = field.index("subsets", i)
        subset = _d(subset)
        ready, not_ready = _l(subset.get("addresses")), _l(subset.get("notReadyAddresses"))
        if not ready and not not_ready:
            errs.append(field.required(path, "must specify `addresses` or `notReadyAddresses`"))
        for key, addresses in (("addresses", ready), ("notReadyAddresses", not_ready)):
            for j, address in enumerate(addresses):
                errs += _address(_d(address), field.index(field.child(path, key), j))
        ports = _l(subset.get("ports"))
        for j, port in enumerate(ports):
            errs += _port(_d(port), len(ports) > 1, field.index(field.child(path, "ports"), j))
    return errs


def _address(address: Obj, path: str) -> Errors:
    ip_path = field.child(path, "ip")
    ip = _s(address.get("ip"))
    try:
        parsed = ipaddress.ip_address(ip)
    except ValueError:
        return [field.invalid(ip_path, ip, IP_EXAMPLE)]
    errs: Errors = []
    hostname = _s(address.get("hostname"))
    if hostname:
        errs += [
            field.invalid(field.child(path, "hostname"), hostname, m)
            for m in is_dns1123_label(hostname)
        ]
    node = address.get("nodeName")
    if node is not None:
        errs += [
            field.invalid(field.child(path, "nodeName"), node, msg)
            for msg in name_is_dns_subdomain(_s(node), False)
        ]
    # ValidateNonSpecialIP
    if parsed.is_unspecified:
        errs.append(field.invalid(ip_path, ip, f"may not be unspecified ({ip})"))
    elif parsed.is_loopback:
        errs.append(
            field.invalid(ip_path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)")
        )
    elif parsed.is_link_local:
        detail = "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
        errs.append(field.invalid(ip_path, ip, detail))
    elif any(parsed in net for net in _LINK_LOCAL_MULTICAST):  # net.IP.IsLinkLocalMulticast
        detail = "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"
        errs.append(field.invalid(ip_path, ip, detail))
    return errs


def _port(port: Obj, require_name: bool, path: str) -> Errors:
    errs: Errors = []
    name = _s(port.get("name"))
    if require_name and not name:
        errs.append(field.required(field.child(path, "name"), ""))
    elif name:
        errs += [field.invalid(field.child(path, "name"), name, m) for m in is_dns1123_label(name)]
    number = port.get("port")
    if isinstance(number, int):
        errs += [
            field.invalid(field.child(path, "port"), number, m) for m in is_valid_port_num(number)
        ]
    protocol = _s(port.get("protocol"))
    if not protocol:
        errs.append(field.required(field.child(path, "protocol"), ""))
    elif protocol not in PROTOCOLS:
        errs.append(field.not_supported(field.child(path, "protocol"), protocol, PROTOCOLS))
    return errs
