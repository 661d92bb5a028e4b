"""EndpointSlices: ValidateEndpointSliceCreate / ValidateEndpointSliceUpdate of
pkg/apis/discovery/validation/validation.go."""

from __future__ import annotations

import ipaddress

from engine.apimachinery import field
from engine.apiserver.validation.common import FIELD_IMMUTABLE, Errors, Obj, _d, _l, _s
from engine.apiserver.validation.meta import validate_meta
from engine.apiserver.validation.names import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_valid_port_num,
    name_is_dns_subdomain,
)
from engine.apiserver.validation.service import PROTOCOLS

ADDRESS_TYPES = ("FQDN", "IPv4", "IPv6")  # supportedAddressTypes, sorted as sets.List
MAX_ENDPOINTS = 1000  # maxEndpoints
MAX_ADDRESSES = 100  # maxAddresses
MAX_PORTS = 20000  # maxPorts


def validate_endpoint_slice(obj: Obj, old: Obj | None) -> Errors:
    """ValidateEndpointSliceCreate (old is None) or ValidateEndpointSliceUpdate, which adds
    that addressType is immutable to the whole of ValidateEndpointSlice."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    address_type = _s(obj.get("addressType"))
    if old is not None and address_type != old.get("addressType"):
        errs.append(field.invalid("addressType", address_type, FIELD_IMMUTABLE))
    if not address_type:
        errs.append(field.required("addressType", ""))
    elif address_type not in ADDRESS_TYPES:
        errs.append(field.not_supported("addressType", address_type, ADDRESS_TYPES))
    errs += _validate_endpoints(_l(obj.get("endpoints")), address_type)
    errs += _validate_ports(_l(obj.get("ports")))
    return errs


def _validate_endpoints(endpoints: list, address_type: str) -> Errors:
    if len(endpoints) > MAX_ENDPOINTS:
        return [field.too_many("endpoints", len(endpoints), MAX_ENDPOINTS)]
    errs: Errors = []
    for i, endpoint in enumerate(endpoints):
        path = field.index("endpoints", i)
        addresses = _l(_d(endpoint).get("addresses"))
        if not addresses:
            errs.append(
                field.required(field.child(path, "addresses"), "must contain at least 1 address")
            )
        elif len(addresses) > MAX_ADDRESSES:
            errs.append(
                field.too_many(field.child(path, "addresses"), len(addresses), MAX_ADDRESSES)
            )
        for j, address in enumerate(addresses):
            apath = field.index(field.child(path, "addresses"), j)
            errs += [
                field.invalid(apath, address, msg) for msg in _address(_s(address), address_type)
            ]
        node = _s(_d(endpoint).get("nodeName"))
        if node:
            errs += [
                field.invalid(field.child(path, "nodeName"), node, msg)
                for msg in name_is_dns_subdomain(node, False)
            ]
    return errs


def _address(address: str, address_type: str) -> list[str]:
    """IsValidIPv4Address, IsValidIPv6Address, IsFullyQualifiedDomainName."""
    if address_type == "FQDN":
        return is_dns1123_subdomain(address)
    version = 4 if address_type == "IPv4" else 6
    try:
        if ipaddress.ip_address(address).version == version:
            return []
    except ValueError:
        pass
    return [f"must be a valid {address_type} address"]


def _validate_ports(ports: list) -> Errors:
    if len(ports) > MAX_PORTS:
        return [field.too_many("ports", len(ports), MAX_PORTS)]
    errs: Errors = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        path = field.index("ports", i)
        port = _d(port)
        name = _s(port.get("name"))
        if name:
            errs += [
                field.invalid(field.child(path, "name"), name, m) for m in is_dns1123_label(name)
            ]
        if name in names:
            errs.append(field.duplicate(field.child(path, "name"), name))
        names.add(name)
        protocol = port.get("protocol")
        if protocol is None:
            errs.append(field.required(field.child(path, "protocol"), ""))
        elif protocol not in PROTOCOLS:
            errs.append(field.not_supported(field.child(path, "protocol"), protocol, PROTOCOLS))
        number = port.get("port")
        if isinstance(number, int):
            errs += [
                field.invalid(field.child(path, "port"), number, msg)
                for msg in is_valid_port_num(number)
            ]
    return errs
