"""`kubectl describe serviceaccount` (staging/src/k8s.io/kubectl/pkg/describe/describe.go
ServiceAccountDescriber). kubectl 1.37 shows the image pull secrets only: since token
Secrets are no longer made for every account, it lists neither the mountable secrets nor the
tokens (checked with the real kubectl: tests/kubectl_real/test_serviceaccounts.py)."""

from __future__ import annotations

from engine.kubectl.describe_writer import (
    LEVEL_0,
    Obj,
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
    tabbed,
)

_HEADER = "Image pull secrets:"
_EMPTY = " " * len(_HEADER)


def describe_service_account(sa: Obj, events: list[Obj] | None, now: float) -> str:
    meta = sa.get("metadata", {})
    pull_secrets = [ref.get("name", "") for ref in sa.get("imagePullSecrets") or []]

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        if not pull_secrets:
            w.write(LEVEL_0, f"{_HEADER}\t<none>\n")
        for i, name in enumerate(pull_secrets):
            w.write(LEVEL_0, f"{_EMPTY if i else _HEADER}\t{name}\n")
        describe_events(w, events, now)

    return tabbed(body)
