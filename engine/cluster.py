"""A whole simulated cluster: the one object tests, the player and the web server drive.

Everything that changes lives here — virtual clock, seeded RNG, etcd, API server, trace — so a
server process can hold many independent clusters, and the same seed with the same inputs
always gives the same trace.
"""

from __future__ import annotations

import random
import shlex
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from engine import addons, nodes, pki
from engine.apiserver.authorization import bootstrap
from engine.apiserver.registry.core.service_alloc import KUBERNETES_SERVICE_IP
from engine.apiserver.request import Request, Response
from engine.apiserver.resources import BY_NAME
from engine.apiserver.server import APIServer
from engine.apiserver.validation.policy import SYSTEM_PRIORITY_CLASSES
from engine.config import Limits, Timings
from engine.context import Context
from engine.etcd import Etcd
from engine.node.logs import NodeRegistry
from engine.sim import Environment, Process
from engine.trace import ObjectRef, Step, Trace

if TYPE_CHECKING:
    from engine.controllers.controllermanager import ControllerManager
    from engine.node.kubelet import Kubelet
    from engine.scheduler.scheduler import Scheduler

BOOTSTRAP_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
SETTLE_CAP = 600.0  # `wait: settled` gives up after 10 virtual minutes
# A cluster with its control plane came up this long before the learner's t=0: its add-ons are
# running by then, and what they started (containers, log lines) lies in the past. Not a
# multiple of the kubelets' 10 s Lease renewal, so that the renewals do not fall at the
# learner's t=0 but just before t=10 s, where they fell when set-up took no time.
UPTIME = 20.1


class NodeSpec(BaseModel):
    """A worker node as a scenario or the page describes it."""

    name: str
    capacity: dict[str, str] = Field(
        default_factory=lambda: {"cpu": "4", "memory": "8Gi", "pods": "110"}
    )
    labels: dict[str, str] = Field(default_factory=dict)
    taints: list[dict[str, str]] = Field(default_factory=list)


