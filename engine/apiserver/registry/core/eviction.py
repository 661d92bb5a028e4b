"""POST pods/<name>/eviction (what `kubectl drain` sends): a DELETE that a PodDisruptionBudget
may refuse. pkg/registry/core/pod/storage/eviction.go EvictionREST.Create.

A pod that is not running yet or any more (Pending, Succeeded, Failed) or already going is
deleted at once; so is one no budget covers. With one budget: while its status is behind its
spec, or it allows no disruption, the answer is 429 TooManyRequests ("Cannot evict pod as it
would violate the pod's disruption budget.", the budget's numbers as the cause), which kubectl
drain retries after 5 s. Otherwise the budget's disruptionsAllowed goes down by one and the pod
is recorded in its status.disruptedPods (so that the disruption controller does not count it
healthy meanwhile), then the pod gets the DisruptionTarget condition and is deleted with the
eviction's DeleteOptions. The answer is a Status, not the pod. A pod that is not Ready may go
without using up the budget while the budget is met (unhealthyPodEvictionPolicy
IfHealthyBudget), or always (AlwaysAllow).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import TYPE_CHECKING, Any

from engine.apimachinery import errors
from engine.apimachinery.labels import SelectorError, selector_from_match
from engine.apiserver import decoding, memo
from engine.apiserver.registry import store
from engine.apiserver.request import Request, ResourcePath, Response
from engine.apiserver.resources import BY_NAME
from engine.etcd import CASFailedError
from engine.trace import Step

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

    Gen = store.Gen

Obj = dict[str, Any]
BUDGETS = BY_NAME["poddisruptionbudgets"]
REFUSED = "Cannot evict pod as it would violate the pod's disruption budget."


def is_pod_ready(pod: Obj) -> bool:
    """podutil.IsPodReady: the Ready condition is True."""
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _success() -> Obj:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}


def _too_many_requests(cause: str) -> errors.StatusError:
    """errors.NewTooManyRequests(…, 0) with a DisruptionBudget cause."""
    return errors.StatusError(
        429,
        "TooManyRequests",
        REFUSED,
        {"causes": [{"reason": "DisruptionBudget", "message": cause}]},
    )


def evict(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    eviction = decoding.decode_body(req, None)
    if (eviction.get("metadata") or {}).get("name", "") != target.name:
        raise errors.bad_request("name in URL does not match name in Eviction object")
    pod_path = ResourcePath(target.resource, target.namespace, target.name, "")
    pod = yield from store.read(api, req, pod_path)
    ref = target.resource.ref_of(pod)
    phase = (pod.get("status") or {}).get("phase")
    budgets = _budgets_of(api, pod)
    if phase in ("Pending", "Succeeded", "Failed") or pod["metadata"].get("deletionTimestamp"):
        why = f"pod {target.name} is {phase or 'being deleted'}: no budget applies"
    elif not budgets:
        why = f"no PodDisruptionBudget covers pod {target.name}"
    elif len(budgets) > 1:
        raise errors.internal(
            "This pod has more than one PodDisruptionBudget, which the eviction subresource does "
            "not support."
        )
    else:
        why = yield from _take_from_budget(api, req, pod, budgets[0])
    api.stage(req, "eviction", f"Eviction allowed: {why}", ref)
    yield from _mark_disruption_target(api, req, pod_path)
    delete = Request(
        "DELETE",
        req.path,
        dict(req.query),
        {},
        dict(eviction.get("deleteOptions") or {}),
        req.user,
        req.groups,
        req.source,
        req.step,
    )
    yield from store.delete(api, delete, pod_path, decoding.delete_options(delete))
    return Response(201, _success())


def _budgets_of(api: APIServer, pod: Obj) -> list[Obj]:
    """getPodDisruptionBudgets: the budgets of the pod's namespace that select it."""
    labels = pod["metadata"].get("labels") or {}
    found = []
    for pdb in api.storage.range(BUDGETS.prefix(pod["metadata"].get("namespace", ""))):
        try:
            selector = selector_from_match((pdb.get("spec") or {}).get("selector"))
        except SelectorError:
            continue
        if not selector.empty() and selector.matches(labels):
            found.append(pdb)
    return found


