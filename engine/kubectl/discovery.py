"""What kubectl learns from API discovery: client-go's discovery client asks `/api` and
`/apis` for the aggregated form (staging/src/k8s.io/client-go/discovery/discovery_client.go,
aggregated_discovery.go) and reads every group, version and resource from the two answers.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from engine.apiserver.request import Response
from engine.kubectl.context import Context

Gen = Generator[Any, Any, Any]

AGGREGATED_ACCEPT = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
)


@dataclass(frozen=True)
class APIResource:
    group: str
    version: str
    name: str
    singular: str
    kind: str
    namespaced: bool
    verbs: tuple[str, ...]
    short_names: tuple[str, ...]
    categories: tuple[str, ...]

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


def discover(ctx: Context) -> Gen:
    """The groups (each with its versions, preferred first) and every resource."""
    groups: list[tuple[str, list[str]]] = []
    resources: list[APIResource] = []
    for path in ("/api", "/apis"):
        response: Response = yield from ctx.request(
            "GET", path, headers={"accept": AGGREGATED_ACCEPT}
        )
        for item in ctx.must(response).get("items") or []:
            name = (item.get("metadata") or {}).get("name", "")
            versions = item.get("versions") or []
            groups.append((name, [v.get("version", "") for v in versions]))
            for version in versions:
                for entry in version.get("resources") or []:
                    resources.append(_resource(name, version.get("version", ""), entry))
    return groups, resources


def _resource(group: str, version: str, entry: dict[str, Any]) -> APIResource:
    return APIResource(
        group=group,
        version=version,
        name=entry.get("resource", ""),
        singular=entry.get("singularResource", ""),
        kind=(entry.get("responseKind") or {}).get("kind", ""),
        namespaced=entry.get("scope") == "Namespaced",
        verbs=tuple(entry.get("verbs") or ()),
        short_names=tuple(entry.get("shortNames") or ()),
        categories=tuple(entry.get("categories") or ()),
    )
