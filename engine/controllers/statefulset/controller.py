"""The StatefulSet controller (pkg/controller/statefulset/stateful_set.go): informer
handlers, the work queue and sync — the pods it owns (adopting and releasing by selector and
name), its ControllerRevisions, one pass of control.py, and status.

The story it tells (docs/trace.md, "Milestones"; step 4 of a StatefulSet's 4) is what makes a
StatefulSet different: pods with stable names created one at a time, each waiting for the one
before; a claim per pod that outlives it; a deleted pod coming back with the same name and
claim; scale-down and rolling updates from the highest ordinal down.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

from engine.apimachinery.labels import LabelSelector, SelectorError, selector_from_match
from engine.apiserver.request import Response
from engine.client.informer import Handlers, key_of
from engine.controllers.base import Controller, SyncError, error_message, path_of
from engine.controllers.controller_ref import ClaimManager, resolve_controller_ref
from engine.controllers.informers import CONTROLLER_UID, ORPHAN_NAMESPACE, controller_ref
from engine.controllers.podutil import is_pod_ready, labels_of
from engine.controllers.statefulset import control, utils

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

STATUS_FIELDS = (
    "replicas",
    "currentReplicas",
    "readyReplicas",
    "updatedReplicas",
    "currentRevision",
    "availableReplicas",
    "updateRevision",
)  # inconsistentStatus


class StatefulSetController(Controller):
    name = "statefulset-controller"
    service_account = "statefulset-controller"
    event_source = "statefulset-controller"
    workers = 5  # --concurrent-statefulset-syncs
    kind = "StatefulSet"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.pods = self.informers.pods
        self.sets = self.informers.get("statefulsets")
        self.revisions = self.informers.get("controllerrevisions")
        self.claims = self.informers.get("persistentvolumeclaims")
        self._made: set[tuple[str, str]] = set()  # (set uid, pod name) created once, for the story

    # ---- informer handlers -------------------------------------------------------------------
    def register(self) -> None:
        self.sets.add_handlers(
            Handlers(self._enqueue, lambda _old, cur: self._enqueue(cur), self._enqueue)
        )
        self.pods.add_handlers(Handlers(self._add_pod, self._update_pod, self._delete_pod))
        # Revisions and claims: read from their informers' caches, no handlers (as upstream).

    def synced_resources(self) -> tuple[str, ...]:
        return ("pods", "statefulsets", "controllerrevisions", "persistentvolumeclaims")

    def _enqueue(self, sts: Obj) -> None:
        self.queue.add(key_of(sts))

    def _add_pod(self, pod: Obj) -> None:
        if pod["metadata"].get("deletionTimestamp"):
            self._delete_pod(pod)
            return
        ref = controller_ref(pod)
        if ref is not None:
            sts = self._resolve(pod["metadata"].get("namespace", ""), ref)
            if sts is not None:
                self._enqueue(sts)
            return
        for sts in self._sets_for_orphan(pod):
            self._enqueue(sts)

    def _update_pod(self, old: Obj, cur: Obj) -> None:
        """updatePod: the owner(s) look again; a pod that just got ready is looked at again
        after minReadySeconds."""
        if old["metadata"].get("resourceVersion") == cur["metadata"].get("resourceVersion"):
            return
        namespace = cur["metadata"].get("namespace", "")
        cur_ref, old_ref = controller_ref(cur), controller_ref(old)
        if cur_ref != old_ref and old_ref is not None:
            previous = self._resolve(namespace, old_ref)
            if previous is not None:
                self._enqueue(previous)
        if cur_ref is not None:
            sts = self._resolve(namespace, cur_ref)
            if sts is not None:
                self._enqueue(sts)
                min_ready = sts["spec"].get("minReadySeconds") or 0
                if min_ready and not is_pod_ready(old) and is_pod_ready(cur):
                    self.enqueue_after(key_of(sts), min_ready)
            return
        if labels_of(old) != labels_of(cur) or cur_ref != old_ref:
            for sts in self._sets_for_orphan(cur):
                self._enqueue(sts)

    def _delete_pod(self, pod: Obj) -> None:
        ref = controller_ref(pod)
        if ref is not None:
            sts = self._resolve(pod["metadata"].get("namespace", ""), ref)
            if sts is not None:
                self._enqueue(sts)

    def _resolve(self, namespace: str, ref: Obj) -> Obj | None:
        return resolve_controller_ref(self.sets, "StatefulSet", namespace, ref)

    def _sets_for_orphan(self, pod: Obj) -> list[Obj]:
        """getStatefulSetsForPod: the sets of its namespace whose selector matches it."""
        namespace, labels = pod["metadata"].get("namespace", ""), labels_of(pod)
        found = []
        for sts in self.sets.list():
            selector = _selector(sts)
            if (
                sts["metadata"].get("namespace") == namespace
                and selector is not None
                and not selector.empty()
                and selector.matches(labels)
            ):
                found.append(sts)
        return found

    # ---- sync --------------------------------------------------------------------------------
    def sync(self, key: str) -> Gen:
        yield from self.work()
        sts = self.sets.get(key)
        if sts is None:
            return
        selector = _selector(sts)
        if selector is None:
            return  # validation keeps such selectors out
        revisions = yield from self._claim(sts, selector, "controllerrevisions", self.revisions)
        pods = yield from self._claim(sts, selector, "pods", self.pods)
        pods = [p for p in pods if utils.is_member_of(sts, p)]
        revisions.sort(key=lambda r: (r.get("revision", 0), r["metadata"]["name"]))
        current, update, count = yield from control.revisions_of(self, sts, revisions)
        status = yield from control.update_stateful_set(self, sts, current, update, count, pods)
        yield from self._update_status(sts, status)
        live = {current["metadata"]["name"], update["metadata"]["name"]}
        yield from control.truncate_history(self, sts, pods, revisions, live)
        min_ready = sts["spec"].get("minReadySeconds") or 0
        if min_ready and status["availableReplicas"] != sts["spec"].get("replicas"):
            self.enqueue_after(key, min_ready)

    def _claim(self, sts: Obj, selector: LabelSelector, resource: str, informer: Any) -> Gen:
        """getPodsForStatefulSet / adoptOrphanRevisions: what it owns, adopting orphans that
        match (pods only if named after it)."""
        uid, namespace = sts["metadata"]["uid"], sts["metadata"].get("namespace", "")
        candidates = informer.by_index(CONTROLLER_UID, uid) + [
            o
            for o in informer.by_index(ORPHAN_NAMESPACE, namespace)
            if selector.matches(labels_of(o)) and (resource != "pods" or utils.is_member_of(sts, o))
        ]
        if not candidates:
            return []
        manager = ClaimManager(self, sts, "statefulsets", selector)
        claimed: list[Obj] = yield from manager.claim(resource, candidates)
        return claimed

    def _update_status(self, sts: Obj, status: Obj) -> Gen:
        """updateStatefulSetStatus: completeRollingUpdate (every wanted replica updated and
        ready), then a write only if it changed (inconsistentStatus)."""
        strategy = (sts["spec"].get("updateStrategy") or {}).get("type")
        wanted = sts["spec"].get("replicas", 1)
        if strategy == "RollingUpdate" and (
            status["updatedReplicas"] == status["readyReplicas"] == status["replicas"] == wanted
        ):
            status["currentReplicas"] = status["updatedReplicas"]
            status["currentRevision"] = status["updateRevision"]
        old = sts.get("status") or {}
        if status["observedGeneration"] <= old.get("observedGeneration", 0) and all(
            old.get(k, "" if k.endswith("Revision") else 0) == status[k] for k in STATUS_FIELDS
        ):
            return
        meta = sts["metadata"]
        current = sts
        for attempt in range(2):  # retry.RetryOnConflict, with a fresh read
            body = copy.deepcopy(current)
            wanted = dict(status)
            for key in ("readyReplicas", "currentReplicas", "updatedReplicas"):
                if not wanted[key]:
                    del wanted[key]  # omitempty
            kept = {k: v for k, v in (body.get("status") or {}).items() if k == "conditions"}
            body["status"] = {**wanted, **kept}
            path = path_of("statefulsets", meta.get("namespace", ""), meta["name"], "status")
            response: Response = yield from self.request("PUT", path, body)
            if response.ok:
                return
            if response.code != 409 or attempt:
                break
            fresh: Response = yield from self.request(
                "GET", path_of("statefulsets", meta.get("namespace", ""), meta["name"])
            )
            current = self.must(fresh)
        raise SyncError(error_message(response))

    # ---- the story ---------------------------------------------------------------------------
    def kept_claims(self, sts: Obj, pod: Obj) -> list[str]:
        """The pod's claims, if they all exist already (it had them before)."""
        namespace = sts["metadata"].get("namespace", "")
        names = [c["metadata"]["name"] for c in utils.claims_for(sts, utils.ordinal_of(pod))]
        return names if all(self.claims.get(f"{namespace}/{n}") for n in names) else []

    def pod_story(
        self, sts: Obj, pod: Obj, slots: list[Obj], monotonic: bool, claims: list[str]
    ) -> None:
        """A pod about to be created: for the first time, or again with its name (it was made
        before, or its claims were: `claims`, those that existed before this sync)."""
        name, set_name = pod["metadata"]["name"], sts["metadata"]["name"]
        made = (sts["metadata"]["uid"], name)
        if made in self._made or claims:
            revision = utils.revision_of(pod)
            newer = revision != (sts.get("status") or {}).get("currentRevision", revision)
            template = f" from the new template ({revision})" if newer else ""
            headline = (
                f"The StatefulSet controller re-creates {name}{template} with the same name"
                + (
                    f" and the same claim {', '.join(claims)}: its data is still there"
                    if claims
                    else ": a StatefulSet's pods keep their identity"
                )
            )
        else:
            position = next(i for i, p in enumerate(slots) if p is pod)
            later = [
                p["metadata"]["name"] for p in slots[position + 1 :] if not utils.is_created(p)
            ]
            if not monotonic:
                headline = (
                    f"The StatefulSet controller creates {name} without waiting for the "
                    "others (podManagementPolicy Parallel)"
                )
            elif later:
                headline = (
                    f"The StatefulSet controller creates {name} and waits for it to be Running "
                    f"and Ready before {later[0]} (podManagementPolicy OrderedReady)"
                )
            else:
                count = f"{len(slots)} {'pod' if len(slots) == 1 else 'pods'}"
                headline = f"The StatefulSet controller creates {name}: {set_name} has its {count}"
        self._made.add(made)
        self.milestone(headline, sts, 4, 4, count=1)

    def claim_story(self, sts: Obj, pod: Obj, claim: str) -> None:
        self.milestone(
            f"The StatefulSet controller creates the claim {claim} for {pod['metadata']['name']}"
            ", before the pod: it stays when the pod goes, and the pod gets it back",
            sts,
            4,
            4,
            count=1,
        )

    def condemned_story(self, sts: Obj, pod: Obj, monotonic: bool) -> None:
        name = pod["metadata"]["name"]
        claims = [c["metadata"]["name"] for c in utils.claims_for(sts, utils.ordinal_of(pod))]
        order = ", the highest ordinal first, one at a time" if monotonic else ""
        kept = f"; its claim {', '.join(claims)} is kept" if claims else ""
        self.milestone(
            f"The StatefulSet controller deletes {name} to scale {sts['metadata']['name']} "
            f"down to {sts['spec'].get('replicas', 0)}{order}{kept}",
            sts,
            4,
            4,
            count=1,
        )

    def update_story(self, sts: Obj, pod: Obj, revision: str, partition: int) -> None:
        below = (
            f"; pods below ordinal {partition} (the partition) keep the old template"
            if partition
            else ""
        )
        self.milestone(
            f"The StatefulSet controller deletes {pod['metadata']['name']} to re-create it "
            f"from the new template ({revision}): a rolling update goes from the highest "
            f"ordinal down, one pod at a time{below}",
            sts,
            4,
            4,
            count=1,
        )


def _selector(sts: Obj) -> LabelSelector | None:
    try:
        return selector_from_match((sts.get("spec") or {}).get("selector"))
    except (SelectorError, TypeError, AttributeError):
        return None
