"""The kubelet's pod source (pkg/kubelet/config/apiserver.go NewSourceApiserver): an informer on
the pods bound to this node (`fieldSelector=spec.nodeName=<node>`, which the API server's watch
cache indexes).

A kubelet that fails stops it (`Informer.stop()`); one that comes back starts it again, and it
lists again: the differences reach the kubelet's handlers as adds, updates and deletes.
"""

from __future__ import annotations

from engine.apiserver.resources import BY_NAME
from engine.client.informer import Informer
from engine.client.rest import RestClient


def new_source_apiserver(client: RestClient, node_name: str) -> Informer:
    return Informer(client, BY_NAME["pods"], field_selector=f"spec.nodeName={node_name}")
