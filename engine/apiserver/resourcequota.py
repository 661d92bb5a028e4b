"""The ResourceQuota admission plugin (plugin/pkg/admission/resourcequota/controller.go
checkRequest, and the evaluators of pkg/quota/v1, engine/quotav1.py): a new object is checked
against every ResourceQuota of its namespace, then charged to them.

For each quota whose status.hard names something the object counts for: a pod must set the
cpu and memory it limits (`failed quota: <quota>: must specify …`), the quota's usage must be
known (`status unknown for quota: …`), and usage plus the object must stay within hard
(`exceeded quota: <quota>, requested: …, used: …, limited: …`), each a 403. The new usage is
written to the quotas' status before the object is stored (compare-and-swap, again on a
conflict), so that creates racing each other (a ReplicaSet's burst) each see the others; the
resource quota controller later recounts from what is stored. This is not Podlife's own limit
on the cluster's size (engine/apiserver/quota.py).

Creates only: an update's change of usage (a resized pod) is not charged here. Scopes
(Terminating, BestEffort, PriorityClass… and scopeSelector) select pods as upstream's pod
evaluator does; a scoped quota counts no other kind.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from engine import quotav1
from engine.apimachinery import errors
from engine.apiserver.resources import BY_NAME, ResourceType
from engine.etcd import CASFailedError
from engine.trace import Step

if TYPE_CHECKING:
    from engine.apiserver.request import Request
    from engine.apiserver.server import APIServer
    from engine.apiserver.storage.etcd3 import Gen

Obj = dict[str, Any]
QUOTAS = BY_NAME["resourcequotas"]


def admit(api: APIServer, req: Request, resource: ResourceType, obj: Obj) -> Gen:
    if not resource.namespaced or resource is QUOTAS:
        return
    meta = obj["metadata"]
    namespace = meta.get("namespace", "")
    ref = resource.ref_of(obj)
    while True:
        quotas = api.storage.range(QUOTAS.prefix(namespace))
        try:
            charged = _check(api, resource, obj, quotas)
        except errors.StatusError as refusal:
            api.stage(
                req, "validating-admission", f"ResourceQuota refused it: {refusal.message}", ref
            )
            if req.step is Step.SEND and not api.quiet:  # the learner's own request
                why = refusal.message.split(" is forbidden: ", 1)[-1]
                headline = f"The API server refused {resource.kind.lower()} {ref.name}: {why}"
                api.trace.milestone("api-server", headline, ref, None, None, step=Step.PERSIST)
            raise
        if not charged:
            return
        names = ", ".join(q["metadata"]["name"] for q, _ in charged)
        summary = f"Validating admission: ResourceQuota: within quota {names}"
        api.stage(req, "validating-admission", summary, ref)
        if req.query.get("dryRun"):
            return
        try:
            for quota, used in charged:
                new = copy.deepcopy(quota)
                new["status"]["used"] = used
                revision = int(quota["metadata"]["resourceVersion"])
                key = QUOTAS.key(namespace, quota["metadata"]["name"])
                yield from api.storage.write(req, QUOTAS, key, new, revision, replacing=quota)
        except CASFailedError:
            continue  # another create changed a quota meanwhile: check again
        return


def _check(
    api: APIServer, resource: ResourceType, obj: Obj, quotas: list[Obj]
) -> list[tuple[Obj, dict[str, str]]]:
    """checkRequest: the quotas to charge, each with its new usage; raises the 403."""
    name = obj["metadata"].get("name", "")

    def refuse(text: str) -> errors.StatusError:
        return errors.forbidden(resource.name, name, text, resource.group)

    delta = quotav1.usage(resource, obj, api.env.now)
    charged: list[tuple[Obj, dict[str, str]]] = []
    for quota in sorted(quotas, key=lambda q: q["metadata"]["name"]):
        quota_name = quota["metadata"]["name"]
        status = quota.get("status") or {}
        hard, used = status.get("hard") or {}, status.get("used") or {}
        restricted = quotav1.matching_resources(resource, list(hard))
        if not restricted or not quotav1.matches_scopes(quota, resource, obj):
            continue
        if resource.name == "pods":
            missing = quotav1.missing_requests(obj, restricted)
            if missing:
                raise refuse(f"failed quota: {quota_name}: {missing}")
        if any(n not in used for n in restricted):  # hasUsageStats
            raise refuse(
                f"status unknown for quota: {quota_name}, resources: {','.join(restricted)}"
            )
        requested = quotav1.mask(delta, set(hard))
        if quotav1.is_zero(requested):
            continue
        new_usage = quotav1.add(used, requested)
        over = quotav1.exceeded(quotav1.mask(new_usage, set(requested)), hard)
        if over:
            raise refuse(
                f"exceeded quota: {quota_name}, requested: "
                f"{quotav1.pretty(quotav1.mask(requested, over))}, used: "
                f"{quotav1.pretty(quotav1.mask(used, over))}, limited: "
                f"{quotav1.pretty(quotav1.mask(hard, over))}"
            )
        charged.append((quota, new_usage))
    return charged
