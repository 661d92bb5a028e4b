"""Adoption and orphaning by selector and controllerRef: BaseControllerRefManager.ClaimObject
(pkg/controller/controller_ref_manager.go).

An object is claimed by a controller if its controllerRef points at it and the selector still
matches; an orphan that matches is adopted (a patch adding the controllerRef), an owned object
that no longer matches is released (a patch deleting the ref). A controller being deleted
neither adopts nor releases; before its first adoption it re-reads itself from the API server
(RecheckDeletionTimestamp), because its cached copy may not show that it is going.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.apimachinery.labels import LabelSelector
from engine.apiserver.request import Response
from engine.controllers.base import STRATEGIC_MERGE, SyncError, error_message, path_of
from engine.controllers.informers import controller_ref

if TYPE_CHECKING:
    from engine.controllers.base import Controller

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


def resolve_controller_ref(informer: Any, kind: str, namespace: str, ref: Obj) -> Obj | None:
    """resolveControllerRef (each controller has its own upstream): the object of `kind` a
    controllerRef names in the informer's cache, if it is still that one (the same UID)."""
    if ref.get("kind") != kind:
        return None
    found: Obj | None = informer.get(f"{namespace}/{ref.get('name', '')}")
    if found is None or found["metadata"].get("uid") != ref.get("uid"):
        return None
    return found


def new_controller_ref(owner: Obj) -> Obj:
    """metav1.NewControllerRef."""
    meta = owner["metadata"]
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": meta["name"],
        "uid": meta["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def adopt_patch(owner: Obj, dependent_uid: str) -> Obj:
    """ownerRefControllerPatch: a strategic merge patch adding the controllerRef."""
    return {"metadata": {"ownerReferences": [new_controller_ref(owner)], "uid": dependent_uid}}


def release_patch(dependent_uid: str, owner_uids: list[str]) -> Obj:
    """GenerateDeleteOwnerRefStrategicMergeBytes: `$patch: delete` for each owner uid."""
    refs = [{"$patch": "delete", "uid": uid} for uid in owner_uids]
    return {"metadata": {"ownerReferences": refs, "uid": dependent_uid}}


class ClaimManager:
    """One claim pass of `owner` over `resource` objects (PodControllerRefManager et al.)."""

    def __init__(
        self, controller: Controller, owner: Obj, owner_resource: str, selector: LabelSelector
    ) -> None:
        self.controller = controller
        self.owner = owner
        self.owner_resource = owner_resource
        self.selector = selector
        self._can_adopt: str | None = None  # "" once checked and fine, else the reason not

    def claim(self, resource: str, objects: list[Obj]) -> Gen:
        """ClaimObjects: the objects this owner keeps; adopts and releases as it goes."""
        claimed: list[Obj] = []
        errors: list[str] = []
        owner_meta = self.owner["metadata"]
        for obj in objects:
            meta = obj["metadata"]
            ref = controller_ref(obj)
            matches = self.selector.matches(meta.get("labels") or {})
            if ref is not None:
                if ref.get("uid") != owner_meta["uid"]:
                    continue  # someone else's
                if matches:
                    claimed.append(obj)
                    continue
                if owner_meta.get("deletionTimestamp"):
                    continue
                response = yield from self._patch(
                    resource, obj, release_patch(meta["uid"], [owner_meta["uid"]])
                )
                if not response.ok and response.code != 404:
                    errors.append(error_message(response))
                continue
            if owner_meta.get("deletionTimestamp") or not matches:
                continue
            if meta.get("deletionTimestamp") or meta.get("namespace") != owner_meta.get(
                "namespace"
            ):
                continue
            reason = yield from self._check_can_adopt()
            if reason:
                errors.append(
                    f"can't adopt {obj['kind']} {meta.get('namespace')}/{meta['name']} "
                    f"({meta['uid']}): {reason}"
                )
                continue
            response = yield from self._patch(resource, obj, adopt_patch(self.owner, meta["uid"]))
            if response.ok:
                claimed.append(response.body)
            elif response.code != 404:
                errors.append(error_message(response))
        if errors:
            raise SyncError("; ".join(errors))
        return claimed

    def _patch(self, resource: str, obj: Obj, patch: Obj) -> Gen:
        meta = obj["metadata"]
        response: Response = yield from self.controller.request(
            "PATCH",
            path_of(resource, meta.get("namespace", ""), meta["name"]),
            patch,
            headers=STRATEGIC_MERGE,
        )
        return response

    def _check_can_adopt(self) -> Gen:
        """RecheckDeletionTimestamp: an uncached read of the owner, once per claim pass."""
        if self._can_adopt is not None:
            return self._can_adopt
        meta = self.owner["metadata"]
        response: Response = yield from self.controller.request(
            "GET", path_of(self.owner_resource, meta.get("namespace", ""), meta["name"])
        )
        if not response.ok:
            self._can_adopt = error_message(response)
        elif response.body["metadata"].get("uid") != meta["uid"]:
            self._can_adopt = (
                f"original {self.owner['kind']} {meta.get('namespace')}/{meta['name']} is gone: "
                f"got uid {response.body['metadata'].get('uid')}, wanted {meta['uid']}"
            )
        elif response.body["metadata"].get("deletionTimestamp"):
            self._can_adopt = (
                f"{meta.get('namespace')}/{meta['name']} has just been deleted at "
                f"{response.body['metadata']['deletionTimestamp']}"
            )
        else:
            self._can_adopt = ""
        return self._can_adopt
