"""The LimitRanger admission plugin (plugin/pkg/admission/limitranger/admission.go): a new pod's
containers get their namespace's LimitRange defaults (Admit), then must keep within its
minimum, maximum and limit/request ratio (Validate), or the pod is Forbidden; a new claim's
storage request must keep within the PersistentVolumeClaim items.

Upstream ranges over Go maps where this sorts (resource names), so that the same pod always
gets the same message; a LimitRange's Container items are read in order, later ones winning.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from engine.apimachinery import errors
from engine.apimachinery.quantity import canonical_quantity
from engine.apiserver.memo import parse_quantity
from engine.trace import Step

if TYPE_CHECKING:
    from engine.apiserver.request import Request
    from engine.apiserver.server import APIServer
    from engine.trace import ObjectRef

Obj = dict[str, Any]

ANNOTATION = "kubernetes.io/limit-ranger"
CONTAINER, POD, CLAIM = "Container", "Pod", "PersistentVolumeClaim"


def _d(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _containers(pod: Obj) -> list[tuple[str, Obj]]:
    spec = _d(pod.get("spec"))
    return [("container", c) for c in _l(spec.get("containers")) if isinstance(c, dict)] + [
        ("init container", c) for c in _l(spec.get("initContainers")) if isinstance(c, dict)
    ]


def _items(limit_range: Obj) -> list[Obj]:
    return [i for i in _l(_d(limit_range.get("spec")).get("limits")) if isinstance(i, dict)]


def default_pod_resources(pod: Obj, limit_ranges: list[Obj]) -> bool:
    """Admit: each LimitRange's Container defaults into the containers that set none
    (defaultContainerResourceRequirements, mergePodResourceRequirements), recorded in the
    kubernetes.io/limit-ranger annotation. Returns whether the pod changed."""
    changed = False
    for limit_range in limit_ranges:
        limits: dict[str, Any] = {}
        requests: dict[str, Any] = {}
        for item in _items(limit_range):
            if item.get("type") == CONTAINER:
                limits.update(_d(item.get("default")))
                requests.update(_d(item.get("defaultRequest")))
        notes: list[str] = []
        for prefix, container in _containers(pod):
            resources = container.get("resources")
            if not isinstance(resources, dict):
                resources = container["resources"] = {}
            set_requests = _merge(resources, "requests", requests)
            set_limits = _merge(resources, "limits", limits)
            name = container.get("name", "")
            if set_requests:
                notes.append(f"{', '.join(set_requests)} request for {prefix} {name}")
            if set_limits:
                notes.append(f"{', '.join(set_limits)} limit for {prefix} {name}")
        if notes:
            meta = pod.setdefault("metadata", {})
            annotations = meta.get("annotations")
            if not isinstance(annotations, dict):
                annotations = meta["annotations"] = {}
            annotations[ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)
            changed = True
    return changed


def _merge(resources: Obj, key: str, defaults: dict[str, Any]) -> list[str]:
    """mergeContainerResources for one list: the defaults the container lacks, sorted."""
    current = resources.get(key)
    if not isinstance(current, dict):
        current = {}
    added = sorted(name for name in defaults if name not in current)
    for name in added:
        current[name] = defaults[name]
    if current:
        resources[key] = current
    return added


def check(obj: Obj, resource: str, limit_ranges: list[Obj]) -> None:
    """Validate: a pod against every Container and Pod item (PodValidateLimitFunc), a claim
    against every PersistentVolumeClaim item (PersistentVolumeClaimValidateLimitFunc); the
    object is Forbidden with all the violations (an aggregate: `[a, b]` when more than one)."""
    problems: list[str] = []
    for limit_range in limit_ranges:
        for item in _items(limit_range):
            kind = item.get("type")
            if resource == "pods" and kind == CONTAINER:
                for _prefix, container in _containers(obj):
                    resources = _d(container.get("resources"))
                    problems += _check(
                        item, kind, _d(resources.get("requests")), _d(resources.get("limits"))
                    )
            elif resource == "pods" and kind == POD:
                requests, limits = _pod_totals(obj)
                problems += _check(item, kind, requests, limits)
            elif resource == "persistentvolumeclaims" and kind == CLAIM:
                requests = _d(_d(_d(obj.get("spec")).get("resources")).get("requests"))
                for name, enforced in sorted(_d(item.get("min")).items()):
                    problems += _min(kind, name, enforced, requests, {})  # limits not user input
                for name, enforced in sorted(_d(item.get("max")).items()):
                    problems += _max_request(kind, name, enforced, requests)
    if problems:
        unique = list(dict.fromkeys(problems))
        text = unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"
        raise errors.forbidden(resource, _d(obj.get("metadata")).get("name") or "", text)


def _max_request(kind: str, name: str, enforced: Any, requests: Obj) -> list[str]:
    """maxRequestConstraint: a claim's request against the most it may ask for."""
    req = requests.get(name)
    shown = canonical_quantity(enforced)
    if req is None:
        return [f"maximum {name} usage per {kind} is {shown}.  No request is specified"]
    if _milli(req) > _milli(enforced):
        return [
            f"maximum {name} usage per {kind} is {shown}, but request is {canonical_quantity(req)}"
        ]
    return []


