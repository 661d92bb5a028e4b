"""Pods: create, update (what may change, and the diff when something else did), status.

Mirrors ValidatePodCreate, ValidatePodUpdate and ValidatePodStatusUpdate in
pkg/apis/core/validation/validation.go.
"""

from __future__ import annotations

from typing import Any

from engine.apimachinery import field
from engine.apiserver.validation.common import (
    FIELD_IMMUTABLE,
    MAX_INT32,
    Errors,
    Obj,
    _d,
    _i,
    _l,
    _s,
    semantic_equal,
)
from engine.apiserver.validation.meta import validate_object_meta, validate_object_meta_update
from engine.apiserver.validation.names import (
    inclusive_range_error,
    is_qualified_name,
    name_is_dns_subdomain,
)
from engine.apiserver.validation.pod_diff import spec_diff
from engine.apiserver.validation.pod_spec import validate_pod_annotations, validate_pod_spec
from engine.apiserver.validation.taints import validate_tolerations


def _validate_image_whitespace(image: str, path: str) -> Errors:
    if image != image.strip():
        return [field.invalid(path, image, "must not have leading or trailing whitespace")]
    return []


def _validate_pod_metadata_and_spec(pod: Obj) -> Errors:
    meta, spec = _d(pod.get("metadata")), _d(pod.get("spec"))
    errs = validate_object_meta(meta, True, name_is_dns_subdomain)
    errs += validate_pod_annotations(meta, spec, "metadata.annotations")
    errs += validate_pod_spec(spec, "spec", True)
    if not _s(spec.get("serviceAccountName")):
        for vi, volume in enumerate(_l(spec.get("volumes"))):
            projected = _d(volume).get("projected")
            if projected is None:
                continue
            for si, source in enumerate(_l(_d(projected).get("sources"))):
                if _d(source).get("serviceAccountToken") is not None:
                    errs.append(
                        field.forbidden(
                            f"spec.volumes[{vi}].projected.sources[{si}].serviceAccountToken",
                            "must not be specified when serviceAccountName is not set",
                        )
                    )
    for key in ("containers", "initContainers"):
        for i, container in enumerate(_l(spec.get(key))):
            image = _s(_d(container).get("image"))
            errs += _validate_image_whitespace(image, f"spec.{key}[{i}].image")
    return errs


def validate_pod_create(pod: Obj) -> Errors:
    spec = _d(pod.get("spec"))
    errs = _validate_pod_metadata_and_spec(pod)
    if _l(spec.get("ephemeralContainers")):
        errs.append(field.forbidden("spec.ephemeralContainers", "cannot be set on create"))
    if _s(spec.get("nodeName")) and _l(spec.get("schedulingGates")):
        errs.append(
            field.forbidden(
                "spec.nodeName", "cannot be set until all schedulingGates have been cleared"
            )
        )
    return errs


# What the "pod updates may not change fields" error lists (updatablePodSpecFields).
UPDATABLE_POD_SPEC_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)


def _validate_container_updates(new: Any, old: Any, path: str) -> tuple[Errors, bool]:
    new_list, old_list = _l(new), _l(old)
    if len(new_list) != len(old_list):
        return [field.forbidden(path, "pod updates may not add or remove containers")], True
    errs: Errors = []
    for i, container in enumerate(new_list):
        image = _s(_d(container).get("image"))
        if not image:
            errs.append(field.required(f"{path}[{i}].image"))
        errs += _validate_image_whitespace(image, f"{path}[{i}].image")
    return errs, False


def _validate_only_added_tolerations(new: Any, old: Any, path: str) -> Errors:
    new_list = [_d(t) for t in _l(new)]
    for old_toleration in (_d(t) for t in _l(old)):
        # tolerationSeconds may change; everything else must survive unchanged.
        found = any(
            semantic_equal({**old_toleration, "tolerationSeconds": t.get("tolerationSeconds")}, t)
            for t in new_list
        )
        if not found:
            return [
                field.forbidden(
                    path, "existing toleration can not be modified except its tolerationSeconds"
                )
            ]
    return validate_tolerations(new, path)


