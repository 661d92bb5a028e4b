"""Server-side apply and metadata.managedFields, simplified but honest.

Follows sigs.k8s.io/structured-merge-diff (merge/update.go: Updater.Apply / Update / prune,
typed/tofieldset.go, typed/compare.go, fieldpath/serialize.go) and the apiserver field manager
(staging/src/k8s.io/apimachinery/pkg/util/managedfields/internal: stripmeta.go, conflict.go,
managedfieldsupdater.go). The schema is the PATCH_META table in smp.py: merge lists with a key
are associative (`k:{...}`), merge lists without one are sets (`v:...`), other lists and
`+structType=atomic` maps are owned as a single leaf.

A field set is a set of paths; a path is a tuple of FieldsV1 path elements: `f:spec`,
`k:{"name":"app"}`, `v:"example.com/x"`. A path in the set is owned; in FieldsV1 JSON an owned
path that also has owned children carries a `.: {}` marker.

Why one module past 600 lines: field sets, their FieldsV1 encoding, the managed-fields
bookkeeping of updates and the apply merge with its conflicts are one algorithm over one data
shape (upstream's structured-merge-diff). It moves, split by those seams, into the leaf
package engine/apimachinery/ with the architecture issue (9).

Simplified: one API version per kind (no conversion), no `kubectl-client-side-apply` →
applier ownership migration, unknown fields are treated like known ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from engine.apiserver.errors import StatusError
from engine.apiserver.patch import JSON, copy_json, json_equal, json_kind
from engine.apiserver.smp import FieldMeta, field_meta

Path = tuple[str, ...]
FieldPath = tuple[str, ...]  # field names only, for field_meta lookups

# stripmeta.go: fields no manager ever owns.
_STRIPPED: tuple[Path, ...] = (
    ("f:apiVersion",),
    ("f:kind",),
    ("f:metadata", "f:name"),
    ("f:metadata", "f:namespace"),
    ("f:metadata", "f:creationTimestamp"),
    ("f:metadata", "f:selfLink"),
    ("f:metadata", "f:uid"),
    ("f:metadata", "f:clusterName"),
    ("f:metadata", "f:generation"),
    ("f:metadata", "f:managedFields"),
    ("f:metadata", "f:resourceVersion"),
)

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
    "Node": {
        "metadata": {},
        "spec": {},
        "status": {"daemonEndpoints": {"kubeletEndpoint": {}}, "nodeInfo": {}},
    },
    "Namespace": {"metadata": {}, "spec": {}, "status": {}},
    "Event": {"metadata": {}, "involvedObject": {}, "source": {}},
}


# ---------------------------------------------------------------------------------------------
# path elements


# json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False), with the
# encoder built once: dumps builds a new one per call whenever options are given.
_json = json.JSONEncoder(separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode


def _is_list_merged(meta: FieldMeta) -> bool:
    return meta.strategy == "merge"


def _item_element(item: JSON, meta: FieldMeta) -> str:
    """The path element naming one list item: its key fields, or its value in a set."""
    if meta.keys and isinstance(item, dict):
        defaults = dict(meta.key_defaults)
        key = {k: item.get(k, defaults.get(k)) for k in meta.keys}
        return "k:" + _json({k: v for k, v in key.items() if v is not None})
    return "v:" + _json(item)


def _element_text(element: str) -> str:
    """fieldpath.PathElement.String(): `.name`, `[name="app"]`, `[="value"]`, `[3]`."""
    kind, body = element[:2], element[2:]
    if kind == "f:":
        return "." + body
    if kind == "k:":
        fields = json.loads(body)
        return "[" + ",".join(f"{k}={_json(fields[k])}" for k in sorted(fields)) + "]"
    if kind == "v:":
        return "[=" + body + "]"
    return "[" + body + "]"


def path_text(path: Path) -> str:
    """fieldpath.Path.String(), as conflicts print it: `.spec.containers[name="app"].image`."""
    return "".join(_element_text(element) for element in path)


_ELEMENT_RANK = {"f:": 0, "k:": 1, "v:": 2, "i:": 3}


def _element_order(element: str) -> tuple[int, str]:
    # PathElement.Compare: field names, then keys, then values, then indexes.
    rank = _ELEMENT_RANK.get(element[:2])
    if rank is None:
        rank = "f:k:v:i:".index(element[:2]) // 2
    return (rank, element[2:])


# ---------------------------------------------------------------------------------------------
# field sets


def _owned(value: JSON, fpath: FieldPath, path: Path, kind: str, out: set[Path]) -> None:
    """typed.ToFieldSet: leaves, empty or null maps, atomic values and every list item."""
    meta = field_meta(kind, fpath)
    if isinstance(value, dict) and not meta.atomic:
        for key, child in value.items():
            child_path = (*path, "f:" + key)
            if child is None or child == {}:
                out.add(child_path)
            else:
                _owned(child, (*fpath, key), child_path, kind, out)
    elif isinstance(value, list) and _is_list_merged(meta):
        for item in value:
            item_path = (*path, _item_element(item, meta))
            out.add(item_path)
            if isinstance(item, dict):
                _owned(item, fpath, item_path, kind, out)
    else:
        out.add(path)


def _subtree(
    value: JSON, fpath: FieldPath, path: Path, kind: str, paths: set[Path] | None = None
) -> set[Path]:
    """Every path under (and including) `path`: what appears or disappears with the value.
    Added to `paths` when given (one set for the whole walk), else to a new set."""
    if paths is None:
        paths = set()
    meta = field_meta(kind, fpath)
    paths.add(path)
    if isinstance(value, dict) and not meta.atomic:
        for key, child in value.items():
            _subtree(child, (*fpath, key), (*path, "f:" + key), kind, paths)
    elif isinstance(value, list) and _is_list_merged(meta):
        for item in value:
            _subtree(item, fpath, (*path, _item_element(item, meta)), kind, paths)
    return paths


def _compare(
    old: JSON,
    new: JSON,
    fpath: FieldPath,
    path: Path,
    kind: str,
    changed: set[Path],
    removed: set[Path],
) -> None:
    """typed.Compare: `changed` gets Modified ∪ Added, `removed` gets Removed."""
    if old is new:
        # One shared value (the API server's patches keep what they do not touch): nothing
        # under it changed. (Only a float NaN is unequal to itself, and Kubernetes' JSON
        # cannot carry one.)
        return
    meta = field_meta(kind, fpath)
    merged_list = _is_list_merged(meta) and isinstance(new if new is not None else old, list)
    granular = merged_list or (
        isinstance(new if new is not None else old, dict) and not meta.atomic
    )
    if granular and old is None:
        old = [] if isinstance(new, list) else {}
    if granular and new is None:
        new = [] if isinstance(old, list) else {}
    if not granular or json_kind(old) != json_kind(new):
        if not json_equal(old, new):
            changed.add(path)
            if isinstance(old, dict | list):
                removed |= _subtree(old, fpath, path, kind) - {path}
        return
    # (element, field path of the child, old value, new value), keyed by path element.
    if isinstance(new, dict):
        olds = {"f:" + k: ((*fpath, k), v) for k, v in old.items()}
        news = {"f:" + k: ((*fpath, k), v) for k, v in new.items()}
    else:
        olds = {_item_element(item, meta): (fpath, item) for item in old}
        news = {_item_element(item, meta): (fpath, item) for item in new}
    for element in {**olds, **news}:
        child = (*path, element)
        if element not in olds:
            _subtree(news[element][1], news[element][0], child, kind, changed)
        elif element not in news:
            _subtree(olds[element][1], olds[element][0], child, kind, removed)
        else:
            (child_fpath, before), after = olds[element], news[element][1]
            _compare(before, after, child_fpath, child, kind, changed, removed)


# _STRIPPED as lookups: top-level fields, and fields of metadata.
_STRIPPED_TOP = frozenset(path[0] for path in _STRIPPED if len(path) == 1)
_STRIPPED_META = frozenset(path[1] for path in _STRIPPED if len(path) == 2)
assert all(len(path) == 1 or path[0] == "f:metadata" for path in _STRIPPED)


def _scoped(paths: Iterable[Path], subresource: str) -> set[Path]:
    """Drop never-owned fields; the main resource resets status, the status subresource all
    but status (the registries' ResetFieldsStrategy)."""
    status_only = subresource == "status"
    kept = set()
    for path in paths:
        head = path[0] if path else None
        if head in _STRIPPED_TOP or (
            head == "f:metadata" and (len(path) == 1 or path[1] in _STRIPPED_META)
        ):
            continue
        if (head == "f:status") != status_only:
            continue
        kept.add(path)
    return kept


def field_set(obj: dict[str, JSON], kind: str, subresource: str = "") -> set[Path]:
    """The fields an applier of `obj` owns (its apply configuration's field set)."""
    paths: set[Path] = set()
    _owned(_without_managed_fields(obj), (), (), kind, paths)
    return _scoped(paths, subresource)


# Path elements whose plain text order is their PathElement order: field names, keys and
# values sort as text within their kind and the kinds "f" < "k" < "v" as text too. Index
# elements ("i:") would sort between fields and keys as text; apply.py never makes them.
_TEXT_ORDERED = frozenset(("f:", "k:", "v:"))


def to_fields_v1(paths: Iterable[Path]) -> dict[str, JSON]:
    """Encode a field set as FieldsV1 JSON."""
    tree: dict[str, JSON] = {}
    owned: set[int] = set()  # ids of the tree nodes that are paths of the set
    text_ordered = True
    for path in paths:
        node = tree
        for element in path:
            child = node.get(element)
            if child is None:
                child = node[element] = {}
                if element[:2] not in _TEXT_ORDERED:
                    text_ordered = False
            node = child
        owned.add(id(node))
    order = None if text_ordered else _element_order  # plain sorting is much cheaper

    def render(node: dict[str, JSON]) -> dict[str, JSON]:
        out: dict[str, JSON] = {".": {}} if node and id(node) in owned else {}
        for element in sorted(node, key=order):
            out[element] = render(node[element])
        return out

    return render(tree)


def from_fields_v1(fields: dict[str, JSON], prefix: Path = ()) -> set[Path]:
    """Decode FieldsV1 JSON into a field set."""
    paths: set[Path] = set()
    for element, child in fields.items():
        if element == ".":
            paths.add(prefix)
        elif isinstance(child, dict) and child:
            paths |= from_fields_v1(child, (*prefix, element))
        else:
            paths.add((*prefix, element))
    return paths


def fields_v1_of(obj: dict[str, JSON], kind: str, subresource: str = "") -> dict[str, JSON]:
    """FieldsV1 of everything set in `obj` (what a manager applying `obj` would own)."""
    return to_fields_v1(field_set(obj, kind, subresource))


def iterate(paths: Iterable[Path]) -> list[Path]:
    """fieldpath.Set.Iterate order: at each level the owned paths first, then the children."""
    members = set(paths)
    tree: dict[str, JSON] = {}
    for path in members:
        node = tree
        for element in path:
            node = node.setdefault(element, {})
    ordered: list[Path] = []

    def walk(node: dict[str, JSON], prefix: Path) -> None:
        elements = sorted(node, key=_element_order)
        ordered.extend((*prefix, e) for e in elements if (*prefix, e) in members)
        for element in elements:
            walk(node[element], (*prefix, element))

    walk(tree, ())
    return ordered


# ---------------------------------------------------------------------------------------------
# managedFields entries


def _without_managed_fields(obj: dict[str, JSON]) -> dict[str, JSON]:
    result = copy_json(obj)
    metadata = result.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("managedFields", None)
    return result


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
    """Whether any field under the top-level `key` can survive _scoped: the status
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
    # _scoped drops every path under the other top-level fields, so they are not compared.
    _compare(
        {k: v for k, v in before.items() if _ownable_top_level(k, subresource)},
        {k: v for k, v in after.items() if _ownable_top_level(k, subresource)},
        (),
        (),
        kind,
        changed,
        removed,
    )
    changed, removed = _scoped(changed, subresource), _scoped(removed, subresource)
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
    config_ids = [_item_element(item, meta) for item in config]
    live_by_id: dict[str, JSON] = {}
    before: dict[str, list[JSON]] = {}
    waiting: list[JSON] = []
    for item in live:
        element = _item_element(item, meta)
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
    if isinstance(live, list) and isinstance(config, list) and _is_list_merged(meta):
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
            index = next((i for i, it in enumerate(node) if _item_element(it, meta) == element), -1)
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
    config = _without_managed_fields(applied)
    api_version = str(applied.get("apiVersion") or (live or {}).get("apiVersion", ""))
    config_set = field_set(config, kind)
    me = (manager, "Apply", "", "")
    if live is None:
        entry = _entry(manager, "Apply", api_version, time, config_set, "")
        return _store(config, [(entry, config_set)]), []

    current = _without_managed_fields(live)
    merged = _merge(current, config, (), kind)
    changed: set[Path] = set()
    _compare(current, merged, (), (), kind, changed, set())
    changed = _scoped(changed, "")

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
    _compare(current, merged, (), (), kind, set(), removed)
    others = [(entry, paths - removed) for entry, paths in others]
    unchanged = json_equal(current, merged) and mine is not None and previous == config_set
    stamp = str(mine.get("time", "")) if unchanged and mine is not None else time
    entries = [*others, (_entry(manager, "Apply", api_version, stamp, config_set, ""), config_set)]
    return _store(merged, entries), []
