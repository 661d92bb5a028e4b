"""kubectl apply and kubectl create -f (staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go,
create/create.go)."""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

from engine.apimachinery import strategicpatch
from engine.apiserver.request import Response
from engine.kubectl import cmdutil
from engine.kubectl.builder import Manifest, metadata, read_manifests, resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError, api_error_text, with_source
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_PATCH_RETRIES = 5  # apply.go maxPatchRetry

_FILE_FLAGS = (
    Flag("filename", "f", kind="list"),
    Flag("output", "o", default=""),
    Flag("dry-run", default="none"),
    Flag("validate", default="strict"),
    Flag("field-manager", default=""),
)


@command(
    "apply",
    *_FILE_FLAGS,
    Flag("server-side", kind="bool", default=False),
    Flag("force-conflicts", kind="bool", default=False),
    summary="Apply a configuration to a resource by file name or stdin",
)
def apply(ctx: Context, flags: Parsed) -> Gen:
    if not flags.filename:
        raise KubectlError("error: must specify one of -f and -k")
    cmdutil.check_output(flags.output)
    failures: list[str] = []
    for manifest in read_manifests(ctx, flags.filename):
        try:
            if flags.server_side:
                verb, obj = yield from _apply_server_side(ctx, flags, manifest)
            else:
                verb, obj = yield from _apply_client_side(ctx, flags, manifest)
            _print(ctx, flags, manifest, obj, verb)
        except KubectlError as error:
            failures.append(error.text)
    _fail_with(failures)


@command("create", *_FILE_FLAGS, summary="Create a resource from a file or from stdin")
def create(ctx: Context, flags: Parsed) -> Gen:
    if not flags.filename:
        raise ctx.usage_error("must specify one of -f and -k")
    cmdutil.check_output(flags.output)
    failures: list[str] = []
    for manifest in read_manifests(ctx, flags.filename):
        namespace = manifest_namespace(ctx, manifest)
        body = _prepared(manifest.obj, namespace, manifest)
        if flags.dry_run == "client":  # create.go: the object is printed, never sent
            _print(ctx, flags, manifest, body, "created")
            continue
        response: Response = yield from ctx.request(
            "POST",
            resource_path(manifest.resource, namespace),
            body=body,
            query=_write_query(flags, "kubectl-create"),
        )
        if response.ok:
            _print(ctx, flags, manifest, response.body, "created")
        else:
            failures.append(api_error_text(with_source(response.body, "creating", manifest.source)))
    _fail_with(failures)


def _print(ctx: Context, flags: Parsed, manifest: Manifest, obj: Any, verb: str) -> None:
    """The name line with what was done, or the object as -o asks."""
    if flags.output and isinstance(obj, dict):
        ctx.out(cmdutil.print_object(obj, manifest.resource, flags.output, verb))
        return
    name = obj["metadata"]["name"] if isinstance(obj, dict) else _name(manifest)
    ctx.out(f"{manifest.resource.kubectl_name}/{name} {verb}{_dry_run_suffix(flags)}\n")


def _apply_client_side(ctx: Context, flags: Parsed, manifest: Manifest) -> Gen:
    namespace = manifest_namespace(ctx, manifest)
    name = _name(manifest)
    if not name:
        if metadata(manifest.obj).get("generateName"):
            raise KubectlError(
                f"error: from {manifest.source}: cannot use generate name with apply"
            )
        raise KubectlError(
            f"error: error when retrieving current configuration of:\n"
            f'Resource: "{manifest.resource.name}.{manifest.resource.version}.'
            f'{manifest.resource.group}", GroupVersionKind: '
            f'"{manifest.resource.api_version}, Kind={manifest.resource.kind}"\n'
            f'Name: "", Namespace: "{namespace}"\nfrom server for: '
            f'"{manifest.source}": resource name may not be empty'
        )
    path = resource_path(manifest.resource, namespace, name)
    modified = _prepared(manifest.obj, namespace, manifest)
    annotation = last_applied_json(modified)
    meta = modified.setdefault("metadata", {})
    meta["annotations"] = {**string_map(meta.get("annotations")), LAST_APPLIED: annotation}
    manager = flags.field_manager or "kubectl-client-side-apply"
    for _attempt in range(MAX_PATCH_RETRIES):
        current: Response = yield from ctx.request("GET", path)
        if current.code == 404 and flags.dry_run == "client":
            return "created", modified  # apply.go: with a client dry run nothing is sent
        if current.code == 404:
            created: Response = yield from ctx.request(
                "POST",
                resource_path(manifest.resource, namespace),
                body=modified,
                query=_write_query(flags, manager),
            )
            if not created.ok:
                raise KubectlError(
                    api_error_text(with_source(created.body, "creating", manifest.source))
                )
            return "created", created.body
        if not current.ok:
            raise KubectlError(
                api_error_text(
                    with_source(
                        current.body, "retrieving current configuration of", manifest.source
                    )
                )
            )
        live = current.body
        annotations = (live.get("metadata") or {}).get("annotations") or {}
        if LAST_APPLIED not in annotations:
            # resource.Info.ObjectName: the mapping's plural, without its group
            ctx.err(
                f"Warning: resource {manifest.resource.name}/{name} is missing "
                f"the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl "
                "apply should only be used on resources created declaratively by either "
                "kubectl create --save-config or kubectl apply. The missing annotation will "
                "be patched automatically.\n"
            )
        original = json.loads(annotations[LAST_APPLIED]) if LAST_APPLIED in annotations else {}
        diff = strategicpatch.create_three_way_merge_patch(
            original, modified, live, manifest.resource.kind
        )
        if not diff:
            return "unchanged", live
        if flags.dry_run == "client":  # patcher.go: the patch is applied here, not sent
            patched_locally = strategicpatch.apply_strategic_merge_patch(
                live, diff, manifest.resource.kind
            )
            return "configured", patched_locally
        patched: Response = yield from ctx.request(
            "PATCH",
            path,
            body=diff,
            query=_write_query(flags, manager),
            headers={"content-type": "application/strategic-merge-patch+json"},
        )
        if patched.code == 409 and patched.body.get("reason") == "Conflict":
            continue
        if not patched.ok:
            raise KubectlError(
                api_error_text(with_source(patched.body, "patching", manifest.source))
            )
        return "configured", patched.body
    raise KubectlError(f"error: error when applying patch to {manifest.source}: too many conflicts")


