"""kubectl delete (staging/src/k8s.io/kubectl/pkg/cmd/delete/delete.go, delete_flags.go)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.kubectl.builder import metadata, parse_targets, read_manifests, resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError, api_error_text, with_source
from engine.kubectl.flags import Flag, Parsed
from engine.kubectl.watching import watch_until

Gen = Generator[Any, Any, Any]

FORCE_WARNING = (
    "Warning: Immediate deletion does not wait for confirmation that the running resource has "
    "been terminated. The resource may continue to run on the cluster indefinitely.\n"
)


@command(
    "delete",
    Flag("filename", "f", kind="list"),
    Flag("selector", "l", default=""),
    Flag("field-selector", default=""),
    Flag("all", kind="bool", default=False),
    Flag("all-namespaces", "A", kind="bool", default=False),
    Flag("grace-period", kind="int", default=-1),
    Flag("force", kind="bool", default=False),
    Flag("now", kind="bool", default=False),
    Flag("wait", kind="bool", default=True),
    Flag("cascade", default="background"),
    Flag("ignore-not-found", kind="bool", default=False),
    Flag("output", "o", default=""),
    Flag("timeout", default="0s"),
    summary="Delete resources by file names, stdin, resources and names, or by resources and "
    "label selector",
)
def delete(ctx: Context, flags: Parsed) -> Gen:
    grace = _grace_period(ctx, flags)
    policy = {
        "background": "Background",
        "true": "Background",
        "foreground": "Foreground",
        "orphan": "Orphan",
        "false": "Orphan",
    }.get(flags.cascade)
    if policy is None:
        raise KubectlError(
            f'error: invalid cascade value ({flags.cascade}). Must be "background",'
            ' "foreground", or "orphan".'
        )
    items = yield from _collect(ctx, flags)
    if grace == 0:
        ctx.err(FORCE_WARNING)
    body: dict[str, Any] = {
        "kind": "DeleteOptions",
        "apiVersion": "v1",
        "propagationPolicy": policy,
    }
    if grace >= 0:
        body["gracePeriodSeconds"] = grace
    failures: list[str] = []
    deleted: list[tuple[str, dict[str, Any]]] = []
    for path, resource, name, namespace, source in items:
        response: Response = yield from ctx.request("DELETE", path, body=dict(body))
        if response.code == 404 and flags.ignore_not_found:
            continue
        if not response.ok:
            status = with_source(response.body, "deleting", source) if source else response.body
            failures.append(api_error_text(status))
            continue
        uid = (response.body.get("metadata") or {}).get("uid") or (
            response.body.get("details") or {}
        ).get("uid", "")
        deleted.append((path, {"uid": uid}))
        operation = "force deleted" if grace == 0 else "deleted"
        if flags.output == "name":
            ctx.out(f"{resource.kubectl_name}/{name}\n")
        elif namespace:
            ctx.out(f'{resource.kubectl_name} "{name}" {operation} from {namespace} namespace\n')
        else:
            ctx.out(f'{resource.kubectl_name} "{name}" {operation}\n')
    if flags.wait:
        for path, seen in deleted:
            yield from _wait_for_deletion(ctx, path, seen["uid"])
    if failures:
        raise KubectlError("".join(failures))


def _grace_period(ctx: Context, flags: Parsed) -> int:
    grace: int = flags.grace_period
    if flags.now:
        if grace >= 0:
            raise KubectlError("error: --now and --grace-period cannot be specified together")
        grace = 1
    if flags.force and grace > 0:
        raise KubectlError(
            "error: --force and --grace-period greater than 0 cannot be specified together"
        )
    if flags.force and grace < 0:
        grace = 0
    return grace


def _collect(ctx: Context, flags: Parsed) -> Gen:
    """What to delete: (path, resource, name, namespace, source) for each object."""
    items: list[tuple[str, Any, str, str, str]] = []
    if flags.filename:
        if flags.args:
            raise KubectlError("error: arguments cannot be given when -f is used")
        for manifest in read_manifests(ctx, flags.filename):
            meta = metadata(manifest.obj)
            namespace = (
                str(meta.get("namespace") or ctx.namespace)
                if (manifest.resource.namespaced)
                else ""
            )
            name = str(meta.get("name", ""))
            if not name:  # client-go's request builder; cmdutil.AddSourceToErr adds the rest
                raise KubectlError(
                    f'error: error when deleting "{manifest.source}": '
                    "resource name may not be empty"
                )
            items.append(
                (
                    resource_path(manifest.resource, namespace, name),
                    manifest.resource,
                    name,
                    namespace,
                    manifest.source,
                )
            )
        return items
    targets = parse_targets(flags.args, ctx)
    if not targets:
        raise KubectlError(
            "error: You must provide one or more resources by argument or "
            "filename.\nExample resource specifications include:\n   "
            "'-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n"
            "   '<resource>'"
        )
    by_selection = [t for t in targets if not t.name]
    if by_selection and not (flags.all or flags.selector or flags.field_selector):
        raise KubectlError("error: resource(s) were provided, but no name was specified")
    for target in targets:
        namespace = ctx.namespace if target.resource.namespaced else ""
        if target.name:
            items.append((target.path(namespace), target.resource, target.name, namespace, ""))
            continue
        query = {"labelSelector": flags.selector} if flags.selector else {}
        if flags.field_selector:
            query["fieldSelector"] = flags.field_selector
        listing: Response = yield from ctx.request(
            "GET",
            resource_path(target.resource, "" if flags.all_namespaces else namespace),
            query=query,
        )
        for item in ctx.must(listing).get("items", []):
            meta = item["metadata"]
            item_ns = meta.get("namespace", "")
            items.append(
                (
                    resource_path(target.resource, item_ns, meta["name"]),
                    target.resource,
                    meta["name"],
                    item_ns,
                    "",
                )
            )
    if not items:
        namespace_note = "" if flags.all_namespaces else f" in {ctx.namespace} namespace"
        ctx.err(f"No resources found{namespace_note}.\n")
    return items


def _wait_for_deletion(ctx: Context, path: str, uid: str) -> Gen:
    """--wait: until the object is gone (or replaced by a new one with another uid)."""
    current: Response = yield from ctx.request("GET", path)
    if current.code == 404:
        return
    if uid and current.ok and current.body["metadata"].get("uid") != uid:
        return
    collection, _, name = path.rpartition("/")

    def gone(event_type: str, obj: dict[str, Any]) -> bool:
        return event_type == "DELETED" or (bool(uid) and obj["metadata"].get("uid") != uid)

    since = current.body["metadata"].get("resourceVersion", "") if current.ok else ""
    yield from watch_until(
        ctx,
        collection,
        {"fieldSelector": f"metadata.name={name}", "resourceVersion": since},
        lambda _t, _o: None,
        gone,
        0,
    )
