"""Services: ValidateService and ValidateServiceUpdate of pkg/apis/core/validation/validation.go
(validateServicePort, ValidateServiceClusterIPsRelatedFields, validateUpgradeDowngradeClusterIPs,
the traffic policy checks), on the object as the registry holds it after defaulting and
allocation."""

from __future__ import annotations

import ipaddress
from typing import Any

from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral
from engine.apiserver.validation.common import Errors, Obj, _d, _i, _l, _s
from engine.apiserver.validation.meta import validate_labels, validate_meta, validate_object_meta
from engine.apiserver.validation.names import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_port_name,
    is_valid_port_num,
    name_is_dns1035_label,
)

TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
PROTOCOLS = ("SCTP", "TCP", "UDP")
AFFINITIES = ("ClientIP", "None")
FAMILIES = ("IPv4", "IPv6")
FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
TRAFFIC_POLICIES = ("Cluster", "Local")
MAX_CLIENT_IP_TIMEOUT = 86400  # core.MaxClientIPServiceAffinitySeconds
IP_EXAMPLE = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"


def is_headless(spec: Obj) -> bool:
    return _s(spec.get("clusterIP")) == "None"


def has_selector(spec: Obj) -> bool:
    return bool(_d(spec.get("selector")))


def validate_service(obj: Obj, old: Obj | None) -> Errors:
    """ValidateService (old is None) or ValidateServiceUpdate."""
    errs = validate_meta(obj, old, True, name_is_dns1035_label)
    spec, old_spec = _d(obj.get("spec")), _d((old or {}).get("spec"))
    if old is not None:
        errs += _validate_cluster_ips_update(spec, old_spec)
        # ValidateServiceUpdate ends with the whole of ValidateService, ObjectMeta included.
        errs += validate_object_meta(_d(obj.get("metadata")), True, name_is_dns1035_label)
    kind = _s(spec.get("type"))
    ports = [_d(port) for port in _l(spec.get("ports"))]
    headless = is_headless(spec)
    cluster_ips = [_s(ip) for ip in _l(spec.get("clusterIPs"))]
    if not ports and not headless and kind != "ExternalName":
        errs.append(field.required("spec.ports", ""))
    if kind in ("LoadBalancer", "NodePort") and headless:
        errs.append(
            field.invalid(
                "spec.clusterIPs[0]",
                cluster_ips[0] if cluster_ips else "None",
                f"may not be set to 'None' for {kind} services",
            )
        )
    elif kind == "ExternalName":
        errs += _validate_external_name(spec)
    names: set[str] = set()
    for index, port in enumerate(ports):
        errs += _validate_port(port, len(ports) > 1, names, f"spec.ports[{index}]")
    if spec.get("selector") is not None:
        errs += validate_labels(spec.get("selector"), "spec.selector")
    errs += _validate_session_affinity(spec)
    errs += validate_cluster_ip_fields(spec)
    for index, ip in enumerate(_l(spec.get("externalIPs"))):
        errs += _validate_ip(_s(ip), f"spec.externalIPs[{index}]")
    if not kind:
        errs.append(field.required("spec.type", ""))
    elif kind not in TYPES:
        errs.append(field.not_supported("spec.type", kind, TYPES))
    if kind == "ClusterIP":
        errs += [
            field.forbidden(
                f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"
            )
            for i, port in enumerate(ports)
            if port.get("nodePort")
        ]
    errs += _validate_duplicates(ports)
    errs += _validate_traffic_policies(spec)
    return errs