def _check(item: Obj, kind: str, requests: Obj, limits: Obj) -> list[str]:
    problems: list[str] = []
    for name, enforced in sorted(_d(item.get("min")).items()):
        problems += _min(kind, name, enforced, requests, limits)
    for name, enforced in sorted(_d(item.get("max")).items()):
        problems += _max(kind, name, enforced, requests, limits)
    for name, enforced in sorted(_d(item.get("maxLimitRequestRatio")).items()):
        problems += _ratio(kind, name, enforced, requests, limits)
    return problems


def _milli(value: Any) -> int:
    """Quantity.MilliValue: rounded up."""
    return math.ceil(parse_quantity(value) * 1000)


def _values(request: Any, limit: Any, enforced: Any) -> tuple[int, int, int]:
    """requestLimitEnforcedValues: compared in milli-units (no value here is large enough to
    overflow them)."""
    return (
        _milli(request) if request is not None else 0,
        _milli(limit) if limit is not None else 0,
        _milli(enforced),
    )


def _min(kind: str, name: str, enforced: Any, requests: Obj, limits: Obj) -> list[str]:
    req, lim = requests.get(name), limits.get(name)
    observed_req, observed_lim, wanted = _values(req, lim, enforced)
    shown = canonical_quantity(enforced)
    if req is None:
        return [f"minimum {name} usage per {kind} is {shown}.  No request is specified"]
    if observed_req < wanted:
        return [
            f"minimum {name} usage per {kind} is {shown}, but request is {canonical_quantity(req)}"
        ]
    if lim is not None and observed_lim < wanted:
        return [
            f"minimum {name} usage per {kind} is {shown}, but limit is {canonical_quantity(lim)}"
        ]
    return []


def _max(kind: str, name: str, enforced: Any, requests: Obj, limits: Obj) -> list[str]:
    req, lim = requests.get(name), limits.get(name)
    observed_req, observed_lim, wanted = _values(req, lim, enforced)
    shown = canonical_quantity(enforced)
    if lim is None:
        return [f"maximum {name} usage per {kind} is {shown}.  No limit is specified"]
    if observed_lim > wanted:
        return [
            f"maximum {name} usage per {kind} is {shown}, but limit is {canonical_quantity(lim)}"
        ]
    if req is not None and observed_req > wanted:
        return [
            f"maximum {name} usage per {kind} is {shown}, but request is {canonical_quantity(req)}"
        ]
    return []


