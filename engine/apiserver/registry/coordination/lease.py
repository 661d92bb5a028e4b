"""Leases: pkg/registry/coordination/lease/strategy.go."""

from __future__ import annotations

from engine.apiserver.registry.strategy import Strategy


class LeaseStrategy(Strategy):
    resource_name = "leases"
    # Every kubelet renews its Lease every ten seconds: managedFields would only cost time.
    tracks_managed_fields = False