def _take_from_budget(api: APIServer, req: Request, pod: Obj, pdb: Obj) -> Gen:
    """checkAndDecrement, again on a conflict; returns why the eviction may go on."""
    name, namespace = pdb["metadata"]["name"], pdb["metadata"].get("namespace", "")
    key = BUDGETS.key(namespace, name)
    while True:
        status = pdb.get("status") or {}
        current, desired = status.get("currentHealthy", 0), status.get("desiredHealthy", 0)
        policy = (pdb.get("spec") or {}).get("unhealthyPodEvictionPolicy") or "IfHealthyBudget"
        if not is_pod_ready(pod) and (
            policy == "AlwaysAllow" or (current >= desired and desired > 0)
        ):
            return f"pod {pod['metadata']['name']} is not Ready and budget {name} allows that"
        if status.get("observedGeneration", 0) < pdb["metadata"].get("generation", 0):
            _refuse(
                api,
                req,
                pod,
                pdb,
                f"The disruption budget {name} is still being processed by the server.",
            )
        allowed = status.get("disruptionsAllowed", 0)
        if allowed <= 0:
            _refuse(
                api,
                req,
                pod,
                pdb,
                f"The disruption budget {name} needs {desired} healthy pods and has {current} "
                "currently",
            )
        new = copy.deepcopy(pdb)
        new_status = new.setdefault("status", {})
        new_status["disruptionsAllowed"] = allowed - 1
        if allowed - 1 == 0:
            for condition in new_status.get("conditions") or []:
                if condition.get("type") == "DisruptionAllowed" and condition["status"] != "False":
                    condition.update(
                        status="False",
                        reason="InsufficientPods",
                        lastTransitionTime=memo.rfc3339(api.env.now),
                    )
        disrupted = new_status.setdefault("disruptedPods", {})
        disrupted[pod["metadata"]["name"]] = memo.rfc3339(api.env.now)
        revision = int(pdb["metadata"]["resourceVersion"])
        try:
            yield from api.storage.write(req, BUDGETS, key, new, revision, replacing=pdb)
        except CASFailedError:
            pdb = api.storage.get(key) or pdb
            continue
        return f"budget {name} allowed {allowed} disruptions, now {allowed - 1}"


def _refuse(api: APIServer, req: Request, pod: Obj, pdb: Obj, cause: str) -> None:
    """The 429, told to the learner once per pod and cause (kubectl drain retries every 5 s)."""
    ref = BY_NAME["pods"].ref_of(pod)
    api.stage(req, "eviction", f"Eviction refused: {cause}", ref)
    told = (ref.namespace, ref.name, cause)
    if req.step is Step.SEND and not api.quiet and told not in api.evictions_told:
        api.evictions_told.add(told)
        headline = (
            f"The API server refused to evict pod {ref.name}: PodDisruptionBudget "
            f"{pdb['metadata']['name']} allows no disruption now ({cause}); it is "
            "asked again every 5 s, by kubectl drain, until the budget allows it"
        )
        api.trace.milestone("api-server", headline, ref, None, None, step=Step.PERSIST)
    raise _too_many_requests(cause)


def _mark_disruption_target(api: APIServer, req: Request, pod_path: ResourcePath) -> Gen:
    """addConditionAndDeletePod's condition: DisruptionTarget, EvictionByEvictionAPI."""
    status_path = ResourcePath(pod_path.resource, pod_path.namespace, pod_path.name, "status")

    def mark(old: Obj) -> Obj:
        new = dict(old)
        status = new["status"] = dict(old.get("status") or {})
        conditions = [c for c in status.get("conditions") or [] if c["type"] != "DisruptionTarget"]
        conditions.append(
            {
                "type": "DisruptionTarget",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": memo.rfc3339(api.env.now),
                "reason": "EvictionByEvictionAPI",
                "message": "Eviction API: evicting",
            }
        )
        status["conditions"] = conditions
        return new

    # The API server's own write, not a step of the learner's story (Step.PERSIST is what
    # the request's stages are traced as anyway).
    own = dataclasses.replace(req, step=Step.PERSIST)
    yield from store.guaranteed_update(api, own, status_path, mark, "")
