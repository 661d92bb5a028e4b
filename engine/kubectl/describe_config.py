"""`kubectl describe` for ConfigMaps and Secrets (staging/src/k8s.io/kubectl/pkg/describe/
describe.go ConfigMapDescriber, SecretDescriber). Both list keys sorted; a Secret's values are
never shown, only their sizes (a service account token excepted, as kubectl prints it)."""

from __future__ import annotations

import base64
import binascii

from engine.kubectl.describe_writer import (
    LEVEL_0,
    Obj,
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
    tabbed,
)

SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token"


def describe_configmap(cm: Obj, events: list[Obj] | None, now: float) -> str:
    meta = cm.get("metadata", {})

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, "\nData\n====\n")
        data = cm.get("data") or {}
        for key in sorted(data):
            w.write(LEVEL_0, f"{key}:\n----\n")
            w.write(LEVEL_0, f"{data[key] or ''}\n")
            w.write(LEVEL_0, "\n")
        w.write(LEVEL_0, "\nBinaryData\n====\n")
        binary = cm.get("binaryData") or {}
        for key in sorted(binary):
            w.write(LEVEL_0, f"{key}: {len(_bytes(binary[key]))} bytes\n")
        w.write(LEVEL_0, "\n")
        describe_events(w, events, now)

    return tabbed(body)


def describe_secret(secret: Obj) -> str:
    """describeSecret: no events are listed."""
    meta = secret.get("metadata", {})
    secret_type = secret.get("type", "")

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"\nType:\t{secret_type}\n")
        w.write(LEVEL_0, "\nData\n====\n")
        data = secret.get("data") or {}
        for key in sorted(data):
            value = _bytes(data[key])
            if key == "token" and secret_type == SERVICE_ACCOUNT_TOKEN:
                w.write(LEVEL_0, f"{key}:\t{value.decode(errors='replace')}\n")
            else:
                w.write(LEVEL_0, f"{key}:\t{len(value)} bytes\n")

    return tabbed(body)


def _bytes(value: str | None) -> bytes:
    """The bytes a []byte field's base64 holds (the server sent it canonical)."""
    try:
        return base64.b64decode(value or "")
    except binascii.Error:
        return b""