def kubernetes_service() -> dict[str, Any]:
    """The Service in front of the API server itself, which kube-apiserver keeps in `default`
    with the first IP of the service range (pkg/controlplane/controller/kubernetesservice):
    no selector, its endpoint is the API server's own address, port 443 to its 6443."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "kubernetes",
            "labels": {"component": "apiserver", "provider": "kubernetes"},
        },
        "spec": {
            "clusterIP": KUBERNETES_SERVICE_IP,
            "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
        },
    }


def default_storage_class() -> dict[str, Any]:
    """The default StorageClass of the clusters learners use: kind's `standard`, served by
    rancher.io/local-path, which makes a volume on the node of the first pod that uses a
    claim (WaitForFirstConsumer) and deletes it with the claim (Delete)."""
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": "standard",
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
        },
        "provisioner": "rancher.io/local-path",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
    }


def root_ca_config_map(seed: int) -> dict[str, Any]:
    """kube-root-ca.crt as the root-ca-cert-publisher writes it
    (engine/controllers/rootcacertpublisher.py)."""
    from engine.controllers import rootcacertpublisher as publisher

    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": publisher.NAME,
            "annotations": {publisher.ANNOTATION: publisher.DESCRIPTION},
        },
        "data": {publisher.KEY: pki.of(seed).ca_pem},
    }


def system_priority_classes() -> list[dict[str, Any]]:
    """pkg/apis/scheduling SystemPriorityClasses: what every cluster has from the start."""
    described = {
        "system-node-critical": "Used for system critical pods that must not be moved from "
        "their current node.",
        "system-cluster-critical": "Used for system critical pods that must run in the "
        "cluster, but can be moved to another node if necessary.",
    }
    return [
        {
            "apiVersion": "scheduling.k8s.io/v1",
            "kind": "PriorityClass",
            "metadata": {"name": name},
            "value": SYSTEM_PRIORITY_CLASSES[name],
            "description": description,
        }
        for name, description in described.items()
    ]


def default_nodes() -> list[NodeSpec]:
    return [NodeSpec(name=f"node-{i}") for i in (1, 2, 3)]


@dataclass
class KubectlResult:
    """What a kubectl command printed, in order, and how it exited."""

    output: list[tuple[str, str]] = field(default_factory=list)  # (stream, text) chunks
    exit_code: int = 0

    @property
    def stdout(self) -> str:
        return "".join(text for stream, text in self.output if stream == "stdout")

    @property
    def stderr(self) -> str:
        return "".join(text for stream, text in self.output if stream == "stderr")

    @property
    def text(self) -> str:
        return "".join(text for _, text in self.output)


@dataclass
class KubectlRun:
    process: Process
    result: KubectlResult
    number: int = 0  # the cluster's count of kubectl commands started: how stop_kubectl names it

    @property
    def done(self) -> bool:
        return self.process.triggered


class Cluster:
    def __init__(
        self,
        seed: int = 0,
        node_specs: list[NodeSpec] | None = None,
        timings: Timings | None = None,
        control_plane: bool = True,
        limits: Limits | None = None,
        pause: Callable[[], None] | None = None,
    ) -> None:
        """`pause`, if given, is called every PAUSE_EVERY steps of the set-up (a server lets
        its other clients run meanwhile: Environment.pause)."""
        self.seed = seed
        self.rng = random.Random(seed)
        self.timings = timings or Timings()
        self.env = Environment()
        self.env.pause = pause
        self.trace = Trace(lambda: self.env.now)
        self.etcd = Etcd()
        self.apiserver = APIServer(
            self.env, self.etcd, self.trace, self.rng, self.timings, seed=seed
        )
        self.limits = limits or Limits()
        self.files: dict[str, str] = {}  # what `kubectl apply -f NAME` can read
        # What the layers around a cluster keep for it (the kubelets' log registry, the web's
        # remote watches): held here, not in module tables keyed by cluster, so it goes when
        # the cluster goes.
        self.extensions: dict[str, Any] = {}
        # What the components get instead of the cluster (engine/context.py).
        self.context = Context(
            self.env,
            self.rng,
            self.timings,
            self.trace,
            self.apiserver.handle,
            self.extensions,
            seed,
        )
        # pods/log: the API server reaches the pod's kubelet through the cluster's registry.
        kubelets = NodeRegistry.of(self.context)
        self.apiserver.read_logs = kubelets.read_logs
        # pods/exec the same way; the exec's network reads what CoreDNS and kube-proxy would.
        self.apiserver.exec_in = kubelets.exec
        kubelets.objects = lambda name: self.apiserver.storage.range(BY_NAME[name].prefix())
        self._kubectl_started = 0
        self._kubectl_runs: dict[int, KubectlRun] = {}  # the ones still running, by number
        self.scheduler: Scheduler | None = None
        self.controller_manager: ControllerManager | None = None
        self.kubelets: dict[str, Kubelet] = {}
        self.node_specs = list(node_specs if node_specs is not None else default_nodes())
        # Set-up is not traced. A cluster with a control plane starts UPTIME seconds before the
        # learner's t=0 and runs until then; one without takes a few virtual milliseconds, and
        # the clock is rebased so that the learner's first action is at t=0 either way.
        if control_plane:
            self.env.now = -UPTIME
        self.trace.muted = True
        self._bootstrap(self.node_specs)
        self.apiserver.quota.limits = self.limits  # the furniture does not count against them
        self.env.process(self._compactor(), "etcd-compactor", background=True)
        if control_plane:
            self._start_components()
            self._install_addons()
            self.env.run_until(max(self.env.now, 0.0))
        self.env.rebase()
        self.trace.muted = False
        self.env.pause = None

    # ---- set-up ------------------------------------------------------------------------------
    def _bootstrap(self, node_specs: list[NodeSpec]) -> None:
        """The furniture a cluster has before the learner arrives: namespaces and their
        `default` ServiceAccounts, the `kubernetes` Service, nodes and the default
        StorageClass, and the default RBAC policy.

        Written through the API server, but quietly: the trace starts with the learner's
        first action."""
        self.apiserver.quiet = True
        objects: list[tuple[str, dict[str, Any]]] = [
            (
                "/api/v1/namespaces",
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}},
            )
            for name in BOOTSTRAP_NAMESPACES
        ]
        # Their `default` ServiceAccounts, which the serviceaccount controller made long ago
        # (without one the API server refuses pods there, even in a cluster without it).
        objects += [
            (
                f"/api/v1/namespaces/{name}/serviceaccounts",
                {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default"}},
            )
            for name in BOOTSTRAP_NAMESPACES
        ]
        objects.append(("/api/v1/namespaces/default/services", kubernetes_service()))
        objects += [
            ("/api/v1/nodes", nodes.node_object(spec, index, self.rng, self.env.now))
            for index, spec in enumerate(node_specs, start=1)
        ]
        objects.append(("/apis/storage.k8s.io/v1/storageclasses", default_storage_class()))
        self._write(objects)
        # The default RBAC policy, which kube-apiserver writes as it starts
        # (authorization/bootstrap_policy.yaml), and the CA bundle the root-ca-cert-publisher
        # put in each namespace long ago. Their UIDs come from a generator of their own, so
        # that they leave the names and UIDs drawn for everything else as they were.
        rng, self.apiserver.rng = self.apiserver.rng, random.Random(f"rbac-bootstrap/{self.seed}")
        self._write(
            [
                ("/apis/rbac.authorization.k8s.io/v1/clusterroles", r)
                for r in bootstrap.cluster_roles()
            ]
            + [
                ("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", b)
                for b in bootstrap.cluster_role_bindings()
            ]
            + [
                (f"/api/v1/namespaces/{name}/configmaps", root_ca_config_map(self.seed))
                for name in BOOTSTRAP_NAMESPACES
            ]
            # The system PriorityClasses (the scheduling/bootstrap-system-priority-classes
            # post-start hook), with the same generator of their own.
            + [
                ("/apis/scheduling.k8s.io/v1/priorityclasses", pc)
                for pc in system_priority_classes()
            ]
        )
        self.apiserver.rng = rng
        self.apiserver.quiet = False

    def _write(self, objects: list[tuple[str, dict[str, Any]]]) -> None:
        for path, body in objects:
            response = self.call(Request("POST", path, body=body))
            if not response.ok:
                raise ValueError(f"cannot bootstrap {path}: {response.body['message']}")

    def _start_components(self) -> None:
        """The control plane and a kubelet per node, started and synced before t≈0."""
        from engine.controllers.controllermanager import ControllerManager
        from engine.node.kubelet import Kubelet
        from engine.scheduler.scheduler import Scheduler

        self.scheduler = Scheduler(self.context)
        self.controller_manager = ControllerManager(self.context)
        self.scheduler.start()
        self.controller_manager.start()
        for spec in self.node_specs:
            self.kubelets[spec.name] = Kubelet(self.context, spec.name)
            self.kubelets[spec.name].start()
        self.settle()

    def _install_addons(self) -> None:
        """CoreDNS and kube-proxy, as kubeadm installs them once the control plane is up
        (engine/addons), running and ready before t=0. What they draw (names, UIDs, container
        IDs, the scheduler's ties) comes from a generator of their own; the cluster's resumes
        where it was, so the learner's objects draw what they drew in a cluster without them."""
        state = self.rng.getstate()
        self.rng.seed(f"addons/{self.seed}")
        self.apiserver.quiet = True
        self._write(addons.objects())
        self.apiserver.quiet = False
        self.settle()
        self.rng.setstate(state)

    def _compactor(self) -> Generator[Any, Any, None]:
        while True:
            yield self.timings.etcd_compaction_interval
            self.apiserver.compact()

    # ---- driving it --------------------------------------------------------------------------
    def call(self, req: Request) -> Response:
        """Run one API request to completion (its handler may take virtual time)."""
        process = self.env.process(self.apiserver.handle(req), "api-request")
        self.env.run_process(process, self.timings.kubectl_wait_limit)
        response: Response = process.value
        return response

    def start_kubectl(self, line: str | list[str], stdin: str = "") -> KubectlRun:
        """Start a kubectl command without running the clock: whoever drives the clock (the
        web session, at page speed) finishes it. `KubectlRun.result` fills as it prints."""
        from engine.kubectl.cli import run_kubectl

        argv = shlex.split(line) if isinstance(line, str) else list(line)
        result = KubectlResult()
        process = self.env.process(
            run_kubectl(self.context, self.files, argv, stdin, result), "kubectl"
        )
        self._kubectl_started += 1
        run = KubectlRun(process, result, self._kubectl_started)
        self._kubectl_runs = {n: r for n, r in self._kubectl_runs.items() if not r.done}
        self._kubectl_runs[run.number] = run
        return run

    def stop_kubectl(self, number: int) -> bool:
        """Stop a running kubectl command, as Ctrl+C stops a real one: no further requests
        (one already sent is still answered). False if it had already returned."""
        run = self._kubectl_runs.pop(number, None)
        if run is None or run.done:
            return False
        run.process.stop()
        return True

    def kubectl(self, line: str | list[str], stdin: str = "") -> KubectlResult:
        """Run a kubectl command line in the cluster, as the admin, until it returns.

        Commands that wait in real life (`rollout status`, `delete` with --wait, `wait`) let
        the virtual clock run while they wait."""
        run = self.start_kubectl(line, stdin)
        if not self.env.run_process(run.process, self.timings.kubectl_wait_limit):
            run.result.output.append(("stderr", "error: timed out waiting for the condition\n"))
            run.result.exit_code = 1
        return run.result

    def advance(self, seconds: float) -> None:
        self.env.run_until(self.env.now + seconds)

    def settle(self, cap: float = SETTLE_CAP) -> bool:
        """Run until nothing but housekeeping is pending; False if `cap` ran out first."""
        return self.env.run_until_idle(cap)

    @property
    def now(self) -> float:
        return self.env.now

    # ---- what a learner does besides kubectl (the page's buttons, scenario steps) -------------
    def kubelet(self, node: str) -> Kubelet:
        if node not in self.kubelets:
            raise KeyError(f'node "{node}" has no kubelet in this cluster')
        return self.kubelets[node]

    def narrate(self, text: str) -> None:
        """A lesson's `say:` text, told where it comes in the story (a chapter begins there)."""
        self.trace.emit("narrator", "narrator", "narration", text, step=Step.OTHER)

    def _learner_acted(
        self, action: str, component: str, headline: str, node: str, **data: Any
    ) -> None:
        """What the learner does to the machines (the page's buttons, a lesson's steps) is a
        step of the story, as a kubectl request is: it begins a chapter (docs/trace.md)."""
        ref = ObjectRef(kind="Node", name=node)
        self.trace.milestone(
            component, headline, ref, None, None, Step.RUN, node=node, action=action, **data
        )

    def fail_node(self, node: str) -> None:
        """The node's kubelet stops: no heartbeats, no status. Its containers keep running."""
        kubelet = self.kubelet(node)
        if kubelet.running:
            # Nothing in the cluster notices a kubelet die: the story says what will happen and
            # when. The node lifecycle controller marks the node NotReady once it has heard
            # nothing for the grace period, counted from the last Lease renewal.
            grace = self.timings.node_monitor_grace_period
            self._learner_acted(
                "fail-node",
                kubelet.id,
                f"Node {node} fails: its kubelet stops, so no more Lease renewals or status "
                "reports reach the API server, though its containers keep running. Nothing "
                f"notices yet: the node lifecycle controller waits until it has heard nothing "
                f"for {grace:.0f} s (--node-monitor-grace-period) before it marks the node "
                "NotReady",
                node,
                deadline=round(kubelet.last_heard() + grace, 6),
            )
        kubelet.fail()

    def recover_node(self, node: str) -> None:
        kubelet = self.kubelet(node)
        if not kubelet.running and not kubelet.stopped:
            self._learner_acted(
                "recover-node",
                kubelet.id,
                f"Node {node} recovers: its kubelet starts again, renews its lease and reports "
                f"its status",
                node,
            )
        kubelet.recover()

    def crash_container(self, namespace: str, pod: str, container: str | None = None) -> bool:
        """The container's process dies (exit code 1), as if it crashed. Without a container
        name, the pod's first container."""
        for kubelet in self.kubelets.values():
            if kubelet.crash_container(f"{namespace}/{pod}", container or ""):
                which = f"container {container}" if container else "the container"
                self._learner_acted(
                    "crash-container",
                    f"container-runtime/{kubelet.node_name}",
                    f"The process in {which} of pod {pod} on {kubelet.node_name} dies with "
                    f"exit code 1, as if it crashed",
                    kubelet.node_name,
                )
                return True
        return False

    def add_node(self, spec: NodeSpec) -> None:
        """A new machine joins: its kubelet registers the Node and starts heartbeating."""
        from engine.node.kubelet import Kubelet

        if any(s.name == spec.name for s in self.node_specs):
            raise ValueError(f'node "{spec.name}" already exists')
        self.node_specs.append(spec)
        index = len(self.node_specs)
        kubelet = Kubelet(self.context, spec.name)
        self.kubelets[spec.name] = kubelet
        self._learner_acted(
            "add-node",
            kubelet.id,
            f"Node {spec.name} joins the cluster: its kubelet registers it with the API server",
            spec.name,
        )
        body = nodes.node_object(spec, index, self.rng, self.env.now)

        def register() -> Generator[Any, Any, None]:
            yield from kubelet.client.request("POST", "/api/v1/nodes", body=body)
            kubelet.start()

        self.env.process(register(), f"register {spec.name}")

    def remove_node(self, node: str) -> KubectlResult:
        """The machine is switched off and its Node deleted, as `kubectl delete node` does."""
        kubelet = self.kubelet(node)
        self._learner_acted(
            "remove-node",
            kubelet.id,
            f"Node {node} is removed: the machine is switched off and kubectl deletes its Node",
            node,
        )
        kubelet.stop()
        del self.kubelets[node]
        self.node_specs = [s for s in self.node_specs if s.name != node]
        return self.kubectl(["delete", "node", node])
