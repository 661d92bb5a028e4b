"""kube-scheduler: watches pods and nodes, and binds each new pod to a node
(pkg/scheduler/scheduler.go).

    sched = Scheduler(cluster)
    sched.start()

It talks to the API server only through its RestClient (user system:kube-scheduler, trace id
`scheduler`, step `schedule`), reads through informers, and keeps its own cache of what is on
each node. The Scheduler is also the framework Handle its plugins use.

What goes wrong with one pod or node stays with it: a cycle that raises fails that pod's
attempt (schedule_one.py), a handler that raises skips that notification (the informer), and
each is reported once, as an `error` trace event and a log record on `podlife.engine.scheduler`.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.apimachinery.labels import LabelSelector
from engine.apiserver.resources import BY_NAME
from engine.client.informer import Informer
from engine.client.record import EventRecorder
from engine.client.rest import RestClient
from engine.scheduler.cache import Cache
from engine.scheduler.eventhandlers import (
    SCHEDULER_NAME,
    add_all_event_handlers,
    add_volume_event_handlers,
)
from engine.scheduler.framework import Handle
from engine.scheduler.nominator import Nominator
from engine.scheduler.plugins import default_plugins
from engine.scheduler.plugins.default_preemption import DefaultPreemption
from engine.scheduler.preemption import Candidate, Evaluator
from engine.scheduler.queue import SchedulingQueue
from engine.scheduler.runtime import Framework
from engine.scheduler.schedule_one import recover, schedule_one
from engine.scheduler.types import PodInfo, PodInfoFactory
from engine.trace import ObjectRef, Step, object_ref
from engine.utilruntime import ErrorReporter, describe, klog_line

if TYPE_CHECKING:
    from engine.context import Context

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

# newPodInformer: finished pods hold no resources, so the scheduler does not even watch them.
POD_FIELD_SELECTOR = "status.phase!=Succeeded,status.phase!=Failed"


class Scheduler(Handle):
    def __init__(self, context: Context) -> None:
        self.context = context
        self.env = context.env
        self.rng = context.rng
        self.timings = context.timings
        self.client = RestClient(
            context, "scheduler", "system:kube-scheduler", ("system:authenticated",), Step.SCHEDULE
        )
        self.recorder = EventRecorder(self.client, SCHEDULER_NAME, series_api=True)
        self.pods = Informer(self.client, BY_NAME["pods"], field_selector=POD_FIELD_SELECTOR)
        self.nodes = Informer(self.client, BY_NAME["nodes"])
        self.namespaces = Informer(self.client, BY_NAME["namespaces"])  # namespaceSelector terms
        # default spreading (helper.DefaultSelector)
        self.replica_sets = Informer(self.client, BY_NAME["replicasets"])
        self.replication_controllers = Informer(self.client, BY_NAME["replicationcontrollers"])
        # VolumeBinding's listers
        self.claims = Informer(self.client, BY_NAME["persistentvolumeclaims"])
        self.volumes = Informer(self.client, BY_NAME["persistentvolumes"])
        self.storage_classes = Informer(self.client, BY_NAME["storageclasses"])
        self.pod_infos = PodInfoFactory()
        self.cache = Cache()
        self.framework = Framework(default_plugins(self))
        self.nominator = Nominator(self._pod_is_pending)
        self.queue = SchedulingQueue(self.env, self.framework, self.timings, self.nominator)
        self.errors = ErrorReporter(context.trace, "scheduler", Step.SCHEDULE, lambda: self.env.now)
        self.queue.errors = self.errors
        self.next_start_node_index = 0  # where the next cycle starts looking (round robin)
        self.told_pending: dict[str, str] = {}  # pod uid -> why the story said it is Pending
        preemption = next(p for p in self.framework.plugins if isinstance(p, DefaultPreemption))
        self.preemption: Evaluator = preemption.evaluator

    def start(self) -> None:
        add_all_event_handlers(self)
        add_volume_event_handlers(self)
        informers = (
            self.pods,
            self.nodes,
            self.namespaces,
            self.replica_sets,
            self.replication_controllers,
            self.claims,
            self.volumes,
            self.storage_classes,
        )
        synced = [informer.start() for informer in informers]
        self.queue.start()
        self.env.process(self._run(synced), "scheduler")

    def _run(self, synced: list[Any]) -> Gen:
        for event in synced:  # WaitForCacheSync
            _ = yield event  # (not `yield from`: the events are not generators)
        while True:
            qpi = yield from self.queue.pop()
            try:
                yield from schedule_one(self, qpi)
            except Exception as error:
                self._recover(qpi, error)

    def _recover(self, qpi: Any, error: Exception) -> None:
        try:
            recover(self, qpi, error)
        except Exception as worse:
            # Even putting the pod back failed: forget this attempt, keep scheduling others.
            pod = qpi.pod_info
            self.queue.cycle_done()
            self.queue.done(pod.uid)
            text = describe(worse)
            self.errors.handle_error(
                pod.key,
                klog_line("Error scheduling pod; retrying", err=text, pod=pod.key),
                error=worse,
                obj=self.ref(pod),
                data={"error": text},
            )

    def ref(self, pod: PodInfo) -> ObjectRef:
        return object_ref("Pod", pod.name, pod.namespace)

    def ref_of(self, namespace: str, name: str) -> ObjectRef:
        return object_ref("Pod", name, namespace)

    # ---- the Handle --------------------------------------------------------------------------
    def get_pod(self, namespace: str, name: str) -> Obj | None:
        return self.pods.get(f"{namespace}/{name}")

    def _pod_is_pending(self, pod: PodInfo) -> bool:
        current = self.get_pod(pod.namespace, pod.name)
        return current is not None and not (current.get("spec") or {}).get("nodeName")

    def namespace_labels(self, namespace: str) -> dict[str, str]:
        obj = self.namespaces.get(namespace)
        return dict(((obj or {}).get("metadata") or {}).get("labels") or {})

    def namespaces_matching(self, selector: LabelSelector) -> list[str]:
        return [
            ns["metadata"]["name"]
            for ns in self.namespaces.list()
            if selector.matches(ns["metadata"].get("labels") or {})
        ]

    def get_controller(self, kind: str, namespace: str, name: str) -> Obj | None:
        informer = self.replica_sets if kind == "ReplicaSet" else self.replication_controllers
        found: Obj | None = informer.get(f"{namespace}/{name}")
        return found

    def take_started_preemptions(self) -> list[tuple[PodInfo, Candidate]]:
        started, self.preemption.started = self.preemption.started, []
        return started