def _validate_external_name(spec: Obj) -> Errors:
    errs: Errors = []
    if _l(spec.get("clusterIPs")):
        errs.append(field.forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
    if _l(spec.get("ipFamilies")):
        errs.append(field.forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
    if spec.get("ipFamilyPolicy") is not None:
        errs.append(
            field.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services")
        )
    # The value (a CNAME) may end with a dot, as a fully qualified name does.
    cname = _s(spec.get("externalName")).removesuffix(".")
    if not cname:
        return [*errs, field.required("spec.externalName", "")]
    return errs + [
        field.invalid("spec.externalName", cname, m) for m in is_dns1123_subdomain(cname)
    ]


def _validate_port(port: Obj, require_name: bool, names: set[str], path: str) -> Errors:
    """validateServicePort."""
    errs: Errors = []
    name = _s(port.get("name"))
    if require_name and not name:
        errs.append(field.required(path + ".name", ""))
    elif name:
        errs += [field.invalid(path + ".name", name, m) for m in is_dns1123_label(name)]
        if name in names:
            errs.append(field.duplicate(path + ".name", name))
        names.add(name)
    number = _i(port.get("port")) or 0
    errs += [field.invalid(path + ".port", number, m) for m in is_valid_port_num(number)]
    protocol = _s(port.get("protocol"))
    if not protocol:
        errs.append(field.required(path + ".protocol", ""))
    elif protocol not in PROTOCOLS:
        errs.append(field.not_supported(path + ".protocol", protocol, PROTOCOLS))
    target = port.get("targetPort")
    if isinstance(target, str):
        errs += [field.invalid(path + ".targetPort", target, m) for m in is_valid_port_name(target)]
    elif isinstance(target, int):
        errs += [field.invalid(path + ".targetPort", target, m) for m in is_valid_port_num(target)]
    app_protocol = port.get("appProtocol")
    if isinstance(app_protocol, str):
        errs += [
            field.invalid(path + ".appProtocol", app_protocol, m)
            for m in is_qualified_name(app_protocol)
        ]
    return errs


def _validate_session_affinity(spec: Obj) -> Errors:
    affinity = _s(spec.get("sessionAffinity"))
    if not affinity:
        return [field.required("spec.sessionAffinity", "")]
    if affinity not in AFFINITIES:
        return [field.not_supported("spec.sessionAffinity", affinity, AFFINITIES)]
    config = spec.get("sessionAffinityConfig")
    if affinity == "None":
        if config is not None:
            detail = "must not be set when session affinity is None"
            return [field.forbidden("spec.sessionAffinityConfig", detail)]
        return []
    # validateClientIPAffinityConfig
    client_ip = _d(config).get("clientIP")
    path = "spec.sessionAffinityConfig.clientIP"
    if client_ip is None:
        return [field.required(path, "when session affinity type is ClientIP")]
    timeout = _d(client_ip).get("timeoutSeconds")
    if timeout is None:
        return [field.required(path + ".timeoutSeconds", "when session affinity type is ClientIP")]
    if not 0 < timeout <= MAX_CLIENT_IP_TIMEOUT:
        detail = f"must be greater than 0 and less than {MAX_CLIENT_IP_TIMEOUT}"
        return [field.invalid(path + ".timeoutSeconds", timeout, detail)]
    return []


def _validate_ip(ip: str, path: str) -> Errors:
    """validation.IsValidIP."""
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        return [field.invalid(path, ip, IP_EXAMPLE)]
    return []


def validate_cluster_ip_fields(spec: Obj) -> Errors:
    """ValidateServiceClusterIPsRelatedFields: clusterIP and clusterIPs agree, the IPs are
    IPs, and the families and policy are known values."""
    if spec.get("type") == "ExternalName":
        return []
    errs: Errors = []
    cluster_ip = _s(spec.get("clusterIP"))
    cluster_ips = [_s(ip) for ip in _l(spec.get("clusterIPs"))]
    if cluster_ip:
        if not cluster_ips:
            errs.append(field.required("spec.clusterIPs", ""))
        elif cluster_ips[0] != cluster_ip:
            errs.append(
                field.invalid("spec.clusterIPs", cluster_ips, "first value must match `clusterIP`")
            )
    elif cluster_ips:
        detail = "must be empty when `clusterIP` is not specified"
        errs.append(field.invalid("spec.clusterIPs", cluster_ips, detail))
    seen: set[str] = set()
    for index, family in enumerate(_l(spec.get("ipFamilies"))):
        path = f"spec.ipFamilies[{index}]"
        if family not in FAMILIES:
            errs.append(field.not_supported(path, family, FAMILIES))
        if family in seen:
            errs.append(field.duplicate(path, family))
        seen.add(family)
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in FAMILY_POLICIES:
        errs.append(field.not_supported("spec.ipFamilyPolicy", policy, FAMILY_POLICIES))
    for index, ip in enumerate(cluster_ips):
        if index == 0 and ip == "None":
            if len(cluster_ips) > 1:
                detail = "'None' must be the first and only value"
                errs.append(field.invalid("spec.clusterIPs", cluster_ips, detail))
            continue
        errs += _validate_ip(ip, f"spec.clusterIPs[{index}]")
    if len(cluster_ips) > 2:
        errs.append(field.invalid("spec.clusterIPs", cluster_ips, "may only hold up to 2 values"))
    return errs


def _validate_cluster_ips_update(spec: Obj, old: Obj) -> Errors:
    """validateUpgradeDowngradeClusterIPs: the primary cluster IP never changes (but to or
    from ExternalName, or between two headless forms)."""
    if "ExternalName" in (spec.get("type"), old.get("type")):
        return []
    if is_headless(spec) and is_headless(old):
        return []
    new_ips, old_ips = _l(spec.get("clusterIPs")), _l(old.get("clusterIPs"))
    path = "spec.clusterIPs[0]"
    if not new_ips and old_ips:
        return [field.invalid(path, new_ips, "primary clusterIP can not be unset")]
    if len(new_ips) == len(old_ips):
        return [
            field.invalid(f"spec.clusterIPs[{i}]", new_ips, "may not change once set")
            for i, ip in enumerate(old_ips)
            if ip != new_ips[i]
        ]
    if old_ips and new_ips and new_ips[0] != old_ips[0]:
        return [field.invalid(path, new_ips, "may not change once set")]
    return []


def _validate_duplicates(ports: list[Obj]) -> Errors:
    """Duplicate node ports and ports, each keyed by (protocol, number); the duplicate port
    is printed as the internal ServicePort struct holding only that key (%#v)."""
    errs: Errors = []
    node_ports: set[tuple[Any, Any]] = set()
    for index, port in enumerate(ports):
        if not port.get("nodePort"):
            continue
        key = (port.get("protocol"), port.get("nodePort"))
        if key in node_ports:
            errs.append(field.duplicate(f"spec.ports[{index}].nodePort", port["nodePort"]))
        node_ports.add(key)
    seen: set[tuple[Any, Any]] = set()
    for index, port in enumerate(ports):
        key = (port.get("protocol"), port.get("port"))
        if key in seen:
            literal = GoLiteral(
                f'core.ServicePort{{Name:"", Protocol:"{_s(key[0])}", AppProtocol:(*string)(nil), '
                f"Port:{_i(key[1]) or 0}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, "
                'StrVal:""}, NodePort:0}'
            )
            errs.append(field.duplicate(f"spec.ports[{index}]", literal))
        seen.add(key)
    return errs


def _validate_traffic_policies(spec: Obj) -> Errors:
    """validateServiceExternalTrafficPolicy, validateServiceInternalTrafficFieldsValue."""
    errs: Errors = []
    external = spec.get("externalTrafficPolicy")
    exposed = spec.get("type") in ("LoadBalancer", "NodePort") or (
        spec.get("type") == "ClusterIP" and bool(_l(spec.get("externalIPs")))
    )
    if not exposed:
        if external:
            detail = "may only be set for externally-accessible services"
            errs.append(field.invalid("spec.externalTrafficPolicy", external, detail))
    elif not external:
        errs.append(field.required("spec.externalTrafficPolicy", ""))
    elif external not in TRAFFIC_POLICIES:
        errs.append(field.not_supported("spec.externalTrafficPolicy", external, TRAFFIC_POLICIES))
    check = spec.get("healthCheckNodePort")
    if check and not (spec.get("type") == "LoadBalancer" and external == "Local"):
        detail = (
            "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"
        )
        errs.append(field.invalid("spec.healthCheckNodePort", check, detail))
    internal = spec.get("internalTrafficPolicy")
    if internal is None:
        if spec.get("type") != "ExternalName":
            errs.append(field.required("spec.internalTrafficPolicy", "must be specified"))
    elif internal not in TRAFFIC_POLICIES:
        errs.append(field.not_supported("spec.internalTrafficPolicy", internal, TRAFFIC_POLICIES))
    return errs
