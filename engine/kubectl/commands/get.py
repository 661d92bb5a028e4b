"""kubectl get (staging/src/k8s.io/kubectl/pkg/cmd/get/get.go)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.registry.kinds import STRATEGIES
from engine.apiserver.request import Response
from engine.apiserver.resources import ResourceType
from engine.apiserver.tables import to_table
from engine.kubectl import printers, templateprinters
from engine.kubectl.builder import Target, parse_targets, resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import TABLE_ACCEPT, Context
from engine.kubectl.errors import KubectlError, api_error_text
from engine.kubectl.flags import Flag, Parsed
from engine.kubectl.watching import watch_until

Gen = Generator[Any, Any, Any]

_OUTPUTS = ("", "wide", "yaml", "json", "name")
# get.go's PrintFlags: the object formats, custom columns and the human-readable `wide`
GET_FORMATS = (
    "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
    "jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml"
)


@command(
    "get",
    Flag("output", "o", default=""),
    Flag("selector", "l", default=""),
    Flag("field-selector", default=""),
    Flag("all-namespaces", "A", kind="bool", default=False),
    Flag("show-labels", kind="bool", default=False),
    Flag("label-columns", "L", kind="list"),
    Flag("no-headers", kind="bool", default=False),
    Flag("watch", "w", kind="bool", default=False),
    Flag("watch-only", kind="bool", default=False),
    Flag("filename", "f", kind="list"),
    Flag("show-managed-fields", kind="bool", default=False),
    Flag("template", default=""),
    summary="Display one or many resources",
)
def get(ctx: Context, flags: Parsed) -> Gen:
    template = None
    if templateprinters.is_template(flags.output):
        template = templateprinters.printer(flags.output, flags.template, flags.no_headers)
    elif flags.output not in _OUTPUTS:
        raise KubectlError(
            f"error: unable to match a printer suitable for the output format "
            f'"{flags.output}", allowed formats are: {GET_FORMATS}'
        )
    targets = parse_targets(flags.args, ctx)
    if not targets:
        raise KubectlError(
            'You must specify the type of resource to get. Use "kubectl api-resources" for a '
            "complete list of supported resources.\n\nerror: Required resource not specified.\n"
            'Use "kubectl explain <resource>" for a detailed description of that resource '
            "(e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples"
        )
    if flags.all_namespaces and any(t.name for t in targets):
        raise KubectlError("error: a resource cannot be retrieved by name across all namespaces")
    if flags.watch or flags.watch_only:
        yield from _watch(ctx, flags, targets)
        return
    namespace = "" if flags.all_namespaces else ctx.namespace
    human = flags.output in ("", "wide")
    with_kind = (
        len({t.resource.name for t in targets}) > 1
        or (bool(flags.args) and "," in flags.args[0])
        or (bool(flags.args) and flags.args[0] == "all")
    )
    errors: list[str] = []
    objects: list[dict[str, Any]] = []
    tables: list[tuple[Target, dict[str, Any]]] = []
    single_object = len(targets) == 1 and bool(targets[0].name)
    for target in targets:
        query = {}
        if not target.name:
            if flags.selector:
                query["labelSelector"] = flags.selector
            if flags.field_selector:
                query["fieldSelector"] = flags.field_selector
        headers = {"accept": TABLE_ACCEPT} if human else {}
        response: Response = yield from ctx.request(
            "GET",
            resource_path(
                target.resource, namespace if target.resource.namespaced else "", target.name
            ),
            query=query,
            headers=headers,
        )
        if not response.ok:
            status = response.body
            if not target.name and status.get("reason") in ("BadRequest", "NotFound"):
                status = _list_error(target.resource, query, status)
            errors.append(api_error_text(status))
            continue
        body = response.body
        if human:
            tables.append((target, body))
        elif target.name:
            objects.append(body)
        else:
            objects += [_with_type(item, target) for item in body.get("items", [])]
    if not flags.show_managed_fields:
        for obj in objects:  # kubectl hides managedFields unless asked (since 1.21)
            obj.get("metadata", {}).pop("managedFields", None)
    if human:
        if any(t.name for t in targets):
            # get.go multipleGVKsRequested: by name, the kinds of what was found
            with_kind = len({t.resource.name for t, _ in tables}) > 1
        _print_tables(ctx, flags, tables, with_kind, namespace, quiet_when_empty=bool(errors))
    elif flags.output == "name":
        ctx.out("".join(printers.print_name(obj) for obj in objects))
    elif template is not None:
        if objects or not single_object:
            document = objects[0] if single_object and len(objects) == 1 else None
            ctx.out(template(document or printers.as_list(objects)))
    elif objects or not single_object:
        if single_object and len(objects) == 1:
            document = objects[0]
        else:
            document = printers.as_list(objects)
        if objects or not errors:
            printer = printers.print_yaml if flags.output == "yaml" else printers.print_json
            ctx.out(printer(document))
    if errors:
        raise KubectlError("".join(errors))


def _print_tables(
    ctx: Context,
    flags: Parsed,
    tables: list[tuple[Target, dict[str, Any]]],
    with_kind: bool,
    namespace: str,
    *,
    quiet_when_empty: bool,
) -> None:
    printed = 0
    for target, table in tables:
        if not table.get("rows"):
            continue
        if with_kind:
            for row in table["rows"]:
                row["cells"][0] = f"{target.resource.kubectl_name}/{row['cells'][0]}"
        text = printers.print_table(
            table,
            wide=flags.output == "wide",
            show_namespace=flags.all_namespaces and target.resource.namespaced,
            show_labels=flags.show_labels,
            no_headers=flags.no_headers,
            label_columns=flags.label_columns,
        )
        ctx.out(("\n" if printed else "") + text)
        printed += 1
    if not printed and not quiet_when_empty and not any(t.name for t, _ in tables):
        # get.go allResourcesNamespaced: one cluster-scoped resource (get pvc,pv) drops the
        # namespace from the message.
        scoped = all(t.resource.namespaced for t, _ in tables) and not flags.all_namespaces
        ctx.err(printers.no_resources_found(namespace if scoped else ""))


def _with_type(item: dict[str, Any], target: Target) -> dict[str, Any]:
    return {"apiVersion": target.resource.api_version, "kind": target.resource.kind, **item}


def _watch(ctx: Context, flags: Parsed, targets: list[Target]) -> Gen:
    """get -w: list (unless --watch-only), then print a row per change until the request
    timeout, or until the simulated cluster settles when no timeout was given."""
    if len(targets) != 1:
        raise KubectlError("error: you may only specify a single resource type")
    target = targets[0]
    namespace = "" if flags.all_namespaces else ctx.namespace
    if not target.resource.namespaced:
        namespace = ""
    query: dict[str, str] = {}
    if flags.selector:
        query["labelSelector"] = flags.selector
    field_selector = flags.field_selector
    if target.name:
        field_selector = f"metadata.name={target.name}"
    if field_selector:
        query["fieldSelector"] = field_selector
    listing: Response = yield from ctx.request(
        "GET",
        resource_path(target.resource, namespace),
        query=query,
        headers={"accept": TABLE_ACCEPT},
    )
    table = ctx.must(listing)
    header_printed = False
    if not flags.watch_only:
        if table.get("rows"):
            ctx.out(_render(flags, target, table, no_headers=flags.no_headers))
            header_printed = True
        else:
            ctx.err(printers.no_resources_found(namespace if target.resource.namespaced else ""))

    def show(event_type: str, obj: dict[str, Any]) -> None:
        nonlocal header_printed
        if event_type == "BOOKMARK":
            return
        one = to_table(STRATEGIES[target.resource.name].printer, [obj], ctx.now)
        ctx.out(_render(flags, target, one, no_headers=flags.no_headers or header_printed))
        header_printed = True

    timeout = _seconds(str(flags.request_timeout))
    yield from watch_until(
        ctx,
        resource_path(target.resource, namespace),
        {**query, "resourceVersion": table["metadata"]["resourceVersion"]},
        show,
        lambda _t, _o: False,
        timeout,
    )


def _render(flags: Parsed, target: Target, table: dict[str, Any], *, no_headers: bool) -> str:
    return printers.print_table(
        table,
        wide=flags.output == "wide",
        show_namespace=flags.all_namespaces and target.resource.namespaced,
        show_labels=flags.show_labels,
        no_headers=no_headers,
        label_columns=flags.label_columns,
    )


def _seconds(text: str) -> float:
    """--request-timeout values: `0` (none), `30`, `30s`, `1m`, `2h`."""
    if not text or text == "0":
        return 0.0
    units = {"s": 1, "m": 60, "h": 3600}
    try:
        if text[-1] in units:
            return float(text[:-1]) * units[text[-1]]
        return float(text)
    except ValueError:
        raise KubectlError(
            "error: invalid request timeout value: the timeout value must be an "
            "integer or a duration (e.g. 1s, 2m, 3h)"
        ) from None


def _list_error(
    resource: ResourceType, query: dict[str, str], status: dict[str, Any]
) -> dict[str, Any]:
    """cli-runtime resource/selector.go Visit: a list refused says what it listed, and how."""
    gvr = f'"{resource.group}/{resource.version}, Resource={resource.name}"'
    labels, fields = query.get("labelSelector", ""), query.get("fieldSelector", "")
    if labels or fields:
        what = (
            f'Unable to find {gvr} that match label selector "{labels}", field selector "{fields}"'
        )
    else:
        what = f"Unable to list {gvr}"
    return {**status, "message": f"{what}: {status.get('message', '')}"}
