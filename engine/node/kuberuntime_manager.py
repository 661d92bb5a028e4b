"""The kubelet's side of the CRI (pkg/kubelet/kuberuntime/kuberuntime_manager.go
computePodActions and SyncPod, kuberuntime_container.go startContainer and killContainer).

compute_pod_actions decides, from the pod spec and what the runtime reports, what one sync
must do: create the sandbox, start the next init container or the app containers, kill what
failed its liveness probe or changed its spec. SyncPod then does it, one CRI call at a time,
recording the events of pkg/kubelet/events.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine import timeutil
from engine.node.command import FOREVER, interpret
from engine.node.config_manager import ConfigError, blocked_headline
from engine.node.cri import (
    EXITED,
    RUNNING,
    SANDBOX_READY,
    Container,
    ContainerConfig,
    CRIError,
    Sandbox,
)
from engine.node.images import ImageResult
from engine.node.kubelet_pods import (
    Node,
    expand_command_and_args,
    make_environment_variables,
    service_env,
)
from engine.node.logs import NodeRegistry
from engine.node.pod_status import StartFailure, is_sidecar, latest, should_container_be_restarted
from engine.node.prober import LIVENESS, ProbeManager
from engine.node.runtime import spec_hash
from engine.trace import ref_of
from engine.utilruntime import join, start

if TYPE_CHECKING:
    from engine.node.kubelet import Kubelet

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

MINIMUM_GRACE_PERIOD = 2  # kuberuntime minimumGracePeriodInSeconds


@dataclass
class Kill:
    container: Container
    spec: Obj
    message: str


@dataclass
class PodActions:
    """kuberuntime_manager.go podActions."""

    kill_pod: bool = False
    create_sandbox: bool = False
    sandbox_id: str = ""
    attempt: int = 0
    next_init_container: Obj | None = None
    containers_to_start: list[Obj] = field(default_factory=list)
    containers_to_kill: list[Kill] = field(default_factory=list)


@dataclass
class SyncResult:
    """What happened, per container: started, or the reason its start failed."""

    started: list[str] = field(default_factory=list)
    failures: dict[str, StartFailure] = field(default_factory=dict)
    changed: bool = False  # something in the runtime changed (sandbox, start, kill)
    crash_backoff_until: float | None = None
    retry: bool = False  # a failure the kubelet retries after its error back-off


def compute_pod_actions(
    pod: Obj, sandboxes: list[Sandbox], containers: list[Container], probes: ProbeManager
) -> PodActions:
    spec = pod["spec"]
    ready = [s for s in sandboxes if s.state == SANDBOX_READY]
    actions = PodActions()
    if not ready:
        # podSandboxChanged: no sandbox (or it died): a new one, killing what is left
        actions.create_sandbox = True
        actions.kill_pod = bool(sandboxes)
        actions.attempt = (sandboxes[-1].attempt + 1) if sandboxes else 0
        if spec.get("restartPolicy") == "Never" and sandboxes and containers:
            # A pod that ran once and must not restart gets no new sandbox.
            actions.create_sandbox = False
            return actions
        init = spec.get("initContainers") or []
        if init:
            actions.next_init_container = init[0]
        else:
            actions.containers_to_start = [
                c for c in spec.get("containers") or [] if should_container_be_restarted(c, pod, [])
            ]
        return actions
    actions.sandbox_id = ready[-1].id

    init_done = _init_container_actions(pod, containers, probes, actions)
    if not init_done:
        return actions

    keep = 0
    for cspec in spec.get("containers") or []:
        current = latest(containers, cspec["name"])
        if current is None or current.state != RUNNING:
            if should_container_be_restarted(cspec, pod, containers):
                actions.containers_to_start.append(cspec)
            continue
        message = _kill_reason(current, cspec, probes, spec)
        if message:
            actions.containers_to_kill.append(Kill(current, cspec, message))
            if spec.get("restartPolicy", "Always") != "Never":
                actions.containers_to_start.append(cspec)
            continue
        keep += 1
    if keep == 0 and not actions.containers_to_start and not _sidecars_running(pod, containers):
        actions.kill_pod = True  # everything has exited and nothing is to restart
    return actions


def _kill_reason(current: Container, cspec: Obj, probes: ProbeManager, pod_spec: Obj) -> str:
    if current.spec_hash != spec_hash(cspec):
        return f"Container {cspec['name']} definition changed, will be restarted"
    failed = probes.failed(current.id)
    if failed:
        word = "liveness" if failed == LIVENESS else "startup"
        return f"Container {cspec['name']} failed {word} probe, will be restarted"
    return ""


def _sidecars_running(pod: Obj, containers: list[Container]) -> bool:
    for cspec in pod["spec"].get("initContainers") or []:
        current = latest(containers, cspec["name"])
        if is_sidecar(cspec) and current is not None and current.state == RUNNING:
            return True
    return False


def _init_container_actions(
    pod: Obj, containers: list[Container], probes: ProbeManager, actions: PodActions
) -> bool:
    """computeInitContainerActions: True once every init container has done its part."""
    policy = pod["spec"].get("restartPolicy", "Always")
    for cspec in pod["spec"].get("initContainers") or []:
        current = latest(containers, cspec["name"])
        if current is None:
            actions.next_init_container = cspec
            return False
        if is_sidecar(cspec):
            if current.state == RUNNING:
                message = _kill_reason(current, cspec, probes, pod["spec"])
                if message:
                    actions.containers_to_kill.append(Kill(current, cspec, message))
                    actions.containers_to_start.append(cspec)
                continue
            actions.containers_to_start.append(cspec)  # a sidecar that died comes back
            continue
        if current.state == RUNNING:
            return False  # wait for it to finish
        if current.state == EXITED and current.exit_code == 0:
            continue
        if current.state == EXITED:
            if policy == "Never":
                actions.kill_pod = True  # the pod has failed
                return False
            actions.next_init_container = cspec
            return False
        actions.next_init_container = cspec
        return False
    return True


class KubeRuntimeManager:
    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet

    def sync_pod(self, pod: Obj, sandboxes: list[Sandbox], containers: list[Container]) -> Gen:
        """SyncPod: bring the runtime to what the pod spec says. Returns a SyncResult."""
        kubelet = self.kubelet
        runtime = kubelet.runtime
        result = SyncResult()
        actions = compute_pod_actions(pod, sandboxes, containers, kubelet.probes)
        if actions.kill_pod:
            yield from self.kill_pod(pod, containers, sandboxes, None)
            result.changed = True
            if not actions.create_sandbox:
                return result
        for kill in actions.containers_to_kill:
            yield from self.kill_container(pod, kill.container, kill.spec, kill.message, None)
            kubelet.probes.remove_container(kill.container.id)
            result.changed = True
        sandbox_id = actions.sandbox_id
        if actions.create_sandbox:
            try:
                sandbox_id = yield from runtime.run_pod_sandbox(
                    kubelet.id,
                    pod["metadata"]["uid"],
                    ref_of(pod),
                    actions.attempt,
                    kubelet.host_ip if pod["spec"].get("hostNetwork") else "",
                )
            except CRIError as error:
                kubelet.event(
                    pod,
                    "Warning",
                    "FailedCreatePodSandBox",
                    f"Failed to create pod sandbox: {error}",
                )
                result.retry = True
                return result
            result.changed = True
            ip = runtime.sandboxes[sandbox_id].ip
            wired = (
                f"it shares the node's network and IP {ip} (hostNetwork)"
                if runtime.sandboxes[sandbox_id].host_network
                else f"the CNI plugin gave it IP {ip}"
            )
            kubelet.milestone(
                f"The container runtime on {kubelet.node_name} made pod "
                f"{pod['metadata']['name']}'s sandbox; {wired}",
                pod,
                ip=ip,
            )
        # The sandbox may be new: look again at what the runtime has.
        containers = runtime.pod_containers(pod["metadata"]["uid"])
        starts = [actions.next_init_container] if actions.next_init_container else []
        for cspec in starts + actions.containers_to_start:
            if kubelet.should_abort(pod):
                break  # the pod is being killed, or the kubelet died: stop here
            yield from self._start(pod, cspec, sandbox_id, containers, result)
        return result

    def _start(
        self, pod: Obj, cspec: Obj, sandbox_id: str, containers: list[Container], result: SyncResult
    ) -> Gen:
        """startContainer, preceded by the crash back-off check (doBackOff)."""
        kubelet = self.kubelet
        name = cspec["name"]
        field_path = kubelet.field_path(pod, name)
        in_backoff, message, until = self._do_backoff(pod, cspec, containers)
        if in_backoff:
            result.failures[name] = StartFailure("CrashLoopBackOff", message)
            result.crash_backoff_until = min(result.crash_backoff_until or until, until)
            return
        image = yield from kubelet.images.ensure_image_exists(pod, cspec, field_path)
        if kubelet.should_abort(pod):
            return
        if not image.ok:
            kubelet.event(pod, "Warning", "Failed", f"Error: {image.reason}", field_path)
            result.failures[name] = StartFailure(image.reason, image.message)
            result.retry = True
            result.changed = True
            return
        previous = latest(containers, name)
        attempt = previous.attempt + 1 if previous is not None else 0
        if previous is None:  # the story tells the image once, not at every restart
            kubelet.milestone_once(
                f"image {name}",
                _image_headline(kubelet.node_name, cspec, image),
                pod,
                image=image.name,
            )
        try:
            config = yield from self._container_config(pod, cspec, sandbox_id)
        except ConfigError as error:
            # kuberuntime_container.go startContainer: generateContainerConfig failed
            # (ErrCreateContainerConfig); retried at the pod worker's next sync.
            kubelet.event(pod, "Warning", "Failed", f"Error: {error}", field_path)
            result.failures[name] = StartFailure("CreateContainerConfigError", str(error))
            result.retry = True
            result.changed = True
            who = f"its container {name}"
            kubelet.milestone_once(
                f"{who}: {error}", blocked_headline(pod, who, error), pod, node=kubelet.node_name
            )
            return
        if kubelet.should_abort(pod):
            return
        runtime = kubelet.runtime
        container_id = yield from runtime.create_container(
            kubelet.id, sandbox_id, cspec, attempt, image.name, config
        )
        kubelet.event(pod, "Normal", "Created", "Container created", field_path)
        result.changed = True
        if kubelet.should_abort(pod):
            return
        try:
            yield from runtime.start_container(kubelet.id, container_id)
        except CRIError as error:
            kubelet.event(pod, "Warning", "Failed", f"Error: {error.desc}", field_path)
            result.failures[name] = StartFailure(error.reason or "RunContainerError", error.desc)
            result.retry = True
            return
        kubelet.event(pod, "Normal", "Started", "Container started", field_path)
        if previous is None:
            kubelet.milestone(
                f"The container runtime on {kubelet.node_name} started container {name} of pod "
                f"{pod['metadata']['name']}",
                pod,
                node=kubelet.node_name,
            )
        else:
            # A restart is an outcome of the story told already: why, and how often.
            kubelet.milestone(
                f"Container {name} of pod {pod['metadata']['name']} had exited (exit code "
                f"{previous.exit_code}): the kubelet started it again, restart {attempt}, each "
                "after a longer back-off (CrashLoopBackOff)",
                pod,
                5,
                node=kubelet.node_name,
            )
        result.started.append(name)

    def _container_config(self, pod: Obj, cspec: Obj, sandbox_id: str) -> Gen:
        """generateContainerConfig: the environment (which may read ConfigMaps and Secrets),
        the command and args expanded with it, and the files of the container's mounts."""
        kubelet = self.kubelet
        sandbox = kubelet.runtime.sandboxes.get(sandbox_id)
        node = Node(sandbox.ip if sandbox else "", kubelet.host_ip, kubelet.allocatable)
        env = yield from make_environment_variables(pod, cspec, kubelet.config, node)
        # getServiceEnvVarMap, from the kubelet's Service lister (no request of its own)
        services = NodeRegistry.of(kubelet.context).objects("services")
        namespace = pod["metadata"].get("namespace", "default")
        links = (pod.get("spec") or {}).get("enableServiceLinks", True) is not False
        for name, value in service_env(services, namespace, links).items():
            env.setdefault(name, value)  # the container's own variables win
        expanded = expand_command_and_args(cspec, env)
        return ContainerConfig(
            env,
            expanded.get("command"),
            expanded.get("args"),
            kubelet.volumes.container_files(pod, cspec),
        )

    def _do_backoff(
        self, pod: Obj, cspec: Obj, containers: list[Container]
    ) -> tuple[bool, str, float]:
        """doBackOff: a container that exited waits out its back-off before it restarts."""
        exited = next(
            (c for c in containers if c.name == cspec["name"] and c.state == EXITED), None
        )
        if exited is None:
            return False, "", 0.0
        kubelet = self.kubelet
        key = crash_key(pod, cspec)
        now = kubelet.context.env.now
        backoff = kubelet.crash_backoff
        if backoff.is_in_backoff_since(key, exited.finished_at, now):
            who = format_pod(pod)
            kubelet.event(
                pod,
                "Warning",
                "BackOff",
                f"Back-off restarting failed container {cspec['name']} in pod {who}",
                kubelet.field_path(pod, cspec["name"]),
            )
            delay = timeutil.go_duration(backoff.get(key))
            message = f"back-off {delay} restarting failed container={cspec['name']} pod={who}"
            return True, message, backoff.expires_at(key, exited.finished_at)
        backoff.next(key, exited.finished_at)
        return False, "", 0.0

    # ---- stopping ------------------------------------------------------------------------------
    def kill_pod(
        self,
        pod: Obj,
        containers: list[Container],
        sandboxes: list[Sandbox],
        grace_override: int | None,
        message_for: str = "",
    ) -> Gen:
        """KillPod: stop every running container (in parallel), then the sandbox."""
        kubelet = self.kubelet
        env = kubelet.context.env
        specs = {c["name"]: c for c in _all_specs(pod)}
        running = [c for c in containers if c.state == RUNNING]
        processes = []
        for container in running:
            cspec = specs.get(container.name, {"name": container.name})
            message = message_for or f"Stopping container {container.name}"
            processes.append(
                start(
                    env,
                    self.kill_container(pod, container, cspec, message, grace_override),
                    "kill container",
                )
            )
        yield from join(processes)  # a kill that raised raises here, once all have ended
        for container in running:
            kubelet.probes.remove_container(container.id)
        for sandbox in sandboxes:
            if sandbox.state == SANDBOX_READY:
                yield from kubelet.runtime.stop_pod_sandbox(kubelet.id, sandbox.id)

    def kill_container(
        self, pod: Obj, container: Container, cspec: Obj, message: str, grace_override: int | None
    ) -> Gen:
        """killContainer: Killing event, preStop hook, stop signal, SIGKILL after the grace."""
        kubelet = self.kubelet
        grace = _grace_period(pod, cspec, grace_override)
        kubelet.event(pod, "Normal", "Killing", message, kubelet.field_path(pod, container.name))
        why = "" if message.startswith("Stopping container") else f": {message}"
        kubelet.milestone(
            f"The kubelet on {kubelet.node_name} stops container {container.name} of pod "
            f"{pod['metadata']['name']}{why}",
            pod,
            5,  # the end of the pod's story, whoever asked for it
            node=kubelet.node_name,
        )
        hook = _pre_stop_seconds(cspec)
        timeout = float(grace)
        if hook > 0:
            spent = min(hook, timeout)
            yield spent
            timeout = max(float(MINIMUM_GRACE_PERIOD), timeout - spent)
        yield from kubelet.runtime.stop_container(kubelet.id, container.id, timeout)


