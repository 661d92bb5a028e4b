"""How kubectl words failures (staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go checkErr)."""

from __future__ import annotations

from typing import Any


class KubectlError(Exception):
    """A failure to print on stderr (text already in kubectl's words) and an exit code."""

    def __init__(self, text: str, exit_code: int = 1) -> None:
        super().__init__(text)
        self.text = text if text.endswith("\n") else text + "\n"
        self.exit_code = exit_code


def with_source(status: dict[str, Any], verb: str, source: str) -> dict[str, Any]:
    """cmdutil.AddSourceToErr: `error when creating "pod.yaml": <message>`."""
    if not source:
        return status
    return {**status, "message": f'error when {verb} "{source}": {status.get("message", "")}'}


def api_error_text(status: dict[str, Any]) -> str:
    """The text kubectl prints for an API error Status, with its trailing newline."""
    reason = status.get("reason", "")
    message = status.get("message", "")
    if reason == "Invalid":
        details = status.get("details")
        if not details:
            return f"The request is invalid: {message}\n" if message else "The request is invalid\n"
        prefix = "The request is invalid"
        if details.get("kind") or details.get("name"):
            prefix = f'The {details.get("kind", "")} "{details.get("name", "")}" is invalid'
        elif message and not details.get("causes"):
            prefix += f": {message}"
        causes = [
            f"{c.get('field', '')}: {c.get('message', '')}" for c in details.get("causes") or []
        ]
        if not causes:
            return prefix + "\n"
        if len(causes) == 1:
            return f"{prefix}: {causes[0]}\n"
        return f"{prefix}: \n" + "".join(f"* {cause}\n" for cause in causes)
    if reason == "Unauthorized":
        return f"error: You must be logged in to the server ({message})\n"
    if reason:
        return f"Error from server ({reason}): {message}\n"
    return f"Error from server: {message}\n"
