"""kubectl patch (staging/src/k8s.io/kubectl/pkg/cmd/patch/patch.go).

kubectl sends the user's patch as it is (YAML turned into JSON first) with the Content-Type of
its --type; the API server does all the merging. It then compares what came back with what it
fetched to say `patched` or `patched (no change)`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Generator
from typing import Any

import yaml

from engine import yamlsafe
from engine.apimachinery import jsonpatch, strategicpatch
from engine.apiserver.body import BodyError, jsonable
from engine.apiserver.request import Response
from engine.kubectl import cmdutil
from engine.kubectl.builder import resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError, api_error_text
from engine.kubectl.flags import Flag, Parsed
from engine.kubectl.selection import Info, select

Gen = Generator[Any, Any, Any]

CONTENT_TYPES = {
    "json": "application/json-patch+json",
    "merge": "application/merge-patch+json",
    "strategic": "application/strategic-merge-patch+json",
}


@command(
    "patch",
    Flag("patch", "p", default=""),
    Flag("patch-file", default=""),
    Flag("type", default="strategic"),
    Flag("output", "o", default=""),
    Flag("dry-run", default="none"),
    Flag("field-manager", default="kubectl-patch"),
    Flag("subresource", default=""),
    summary="Update fields of a resource",
)
def patch(ctx: Context, flags: Parsed) -> Gen:
    patch_type = flags.type.lower()
    if patch_type not in CONTENT_TYPES:
        raise KubectlError(
            f'error: --type must be one of [json merge strategic], not "{flags.type}"'
        )
    text = _patch_text(ctx, flags)
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    body = _decode(text)
    selection = yield from select(ctx, flags.args)
    failures = list(selection.errors)
    for info in selection.infos:
        try:
            yield from _patch_one(ctx, flags, info, body, patch_type, strategy)
        except KubectlError as error:
            failures.append(error.text)
    if failures:
        raise KubectlError("".join(failures))


def _patch_text(ctx: Context, flags: Parsed) -> str:
    if flags.patch and flags.patch_file:
        raise KubectlError("error: cannot specify --patch and --patch-file together")
    if flags.patch_file:
        files = ctx.files
        if flags.patch_file not in files:
            raise KubectlError(
                f"error: unable to read patch file: open {flags.patch_file}: no "
                "such file or directory"
            )
        return str(files[flags.patch_file])
    if not flags.patch:
        raise KubectlError(
            "error: must specify --patch or --patch-file containing the contents of the patch"
        )
    return str(flags.patch)


def _decode(text: str) -> Any:
    """yaml.ToJSON: JSON stays as it is, YAML becomes JSON; text that is neither goes to the
    API server untouched, and the server says what is wrong with it."""
    try:
        value = json.loads(text)
    except ValueError:
        try:
            value = jsonable(yamlsafe.load_one(text))  # sigs.k8s.io/yaml's YAMLToJSON
        except (yaml.YAMLError, yamlsafe.YAMLTooLargeError, BodyError):
            return text
    # A patch that is a JSON string or number travels as JSON text, as kubectl sends it.
    return value if isinstance(value, dict | list) else json.dumps(value)


def _patch_one(
    ctx: Context, flags: Parsed, info: Info, body: Any, patch_type: str, strategy: str
) -> Gen:
    if strategy == cmdutil.DRY_RUN_CLIENT:
        _apply_locally(info, body, patch_type)
        ctx.out(cmdutil.print_object(info.obj, info.resource, flags.output, "patched", strategy))
        return
    query = {**cmdutil.dry_run_query(strategy), "fieldManager": flags.field_manager}
    response: Response = yield from ctx.request(
        "PATCH",
        resource_path(info.resource, info.namespace, info.name, flags.subresource),
        body=copy.deepcopy(body) if not isinstance(body, str) else body,
        query=query,
        headers={"content-type": CONTENT_TYPES[patch_type]},
    )
    if not response.ok:
        raise KubectlError(api_error_text(response.body))
    changed = response.body != info.obj
    operation = "patched" if changed else "patched (no change)"
    ctx.out(cmdutil.print_object(response.body, info.resource, flags.output, operation, strategy))


def _apply_locally(info: Info, body: Any, patch_type: str) -> None:
    """--dry-run=client: the patch applied by kubectl itself, nothing sent."""
    try:
        if patch_type == "json":
            info.obj = jsonpatch.apply_json_patch(info.obj, body)
        elif patch_type == "merge":
            info.obj = jsonpatch.apply_merge_patch(info.obj, body)
        else:
            info.obj = strategicpatch.apply_strategic_merge_patch(
                info.obj, body, info.resource.kind
            )
    except (jsonpatch.PatchError, AttributeError, TypeError) as error:
        raise KubectlError(f"error: {error}") from None
