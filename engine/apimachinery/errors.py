"""API errors as the API server returns them: a metav1.Status with code, reason and message.

Formats follow staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go.
"""

from __future__ import annotations

from typing import Any


def qualified(resource: str, group: str) -> str:
    """GroupResource.String(): `pods` for core, `deployments.apps` otherwise."""
    return f"{resource}.{group}" if group else resource


def quote(text: str) -> str:
    """Go's %q for the plain strings Kubernetes names are made of."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


class StatusError(Exception):
    """An API call's failure; `status` is the Status object sent to the client."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    @property
    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
        }
        if self.reason:  # StatusReasonUnknown is "", left out (omitempty)
            status["reason"] = self.reason
        if self.details is not None:
            status["details"] = self.details
        status["code"] = self.code
        return status


def _details(name: str, resource: str, group: str) -> dict[str, Any]:
    details: dict[str, Any] = {"name": name}
    if group:
        details["group"] = group
    details["kind"] = resource
    return details


def not_found(resource: str, name: str, group: str = "") -> StatusError:
    return StatusError(
        404,
        "NotFound",
        f"{qualified(resource, group)} {quote(name)} not found",
        _details(name, resource, group),
    )


def already_exists(resource: str, name: str, group: str = "") -> StatusError:
    return StatusError(
        409,
        "AlreadyExists",
        f"{qualified(resource, group)} {quote(name)} already exists",
        _details(name, resource, group),
    )


OPTIMISTIC_LOCK = (
    "the object has been modified; please apply your changes to the latest version and try again"
)


def conflict(resource: str, name: str, why: str = OPTIMISTIC_LOCK, group: str = "") -> StatusError:
    return StatusError(
        409,
        "Conflict",
        f"Operation cannot be fulfilled on {qualified(resource, group)} {quote(name)}: {why}",
        _details(name, resource, group),
    )


def invalid(kind: str, name: str, errors: list[Any], group: str = "") -> StatusError:
    """NewInvalid over FieldErrors (.error(), .type_reason, .body(), .field)."""
    texts: list[str] = []
    unique = []
    for error in errors:  # field.ErrorList.ToAggregate drops duplicates
        text = error.error()
        if text not in texts:
            texts.append(text)
            unique.append(error)
    errors = unique
    aggregate = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
    qualified_kind = f"{kind}.{group}" if group else kind
    details: dict[str, Any] = {"name": name}
    if group:
        details["group"] = group
    details["kind"] = kind
    details["causes"] = [
        {"reason": e.type_reason, "message": e.body(), "field": e.field} for e in errors
    ]
    return StatusError(
        422, "Invalid", f"{qualified_kind} {quote(name)} is invalid: {aggregate}", details
    )


def forbidden(resource: str, name: str, why: str, group: str = "") -> StatusError:
    subject = f"{qualified(resource, group)} {quote(name)}" if name else qualified(resource, group)
    return StatusError(
        403, "Forbidden", f"{subject} is forbidden: {why}", _details(name, resource, group)
    )


def bad_request(message: str) -> StatusError:
    return StatusError(400, "BadRequest", message)


def unauthorized(message: str = "Unauthorized") -> StatusError:
    return StatusError(401, "Unauthorized", message)


def method_not_supported(resource: str, action: str, group: str = "") -> StatusError:
    return StatusError(
        405,
        "MethodNotAllowed",
        f"{action} is not supported on resources of kind {quote(qualified(resource, group))}",
        {"group": group, "kind": resource} if group else {"kind": resource},
    )


def gone(message: str) -> StatusError:
    return StatusError(410, "Expired", message)


def too_large(limit: int) -> StatusError:
    return StatusError(413, "RequestEntityTooLarge", f"Request entity too large: limit is {limit}")


def unsupported_media_type(accepted: list[str]) -> StatusError:
    # staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go (negotiation errors)
    return StatusError(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
        + ", ".join(accepted),
    )


def internal(message: str) -> StatusError:
    return StatusError(
        500,
        "InternalError",
        f"Internal error occurred: {message}",
        {"causes": [{"message": message}]},
    )


def not_found_path(path: str) -> StatusError:
    """What the API server answers for a URL that names no resource (a bare 404)."""
    return StatusError(
        404,
        "NotFound",
        "the server could not find the requested resource",
        {"causes": [{"reason": "UnexpectedServerResponse", "message": "404 page not found"}]},
    )


class BackendError(Exception):
    """A backend's own error answer (a kubelet's plain text), which the API server's proxy
    passes to the client as it is, with its HTTP status."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text
