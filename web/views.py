"""Read-only looks into a cluster for the page's inspector and etcd panel.

They read etcd directly instead of sending API requests: a request would run the simulation
(virtual time, trace events, heap steps) and so change what the learner is watching, and an
input that is not in the input log would break deterministic replay.
"""

from __future__ import annotations

from typing import Any

from engine import BY_NAME, Cluster, CompactedError, Etcd, KeyValue, decode, lookup, print_yaml


class ViewError(Exception):
    """Nothing to show; str() says why, in kubectl's words where kubectl has some."""


def inspect(cluster: Cluster, kind: str, namespace: str, name: str) -> dict[str, Any]:
    """The object as `kubectl get -o yaml` prints it, and the Events about it."""
    resource = lookup(kind)
    if resource is None:
        raise ViewError(f'error: the server doesn\'t have a resource type "{kind}"')
    namespace = (namespace or "default") if resource.namespaced else ""
    kv = cluster.etcd.get(resource.key(namespace, name))
    if kv is None:
        raise ViewError(
            f'Error from server (NotFound): {resource.group_resource} "{name}" not found'
        )
    obj = decode(kv.value, kv.mod_revision)
    obj["metadata"].pop("managedFields", None)  # kubectl hides them unless asked
    return {"object": print_yaml(obj), "events": _events_about(cluster.etcd, obj, namespace)}


def _events_about(etcd: Etcd, obj: dict[str, Any], namespace: str) -> list[dict[str, Any]]:
    meta = obj["metadata"]
    # Events about cluster-scoped objects (nodes) live in the default namespace.
    prefix = BY_NAME["events"].prefix(namespace or "default")
    rows = []
    for kv in etcd.range(prefix):
        event = decode(kv.value, kv.mod_revision)
        involved = event.get("involvedObject") or {}
        if involved.get("kind") != obj.get("kind") or involved.get("name") != meta.get("name"):
            continue
        if involved.get("uid") and meta.get("uid") and involved["uid"] != meta["uid"]:
            continue  # about an earlier object of the same name
        series = event.get("series") or {}
        source = (event.get("source") or {}).get("component") or event.get("reportingComponent", "")
        message = (event.get("message") or "").strip()
        if involved.get("fieldPath"):  # as kubectl describe shows it since 1.35
            message = f"{involved['fieldPath']}: {message}"
        rows.append(
            {
                "type": event.get("type", ""),
                "reason": event.get("reason", ""),
                "from": source,
                "message": message,
                "count": series.get("count") or event.get("count") or 1,
                "first": event.get("eventTime") or event.get("firstTimestamp") or "",
                "last": series.get("lastObservedTime")
                or event.get("lastTimestamp")
                or event.get("eventTime")
                or "",
            }
        )
    rows.sort(key=lambda row: (row["first"], row["last"]))
    return rows


def etcd_keys(etcd: Etcd) -> dict[str, Any]:
    return {
        "revision": etcd.revision,
        "compacted": etcd.compacted,
        "keys": [
            {
                "key": kv.key,
                "create_revision": kv.create_revision,
                "mod_revision": kv.mod_revision,
                "version": kv.version,
            }
            for kv in etcd.range("")
        ],
    }


def etcd_value(etcd: Etcd, key: str, revision: int | None) -> dict[str, Any]:
    """The key's value (the JSON text etcd holds) at `revision`, or now; null if it did not
    exist then."""
    revision = etcd.revision if revision is None else min(revision, etcd.revision)
    try:
        kv = _value_at(etcd, key, revision)
    except CompactedError as error:
        raise ViewError(
            f"etcd has compacted its history up to revision {error.compacted}, so the value "
            f"at revision {error.requested} is gone (mvcc: required revision has been "
            "compacted)"
        ) from None
    reply: dict[str, Any] = {"key": key, "revision": revision, "value": None}
    if kv is not None:
        reply.update(
            value=kv.value,
            create_revision=kv.create_revision,
            mod_revision=kv.mod_revision,
            version=kv.version,
        )
    return reply


def _value_at(etcd: Etcd, key: str, revision: int) -> KeyValue | None:
    current = etcd.get(key)
    if current is not None and current.mod_revision <= revision:
        return current  # unchanged since `revision`: the answer even where history is compacted
    found = etcd.value_at(key, revision)
    if found is None:
        # Etcd.compact drops the history of keys it does not keep a later version of, so a key
        # unchanged from before the compaction until after `revision` is found as the `prev`
        # of its first change after `revision`.
        later = next((e for e in etcd.history(revision) if e.kv.key == key), None)
        found = later.prev if later is not None else None
    return found