def validate_pod_update(new: Obj, old: Obj) -> Errors:
    """ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations may change."""
    new_spec, old_spec = _d(new.get("spec")), _d(old.get("spec"))
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs += _validate_pod_metadata_and_spec(new)
    for key in ("containers", "initContainers"):
        cerrs, stop = _validate_container_updates(
            new_spec.get(key), old_spec.get(key), f"spec.{key}"
        )
        errs += cerrs
        if stop:
            return errs
    new_deadline, old_deadline = (
        new_spec.get("activeDeadlineSeconds"),
        old_spec.get("activeDeadlineSeconds"),
    )
    if new_deadline is not None:
        if _i(new_deadline) is None or not 0 <= new_deadline <= MAX_INT32:
            errs.append(
                field.invalid(
                    "spec.activeDeadlineSeconds", new_deadline, inclusive_range_error(0, MAX_INT32)
                )
            )
            return errs
        if old_deadline is not None and old_deadline < new_deadline:
            errs.append(
                field.invalid(
                    "spec.activeDeadlineSeconds",
                    new_deadline,
                    "must be less than or equal to previous value",
                )
            )
            return errs
    elif old_deadline is not None:
        errs.append(
            field.invalid(
                "spec.activeDeadlineSeconds",
                None,
                "must not update from a positive integer to nil value",
            )
        )
    errs += _validate_only_added_tolerations(
        new_spec.get("tolerations"), old_spec.get("tolerations"), "spec.tolerations"
    )
    old_gates = {_s(_d(g).get("name")) for g in _l(old_spec.get("schedulingGates"))}
    for i, gate in enumerate(_l(new_spec.get("schedulingGates"))):
        name = _s(_d(gate).get("name"))
        if name not in old_gates:
            errs.append(
                field.forbidden(
                    f"spec.schedulingGates[{i}].name",
                    f"only deletion is allowed, but found new scheduling gate '{name}'",
                )
            )
    if semantic_equal(new_spec, old_spec):
        return errs
    munged = _munge_pod_spec(new_spec, old_spec)
    if not semantic_equal(munged, old_spec):
        detail = "pod updates may not change fields other than " + ",".join(
            UPDATABLE_POD_SPEC_FIELDS
        )
        errs.append(field.forbidden("spec", detail + "\n" + spec_diff(old_spec, munged)))
    return errs


def _munge_pod_spec(new: Obj, old: Obj) -> Obj:
    """The new spec with every field that may change set back to its old value."""
    munged = dict(new)
    for key in ("containers", "initContainers"):
        old_items = _l(old.get(key))
        if isinstance(new.get(key), list):
            munged[key] = [
                {**_d(c), "image": _d(old_items[i]).get("image")} if i < len(old_items) else c
                for i, c in enumerate(new[key])
            ]
    for key in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        if key in old:
            munged[key] = old[key]
        else:
            munged.pop(key, None)
    old_grace, new_grace = (
        old.get("terminationGracePeriodSeconds"),
        new.get("terminationGracePeriodSeconds"),
    )
    if isinstance(old_grace, int) and old_grace < 0 and new_grace == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    return munged


def validate_pod_status_update(new: Obj, old: Obj) -> Errors:
    """ValidatePodStatusUpdate: what the kubelet may and may not write to pods/status."""
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    new_spec, old_spec = _d(new.get("spec")), _d(old.get("spec"))
    new_status, old_status = _d(new.get("status")), _d(old.get("status"))
    for i, condition in enumerate(_l(new_status.get("conditions"))):
        ctype = _s(_d(condition).get("type"))
        if ctype not in ("PodScheduled", "Ready", "Initialized"):
            errs += [
                field.invalid(f"metadata.conditions[{i}].Type", ctype, m)
                for m in is_qualified_name(ctype)
            ]
    if _s(new_spec.get("nodeName")) != _s(old_spec.get("nodeName")):
        errs.append(field.forbidden("status.nodeName", "may not be changed directly"))
    nominated = _s(new_status.get("nominatedNodeName"))
    if nominated and nominated != _s(old_status.get("nominatedNodeName")):
        errs += [
            field.invalid("status.nominatedNodeName", nominated, m)
            for m in name_is_dns_subdomain(nominated, False)
        ]
    if _s(new_status.get("qosClass")) != _s(old_status.get("qosClass")):
        errs.append(
            field.invalid("status.qosClass", _s(new_status.get("qosClass")), FIELD_IMMUTABLE)
        )
    restart = _s(old_spec.get("restartPolicy"))
    if restart != "Always":
        new_by_name = {
            _s(_d(s).get("name")): _d(s) for s in _l(new_status.get("containerStatuses"))
        }
        for i, status in enumerate(_l(old_status.get("containerStatuses"))):
            terminated = _d(_d(_d(status).get("state")).get("terminated"))
            if not terminated:
                continue
            if _i(terminated.get("exitCode")) and restart == "OnFailure":
                continue
            now = new_by_name.get(_s(_d(status).get("name")))
            if now is not None and not _d(_d(now.get("state")).get("terminated")):
                errs.append(
                    field.forbidden(
                        f"status.containerStatuses[{i}].state",
                        "may not be transitioned to non-terminated state",
                    )
                )
    return errs
