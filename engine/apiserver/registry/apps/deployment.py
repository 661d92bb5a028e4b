"""Deployments: pkg/registry/apps/deployment/strategy.go, with the scale subresource."""

from __future__ import annotations

from typing import Any

from engine.apiserver.registry.apps import scale
from engine.apiserver.registry.strategy import Strategy


class DeploymentStrategy(Strategy):
    resource_name = "deployments"
    generation = True
    subresources = scale.SUBRESOURCES

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        obj["status"] = {}
