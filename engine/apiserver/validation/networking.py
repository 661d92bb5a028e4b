"""Ingresses, IngressClasses and NetworkPolicies: ValidateIngressCreate, ValidateIngressUpdate,
ValidateIngressClass(Update), ValidateNetworkPolicy(Update) of
pkg/apis/networking/validation/validation.go.

The errors learners meet: a path without pathType, a relative path for Exact or Prefix, a
backend without a port, an Ingress with neither rules nor defaultBackend, an IP as host, and a
NetworkPolicy peer with nothing in it."""

from __future__ import annotations

import ipaddress
import re

from engine.apimachinery import field
from engine.apimachinery.field import GoLiteral, go_quote
from engine.apiserver.validation.common import (
    FIELD_IMMUTABLE,
    Errors,
    Obj,
    _d,
    _i,
    _l,
    _s,
)
from engine.apiserver.validation.label_selector import validate_label_selector
from engine.apiserver.validation.meta import validate_meta, validate_object_meta
from engine.apiserver.validation.names import (
    DNS1123_SUBDOMAIN_FMT,
    is_dns1123_subdomain,
    is_valid_port_name,
    is_valid_port_num,
    max_len_error,
    name_is_dns1035_label,
    name_is_dns_label,
    name_is_dns_subdomain,
    regex_error,
)

INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"  # annotationIngressClass
PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")  # supportedPathTypes.List()
INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_PATH_SUFFIXES = ("/..", "/.")
MAX_CONTROLLER_LEN = 250  # maxLenIngressClassController
PARAMETER_SCOPES = ("Cluster", "Namespace")
PROTOCOLS = ("TCP", "UDP", "SCTP")
POLICY_TYPES = ("Ingress", "Egress")

# staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go
_WILDCARD_FMT = "\\*\\." + DNS1123_SUBDOMAIN_FMT
_WILDCARD_MSG = (
    "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, "
    "which must consist of lower case alphanumeric characters, '-' or '.' and end with an "
    "alphanumeric character"
)
_HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+"  # httpPathFmt
_HTTP_PATH_RE = re.compile(_HTTP_PATH_FMT)
_CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"


def _is_wildcard_subdomain(value: str) -> list[str]:
    """IsWildcardDNS1123Subdomain."""
    errs = [max_len_error(253)] if len(value) > 253 else []
    if not (value.startswith("*.") and not is_dns1123_subdomain(value[2:])):
        errs.append(regex_error(_WILDCARD_MSG, _WILDCARD_FMT, "*.example.com"))
    return errs


def _parse_ip_sloppy(text: str) -> bool:
    """netutils.ParseIPSloppy: an IP, IPv4 parts with leading zeros allowed."""
    parts = text.split(".")
    if len(parts) == 4 and all(p.isdigit() for p in parts):
        text = ".".join(str(int(p)) for p in parts)
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def is_path_segment_name(name: str) -> list[str]:
    """content.IsPathSegmentName."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{bad}'" for bad in ("/", "%") if bad in name]


# ---- Ingress ---------------------------------------------------------------------------------


def validate_ingress(obj: Obj, old: Obj | None) -> Errors:
    """ValidateIngressCreate (old is None) or ValidateIngressUpdate: both end with the whole
    validateIngress, ObjectMeta included."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    if old is not None:
        errs += validate_object_meta(_d(obj.get("metadata")), True, name_is_dns_subdomain)
    spec = _d(obj.get("spec"))
    errs += _ingress_spec(spec, _allow_invalid_secret_name(old))
    if old is None:
        annotations = _d(_d(obj.get("metadata")).get("annotations"))
        wanted = spec.get("ingressClassName")
        annotated = annotations.get(INGRESS_CLASS_ANNOTATION)
        if annotated is not None and wanted is not None and annotated != wanted:
            errs.append(
                field.invalid(
                    "annotations." + INGRESS_CLASS_ANNOTATION,
                    annotated,
                    "must match `ingressClassName` when both are specified",
                )
            )
    return errs


def _allow_invalid_secret_name(old: Obj | None) -> bool:
    """allowInvalidSecretName: a stored Ingress keeps the secret names it was created with."""
    tls = _l(_d((old or {}).get("spec")).get("tls"))
    return any(name_is_dns_subdomain(_s(_d(t).get("secretName")), False) for t in tls)


