"""kubectl replace (staging/src/k8s.io/kubectl/pkg/cmd/replace/replace.go): PUT the whole object."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.kubectl.builder import metadata, read_manifests, resource_path
from engine.kubectl.cli import command
from engine.kubectl.commands.apply import manifest_namespace
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError, api_error_text, with_source
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]


@command(
    "replace",
    Flag("filename", "f", kind="list"),
    Flag("validate", default="strict"),
    summary="Replace a resource by file name or stdin",
)
def replace(ctx: Context, flags: Parsed) -> Gen:
    if not flags.filename:
        raise ctx.usage_error("must specify --filename to replace")
    failures: list[str] = []
    for manifest in read_manifests(ctx, flags.filename):
        namespace = manifest_namespace(ctx, manifest)
        body = dict(manifest.obj)
        meta = dict(metadata(body))
        if manifest.resource.namespaced:
            meta["namespace"] = namespace
        if isinstance(body.get("metadata"), dict | None):  # else the server says what is wrong
            body["metadata"] = meta
        name = meta.get("name", "")
        if not name:  # client-go's request builder; cmdutil.AddSourceToErr adds the rest
            failures.append(
                f'error: error when replacing "{manifest.source}": resource name may not be empty\n'
            )
            continue
        response: Response = yield from ctx.request(
            "PUT",
            resource_path(manifest.resource, namespace, name),
            body=body,
            query={"fieldManager": "kubectl-replace", "fieldValidation": "Strict"},
        )
        if response.ok:
            ctx.out(f"{manifest.resource.kubectl_name}/{name} replaced\n")
        else:
            failures.append(
                api_error_text(with_source(response.body, "replacing", manifest.source))
            )
    if failures:
        raise KubectlError("".join(failures))
