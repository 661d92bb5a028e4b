"""NetworkPolicies: pkg/registry/networking/networkpolicy/strategy.go. No status (removed in
1.27); generation counts spec changes.

Podlife stores them as the API server does. Enforcing them is the network plugin's (CNI's)
job, and the simulated cluster's plugin does not enforce policies: the story says so."""

from __future__ import annotations

from typing import Any

from engine.apimachinery.labels import format_label_selector
from engine.apiserver import networking_tables
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.networking import validate_network_policy


class NetworkPolicyStrategy(Strategy):
    resource_name = "networkpolicies"
    printer = networking_tables.NETWORK_POLICY
    generation = True

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_network_policy(obj, old)

    def stored_story(self, obj: dict[str, Any]) -> str:
        spec = obj.get("spec") or {}
        selector = spec.get("podSelector") or {}
        pods = (
            "every pod of the namespace"
            if not selector.get("matchLabels") and not selector.get("matchExpressions")
            else f"pods matching {format_label_selector(selector)}"
        )
        directions = " and ".join(t.lower() for t in spec.get("policyTypes") or [])
        return (
            f": it limits {directions} traffic of {pods}; a network plugin (CNI) with policy "
            "support would enforce it, and this cluster's has none, so traffic is unchanged"
        )