def _all_specs(pod: Obj) -> list[Obj]:
    return list(pod["spec"].get("initContainers") or []) + list(pod["spec"].get("containers") or [])


def _grace_period(pod: Obj, cspec: Obj, override: int | None) -> int:
    meta, spec = pod["metadata"], pod["spec"]
    if override is not None:
        grace = override
    elif meta.get("deletionTimestamp") and meta.get("deletionGracePeriodSeconds") is not None:
        grace = int(meta["deletionGracePeriodSeconds"])
    else:
        grace = int(spec.get("terminationGracePeriodSeconds", 30))
    return max(MINIMUM_GRACE_PERIOD, grace)


def _pre_stop_seconds(cspec: Obj) -> float:
    """How long an exec preStop hook runs (`sleep 5` is the usual one), or a sleep action."""
    pre_stop = (cspec.get("lifecycle") or {}).get("preStop") or {}
    if "sleep" in pre_stop:
        return float((pre_stop["sleep"] or {}).get("seconds", 0))
    command = (pre_stop.get("exec") or {}).get("command")
    if not command:
        return 0.0
    program = interpret([str(a) for a in command], {}, "", True, 0.0)
    return 0.0 if program.duration == FOREVER else max(0.0, program.duration)


def crash_key(pod: Obj, cspec: Obj) -> str:
    """getStableKey: pod name, namespace, uid, container name and spec hash."""
    meta = pod["metadata"]
    return f"{meta['name']}_{meta['namespace']}_{meta['uid']}_{cspec['name']}_{spec_hash(cspec)}"


def format_pod(pod: Obj) -> str:
    """format.Pod: name_namespace(uid)."""
    meta = pod["metadata"]
    return f"{meta['name']}_{meta['namespace']}({meta['uid']})"


def _image_headline(node: str, cspec: Obj, image: ImageResult) -> str:
    shown = cspec.get("image", "")
    if image.pulled is None:
        return f"Image {shown} is already on {node}: no download"
    size, took = image.pulled
    megabytes = f"{size / 1e6:.1f} MB"
    return f"The container runtime on {node} pulled image {shown} ({megabytes} in {took:.1f} s)"
