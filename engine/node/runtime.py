"""containerd on one node, as the kubelet sees it through the CRI
(k8s.io/cri-api RuntimeService; containerd internal/cri/server). Its image service is in
image_service.py, the CRI's records and call envelope in cri.py.

Sandboxes (the pause container plus the network namespace the CNI wires) and containers with
ids, exit codes and logs. Every call takes virtual time between its `cri-request` and its
`cri-reply`. Containers run on their own once started (a `Behavior` decides when they exit),
and the runtime tells its subscribers — the kubelet's PLEG — when one starts or dies.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from engine import names
from engine.node import image_logs
from engine.node.behavior import Behavior, derive
from engine.node.behavior import Context as BehaviorContext
from engine.node.cni import CNIError, CNIPlugin
from engine.node.command import FOREVER, Line
from engine.node.cri import (
    EXITED,
    RUNNING,
    SANDBOX_NOTREADY,
    SANDBOX_READY,
    Container,
    ContainerConfig,
    CRIError,
    PLEGListener,
    Sandbox,
    call,
)
from engine.node.image_service import ImageService
from engine.node.registry import SANDBOX_IMAGE
from engine.trace import ObjectRef

if TYPE_CHECKING:
    from engine.context import Context

Gen = Generator[Any, Any, Any]

SANDBOX_STOP = 0.05  # stopping the pause container
START_PHASE = 1.0  # exits this soon after starting are part of starting (see _schedule_exit)


class ContainerRuntime:
    def __init__(self, context: Context, node_name: str, cpus: int = 4) -> None:
        self.context = context
        self.node_name = node_name
        self.id = f"container-runtime/{node_name}"
        self.cni = CNIPlugin(context, node_name)
        self.cpus = cpus
        self.sandboxes: dict[str, Sandbox] = {}
        self.containers: dict[str, Container] = {}
        # per pod uid, for the kubelet's frequent "what does this pod have" questions
        self._pod_sandboxes: dict[str, list[Sandbox]] = {}
        self._pod_containers: dict[str, dict[str, Container]] = {}
        self.images = ImageService(context, self.id)
        self.listeners: list[PLEGListener] = []
        self.alive = True

    # ---- queries (the kubelet's PLEG cache; no CRI round trip) ----------------------------------
    def pod_sandboxes(self, pod_uid: str) -> list[Sandbox]:
        return list(self._pod_sandboxes.get(pod_uid, ()))

    def pod_containers(self, pod_uid: str) -> list[Container]:
        """The pod's containers, newest first (as kuberuntime sorts them by creation)."""
        found = self._pod_containers.get(pod_uid, {}).values()
        return sorted(found, key=lambda c: (c.created_at, c.attempt), reverse=True)

    def pod_uids(self) -> set[str]:
        return set(self._pod_sandboxes) | set(self._pod_containers)

    def has_pod(self, pod_uid: str) -> bool:
        return pod_uid in self._pod_sandboxes or pod_uid in self._pod_containers

    def _add_sandbox(self, sandbox: Sandbox) -> None:
        self.sandboxes[sandbox.id] = sandbox
        self._pod_sandboxes.setdefault(sandbox.pod_uid, []).append(sandbox)

    def _remove_sandbox(self, sandbox: Sandbox) -> None:
        del self.sandboxes[sandbox.id]
        remaining = [s for s in self._pod_sandboxes.get(sandbox.pod_uid, []) if s is not sandbox]
        if remaining:
            self._pod_sandboxes[sandbox.pod_uid] = remaining
        else:
            self._pod_sandboxes.pop(sandbox.pod_uid, None)

    def _add_container(self, container: Container) -> None:
        self.containers[container.id] = container
        self._pod_containers.setdefault(container.pod_uid, {})[container.id] = container

    def _remove_container(self, container: Container) -> None:
        del self.containers[container.id]
        of_pod = self._pod_containers.get(container.pod_uid, {})
        of_pod.pop(container.id, None)
        if not of_pod:
            self._pod_containers.pop(container.pod_uid, None)

    # ---- the CRI call envelope -----------------------------------------------------------------
    # ---- RuntimeService: sandboxes -------------------------------------------------------------
    def run_pod_sandbox(
        self, caller: str, pod_uid: str, pod: ObjectRef, attempt: int, host_ip: str = ""
    ) -> Gen:
        """`host_ip`: a hostNetwork pod's, which shares the node's network namespace, so the
        runtime calls no CNI plugin for it (containerd's sandbox_run.go: NamespaceMode_NODE)."""

        def work() -> Gen:
            sandbox = Sandbox(self._new_id(), pod_uid, pod, attempt, self.context.env.now)
            yield self.context.timings.sandbox_create  # the pause container and its namespaces
            if host_ip:
                sandbox.ip, sandbox.host_network = host_ip, True
                self._add_sandbox(sandbox)
                return sandbox.id
            try:
                sandbox.ip = yield from self.cni.add(self.id, sandbox.id, pod)
            except CNIError as error:
                raise CRIError(
                    "Unknown",
                    f'failed to setup network for sandbox "{sandbox.id}": plugin type="bridge" '
                    f'name="kindnet" failed (add): {error}',
                ) from error
            self._add_sandbox(sandbox)
            return sandbox.id

        def reply(sandbox_id: str) -> tuple[str, dict[str, Any]]:
            ip = self.sandboxes[sandbox_id].ip
            return (
                f"Sandbox {sandbox_id[:13]} ready, IP {ip}",
                {"podSandboxId": sandbox_id, "ip": ip},
            )

        return (
            yield from call(
                self.context,
                self.id,
                caller,
                "RunPodSandbox",
                f"{pod.namespace}/{pod.name}",
                pod,
                work(),
                reply,
                {"image": SANDBOX_IMAGE, "attempt": attempt},
            )
        )

    def stop_pod_sandbox(self, caller: str, sandbox_id: str) -> Gen:
        sandbox = self.sandboxes.get(sandbox_id)
        if sandbox is None:
            return

        def work() -> Gen:
            for container in self.pod_containers(sandbox.pod_uid):
                if container.sandbox_id == sandbox_id and container.state == RUNNING:
                    self._exit(container, 137, "Error")  # whatever is left gets SIGKILL
            if sandbox.state == SANDBOX_READY:
                yield SANDBOX_STOP
                if not sandbox.host_network:
                    yield from self.cni.delete(self.id, sandbox_id, sandbox.pod)
                sandbox.state = SANDBOX_NOTREADY
            return None

        yield from call(
            self.context,
            self.id,
            caller,
            "StopPodSandbox",
            sandbox_id[:13],
            sandbox.pod,
            work(),
            lambda _: ("Sandbox stopped, network torn down", {"podSandboxId": sandbox_id}),
        )

    def remove_pod_sandbox(self, caller: str, sandbox_id: str) -> Gen:
        sandbox = self.sandboxes.get(sandbox_id)
        if sandbox is None:
            return

        def work() -> Gen:
            if sandbox.state == SANDBOX_READY and not sandbox.host_network:
                self.cni._release(sandbox_id)
            for container in self.pod_containers(sandbox.pod_uid):
                if container.sandbox_id != sandbox_id:
                    continue
                self._remove_container(container)
                if container.state == RUNNING:
                    self._exit(container, 137, "Error", notify=False)
            self._remove_sandbox(sandbox)
            yield 0
            return None

        yield from call(
            self.context,
            self.id,
            caller,
            "RemovePodSandbox",
            sandbox_id[:13],
            sandbox.pod,
            work(),
            lambda _: ("Sandbox and its containers removed", {"podSandboxId": sandbox_id}),
        )

    # ---- RuntimeService: containers ------------------------------------------------------------
    def create_container(
        self,
        caller: str,
        sandbox_id: str,
        spec: dict[str, Any],
        attempt: int,
        image_name: str,
        config: ContainerConfig | None = None,
    ) -> Gen:
        sandbox = self.sandboxes[sandbox_id]
        image = self.images.has_image(image_name)
        assert image is not None, image_name

        def work() -> Gen:
            yield self.context.timings.container_create
            container = Container(
                self._new_id(),
                sandbox_id,
                sandbox.pod_uid,
                sandbox.pod,
                spec["name"],
                attempt,
                image,
                image_name,
                spec_hash(spec),
                spec,
                self.context.env.now,
                config=config,
            )
            self._collect_garbage(sandbox.pod_uid, spec["name"])
            self._add_container(container)
            return container.id

        return (
            yield from call(
                self.context,
                self.id,
                caller,
                "CreateContainer",
                f"{spec['name']} ({image_name})",
                sandbox.pod,
                work(),
                lambda cid: (f"Container {cid[:13]} created", {"containerId": cid}),
                {"container": spec["name"], "attempt": attempt},
            )
        )

    def start_container(self, caller: str, container_id: str) -> Gen:
        container = self.containers[container_id]

        def work() -> Gen:
            yield self.context.timings.container_start
            now = self.context.env.now
            sandbox = self.sandboxes.get(container.sandbox_id)
            ctx = BehaviorContext(container.pod.name, sandbox.ip if sandbox else "", self.cpus, now)
            behavior = derive(container.image, container.spec, ctx, container.config)
            container.behavior = behavior
            if behavior.start_error:
                container.state, container.started_at, container.finished_at = EXITED, 0.0, now
                container.exit_code, container.reason = 128, "StartError"
                container.message = behavior.start_error
                raise CRIError("Unknown", behavior.start_error, "RunContainerError")
            container.state, container.started_at = RUNNING, now
            container.done = self.context.env.event()
            container.lines = [
                Line(now + line.at, line.text, line.stream) for line in behavior.lines
            ]
            self._schedule_exit(container, behavior)
            self._notify(container, "ContainerStarted")
            return None

        yield from call(
            self.context,
            self.id,
            caller,
            "StartContainer",
            container.name,
            container.pod,
            work(),
            lambda _: (f"Container {container.name} is running", {"containerId": container_id}),
            {"containerId": container_id},
        )

    def stop_container(self, caller: str, container_id: str, timeout: float) -> Gen:
        """StopContainer: the image's stop signal, then SIGKILL after `timeout` seconds."""
        container = self.containers.get(container_id)
        if container is None:
            return

        def work() -> Gen:
            if container.state != RUNNING:
                yield 0
                return None
            behavior = container.behavior
            assert behavior is not None and container.done is not None
            signalled = self.context.env.now
            if behavior.stop_exit_code is not None:
                delay = min(behavior.stop_delay, timeout)
                code = behavior.stop_exit_code
                for line in behavior.stop_lines:
                    at = signalled + min(line.at, delay)
                    container.lines.append(image_logs.stamped(Line(at, line.text, line.stream), at))
                self._at(delay, container, lambda: self._exit(container, code, _reason(code)))
            self._at(timeout, container, lambda: self._exit(container, 137, "Error"))
            yield container.done
            return None

        signal = container.behavior.stop_signal if container.behavior else "SIGTERM"
        yield from call(
            self.context,
            self.id,
            caller,
            "StopContainer",
            f"{container.name} (timeout {timeout:g}s)",
            container.pod,
            work(),
            lambda _: (
                f"Container {container.name} exited with code {container.exit_code}",
                {"exitCode": container.exit_code},
            ),
            {"containerId": container_id, "timeout": timeout, "signal": signal},
        )

    def _collect_garbage(self, pod_uid: str, name: str) -> None:
        """The kubelet's container GC (MaxPerPodContainer 1): of a container's dead
        instances only the newest is kept, for its lastState and `kubectl logs --previous`."""
        dead = [c for c in self.pod_containers(pod_uid) if c.name == name and c.state == EXITED]
        for old in dead[1:]:
            self._remove_container(old)

    def crash(self, container_id: str) -> bool:
        """The main process dies (the UI's "crash container"): exit code 1, reason Error."""
        container = self.containers.get(container_id)
        if container is None or container.state != RUNNING:
            return False
        self._exit(container, 1, "Error")
        return True

    # ---- process lifetimes ---------------------------------------------------------------------
    def _schedule_exit(self, container: Container, behavior: Behavior) -> None:
        if behavior.duration == FOREVER or math.isinf(behavior.duration):
            return
        code = behavior.exit_code
        reason = behavior.reason
        # A container that dies while starting is part of the kubelet's current work; one that
        # runs for a while before exiting is the workload's own life, like a heartbeat, and must
        # not keep the cluster from counting as settled meanwhile.
        background = behavior.duration > START_PHASE
        self._at(
            behavior.duration,
            container,
            lambda: self._exit(container, code, reason),
            background=background,
        )

    def _at(
        self,
        delay: float,
        container: Container,
        action: Callable[[], None],
        background: bool = False,
    ) -> None:
        started = container.started_at

        def fire() -> None:
            # Only if this is still the same run of the container.
            if container.state == RUNNING and container.started_at == started:
                action()

        self.context.env.schedule(delay, fire, background=background)

    def _exit(self, container: Container, code: int, reason: str, notify: bool = True) -> None:
        container.state = EXITED
        container.finished_at = self.context.env.now
        container.exit_code = code
        container.reason = reason
        if code != 0 and container.spec.get("terminationMessagePolicy") == "FallbackToLogsOnError":
            tail = [line.text for line in container.log_lines(container.finished_at)][-80:]
            container.message = "\n".join(tail)[-2048:]
        if container.done is not None and not container.done.triggered:
            container.done.succeed()
        if notify:
            self._notify(container, "ContainerDied")

    def _notify(self, container: Container, kind: str) -> None:
        for listener in list(self.listeners):
            listener(container.pod_uid, kind, container.id)

    def shutdown(self) -> None:
        """The machine goes away: every process stops, nothing more is reported."""
        self.alive = False
        self.listeners.clear()
        for container in self.containers.values():
            if container.state == RUNNING:
                self._exit(container, 137, "Error", notify=False)

    def _new_id(self) -> str:
        return names.container_id(self.context.rng)


def spec_hash(spec: dict[str, Any]) -> str:
    """kubecontainer.HashContainer: a change in the container's spec restarts it."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _reason(code: int) -> str:
    return "Completed" if code == 0 else "Error"
