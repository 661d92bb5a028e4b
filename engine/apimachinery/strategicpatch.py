"""Strategic merge patch: apply (API server) and create (kubectl), over plain dicts.

Follows staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go. Where Go consults the
struct tags of the typed object (`patchStrategy`, `patchMergeKey`), we consult patchmeta.py.
Error texts are the ones patch.go and pkg/util/mergepatch/errors.go (mergepatch.py) produce.

Why just past 600 lines: applying and creating a patch mirror each other over the same
directives ($patch, $retainKeys, $deleteFromPrimitiveList, $setElementOrder), as patch.go does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from engine.apimachinery import mergepatch
from engine.apimachinery.jsonpatch import PatchError
from engine.apimachinery.patchmeta import field_meta
from engine.apimachinery.value import JSON, copy_json, go_value, json_equal, json_kind

DIRECTIVE = "$patch"
RETAIN_KEYS = "$retainKeys"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/"
SET_ELEMENT_ORDER = "$setElementOrder/"


# ---------------------------------------------------------------------------------------------
# list helpers shared by apply and create


def _element_kind(*lists: list[JSON]) -> str:
    """sliceElementType: every element of every list must have the same JSON kind."""
    kinds = {json_kind(item) for items in lists for item in items}
    if "list" in kinds:
        raise PatchError("lists of lists are not supported")
    if len(kinds) > 1:
        shown = "[" + " ".join(go_value(items) for items in lists) + "]"
        raise PatchError(f"list element types are not identical: {shown}")
    return kinds.pop() if kinds else "null"


def _key_of(item: JSON, key: str) -> JSON:
    if not isinstance(item, dict):
        raise mergepatch.bad_arg_type("map", item)
    if key not in item:
        raise mergepatch.no_merge_key(item, key)
    return item[key]


def _index(order: list[JSON], item: JSON, key: str) -> int:
    """Position of `item` in `order`, matching maps by merge key and primitives by value."""
    wanted = item.get(key) if key and isinstance(item, dict) else item
    if key and type(wanted) is str:
        # The common case (conditions by type, containers by name): json_equal of a string
        # and x is x being a string equal to it.
        for position, candidate in enumerate(order):
            value = candidate.get(key) if isinstance(candidate, dict) else candidate
            if isinstance(value, str) and value == wanted:
                return position
        return -1
    for position, candidate in enumerate(order):
        value = candidate.get(key) if key and isinstance(candidate, dict) else candidate
        if json_equal(value, wanted):
            return position
    return -1


def _finder(order: list[JSON], key: str) -> Callable[[JSON], int]:
    """_index(order, ·, key) for many items. When the merge key's values are strings (always,
    in practice: names, types, IPs) a table answers, instead of a scan of `order` per item."""
    if key:
        table: dict[str, int] = {}
        for position, candidate in enumerate(order):
            value = candidate.get(key) if isinstance(candidate, dict) else candidate
            if isinstance(value, str):
                if type(value) is not str:
                    break  # a str subclass: leave it to json_equal
                table.setdefault(value, position)
        else:

            def find(item: JSON) -> int:
                wanted = item.get(key) if isinstance(item, dict) else item
                if type(wanted) is str:
                    return table.get(wanted, -1)  # only strings equal a string
                return _index(order, item, key)

            return find
    return lambda item: _index(order, item, key)


def _is_delete(item: JSON) -> bool:
    return isinstance(item, dict) and item.get(DIRECTIVE) == "delete"


def _sort_by(items: list[JSON], order: list[JSON], key: str) -> list[JSON]:
    """normalizeSliceOrder: items in the order of `order`; `$patch: delete` items go last."""
    if key:
        for item in [*items, *order]:
            _key_of(item, key)
    kept = [item for item in items if not (key and _is_delete(item))]
    deleted = [item for item in items if key and _is_delete(item)]
    find = _finder(order, key)
    positions = {id(item): find(item) for item in kept}
    found = sorted((i for i in kept if positions[id(i)] >= 0), key=lambda i: positions[id(i)])
    return found + [i for i in kept if positions[id(i)] < 0] + deleted


def _partition(merged: list[JSON], present: list[JSON], key: str) -> tuple[list[JSON], list[JSON]]:
    """Items of `merged` that appear in `present`, and the rest (the server-only items)."""
    find = _finder(present, key)
    found = [find(item) >= 0 for item in merged]
    inside = [item for item, there in zip(merged, found, strict=True) if there]
    outside = [item for item, there in zip(merged, found, strict=True) if not there]
    return inside, outside


def _normalize_order(
    patch_items: list[JSON],
    server_only: list[JSON],
    patch_order: list[JSON],
    server_order: list[JSON],
    key: str,
) -> list[JSON]:
    """normalizeElementOrder + mergeSortedSlice: the patch decides the order of its own items,
    and each server-only item stays just before the first patch item that followed it live."""
    right = _sort_by(patch_items, patch_order, key)
    left = _sort_by(server_only, server_order, key)
    find = _finder(server_order, key)
    merged: list[JSON] = []
    i = j = 0
    while i < len(left) or j < len(right):
        if i >= len(left):
            merged.append(right[j])
            j += 1
        elif j >= len(right):
            merged.append(left[i])
            i += 1
        else:
            li, ri = find(left[i]), find(right[j])
            if 0 <= li < ri:
                merged.append(left[i])
                i += 1
            else:
                merged.append(right[j])
                j += 1
    return merged


def _dedupe(values: list[JSON]) -> list[JSON]:
    unique: list[JSON] = []
    for value in values:
        if not any(json_equal(value, seen) for seen in unique):
            unique.append(value)
    return unique


def _strip_directives(value: JSON) -> JSON:
    """Drop directives from a value the server stores as-is (a field the live object lacks);
    the real API server would reject them later as unknown fields.

    A value with no directive anywhere inside is returned as it is, not copied: the values
    reaching here are the merge's own copies, or (apply_strategic_merge_patch with `share`)
    parts of the live object the patch left alone, which stay shared."""
    if not _has_directives(value):
        return value
    if isinstance(value, dict):
        return {k: _strip_directives(v) for k, v in value.items() if not k.startswith("$")}
    if isinstance(value, list):
        return [_strip_directives(v) for v in value if not (isinstance(v, dict) and DIRECTIVE in v)]
    return value


def _has_directives(value: JSON) -> bool:
    """Whether _strip_directives would drop anything from `value`."""
    # Loops that recurse only into maps and lists: this walks every value a patch merges.
    if isinstance(value, dict):
        for k, v in value.items():
            if k.startswith("$") or (isinstance(v, dict | list) and _has_directives(v)):
                return True
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, dict) and DIRECTIVE in v:
                return True
            if isinstance(v, dict | list) and _has_directives(v):
                return True
    return False


# ---------------------------------------------------------------------------------------------
# apply (mergeMap and friends)


@dataclass(frozen=True)
class _MergeOptions:
    # True on the server (StrategicMergeMapPatch): parallel lists are applied, not kept.
    merge_parallel_list: bool
    ignore_unmatched_nulls: bool


def _merge_map(
    original: dict[str, JSON],
    patch: dict[str, JSON],
    path: tuple[str, ...],
    kind: str,
    opts: _MergeOptions,
) -> dict[str, JSON]:
    """mergeMap. Returns the merged map; `original` itself is never changed (the merge works
    on a shallow copy), so untouched values are shared with it. `patch` is consumed: its
    directives are removed as they are applied, so callers pass a copy."""
    original = dict(original)
    if DIRECTIVE in patch:
        directive = patch[DIRECTIVE]
        if directive == "replace":
            del patch[DIRECTIVE]
            return _strip_directives(patch) if opts.merge_parallel_list else patch
        if directive == "delete":
            return {}
        raise mergepatch.bad_patch_type(directive, patch)
    _merge_retain_keys(original, patch, opts)
    _merge_element_orders(original, patch, path, kind, opts)
    for raw_key, value in list(patch.items()):
        key, delete_list = raw_key, False
        if raw_key.startswith(DELETE_FROM_PRIMITIVE_LIST):
            if not opts.merge_parallel_list:
                original[raw_key] = value
                continue
            key, delete_list = raw_key.removeprefix(DELETE_FROM_PRIMITIVE_LIST), True
        if value is None:
            original.pop(key, None)
            if opts.ignore_unmatched_nulls:
                continue
        if key not in original:
            # Go would store the deletion list itself as the new list; deleting from a list
            # that does not exist is a no-op here.
            if not delete_list:
                original[key] = _strip_directives(value) if opts.merge_parallel_list else value
            continue
        current, child = original[key], (*path, key)
        meta = field_meta(kind, child)
        if json_kind(current) != json_kind(value):
            original[key] = _strip_directives(value) if opts.merge_parallel_list else value
        elif isinstance(value, dict) and meta.strategy != "replace":
            original[key] = _merge_map(current, value, child, kind, opts)
        elif isinstance(value, list) and meta.strategy == "merge":
            original[key] = _merge_slice(current, value, child, kind, delete_list, opts)
        else:
            original[key] = _strip_directives(value) if opts.merge_parallel_list else value
    return original


def _merge_retain_keys(
    original: dict[str, JSON], patch: dict[str, JSON], opts: _MergeOptions
) -> None:
    """applyRetainKeysDirective: keep only the listed fields of the original map."""
    if RETAIN_KEYS not in patch:
        return
    retain = patch.pop(RETAIN_KEYS)
    if not opts.merge_parallel_list:
        if RETAIN_KEYS in original and not json_equal(original[RETAIN_KEYS], retain):
            raise PatchError(
                f"{go_value(original[RETAIN_KEYS])} and {go_value(retain)} are not deep equal: "
                "this may happen when calculating the 3-way diff patch"
            )
        original.setdefault(RETAIN_KEYS, retain)
        return
    if not isinstance(retain, list):
        raise PatchError(mergepatch.BAD_RETAIN_KEYS)
    for key, value in patch.items():
        if value is None or key.startswith((DELETE_FROM_PRIMITIVE_LIST, SET_ELEMENT_ORDER)):
            continue
        if key not in retain:
            raise PatchError(mergepatch.BAD_RETAIN_KEYS)
    for key in [k for k in original if k not in retain]:
        del original[key]


def _merge_element_orders(
    original: dict[str, JSON],
    patch: dict[str, JSON],
    path: tuple[str, ...],
    kind: str,
    opts: _MergeOptions,
) -> None:
    """mergePatchIntoOriginal: merge each list that has a $setElementOrder and put its items in
    that order (precedence: $setElementOrder, then patch order, then live order)."""
    for directive in [k for k in patch if k.startswith(SET_ELEMENT_ORDER)]:
        order = patch.pop(directive)
        if not opts.merge_parallel_list:
            if directive in original and not json_equal(original[directive], order):
                raise PatchError(mergepatch.BAD_ELEMENT_ORDER)
            original.setdefault(directive, order)
        if not isinstance(order, list):
            raise mergepatch.bad_arg_type("list", order)
        field = directive.removeprefix(SET_ELEMENT_ORDER)
        if not field:
            raise PatchError(mergepatch.BAD_ELEMENT_ORDER)
        live: list[JSON] | None = original.get(field)
        patched: list[JSON] | None = patch.get(field)
        for value in (live, patched):
            if value is not None and not isinstance(value, list):
                raise mergepatch.bad_arg_type("list", value)
        meta = field_meta(kind, (*path, field))
        key = meta.merge_key
        _validate_element_order(patched or [], order, key)
        if live is None and patched is None:
            continue
        if live is None or patched is None:
            merged = live if patched is None else patched
        elif meta.strategy == "merge":
            merged = _merge_slice(live, patched, (*path, field), kind, False, opts)
        else:
            merged = patched
        if merged:
            inside, outside = _partition(merged, order, key)
            merged = _normalize_order(inside, outside, order, live or [], key)
        original[field] = _strip_directives(merged) if opts.merge_parallel_list else merged
        patch.pop(field, None)


def _validate_element_order(patch_list: list[JSON], order: list[JSON], key: str) -> None:
    """validatePatchWithSetOrderList: patch items must appear in $setElementOrder, in order."""
    if not patch_list or not order:
        return
    items = [item for item in patch_list if not (key and _is_delete(item))]
    i = j = 0
    while i < len(items) and j < len(order):
        if isinstance(items[i], dict) and DIRECTIVE in items[i]:
            i += 1
            continue
        same = (
            json_equal(_key_of(items[i], key), _key_of(order[j], key))
            if key
            else json_equal(items[i], order[j])
        )
        if same:
            i += 1
        j += 1
    if i < len(items) and j >= len(order):
        raise PatchError(
            f"The order in patch list:\n{go_value(patch_list)}\n doesn't match "
            f"$setElementOrder list:\n{go_value(order)}\n"
        )


def _merge_slice(
    original: list[JSON],
    patch: list[JSON],
    path: tuple[str, ...],
    kind: str,
    delete_list: bool,
    opts: _MergeOptions,
) -> list[JSON]:
    """mergeSlice for a `patchStrategy:"merge"` list."""
    if not original and not patch:
        return original
    key = field_meta(kind, path).merge_key
    if _element_kind(original, patch) != "map":
        if opts.merge_parallel_list and delete_list:
            return [v for v in original if not any(json_equal(v, d) for d in patch)]
        merged, key = _dedupe(original + patch), ""
    else:
        if not key:
            raise PatchError("cannot merge lists without merge key for type struct")
        original, patch = _apply_list_directives(original, patch, key)
        # A new list: `original` must keep its own items only, it orders the server-only ones.
        merged = list(original)
        for item in patch:
            _key_of(item, key)
            position = _index(merged, item, key)
            if position >= 0:
                merged[position] = _merge_map(merged[position], item, path, kind, opts)
            else:
                merged.append(_strip_directives(item) if opts.merge_parallel_list else item)
    inside, outside = _partition(merged, patch, key)
    return _normalize_order(inside, outside, patch, original, key)


def _apply_list_directives(
    original: list[JSON], patch: list[JSON], key: str
) -> tuple[list[JSON], list[JSON]]:
    """mergeSliceWithSpecialElements: `$patch: delete` items remove, `$patch: replace` replaces."""
    plain: list[JSON] = []
    replace_all = False
    for item in patch:
        if not isinstance(item, dict):
            raise mergepatch.bad_arg_type("map", item)
        if DIRECTIVE not in item:
            plain.append(item)
            continue
        directive = item[DIRECTIVE]
        if directive == "delete":
            doomed = _key_of(item, key)
            original = [o for o in original if not json_equal(_key_of(o, key), doomed)]
        elif directive == "replace":
            replace_all = True
        elif directive == "merge":
            raise PatchError("merging lists cannot yet be specified in the patch")
        else:
            raise mergepatch.bad_patch_type(directive, item)
    return (plain, []) if replace_all else (original, plain)


# ---------------------------------------------------------------------------------------------
# create (diffMaps and friends)


@dataclass(frozen=True)
class _DiffOptions:
    set_element_order: bool = True
    ignore_changes_and_additions: bool = False
    ignore_deletions: bool = False
    build_retain_keys: bool = False


def _diff_maps(
    original: dict[str, JSON],
    modified: dict[str, JSON],
    path: tuple[str, ...],
    kind: str,
    opts: _DiffOptions,
) -> dict[str, JSON]:
    """diffMaps: a patch that turns `original` into `modified`, within what `opts` allows."""
    patch: dict[str, JSON] = {}
    retain: list[JSON] = []
    adding = not opts.ignore_changes_and_additions
    for key, new in modified.items():
        if opts.build_retain_keys and new is not None:
            retain.append(key)
        if key not in original:
            if adding:
                patch[key] = new
            continue
        old, child = original[key], (*path, key)
        if key == DIRECTIVE:
            if not isinstance(old, str) or not isinstance(new, str):
                raise PatchError(f"invalid value for special key: {DIRECTIVE}")
            if old != new:
                patch[key] = new
        elif json_kind(old) != json_kind(new):
            if adding:
                patch[key] = new
        elif isinstance(old, dict):
            meta = field_meta(kind, child)
            if meta.strategy == "replace":
                if adding:
                    patch[key] = new
            else:
                nested = _diff_maps(
                    old, new, child, kind, replace(opts, build_retain_keys=meta.retain_keys)
                )
                if nested:
                    patch[key] = nested
        elif isinstance(old, list) and field_meta(kind, child).strategy == "merge":
            meta = field_meta(kind, child)
            list_opts = replace(opts, build_retain_keys=meta.retain_keys)
            additions, deletions, order = _diff_lists(old, new, child, kind, list_opts)
            if additions:
                patch[key] = additions
            if deletions:
                patch[DELETE_FROM_PRIMITIVE_LIST + key] = deletions
            if order:
                patch[SET_ELEMENT_ORDER + key] = order
        elif adding and not json_equal(old, new):
            patch[key] = new
    if not opts.ignore_deletions:
        for key in original:
            if key not in modified:
                patch[key] = None
    dropped = any(v is not None and k not in modified for k, v in original.items())
    if retain and (patch or dropped):
        patch[RETAIN_KEYS] = sorted(retain, key=go_value)
    return patch


def _diff_lists(
    original: list[JSON], modified: list[JSON], path: tuple[str, ...], kind: str, opts: _DiffOptions
) -> tuple[list[JSON], list[JSON], list[JSON]]:
    """diffLists: (patch list, $deleteFromPrimitiveList list, $setElementOrder list)."""
    adding, deleting = not opts.ignore_changes_and_additions, not opts.ignore_deletions
    if not original:
        return ([], [], []) if not modified or not adding else (modified, [], [])
    if _element_kind(original, modified) == "map":
        key = field_meta(kind, path).merge_key
        changes, deletions = _diff_lists_of_maps(original, modified, path, kind, key, opts)
        changes = _sort_by(changes, modified, key) + deletions
        same_order = len(original) == len(modified) and all(
            json_equal(_key_of(a, key), _key_of(b, key))
            for a, b in zip(original, modified, strict=True)
        )
        order: list[JSON] = []
        if opts.set_element_order and (
            (adding and (changes or not same_order)) or (deleting and changes)
        ):
            order = [{key: _key_of(item, key)} for item in modified]
        return changes, [], order
    additions, removals = _diff_lists_of_scalars(original, modified, opts)
    additions = _sort_by(additions, modified, "")
    reordered = not json_equal(original, modified)
    if opts.set_element_order and ((deleting and removals) or (adding and reordered)):
        return additions, removals, list(modified)
    return additions, removals, []


def _diff_lists_of_maps(
    original: list[JSON],
    modified: list[JSON],
    path: tuple[str, ...],
    kind: str,
    key: str,
    opts: _DiffOptions,
) -> tuple[list[JSON], list[JSON]]:
    """diffListsOfMaps: walk both lists sorted by merge key (compared as text, like Go)."""
    if not key:
        raise mergepatch.no_merge_key(original[0], key)
    olds = sorted(original, key=lambda item: go_value(_key_of(item, key)))
    news = sorted(modified, key=lambda item: go_value(_key_of(item, key)))
    changes: list[JSON] = []
    deletions: list[JSON] = []
    i = j = 0
    while i < len(olds) or j < len(news):
        old_key = go_value(olds[i][key]) if i < len(olds) else None
        new_key = go_value(news[j][key]) if j < len(news) else None
        if old_key is not None and old_key == new_key:
            nested = _diff_maps(olds[i], news[j], path, kind, opts)
            if nested:
                nested[key] = news[j][key]
                changes.append(nested)
            i, j = i + 1, j + 1
        elif old_key is None or (new_key is not None and old_key > new_key):
            if not opts.ignore_changes_and_additions:
                changes.append(news[j])
            j += 1
        else:
            if not opts.ignore_deletions:
                deletions.append({key: olds[i][key], DIRECTIVE: "delete"})
            i += 1
    return changes, deletions


def _diff_lists_of_scalars(
    original: list[JSON], modified: list[JSON], opts: _DiffOptions
) -> tuple[list[JSON], list[JSON]]:
    """diffListsOfScalars: additions and (deduplicated) deletions, compared as text."""
    olds, news = sorted(original, key=go_value), sorted(modified, key=go_value)
    additions: list[JSON] = []
    deletions: list[JSON] = []
    i = j = 0
    while i < len(olds) or j < len(news):
        old = go_value(olds[i]) if i < len(olds) else None
        new = go_value(news[j]) if j < len(news) else None
        if old is not None and old == new:
            i, j = i + 1, j + 1
        elif old is None or (new is not None and old > new):
            if not opts.ignore_changes_and_additions:
                additions.append(news[j])
            j += 1
        else:
            if not opts.ignore_deletions:
                deletions.append(olds[i])
            i += 1
    return additions, _dedupe(deletions)


def _sorted_keys(value: JSON) -> JSON:
    """json.Marshal writes map keys sorted; do the same so patches compare and print stably."""
    if isinstance(value, dict):
        return {key: _sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value


# ---------------------------------------------------------------------------------------------
# public API


def apply_strategic_merge_patch(
    original: dict[str, JSON], patch: dict[str, JSON], kind: str, *, share: bool = False
) -> dict[str, JSON]:
    """StrategicMergeMapPatch: what the API server does with application/strategic-merge-patch+json.

    Raises PatchError on a malformed patch (the API server answers those with a 500
    InternalError for most mergepatch errors, or 422 for decoding problems).

    With `share`, the result shares every map and list the patch does not touch with
    `original` instead of copying the whole object (the API server's hot path: a status patch
    changes a few fields of a pod). Neither input is changed either way; the caller must then
    treat the shared parts as read-only.
    """
    opts = _MergeOptions(merge_parallel_list=True, ignore_unmatched_nulls=True)
    return _merge_map(original if share else copy_json(original), copy_json(patch), (), kind, opts)


def create_two_way_merge_patch(
    original: dict[str, JSON], modified: dict[str, JSON], kind: str
) -> dict[str, JSON]:
    """CreateTwoWayMergePatch: kubectl edit / label / annotate / set image send this."""
    patch = _diff_maps(copy_json(original or {}), copy_json(modified), (), kind, _DiffOptions())
    return _sorted_keys(patch)


def create_three_way_merge_patch(
    original: dict[str, JSON] | None,
    modified: dict[str, JSON],
    current: dict[str, JSON],
    kind: str,
) -> dict[str, JSON]:
    """CreateThreeWayMergePatch(overwrite=true), the patch `kubectl apply` sends.

    original = the last-applied-configuration, modified = the new manifest (with its new
    annotation), current = the live object. Deletions come from original → modified only, so
    fields the server or other clients set survive; changes and additions come from
    current → modified. `{}` means "unchanged" and kubectl sends nothing.
    """
    delta = _diff_maps(
        copy_json(current), copy_json(modified), (), kind, _DiffOptions(ignore_deletions=True)
    )
    deletions = _diff_maps(
        copy_json(original or {}),
        copy_json(modified),
        (),
        kind,
        _DiffOptions(ignore_changes_and_additions=True),
    )
    opts = _MergeOptions(merge_parallel_list=False, ignore_unmatched_nulls=False)
    return _sorted_keys(_merge_map(deletions, delta, (), kind, opts))