def _apply_server_side(ctx: Context, flags: Parsed, manifest: Manifest) -> Gen:
    namespace = manifest_namespace(ctx, manifest)
    name = _name(manifest)
    query = _write_query(flags, flags.field_manager or "kubectl")
    query["force"] = "true" if flags.force_conflicts else "false"
    response: Response = yield from ctx.request(
        "PATCH",
        resource_path(manifest.resource, namespace, name),
        body=json.dumps(_prepared(manifest.obj, namespace, manifest)),
        query=query,
        headers={"content-type": "application/apply-patch+yaml"},
    )
    if not response.ok:
        raise KubectlError(api_error_text(with_source(response.body, "patching", manifest.source)))
    return "serverside-applied", response.body


def last_applied_json(obj: dict[str, Any]) -> str:
    """What apply records: Go's json.Marshal of the manifest (sorted keys, HTML-escaped)."""
    clean = json.loads(json.dumps(obj))
    # apply.GetModifiedConfiguration sets the annotations back without last-applied, so an
    # emptied map stays: `"annotations":{}` is in every real last-applied configuration.
    metadata = clean.setdefault("metadata", {})
    annotations = string_map(metadata.get("annotations"))
    annotations.pop(LAST_APPLIED, None)
    metadata["annotations"] = annotations
    text = json.dumps(clean, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return go_html_escape(text) + "\n"


def string_map(value: Any) -> dict[str, str]:
    """Unstructured.GetAnnotations: NestedStringMap with its error dropped, so annotations that
    are not a map of strings read as none, and SetAnnotations then replaces them
    (apimachinery/pkg/apis/meta/v1/unstructured/unstructured.go)."""
    if isinstance(value, dict) and all(isinstance(item, str) for item in value.values()):
        return dict(value)
    return {}


def go_html_escape(text: str) -> str:
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _prepared(obj: dict[str, Any], namespace: str, manifest: Manifest) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(json.dumps(obj))
    meta = body.setdefault("metadata", {})
    # unstructured.SetNamespace leaves a metadata that is not a map as it is: the API server
    # then says what is wrong with it.
    if manifest.resource.namespaced and isinstance(meta, dict):
        meta["namespace"] = namespace
    return body


def manifest_namespace(ctx: Context, manifest: Manifest) -> str:
    """The manifest's namespace, which must agree with -n when both are given."""
    if not manifest.resource.namespaced:
        return ""
    declared = metadata(manifest.obj).get("namespace")
    if declared and ctx.explicit_namespace and declared != ctx.namespace:
        raise KubectlError(
            f'error: the namespace from the provided object "{declared}" does '
            f'not match the namespace "{ctx.namespace}". You must pass '
            f"'--namespace={declared}' to perform this operation."
        )
    return str(declared or ctx.namespace)


def _name(manifest: Manifest) -> str:
    return str(metadata(manifest.obj).get("name", ""))


def _write_query(flags: Parsed, manager: str) -> dict[str, str]:
    validation = {
        "strict": "Strict",
        "true": "Strict",
        "warn": "Warn",
        "false": "Ignore",
        "ignore": "Ignore",
    }.get(str(flags.validate).lower(), "Strict")
    query = {"fieldManager": manager, "fieldValidation": validation}
    if flags.dry_run == "server":
        query["dryRun"] = "All"
    return query


def _dry_run_suffix(flags: Parsed) -> str:
    return {"server": " (server dry run)", "client": " (dry run)"}.get(flags.dry_run, "")


def _fail_with(failures: list[str]) -> None:
    if failures:
        raise KubectlError("".join(failures))
