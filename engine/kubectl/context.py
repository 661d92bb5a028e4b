"""What a running kubectl command has at hand: the client, the namespace, its output."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.apiserver.request import Response
from engine.client.rest import RestClient
from engine.kubectl.errors import KubectlError, api_error_text
from engine.trace import Step

if TYPE_CHECKING:
    from engine.cluster import KubectlResult
    from engine.context import Context as ComponentContext
    from engine.kubectl.flags import Parsed

Gen = Generator[Any, Any, Any]

TABLE_ACCEPT = (
    "application/json;as=Table;v=v1;g=meta.k8s.io,"
    "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
)


class Context:
    def __init__(
        self,
        component: ComponentContext,
        files: dict[str, str],
        result: KubectlResult,
        stdin: str,
        flags: Parsed,
        command: str,
    ) -> None:
        self.env, self.rng = component.env, component.rng
        self.files = files  # what `-f NAME` can read: the page's files, not a disk
        self.result = result
        self.stdin = stdin
        self.flags = flags
        self.command = command
        self.namespace = flags.namespace or "default"
        self.explicit_namespace = bool(flags.namespace)
        self.warned: set[str] = set()
        self.client = RestClient(
            component,
            "kubectl",
            "kubernetes-admin",
            ("system:masters", "system:authenticated"),
            Step.SEND,
        )
        if flags.values.get("as_group") and not flags.values.get("as"):
            raise KubectlError(
                "error: requesting uid, groups or user-extra for kubernetes-admin without "
                "impersonating a user"
            )
        if flags.values.get("as"):
            # Each group is a header of its own upstream; repeated headers read as one
            # comma-separated value (what Podlife's HTTP side passes on too).
            self.client.headers["impersonate-user"] = flags.values["as"]
            if flags.as_group:
                self.client.headers["impersonate-group"] = ",".join(flags.as_group)

    @property
    def now(self) -> float:
        return self.env.now

    def out(self, text: str) -> None:
        if text:
            self.result.output.append(("stdout", text))

    def err(self, text: str) -> None:
        if text:
            self.result.output.append(("stderr", text))

    def request(self, method: str, path: str, **kwargs: Any) -> Gen:
        response: Response = yield from self.client.request(method, path, **kwargs)
        for warning in response.warnings:  # rest.WarningWriter, Deduplicate: once a command
            if warning not in self.warned:
                self.warned.add(warning)
                self.err(f"Warning: {warning}\n")
        return response

    def must(self, response: Response) -> Any:
        """The response body, or the API error as kubectl prints it."""
        if not response.ok:
            raise KubectlError(api_error_text(response.body))
        return response.body

    def usage_error(self, message: str) -> KubectlError:
        return KubectlError(
            f"error: {message}\nSee 'kubectl {self.command} -h' for help and examples"
        )
