"""Server-side apply and metadata.managedFields, simplified but honest.

Follows sigs.k8s.io/structured-merge-diff (merge/update.go: Updater.Apply / Update / prune) and
the apiserver field manager (staging/src/k8s.io/apimachinery/pkg/util/managedfields/internal:
conflict.go, managedfieldsupdater.go). Field sets and their FieldsV1 encoding are fieldpath.py.

Simplified: one API version per kind (no conversion), no `kubectl-client-side-apply` →
applier ownership migration, unknown fields are treated like known ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from engine.apimachinery.errors import StatusError
from engine.apimachinery.fieldpath import (
    FieldPath,
    Path,
    compare,
    field_set,
    from_fields_v1,
    is_list_merged,
    item_element,
    iterate,
    path_text,
    scoped,
    to_fields_v1,
    without_managed_fields,
)
from engine.apimachinery.patchmeta import field_meta
from engine.apimachinery.value import JSON, copy_json, json_equal

# The typed zero value each create is compared against (what Creater.New(kind) encodes to):
# fields that are non-pointer structs, or nil slices without omitempty, already exist there,
# so the creator's entry has no `.` marker on them (`f:spec`, `f:containers`), while maps it
# adds (`f:labels`, `f:ports`) get one.
_EMPTY_TEMPLATE = {"metadata": {}, "spec": {"containers": None}}
_ZERO: dict[str, dict[str, JSON]] = {
    "Pod": {"metadata": {}, "spec": {"containers": None}, "status": {}},
    "Deployment": {
        "metadata": {},
        "spec": {"selector": None, "strategy": {}, "template": _EMPTY_TEMPLATE},
        "status": {},
    },
    "ReplicaSet": {
        "metadata": {},
        "spec": {"selector": None, "template": _EMPTY_TEMPLATE},
        "status": {},
    },
    # core/v1 ReplicationControllerSpec.Template is a pointer, nil in the zero value.
    "ReplicationController": {"metadata": {}, "spec": {}, "status": {}},
    "Node": {
        "metadata": {},
        "spec": {},
        "status": {"daemonEndpoints": {"kubeletEndpoint": {}}, "nodeInfo": {}},
    },
    "Namespace": {"metadata": {}, "spec": {}, "status": {}},
    "Event": {"metadata": {}, "involvedObject": {}, "source": {}},
}


# ---------------------------------------------------------------------------------------------
# managedFields entries


def _identity(entry: dict[str, JSON]) -> tuple[str, str, str, str]:
    # BuildManagerIdentifier: appliers are one manager whatever API version they used.
    operation = str(entry.get("operation", ""))
    version = "" if operation == "Apply" else str(entry.get("apiVersion", ""))
    return (str(entry.get("manager", "")), operation, version, str(entry.get("subresource", "")))


def _entries(obj: dict[str, JSON] | None) -> list[dict[str, JSON]]:
    if obj is None:
        return []
    entries = (obj.get("metadata") or {}).get("managedFields") or []
    return [copy_json(e) for e in entries if isinstance(e, dict)]


def _entry(
    manager: str,
    operation: str,
    api_version: str,
    time: str,
    paths: set[Path],
    subresource: str,
    fields_v1: dict[str, JSON] | None = None,
) -> dict[str, JSON]:
    """A managedFields entry owning `paths` (or, given, the already encoded `fields_v1`)."""
    entry: dict[str, JSON] = {"manager": manager, "operation": operation, "apiVersion": api_version}
    if time:
        entry["time"] = time
    entry["fieldsType"] = "FieldsV1"
    entry["fieldsV1"] = to_fields_v1(paths) if fields_v1 is None else fields_v1
    if subresource:
        entry["subresource"] = subresource
    return entry


def _store(
    obj: dict[str, JSON], entries: list[tuple[dict[str, JSON], set[Path]]]
) -> dict[str, JSON]:
    """Write entries back, dropping empty ones, in sortEncodedManagedFields order."""
    kept = []
    for entry, paths in entries:
        if paths:
            entry["fieldsV1"] = to_fields_v1(paths)
            kept.append(entry)
    return _set_managed_fields(obj, kept)


def _set_managed_fields(obj: dict[str, JSON], kept: list[dict[str, JSON]]) -> dict[str, JSON]:
    """metadata.managedFields = `kept` in sortEncodedManagedFields order (absent when empty)."""
    kept.sort(
        key=lambda e: (
            str(e.get("operation", "")),
            str(e.get("time", "")),
            str(e.get("manager", "")),
            str(e.get("apiVersion", "")),
            str(e.get("subresource", "")),
        )
    )
    metadata = obj.setdefault("metadata", {})
    if kept:
        metadata["managedFields"] = kept
    else:
        metadata.pop("managedFields", None)
    return obj


def _with_zero(obj: dict[str, JSON], zero: dict[str, JSON]) -> dict[str, JSON]:
    """`obj` with the typed zero value's fields filled in where absent (a stored object
    always has them, an object built by hand may not)."""
    for key, value in zero.items():
        if key not in obj:
            obj[key] = copy_json(value)
        elif isinstance(value, dict) and isinstance(obj[key], dict):
            _with_zero(obj[key], value)
    return obj


def _with_zero_shared(obj: dict[str, JSON], zero: dict[str, JSON]) -> dict[str, JSON]:
    """_with_zero without touching `obj`: the maps it fills in are copied (with their keys in
    the same order), everything else is shared. Returns `obj` itself when nothing is missing."""
    out = obj
    for key, value in zero.items():
        if key not in obj:
            if out is obj:
                out = dict(obj)
            out[key] = copy_json(value)
        elif isinstance(value, dict) and isinstance(obj[key], dict):
            child = _with_zero_shared(obj[key], value)
            if child is not obj[key]:
                if out is obj:
                    out = dict(obj)
                out[key] = child
    return out


def _comparable(obj: dict[str, JSON], zero: dict[str, JSON]) -> dict[str, JSON]:
    """`obj` as update_managed_fields compares it: without metadata.managedFields and with the
    typed zero value filled in. Shares all it can with `obj` and never changes it: copying a
    whole pod on every status write was most of what a write cost."""
    out = dict(obj)
    metadata = out.get("metadata")
    if isinstance(metadata, dict):
        metadata = out["metadata"] = dict(metadata)
        metadata.pop("managedFields", None)
    return _with_zero_shared(out, zero)


def _ownable_top_level(key: str, subresource: str) -> bool:
    """Whether any field under the top-level `key` can survive scoped: the status
    subresource owns only status; other writes never own status, apiVersion or kind."""
    if subresource == "status":
        return key == "status"
    return key not in ("status", "apiVersion", "kind")


def update_managed_fields(
    old: dict[str, JSON] | None,
    new: dict[str, JSON],
    manager: str,
    kind: str,
    time: str = "",
    *,
    subresource: str = "",
) -> dict[str, JSON]:
    """FieldManager.Update for a create/update/patch by `manager` (operation Update).

    The manager takes every field it changed (from other managers too: updates never
    conflict), and fields the change removed leave every manager. Returns `new` with
    metadata.managedFields rewritten, as a new top-level map and metadata that share
    everything else with `new` (and entries no field left with `old`); neither input is
    changed. `old` None means a create.

    The work is proportional to what changed: only the top-level fields this write may own
    are compared, values shared by `old` and `new` are skipped, and the entries of managers
    the change does not concern are kept as they are, not decoded and re-encoded.
    """
    api_version = str(new.get("apiVersion", ""))
    zero = _ZERO.get(kind, {})
    before = _comparable(old, zero) if old is not None else _with_zero({}, zero)
    after = _comparable(new, zero)
    changed: set[Path] = set()
    removed: set[Path] = set()
    # scoped drops every path under the other top-level fields, so they are not compared.
    compare(
        {k: v for k, v in before.items() if _ownable_top_level(k, subresource)},
        {k: v for k, v in after.items() if _ownable_top_level(k, subresource)},
        (),
        (),
        kind,
        changed,
        removed,
    )
    changed, removed = scoped(changed, subresource), scoped(removed, subresource)
    touched = {path[0] for path in changed} | {path[0] for path in removed}
    gone = [*changed, *removed]
    me = (manager, "Update", api_version, subresource)
    entries: list[tuple[dict[str, JSON], set[Path] | None]] = []
    mine: dict[str, JSON] | None = None
    stored = ((old.get("metadata") or {}).get("managedFields") or []) if old is not None else []
    for entry in stored:
        if not isinstance(entry, dict):
            continue
        if _identity(entry) == me:
            mine = entry
            continue
        fields = entry.get("fieldsV1") or {}
        if not touched.intersection(fields) or not _owns_any(fields, gone):
            # Owns none of the fields this write changed or removed: its fieldsV1 is kept as
            # it is (None = unchanged), not decoded and encoded again.
            entries.append((entry, None))
        else:
            entries.append((entry, from_fields_v1(fields) - removed - changed))
    if mine is not None or changed:
        mine_fields = (mine.get("fieldsV1") or {}) if mine is not None else {}
        keeps_all = not _owns_any(mine_fields, removed)
        if not changed:
            assert mine is not None
            entries.append((mine, None if keeps_all else from_fields_v1(mine_fields) - removed))
        else:
            if (
                mine is not None
                and keeps_all
                and all(_in_fields_v1(mine_fields, path) for path in changed)
            ):
                # It changed only fields it already owned (what the kubelet's status writes
                # mostly do): the same set, so the same fieldsV1.
                fields_v1 = mine_fields
            else:
                paths = from_fields_v1(mine_fields) - removed if mine is not None else set()
                fields_v1 = to_fields_v1(paths | changed)
            # None: the entry's fieldsV1 is already its set's encoding.
            entry = _entry(manager, "Update", api_version, time, set(), subresource, fields_v1)
            entries.append((entry, None))
    return _store_entries(after, entries)


def _owns_any(fields: JSON, paths: Iterable[Path]) -> bool:
    return any(_in_fields_v1(fields, path) for path in paths)


def _in_fields_v1(fields: JSON, path: Path) -> bool:
    """Whether `path` is in from_fields_v1(fields), found without decoding the whole set."""
    if not path:
        return isinstance(fields, dict) and "." in fields
    node = fields
    for element in path:
        if not (isinstance(node, dict) and node) or element not in node:
            return False
        node = node[element]
    return not (isinstance(node, dict) and node) or "." in node


def _store_entries(
    obj: dict[str, JSON], entries: list[tuple[dict[str, JSON], set[Path] | None]]
) -> dict[str, JSON]:
    """_store for update_managed_fields: an entry whose paths are None is unchanged and kept
    as the very same map (its fieldsV1 is already the encoding of its set: every stored
    fieldsV1 was written by to_fields_v1, which is canonical); the others are copied with
    their fieldsV1 re-encoded, and dropped when they own nothing any more. `obj`'s metadata
    is a copy made by _comparable, so setting managedFields on it changes no input."""
    kept = []
    for entry, paths in entries:
        if paths is None:
            if entry.get("fieldsV1"):
                kept.append(entry)
        elif paths:
            entry = dict(entry)
            entry["fieldsV1"] = to_fields_v1(paths)
            kept.append(entry)
    return _set_managed_fields(obj, kept)


# ---------------------------------------------------------------------------------------------
# apply


@dataclass(frozen=True)
class Conflict:
    """A field the applier wants to change that another manager owns."""

    manager: str
    path: Path
    operation: str = "Update"
    api_version: str = ""
    subresource: str = ""

    @property
    def field(self) -> str:
        return path_text(self.path)

    def manager_text(self) -> str:
        """printManager (managedfields/internal/conflict.go)."""
        text = json.dumps(self.manager)
        if self.subresource:
            text += f" with subresource {json.dumps(self.subresource)}"
        if self.operation == "Update":
            text += f" using {self.api_version}"
        return text


def conflict_message(conflicts: Sequence[Conflict]) -> str:
    """getConflictMessage: the 409 text, e.g. `Apply failed with 1 conflict: conflict with
    "kubectl-client-side-apply" using v1: .spec.containers[name="app"].image`."""
    if len(conflicts) == 1:
        only = conflicts[0]
        return f"Apply failed with 1 conflict: conflict with {only.manager_text()}: {only.field}"
    by_manager: dict[str, list[Conflict]] = {}
    for conflict in conflicts:
        by_manager.setdefault(conflict.manager_text(), []).append(conflict)
    lines = []
    for manager in sorted(by_manager, key=lambda text: by_manager[text][0].manager):
        lines.append(f"conflicts with {manager}:")
        lines.extend(f"- {c.field}" for c in by_manager[manager])
    return f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)


def apply_conflict_error(conflicts: Sequence[Conflict]) -> StatusError:
    """errors.NewApplyConflict: 409 Conflict whose causes list each field."""
    causes = [
        {
            "reason": "FieldManagerConflict",
            "message": f"conflict with {c.manager_text()}",
            "field": c.field,
        }
        for c in conflicts
    ]
    return StatusError(409, "Conflict", conflict_message(conflicts), {"causes": causes})


def _merge_list(live: list[JSON], config: list[JSON], fpath: FieldPath, kind: str) -> list[JSON]:
    """Associative lists and sets: config items in config order, merged with their live
    twin; live-only items stay just before the config item that followed them live."""
    meta = field_meta(kind, fpath)
    config_ids = [item_element(item, meta) for item in config]
    live_by_id: dict[str, JSON] = {}
    before: dict[str, list[JSON]] = {}
    waiting: list[JSON] = []
    for item in live:
        element = item_element(item, meta)
        if element in config_ids:
            live_by_id[element] = item
            before[element], waiting = waiting, []
        else:
            waiting.append(item)
    merged: list[JSON] = []
    for element, item in zip(config_ids, config, strict=True):
        merged.extend(before.get(element, []))
        twin = live_by_id.get(element)
        merged.append(_merge(twin, item, fpath, kind) if twin is not None else copy_json(item))
    return merged + waiting


def _merge(live: JSON, config: JSON, fpath: FieldPath, kind: str) -> JSON:
    """merge.Updater.Apply's merge of the configuration into the live object."""
    meta = field_meta(kind, fpath)
    if isinstance(live, dict) and isinstance(config, dict) and not meta.atomic:
        result = copy_json(live)
        for key, value in config.items():
            if value is None:
                result.pop(key, None)
            else:
                result[key] = _merge(result.get(key), value, (*fpath, key), kind)
        return result
    if isinstance(live, list) and isinstance(config, list) and is_list_merged(meta):
        return _merge_list(live, config, fpath, kind)
    return copy_json(config)


