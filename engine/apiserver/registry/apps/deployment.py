"""Deployments: pkg/registry/apps/deployment/strategy.go, with the scale subresource."""

from __future__ import annotations

from engine.apiserver import tables
from engine.apiserver.registry.apps.workload import WorkloadStrategy


class DeploymentStrategy(WorkloadStrategy):
    resource_name = "deployments"
    printer = tables.DEPLOYMENT
