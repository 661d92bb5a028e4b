"""The garbage collector's dependency graph (pkg/controller/garbagecollector/graph.go,
graph_builder.go).

Every object the collector watches is a node keyed by uid, with its ownerReferences (edges to its
owners) and the set of its dependents. Owners it has only heard of through a dependent's
ownerReference are "virtual" until an informer shows them, or a lookup shows they do not exist.
The builder turns informer events into graph changes and into work for the collector:
attempt-to-delete (dependents whose owner went) and attempt-to-orphan (owners deleted with the
`orphan` finalizer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]

ORPHAN = "orphan"  # metav1.FinalizerOrphanDependents
FOREGROUND = "foregroundDeletion"  # metav1.FinalizerDeleteDependents


@dataclass(frozen=True)
class Identity:
    """objectReference: owner coordinates plus the namespace."""

    api_version: str
    kind: str
    name: str
    uid: str
    namespace: str = ""

    def __str__(self) -> str:
        """objectReference.String()."""
        return (
            f"[{self.api_version}/{self.kind}, namespace: {self.namespace}, "
            f"name: {self.name}, uid: {self.uid}]"
        )

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name


def identity_of(obj: Obj) -> Identity:
    meta = obj["metadata"]
    return Identity(
        obj.get("apiVersion", ""),
        obj.get("kind", ""),
        meta["name"],
        meta.get("uid", ""),
        meta.get("namespace", ""),
    )


def identity_from_ref(ref: Obj, namespace: str) -> Identity:
    return Identity(
        ref.get("apiVersion", ""),
        ref.get("kind", ""),
        ref.get("name", ""),
        ref.get("uid", ""),
        namespace,
    )


@dataclass
class Node:
    identity: Identity
    owners: list[Obj] = field(default_factory=list)
    dependents: dict[str, None] = field(default_factory=dict)  # uids, insertion-ordered
    being_deleted: bool = False
    deleting_dependents: bool = False
    virtual: bool = False


def being_deleted(obj: Obj) -> bool:
    return bool(obj["metadata"].get("deletionTimestamp"))


def has_finalizer(obj: Obj, name: str) -> bool:
    return name in (obj["metadata"].get("finalizers") or ())


class GraphBuilder:
    """processGraphChanges, run synchronously in the informer handlers."""

    def __init__(
        self,
        attempt_to_delete: Callable[[str], None],
        attempt_to_orphan: Callable[[str], None],
        namespaced: Callable[[str, str], bool | None],
    ) -> None:
        self.nodes: dict[str, Node] = {}
        self.absent_owners: set[Identity] = set()
        self._delete = attempt_to_delete
        self._orphan = attempt_to_orphan
        self._namespaced = namespaced  # (apiVersion, kind) -> namespaced? (None: unknown)

    # ---- events from the informers -----------------------------------------------------------
    def on_upsert(self, old: Obj | None, obj: Obj) -> None:
        ident = identity_of(obj)
        node = self.nodes.get(ident.uid)
        owners = list(obj["metadata"].get("ownerReferences") or [])
        if node is not None and node.virtual:
            # An owner we had only heard of: now observed.
            node.virtual = False
            node.identity = ident
        if node is None:
            node = Node(
                ident,
                owners,
                being_deleted=being_deleted(obj),
                deleting_dependents=being_deleted(obj) and has_finalizer(obj, FOREGROUND),
            )
            self.nodes[ident.uid] = node
            self._add_dependent_to_owners(node, owners)
        else:
            added, removed, changed = _references_diff(node.owners, owners)
            if added or removed or changed:
                self._add_unblocked_owners(removed, changed)
                node.owners = owners
                self._add_dependent_to_owners(node, added)
                self._remove_dependent_from_owners(node, removed)
            if being_deleted(obj):
                node.being_deleted = True
        self._process_transitions(old, obj, node)

    def on_delete(self, obj: Obj) -> None:
        ident = identity_of(obj)
        node = self.nodes.get(ident.uid)
        if node is None:
            return
        self.remove(node, ident)

    def virtual_delete(self, uid: str) -> None:
        """A virtual owner turned out not to exist (enqueueVirtualDeleteEvent)."""
        node = self.nodes.get(uid)
        if node is not None and node.virtual:
            self.remove(node, node.identity)

    def remove(self, node: Node, ident: Identity) -> None:
        self.nodes.pop(node.identity.uid, None)
        self._remove_dependent_from_owners(node, node.owners)
        if node.dependents:
            self.absent_owners.add(ident)
        for dependent in node.dependents:
            self._delete(dependent)
        for ref in node.owners:
            owner = self.nodes.get(ref.get("uid", ""))
            if owner is not None and owner.deleting_dependents:
                # Its last blocking dependent may just have gone.
                self._delete(owner.identity.uid)

    # ---- helpers -----------------------------------------------------------------------------
    def _process_transitions(self, old: Obj | None, obj: Obj, node: Node) -> None:
        if _starts_waiting(old, obj, ORPHAN):
            self._orphan(node.identity.uid)
            return
        if _starts_waiting(old, obj, FOREGROUND):
            node.deleting_dependents = True
            for dependent in node.dependents:
                self._delete(dependent)
            self._delete(node.identity.uid)

    def _add_dependent_to_owners(self, node: Node, owners: list[Obj]) -> None:
        for ref in owners:
            uid = ref.get("uid", "")
            owner = self.nodes.get(uid)
            if owner is None:
                namespace = node.identity.namespace
                if self._namespaced(ref.get("apiVersion", ""), ref.get("kind", "")) is False:
                    namespace = ""
                owner = Node(identity_from_ref(ref, namespace), virtual=True)
                self.nodes[uid] = owner
                # Find out whether it exists at all.
                self._delete(uid)
            owner.dependents[node.identity.uid] = None

    def _remove_dependent_from_owners(self, node: Node, owners: list[Obj]) -> None:
        for ref in owners:
            owner = self.nodes.get(ref.get("uid", ""))
            if owner is not None:
                owner.dependents.pop(node.identity.uid, None)

    def _add_unblocked_owners(self, removed: list[Obj], changed: list[tuple[Obj, Obj]]) -> None:
        """addUnblockedOwnersToDeleteQueue: an owner waiting on this dependent may be done."""
        for ref in removed:
            if ref.get("blockOwnerDeletion"):
                self._wake_deleting_owner(ref)
        for old_ref, new_ref in changed:
            if old_ref.get("blockOwnerDeletion") and not new_ref.get("blockOwnerDeletion"):
                self._wake_deleting_owner(new_ref)

    def _wake_deleting_owner(self, ref: Obj) -> None:
        owner = self.nodes.get(ref.get("uid", ""))
        if owner is not None and owner.deleting_dependents:
            self._delete(owner.identity.uid)

    def blocking_dependents(self, node: Node) -> list[Node]:
        """node.blockingDependents: dependents whose reference to it blocks its deletion."""
        found = []
        for uid in node.dependents:
            dependent = self.nodes.get(uid)
            if dependent is None:
                continue
            for ref in dependent.owners:
                if ref.get("uid") == node.identity.uid and ref.get("blockOwnerDeletion"):
                    found.append(dependent)
                    break
        return found


def _starts_waiting(old: Obj | None, new: Obj, finalizer: str) -> bool:
    """startsWaitingForDependentsOrphaned / ...Deleted: the object is now being deleted with
    the finalizer, and was not before."""
    if not being_deleted(new) or not has_finalizer(new, finalizer):
        return False
    return old is None or not being_deleted(old) or not has_finalizer(old, finalizer)


def _references_diff(
    old: list[Obj], new: list[Obj]
) -> tuple[list[Obj], list[Obj], list[tuple[Obj, Obj]]]:
    old_by_uid = {r.get("uid"): r for r in old}
    new_by_uid = {r.get("uid"): r for r in new}
    added = [r for r in new if r.get("uid") not in old_by_uid]
    removed = [r for r in old if r.get("uid") not in new_by_uid]
    changed = [
        (old_by_uid[r.get("uid")], r)
        for r in new
        if r.get("uid") in old_by_uid and old_by_uid[r.get("uid")] != r
    ]
    return added, removed, changed