def _ratio(kind: str, name: str, enforced: Any, requests: Obj, limits: Obj) -> list[str]:
    req, lim = requests.get(name), limits.get(name)
    observed_req, observed_lim, _ = _values(req, lim, enforced)
    shown = canonical_quantity(enforced)
    head = f"{name} max limit to request ratio per {kind} is {shown}"
    if req is None or observed_req == 0:
        return [f"{head}, but no request is specified or request is 0"]
    if lim is None or observed_lim == 0:
        return [f"{head}, but no limit is specified or limit is 0"]
    ratio = Fraction(observed_lim, observed_req)
    if ratio * 1000 > _milli(enforced):
        return [f"{head}, but provided ratio is {float(ratio):f}"]
    return []


def _pod_totals(pod: Obj) -> tuple[Obj, Obj]:
    """The pod's requests and limits for Pod items: the containers' sums (a resource counts
    only when every container sets it, as upstream's sum does), then the larger of that and
    any init container's (the pod needs the larger at some point)."""
    spec = _d(pod.get("spec"))
    totals: list[Obj] = []
    for key in ("requests", "limits"):
        lists = [
            _d(_d(c.get("resources")).get(key))
            for c in _l(spec.get("containers"))
            if isinstance(c, dict)
        ]
        names = {name for values in lists for name in values}
        summed: dict[str, Fraction] = {
            name: sum((parse_quantity(v[name]) for v in lists), Fraction(0))
            for name in names
            if all(name in v for v in lists)
        }
        for init in _l(spec.get("initContainers")):
            for name, raw in _d(_d(_d(init).get("resources")).get(key)).items():
                value = parse_quantity(raw)
                if name not in summed or value > summed[name]:
                    summed[name] = value
        totals.append({name: _text(name, value) for name, value in summed.items()})
    return totals[0], totals[1]


def _text(name: str, value: Fraction) -> str:
    # sum(): cpu as a milli-quantity, everything else as a whole number (DecimalSI).
    if name == "cpu":
        return canonical_quantity(f"{math.ceil(value * 1000)}m")
    return canonical_quantity(str(math.ceil(value)))


def limit_ranges_of(api: APIServer, namespace: str) -> list[Obj]:
    """The namespace's LimitRanges, in name order (the plugin's lister)."""
    return api.storage.range(f"/registry/limitranges/{namespace}/")


def admit(api: APIServer, pod: Obj) -> list[str]:
    """The mutating half, for a new pod: ["LimitRanger"] if it set any default."""
    ranges = limit_ranges_of(api, _d(pod.get("metadata")).get("namespace", ""))
    return ["LimitRanger"] if ranges and default_pod_resources(pod, ranges) else []


def validate(api: APIServer, req: Request, obj: Obj, resource: str, ref: ObjectRef) -> None:
    """The validating half, after the object's own validation. The learner's own object is
    told as a story: what the namespace's LimitRanges filled in, or why they refused it."""
    meta = _d(obj.get("metadata"))
    ranges = limit_ranges_of(api, meta.get("namespace", ""))
    if not ranges:
        return
    told = req.step is Step.SEND and not api.quiet
    names = ", ".join(r["metadata"]["name"] for r in ranges)
    where = f"LimitRange {names} in namespace {ref.namespace}"
    what = ref.kind.lower()
    try:
        check(obj, resource, ranges)
    except errors.StatusError as refusal:
        api.stage(req, "validating-admission", f"LimitRanger refused it: {refusal.message}", ref)
        if told:
            why = refusal.message.split(" is forbidden: ", 1)[-1]
            headline = f"The API server refused {what} {ref.name}: {why} ({where})"
            api.trace.milestone("api-server", headline, ref, None, None, step=Step.PERSIST)
        raise
    api.stage(
        req, "validating-admission", f"Validating admission: LimitRanger: within {where}", ref
    )
    filled = str(_d(meta.get("annotations")).get(ANNOTATION, "")) if resource == "pods" else ""
    if told and filled:
        headline = (
            f"{where} filled in what pod {ref.name} did not ask for "
            f"({filled.removeprefix('LimitRanger plugin set: ')}), and the pod keeps within its "
            "limits"
        )
        api.trace.milestone("api-server", headline, ref, None, None, step=Step.PERSIST)
