"""The engine's public API: what the layers around the simulation may use.

The web shell (web/) and the entry point (app.py) import from `engine` itself, never from
its modules (`from engine import Cluster`, not `from engine.cluster import Cluster`;
tests/test_public_api.py fails otherwise), so the engine can be rearranged inside without
touching them. What they need and nothing more:

- a cluster and its settings: `Cluster`, `NodeSpec`, `default_nodes`, `KubectlRun` (a kubectl
  command started in it: `Cluster.start_kubectl`), `Limits`, `Timings`;
- recording a cluster's inputs and replaying them to rebuild it at an earlier event, for a
  fork (engine/timeline.py): `Timeline`, `Op`, `Input`, `Kubectl`, `ClusterCall`,
  `StopKubectl`, `ReplayError`; running a cluster in bounded pieces: `Stop`, `step_until`,
  `run_to`; the simulation's `Environment` and `Process`;
- the trace: `TraceEvent`, `Step`, `ObjectRef`;
- the Kubernetes API for clients outside the engine (a real kubectl over HTTP): `Request`,
  `Response`, `MAX_REQUEST_BODY_BYTES`, `send_request` (a request's journey to the API
  server and back, traced), a response's `Watch`; `errors` (API errors in Kubernetes' words)
  and its `StatusError`;
- reading stored state without running the simulation: the resource table (`BY_NAME`,
  `lookup`), the codec's `decode`, `Etcd`, `KeyValue`, `CompactedError`, kubectl's
  `print_yaml`; `load_kubectl_commands`, for a server to import kubectl's commands before
  its first learner needs them;
- scenarios: `Scenario`, `ScenarioError`, `load`, and the headless player's `play`;
- input checks: `yamlsafe` (the one YAML reader, with its limits), `parse_quantity`;
- time: `to_datetime` (a virtual second as a moment) and `TIME_FIELDS` (the names of the
  timestamp fields), for showing times on a client's own clock (web/kube_api/wallclock.py).

Importing this module imports the cluster and what it is made of (what any user of the
engine needs anyway) and does nothing else. Inside the engine, modules import each other's
modules directly, never `engine` itself: this module imports them, so that would be a cycle
(tests/test_imports.py).
"""

from engine import yamlsafe
from engine.apimachinery import errors
from engine.apimachinery.errors import StatusError
from engine.apimachinery.quantity import parse_quantity
from engine.apiserver.request import MAX_REQUEST_BODY_BYTES, Request, Response
from engine.apiserver.resources import BY_NAME, lookup
from engine.apiserver.schema import TIME_FIELDS
from engine.apiserver.storage.cacher import Watch
from engine.apiserver.storage.codec import decode
from engine.client.rest import send_request
from engine.cluster import Cluster, KubectlRun, NodeSpec, default_nodes
from engine.config import TIMINGS, Limits, Timings, timings_name
from engine.etcd import CompactedError, Etcd, KeyValue
from engine.kubectl.cli import load_commands as load_kubectl_commands
from engine.kubectl.printers import print_yaml
from engine.node.exec import ExecSession
from engine.player import play
from engine.scenario import Scenario, ScenarioError, load
from engine.sim import Environment, Process
from engine.story import story
from engine.timeline import (
    ClusterCall,
    Input,
    Kubectl,
    Op,
    ReplayError,
    Stop,
    StopKubectl,
    Timeline,
    run_to,
    step_until,
)
from engine.timeutil import to_datetime
from engine.trace import ObjectRef, Step, TraceEvent

__all__ = [
    "BY_NAME",
    "MAX_REQUEST_BODY_BYTES",
    "TIME_FIELDS",
    "TIMINGS",
    "Cluster",
    "ClusterCall",
    "CompactedError",
    "Environment",
    "Etcd",
    "ExecSession",
    "Input",
    "KeyValue",
    "Kubectl",
    "KubectlRun",
    "Limits",
    "NodeSpec",
    "ObjectRef",
    "Op",
    "Process",
    "ReplayError",
    "Request",
    "Response",
    "Scenario",
    "ScenarioError",
    "StatusError",
    "Step",
    "Stop",
    "StopKubectl",
    "Timeline",
    "Timings",
    "TraceEvent",
    "Watch",
    "decode",
    "default_nodes",
    "errors",
    "load",
    "load_kubectl_commands",
    "lookup",
    "parse_quantity",
    "play",
    "print_yaml",
    "run_to",
    "send_request",
    "step_until",
    "story",
    "timings_name",
    "to_datetime",
    "yamlsafe",
]
