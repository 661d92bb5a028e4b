"""What a request asks, as authorizers see it (staging/src/k8s.io/apiserver/pkg/authorization/
authorizer/interfaces.go Attributes, filled by endpoints/request/requestinfo.go), and the
message of a refusal (endpoints/handlers/responsewriters/errors.go forbiddenMessage)."""

from __future__ import annotations

from dataclasses import dataclass

# staging/src/k8s.io/apiserver/pkg/authentication/user/user.go
SYSTEM_PRIVILEGED_GROUP = "system:masters"
ALL_AUTHENTICATED = "system:authenticated"
NODES_GROUP = "system:nodes"
NODE_USER_PREFIX = "system:node:"
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"


@dataclass(frozen=True)
class Attributes:
    user: str
    groups: tuple[str, ...]
    verb: str
    api_group: str = ""
    resource: str = ""  # "" for a non-resource request
    subresource: str = ""
    namespace: str = ""
    name: str = ""
    path: str = ""  # the URL path of a non-resource request

    @property
    def is_resource_request(self) -> bool:
        return bool(self.resource)

    @property
    def combined_resource(self) -> str:
        """`pods/log`: how rules name a subresource."""
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource

    def forbidden_message(self) -> str:
        """forbiddenMessage."""
        who = f"User {_quote(self.user)} cannot {self.verb}"
        if not self.is_resource_request:
            return f"{who} path {_quote(self.path)}"
        what = f"resource {_quote(self.combined_resource)} in API group {_quote(self.api_group)}"
        if self.namespace:
            return f"{who} {what} in the namespace {_quote(self.namespace)}"
        return f"{who} {what} at the cluster scope"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def with_authenticated(groups: tuple[str, ...]) -> tuple[str, ...]:
    """Every authenticated user is in system:authenticated (authenticator/
    group/authenticated_group_adder.go), whatever its credentials said."""
    return groups if ALL_AUTHENTICATED in groups else (*groups, ALL_AUTHENTICATED)


def service_account_name(namespace: str, name: str) -> str:
    """serviceaccount.MakeUsername."""
    return f"{SERVICE_ACCOUNT_PREFIX}{namespace}:{name}"


def service_account_groups(namespace: str) -> tuple[str, ...]:
    """serviceaccount.MakeGroupNames."""
    return ("system:serviceaccounts", f"system:serviceaccounts:{namespace}")