def _ingress_spec(spec: Obj, allow_invalid_secret: bool) -> Errors:
    """ValidateIngressSpec."""
    errs: Errors = []
    rules = _l(spec.get("rules"))
    if not rules and spec.get("defaultBackend") is None:
        errs.append(
            field.invalid(
                "spec",
                GoLiteral("[]networking.IngressRule(nil)"),
                "either `defaultBackend` or `rules` must be specified",
            )
        )
    if spec.get("defaultBackend") is not None:
        errs += _backend(_d(spec.get("defaultBackend")), "spec.defaultBackend")
    for index, rule in enumerate(rules):
        errs += _rule(_d(rule), f"spec.rules[{index}]")
    for index, tls in enumerate(_l(spec.get("tls"))):
        errs += _tls(_d(tls), f"spec.tls[{index}]", allow_invalid_secret)
    class_name = spec.get("ingressClassName")
    if class_name is not None:
        errs += [
            field.invalid("spec.ingressClassName", class_name, msg)
            for msg in name_is_dns_subdomain(_s(class_name), False)
        ]
    return errs


def _host_errors(host: str) -> list[str]:
    return _is_wildcard_subdomain(host) if "*" in host else is_dns1123_subdomain(host)


def _rule(rule: Obj, path: str) -> Errors:
    """validateIngressRules for one rule, then validateIngressRuleValue."""
    errs: Errors = []
    host = _s(rule.get("host"))
    if host:
        if _parse_ip_sloppy(host):
            errs.append(
                field.invalid(path + ".host", host, "must be a DNS name, not an IP address")
            )
        errs += [field.invalid(path + ".host", host, msg) for msg in _host_errors(host)]
    http = rule.get("http")
    if http is None:
        return errs
    paths = _l(_d(http).get("paths"))
    if not paths:
        errs.append(field.required(path + ".http.paths", ""))
    for index, http_path in enumerate(paths):
        errs += _http_path(_d(http_path), f"{path}.http.paths[{index}]")
    return errs


def _http_path(http_path: Obj, path: str) -> Errors:
    """validateHTTPIngressPath."""
    path_type = http_path.get("pathType")
    if path_type is None:
        return [field.required(path + ".pathType", "pathType must be specified")]
    errs: Errors = []
    value = _s(http_path.get("path"))
    if path_type in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errs.append(field.invalid(path + ".path", value, "must be an absolute path"))
        for sequence in INVALID_PATH_SEQUENCES if value else ():
            if sequence in value:
                errs.append(field.invalid(path + ".path", value, f"must not contain '{sequence}'"))
        for suffix in INVALID_PATH_SUFFIXES if value else ():
            if value.endswith(suffix):
                errs.append(field.invalid(path + ".path", value, f"cannot end with '{suffix}'"))
    elif path_type == "ImplementationSpecific":
        if value and not value.startswith("/"):
            errs.append(field.invalid(path + ".path", value, "must be an absolute path"))
    else:
        errs.append(field.not_supported(path + ".pathType", path_type, PATH_TYPES))
    return errs + _backend(_d(http_path.get("backend")), path + ".backend")


def _backend(backend: Obj, path: str) -> Errors:
    """validateIngressBackend: a Service (by name, with a port name or number) or a
    resource, not both."""
    resource, service = backend.get("resource"), backend.get("service")
    if resource is not None and service is not None:
        return [field.invalid(path, "", "cannot set both resource and service backends")]
    if resource is not None:
        return _typed_local_reference(_d(resource), path + ".resource")
    if service is None:
        return [field.invalid(path, "", "resource or service backend is required")]
    service = _d(service)
    errs: Errors = []
    name = _s(service.get("name"))
    if not name:
        errs.append(field.required(path + ".service.name", ""))
    else:
        # apivalidation.ValidateServiceName (RelaxedServiceNameValidation off, as for Services)
        errs += [
            field.invalid(path + ".service.name", name, msg)
            for msg in name_is_dns1035_label(name, False)
        ]
    port = _d(service.get("port"))
    port_name, number = _s(port.get("name")), _i(port.get("number")) or 0
    if port_name and number:
        errs.append(field.invalid(path, "", "cannot set both port name & port number"))
    elif port_name:
        errs += [
            field.invalid(path + ".service.port.name", port_name, msg)
            for msg in is_valid_port_name(port_name)
        ]
    elif number:
        errs += [
            field.invalid(path + ".service.port.number", number, msg)
            for msg in is_valid_port_num(number)
        ]
    else:
        errs.append(field.required(path, "port name or number is required"))
    return errs


def _typed_local_reference(ref: Obj, path: str) -> Errors:
    """validateIngressTypedLocalObjectReference."""
    errs: Errors = []
    if ref.get("apiGroup") is not None:
        group = _s(ref.get("apiGroup"))
        errs += [field.invalid(path + ".apiGroup", group, m) for m in is_dns1123_subdomain(group)]
    for key in ("kind", "name"):
        value = _s(ref.get(key))
        if not value:
            errs.append(field.required(f"{path}.{key}", ""))
        else:
            errs += [field.invalid(f"{path}.{key}", value, m) for m in is_path_segment_name(value)]
    return errs


