"""A DaemonSet's history as ControllerRevisions (pkg/controller/daemon/update.go
constructHistory, snapshot, dedupCurHistories, cleanupHistory, getPatch, Match).

Each revision's data is a strategic merge patch that puts the pod template back
(`{"spec":{"template":{..., "$patch":"replace"}}}`, keys sorted as Go's json.Marshal of a map
writes them); it is named `<ds>-<hash>` and labelled controller-revision-hash=<hash>, the label
its pods carry. The current revision is the one whose data matches the template now; it is
created (revision = the highest old one + 1) or renumbered. Old ones beyond
revisionHistoryLimit that no live pod uses are deleted, oldest first.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.apimachinery.jsoncopy import deep_copy_json
from engine.apimachinery.labels import LabelSelector
from engine.apiserver.request import Response
from engine.controllers.base import SyncError, error_message, path_of
from engine.controllers.controller_ref import ClaimManager, new_controller_ref
from engine.controllers.daemon.util import REVISION_HASH
from engine.controllers.informers import CONTROLLER_UID, ORPHAN_NAMESPACE

if TYPE_CHECKING:
    from engine.controllers.daemon.controller import DaemonSetController

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


def _sorted(value: Any) -> Any:
    """json.Marshal of a map[string]interface{}: keys sorted at every level."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def patch_of(ds: Obj) -> Obj:
    """getPatch: the patch that restores the DaemonSet's pod template."""
    template = deep_copy_json((ds.get("spec") or {}).get("template") or {})
    template["$patch"] = "replace"
    return _sorted({"spec": {"template": template}})


def _controlled(dsc: DaemonSetController, ds: Obj, selector: LabelSelector) -> Gen:
    """controlledHistories: the revisions it owns, adopting matching orphans."""
    uid, namespace = ds["metadata"]["uid"], ds["metadata"].get("namespace", "")
    informer = dsc.informers.get("controllerrevisions")
    candidates = informer.by_index(CONTROLLER_UID, uid) + [
        r
        for r in informer.by_index(ORPHAN_NAMESPACE, namespace)
        if selector.matches(r["metadata"].get("labels") or {})
    ]
    if not candidates:
        return []
    claimed: list[Obj] = yield from ClaimManager(dsc, ds, "daemonsets", selector).claim(
        "controllerrevisions", candidates
    )
    return claimed


def construct_history(
    dsc: DaemonSetController, ds: Obj, selector: LabelSelector, hash_: str
) -> Gen:
    """constructHistory: (the current revision, the old ones)."""
    namespace = ds["metadata"].get("namespace", "")
    wanted = patch_of(ds)
    current: list[Obj] = []
    old: list[Obj] = []
    for history in (yield from _controlled(dsc, ds, selector)):
        (current if history.get("data") == wanted else old).append(history)
    next_revision = max((h.get("revision", 0) for h in old), default=0) + 1
    if not current:
        revision = yield from _snapshot(dsc, ds, wanted, hash_, next_revision)
        return revision, old
    # dedupCurHistories: keep the highest; the others are the same state twice.
    current.sort(key=lambda h: h.get("revision", 0))
    keep = current[-1]
    for duplicate in current[:-1]:
        yield from dsc.request(
            "DELETE", path_of("controllerrevisions", namespace, duplicate["metadata"]["name"]), {}
        )
    if keep.get("revision", 0) < next_revision:
        body = deep_copy_json(keep)
        body["revision"] = next_revision
        response: Response = yield from dsc.request(
            "PUT", path_of("controllerrevisions", namespace, keep["metadata"]["name"]), body
        )
        keep = dsc.must(response)
    return keep, old


def _snapshot(dsc: DaemonSetController, ds: Obj, data: Obj, hash_: str, revision: int) -> Gen:
    """snapshot: a new ControllerRevision; one of that name already there is this state, or a
    hash collision (then status.collisionCount goes up and the sync is retried)."""
    meta = ds["metadata"]
    namespace = meta.get("namespace", "")
    template_labels = ((ds["spec"].get("template") or {}).get("metadata") or {}).get("labels")
    body: Obj = {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": f"{meta['name']}-{hash_}",
            "namespace": namespace,
            "labels": {**(template_labels or {}), REVISION_HASH: hash_},
            "annotations": dict(meta.get("annotations") or {}),
            "ownerReferences": [new_controller_ref(ds)],
        },
        "data": data,
        "revision": revision,
    }
    if not body["metadata"]["annotations"]:
        del body["metadata"]["annotations"]
    response: Response = yield from dsc.request(
        "POST", path_of("controllerrevisions", namespace), body
    )
    if response.ok:
        created: Obj = response.body
        return created
    if response.code != 409:
        raise SyncError(error_message(response))
    existing: Response = yield from dsc.request(
        "GET", path_of("controllerrevisions", namespace, body["metadata"]["name"])
    )
    found: Obj = dsc.must(existing)
    if found.get("data") == data:
        return found
    status = deep_copy_json(ds)
    status.setdefault("status", {})["collisionCount"] = (ds.get("status") or {}).get(
        "collisionCount", 0
    ) + 1
    yield from dsc.request("PUT", path_of("daemonsets", namespace, meta["name"], "status"), status)
    raise SyncError(f"found a stale collision for ControllerRevision {meta['name']}-{hash_}")


def cleanup_history(dsc: DaemonSetController, ds: Obj, old: list[Obj], pods: list[Obj]) -> Gen:
    """cleanupHistory: beyond revisionHistoryLimit, delete the oldest unused revisions."""
    to_kill = len(old) - (ds["spec"].get("revisionHistoryLimit") or 0)
    if to_kill <= 0:
        return
    live = {(p["metadata"].get("labels") or {}).get(REVISION_HASH) for p in pods}
    namespace = ds["metadata"].get("namespace", "")
    for history in sorted(old, key=lambda h: h.get("revision", 0)):
        if to_kill <= 0:
            break
        if (history["metadata"].get("labels") or {}).get(REVISION_HASH) in live:
            continue
        yield from dsc.request(
            "DELETE", path_of("controllerrevisions", namespace, history["metadata"]["name"]), {}
        )
        to_kill -= 1
