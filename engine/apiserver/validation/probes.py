"""Probes and lifecycle hooks: handlers (exec, httpGet, tcpSocket, grpc, sleep) and timings.

Mirrors validateProbe, validateHandler / validateLifecycleHandler (handlerFromProbe /
handlerFromLifecycle), validateHTTPGetAction, validateTCPSocketAction, validateSleepAction and
ValidatePortNumOrName in pkg/apis/core/validation/validation.go. Zero-second sleep actions are
allowed (the PodLifecycleSleepActionAllowZero gate's 1.37 default).
"""

from __future__ import annotations

from typing import Any

from engine.apimachinery import field
from engine.apiserver.validation.common import Errors, Obj, _d, _i, _l, _s, validate_nonnegative
from engine.apiserver.validation.names import (
    is_http_header_name,
    is_valid_port_name,
    is_valid_port_num,
)

_HTTP_SCHEMES = ["HTTP", "HTTPS"]


def _validate_port_num_or_name(port: Any, path: str) -> Errors:
    if isinstance(port, bool) or not isinstance(port, int | str):
        return [field.internal_error(path, f"unknown type: {type(port).__name__}")]
    if isinstance(port, int):
        return [field.invalid(path, port, m) for m in is_valid_port_num(port)]
    return [field.invalid(path, port, m) for m in is_valid_port_name(port)]


def _validate_handler(handler: Obj, kinds: tuple[str, ...], grace: int | None, path: str) -> Errors:
    errs: Errors = []
    count = 0
    for kind in kinds:
        if handler.get(kind) is None:
            continue
        hpath = field.child(path, kind)
        if count > 0:
            errs.append(field.forbidden(hpath, "may not specify more than 1 handler type"))
            continue
        count += 1
        action = _d(handler[kind])
        if kind == "exec":
            if not _l(action.get("command")):
                errs.append(field.required(field.child(hpath, "command")))
        elif kind == "httpGet":
            if not _s(action.get("path")):
                errs.append(field.required(field.child(hpath, "path")))
            errs += _validate_port_num_or_name(action.get("port"), field.child(hpath, "port"))
            scheme = action.get("scheme")
            if scheme not in _HTTP_SCHEMES:
                errs.append(
                    field.not_supported(field.child(hpath, "scheme"), _s(scheme), _HTTP_SCHEMES)
                )
            for header in _l(action.get("httpHeaders")):
                name = _s(_d(header).get("name"))
                errs += [
                    field.invalid(field.child(hpath, "httpHeaders"), name, msg)
                    for msg in is_http_header_name(name)
                ]
        elif kind in ("tcpSocket", "grpc"):
            errs += _validate_port_num_or_name(action.get("port"), field.child(hpath, "port"))
        elif kind == "sleep":
            seconds = _i(action.get("seconds")) or 0
            if grace is not None and (seconds < 0 or seconds > grace):
                errs.append(
                    field.invalid(
                        hpath,
                        seconds,
                        "must be non-negative and less than terminationGracePeriodSeconds "
                        f"({grace})",
                    )
                )
    if count == 0:
        errs.append(field.required(path, "must specify a handler type"))
    return errs


_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")


def _validate_probe(probe: Any, kind: str, grace: int | None, path: str) -> Errors:
    if probe is None:
        return []
    probe = _d(probe)
    errs = _validate_handler(probe, _PROBE_HANDLERS, grace, path)
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        errs += validate_nonnegative(probe.get(key), field.child(path, key))
    grace_override = _i(probe.get("terminationGracePeriodSeconds"))
    if grace_override is not None and grace_override <= 0:
        errs.append(
            field.invalid(
                field.child(path, "terminationGracePeriodSeconds"),
                grace_override,
                "must be greater than 0",
            )
        )
    if kind in ("livenessProbe", "startupProbe") and probe.get("successThreshold") != 1:
        errs.append(
            field.invalid(
                field.child(path, "successThreshold"), probe.get("successThreshold"), "must be 1"
            )
        )
    if kind == "readinessProbe" and probe.get("terminationGracePeriodSeconds") is not None:
        errs.append(
            field.invalid(
                field.child(path, "terminationGracePeriodSeconds"),
                probe.get("terminationGracePeriodSeconds"),
                "must not be set for readinessProbes",
            )
        )
    return errs


def _validate_lifecycle(lifecycle: Obj, grace: int | None, path: str) -> Errors:
    errs: Errors = []
    for hook in ("postStart", "preStop"):
        if lifecycle.get(hook) is not None:
            errs += _validate_handler(
                _d(lifecycle[hook]), _LIFECYCLE_HANDLERS, grace, field.child(path, hook)
            )
    return errs


def validate_lifecycle_and_probes(container: Obj, grace: int | None, path: str) -> Errors:
    """A container's lifecycle hooks, then its liveness, readiness and startup probes."""
    errs: Errors = []
    if container.get("lifecycle") is not None:
        errs += _validate_lifecycle(
            _d(container["lifecycle"]), grace, field.child(path, "lifecycle")
        )
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        errs += _validate_probe(container.get(probe), probe, grace, field.child(path, probe))
    return errs