def _remove_path(obj: JSON, path: Path, fpath: FieldPath, kind: str) -> None:
    """Delete the field or list item at `path` (no-op when it is already gone)."""
    node = obj
    for depth, element in enumerate(path):
        last = depth == len(path) - 1
        if element.startswith("f:") and isinstance(node, dict):
            name = element[2:]
            if last:
                node.pop(name, None)
                return
            node, fpath = node.get(name), (*fpath, name)
        elif isinstance(node, list):
            meta = field_meta(kind, fpath)
            index = next((i for i, it in enumerate(node) if item_element(it, meta) == element), -1)
            if index < 0:
                return
            if last:
                del node[index]
                return
            node = node[index]
        else:
            return


def server_side_apply(
    live: dict[str, JSON] | None,
    applied: dict[str, JSON],
    manager: str,
    force: bool,
    kind: str,
    time: str = "",
) -> tuple[dict[str, JSON], list[Conflict]]:
    """Apply `applied` (an application/apply-patch+yaml body) as `manager`.

    Returns (object, conflicts). With conflicts and not `force`, the object is the live one
    unchanged and the caller answers apply_conflict_error(conflicts). Otherwise the object is
    the merge with managedFields rewritten: the applier owns exactly its configuration's
    fields, forced conflicts move to it, and fields it applied last time, omits now and
    nobody else owns are removed (Updater.prune).
    """
    config = without_managed_fields(applied)
    api_version = str(applied.get("apiVersion") or (live or {}).get("apiVersion", ""))
    config_set = field_set(config, kind)
    me = (manager, "Apply", "", "")
    if live is None:
        entry = _entry(manager, "Apply", api_version, time, config_set, "")
        return _store(config, [(entry, config_set)]), []

    current = without_managed_fields(live)
    merged = _merge(current, config, (), kind)
    changed: set[Path] = set()
    compare(current, merged, (), (), kind, changed, set())
    changed = scoped(changed, "")

    previous: set[Path] = set()
    mine: dict[str, JSON] | None = None
    others: list[tuple[dict[str, JSON], set[Path]]] = []
    conflicts: list[Conflict] = []
    for entry in _entries(live):
        paths = from_fields_v1(entry.get("fieldsV1") or {})
        if _identity(entry) == me:
            mine, previous = entry, paths
            continue
        others.append((entry, paths))
        operation, version, sub = (
            str(entry.get(k, "")) for k in ("operation", "apiVersion", "subresource")
        )
        for path in iterate(paths & changed):
            conflicts.append(Conflict(str(entry.get("manager", "")), path, operation, version, sub))
    if conflicts and not force:
        return copy_json(live), conflicts
    others = [(entry, paths - changed) for entry, paths in others]

    # Prune what this applier alone owned last time and no longer applies.
    owned = config_set.union(*(paths for _, paths in others))
    owned_prefixes = {path[:n] for path in owned for n in range(1, len(path) + 1)}
    for path in sorted(previous - owned, key=len):
        if path not in owned_prefixes:
            _remove_path(merged, path, (), kind)

    removed: set[Path] = set()
    compare(current, merged, (), (), kind, set(), removed)
    others = [(entry, paths - removed) for entry, paths in others]
    unchanged = json_equal(current, merged) and mine is not None and previous == config_set
    stamp = str(mine.get("time", "")) if unchanged and mine is not None else time
    entries = [*others, (_entry(manager, "Apply", api_version, stamp, config_set, ""), config_set)]
    return _store(merged, entries), []