def _tls(tls: Obj, path: str, allow_invalid_secret: bool) -> Errors:
    """validateIngressTLS for one entry."""
    errs: Errors = []
    for index, host in enumerate(_l(tls.get("hosts"))):
        host = _s(host)
        errs += [field.invalid(f"{path}.hosts[{index}]", host, m) for m in _host_errors(host)]
    secret = _s(tls.get("secretName"))
    if secret and not allow_invalid_secret:
        errs += [
            field.invalid(path + ".secretName", secret, m)
            for m in name_is_dns_subdomain(secret, False)
        ]
    return errs


def validate_ingress_status(obj: Obj, old: Obj) -> Errors:
    """ValidateIngressStatusUpdate: the addresses an ingress controller reports."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    balancer = _d(_d(obj.get("status")).get("loadBalancer"))
    for index, entry in enumerate(_l(balancer.get("ingress"))):
        path = f"status.loadBalancer.ingress[{index}]"
        entry = _d(entry)
        ip, hostname = _s(entry.get("ip")), _s(entry.get("hostname"))
        if ip and not _parse_ip_sloppy(ip):
            errs.append(
                field.invalid(
                    path + ".ip",
                    ip,
                    "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                )
            )
        if hostname:
            errs += [
                field.invalid(path + ".hostname", hostname, m)
                for m in is_dns1123_subdomain(hostname)
            ]
            if _parse_ip_sloppy(hostname):
                errs.append(
                    field.invalid(
                        path + ".hostname", hostname, "must be a DNS name, not an IP address"
                    )
                )
    return errs


# ---- IngressClass ----------------------------------------------------------------------------


def validate_ingress_class(obj: Obj, old: Obj | None) -> Errors:
    """ValidateIngressClass, or ValidateIngressClassUpdate: the controller is immutable, then
    the whole create validation again."""
    errs = validate_meta(obj, old, False, name_is_dns_subdomain)
    spec = _d(obj.get("spec"))
    if old is not None:
        controller, before = spec.get("controller"), _d(old.get("spec")).get("controller")
        if controller != before:
            errs.append(field.invalid("spec.controller", _s(controller), FIELD_IMMUTABLE))
        errs += validate_object_meta(_d(obj.get("metadata")), False, name_is_dns_subdomain)
    controller = _s(spec.get("controller"))
    if not controller:
        errs.append(field.required("spec.controller", ""))
    else:
        if len(controller) > MAX_CONTROLLER_LEN:
            errs.append(field.too_long("spec.controller", "", MAX_CONTROLLER_LEN))
        errs += _domain_prefixed_path("spec.controller", controller)
    if spec.get("parameters") is not None:
        errs += _parameters(_d(spec.get("parameters")), "spec.parameters")
    return errs


def _domain_prefixed_path(path: str, value: str) -> Errors:
    """validation.IsDomainPrefixedPath: "example.com/path"."""
    host, slash, rest = value.partition("/")
    if not slash or not host or not rest:
        return [
            field.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')
        ]
    errs = [field.invalid(path, host, msg) for msg in is_dns1123_subdomain(host)]
    if not _HTTP_PATH_RE.fullmatch(rest):
        errs.append(field.invalid(path, rest, regex_error("Invalid path", _HTTP_PATH_FMT)))
    return errs


def _parameters(params: Obj, path: str) -> Errors:
    """validateIngressClassParametersReference."""
    errs: Errors = []
    if params.get("apiGroup") is not None:
        group = _s(params.get("apiGroup"))
        errs += [field.invalid(path + ".apiGroup", group, m) for m in is_dns1123_subdomain(group)]
    for key in ("kind", "name"):
        value = _s(params.get(key))
        if not value:
            errs.append(field.required(f"{path}.{key}", ""))
        else:
            errs += [field.invalid(f"{path}.{key}", value, m) for m in is_path_segment_name(value)]
    scope = params.get("scope")
    if scope is None:
        errs.append(field.required(path + ".scope", ""))
        return errs
    namespace = params.get("namespace")
    if scope not in PARAMETER_SCOPES:
        errs.append(field.not_supported(path + ".scope", scope, PARAMETER_SCOPES))
    elif scope == "Namespace":
        if namespace is None:
            errs.append(
                field.required(path + ".namespace", "`parameters.scope` is set to 'Namespace'")
            )
        else:
            errs += [
                field.invalid(path + ".namespace", namespace, m)
                for m in name_is_dns_label(_s(namespace), False)  # ValidateNamespaceName
            ]
    elif namespace is not None:
        errs.append(field.forbidden(path + ".namespace", "`parameters.scope` is set to 'Cluster'"))
    return errs


# ---- NetworkPolicy ---------------------------------------------------------------------------


def validate_network_policy(obj: Obj, old: Obj | None) -> Errors:
    """ValidateNetworkPolicy, or ValidateNetworkPolicyUpdate (CIDRs already stored are not
    checked again)."""
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    known = _stored_cidrs(_d((old or {}).get("spec")))
    spec = _d(obj.get("spec"))
    errs += validate_label_selector(spec.get("podSelector"), "spec.podSelector")
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for index, rule in enumerate(_l(spec.get(direction))):
            rule_path = f"spec.{direction}[{index}]"
            for i, port in enumerate(_l(_d(rule).get("ports"))):
                errs += _policy_port(_d(port), f"{rule_path}.ports[{i}]")
            for i, peer in enumerate(_l(_d(rule).get(peers_key))):
                errs += _peer(_d(peer), f"{rule_path}.{peers_key}[{i}]", known)
    types = _l(spec.get("policyTypes"))
    if len(types) > len(POLICY_TYPES):
        shown = ", ".join(go_quote(_s(t)) for t in types)
        errs.append(
            field.invalid(
                "spec.policyTypes",
                GoLiteral(f"[]networking.PolicyType{{{shown}}}"),
                "may not specify more than two policyTypes",
            )
        )
        return errs
    for index, kind in enumerate(types):
        if kind not in POLICY_TYPES:
            errs.append(field.not_supported(f"spec.policyTypes[{index}]", kind, POLICY_TYPES))
    return errs


def _stored_cidrs(spec: Obj) -> set[str]:
    cidrs: set[str] = set()
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for rule in _l(spec.get(direction)):
            for peer in _l(_d(rule).get(peers_key)):
                block = _d(_d(peer).get("ipBlock"))
                cidrs |= {_s(block.get("cidr")), *map(_s, _l(block.get("except")))}
    return cidrs


def _policy_port(port: Obj, path: str) -> Errors:
    """ValidateNetworkPolicyPort."""
    errs: Errors = []
    protocol = port.get("protocol")
    if protocol is not None and protocol not in PROTOCOLS:
        errs.append(field.not_supported(path + ".protocol", protocol, PROTOCOLS))
    value, end = port.get("port"), _i(port.get("endPort"))
    if value is None:
        if end is not None:
            detail = "may not be specified when `port` is not specified"
            errs.append(field.invalid(path + ".endPort", end, detail))
        return errs
    if isinstance(value, int):
        errs += [field.invalid(path + ".port", value, m) for m in is_valid_port_num(value)]
        if end is not None:
            if end < value:
                detail = "must be greater than or equal to `port`"
                errs.append(field.invalid(path + ".endPort", end, detail))
            errs += [field.invalid(path + ".endPort", end, m) for m in is_valid_port_num(end)]
        return errs
    if end is not None:
        detail = "may not be specified when `port` is non-numeric"
        errs.append(field.invalid(path + ".endPort", end, detail))
    return errs + [field.invalid(path + ".port", value, m) for m in is_valid_port_name(_s(value))]


def _peer(peer: Obj, path: str, known: set[str]) -> Errors:
    """ValidateNetworkPolicyPeer: exactly one kind of peer when it is an ipBlock."""
    errs: Errors = []
    count = 0
    for key in ("podSelector", "namespaceSelector"):
        if peer.get(key) is not None:
            count += 1
            errs += validate_label_selector(peer.get(key), f"{path}.{key}")
    block = peer.get("ipBlock")
    if block is not None:
        count += 1
        errs += _ip_block(_d(block), path + ".ipBlock", known)
    if count == 0:
        errs.append(field.required(path, "must specify a peer"))
    elif count > 1 and block is not None:
        errs.append(field.forbidden(path, "may not specify both ipBlock and another peer"))
    return errs


def _parse_cidr(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _cidr(value: str, path: str, known: set[str]) -> Errors:
    """IsValidCIDRForLegacyField: a CIDR already stored stays allowed."""
    if value in known or _parse_cidr(value) is not None:
        return []
    return [field.invalid(path, value, _CIDR_MSG)]


def _ip_block(block: Obj, path: str, known: set[str]) -> Errors:
    """ValidateIPBlock: each except range strictly inside cidr."""
    cidr = _s(block.get("cidr"))
    if not cidr:
        return [field.required(path + ".cidr", "")]
    errs = _cidr(cidr, path + ".cidr", known)
    network = _parse_cidr(cidr)
    if network is None:
        return errs
    for index, text in enumerate(_l(block.get("except"))):
        except_path = f"{path}.except[{index}]"
        text = _s(text)
        errs += _cidr(text, except_path, known)
        inner = _parse_cidr(text)
        if inner is None:
            continue
        inside = inner.version == network.version and inner.network_address in network
        if not inside or network.prefixlen >= inner.prefixlen:
            errs.append(field.invalid(except_path, text, "must be a strict subset of `cidr`"))
    return errs
