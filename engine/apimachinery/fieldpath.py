"""Field sets: which fields of an object a manager owns, and their FieldsV1 encoding.

Follows sigs.k8s.io/structured-merge-diff: fieldpath/{element,path,set,serialize}.go (path
elements, `f:`/`k:`/`v:` FieldsV1 JSON) and typed/{tofieldset,compare}.go (an object's field
set; what changed between two objects), with the patch metadata (patchmeta.py) as the schema:
merge lists with a key are associative (`k:{...}`), merge lists without one are sets (`v:...`),
other lists and `+structType=atomic` maps are single leaves. A field set is a set of paths; a
path is a tuple of path elements. A path in the set is owned; in FieldsV1 JSON an owned path
that also has owned children carries a `.: {}` marker.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from engine.apimachinery.patchmeta import FieldMeta, field_meta
from engine.apimachinery.value import JSON, copy_json, json_equal, json_kind

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


# ---------------------------------------------------------------------------------------------
# path elements


# json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False), with the
# encoder built once: dumps builds a new one per call whenever options are given.
_json = json.JSONEncoder(separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode


def is_list_merged(meta: FieldMeta) -> bool:
    return meta.strategy == "merge"


def item_element(item: JSON, meta: FieldMeta) -> str:
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
    elif isinstance(value, list) and is_list_merged(meta):
        for item in value:
            item_path = (*path, item_element(item, meta))
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
    elif isinstance(value, list) and is_list_merged(meta):
        for item in value:
            _subtree(item, fpath, (*path, item_element(item, meta)), kind, paths)
    return paths


def compare(
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
    merged_list = is_list_merged(meta) and isinstance(new if new is not None else old, list)
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
        olds = {item_element(item, meta): (fpath, item) for item in old}
        news = {item_element(item, meta): (fpath, item) for item in new}
    for element in {**olds, **news}:
        child = (*path, element)
        if element not in olds:
            _subtree(news[element][1], news[element][0], child, kind, changed)
        elif element not in news:
            _subtree(olds[element][1], olds[element][0], child, kind, removed)
        else:
            (child_fpath, before), after = olds[element], news[element][1]
            compare(before, after, child_fpath, child, kind, changed, removed)


# _STRIPPED as lookups: top-level fields, and fields of metadata.
_STRIPPED_TOP = frozenset(path[0] for path in _STRIPPED if len(path) == 1)
_STRIPPED_META = frozenset(path[1] for path in _STRIPPED if len(path) == 2)
assert all(len(path) == 1 or path[0] == "f:metadata" for path in _STRIPPED)


def scoped(paths: Iterable[Path], subresource: str) -> set[Path]:
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
    _owned(without_managed_fields(obj), (), (), kind, paths)
    return scoped(paths, subresource)


# Path elements whose plain text order is their PathElement order: field names, keys and
# values sort as text within their kind and the kinds "f" < "k" < "v" as text too. Index
# elements ("i:") would sort between fields and keys as text; Podlife never makes them.
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


def without_managed_fields(obj: dict[str, JSON]) -> dict[str, JSON]:
    result = copy_json(obj)
    metadata = result.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("managedFields", None)
    return result
