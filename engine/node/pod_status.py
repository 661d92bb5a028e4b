"""The pod status the kubelet reports, computed from what the runtime says
(pkg/kubelet/kubelet_pods.go generateAPIPodStatus, convertToAPIContainerStatuses, getPhase;
pkg/kubelet/status/generate.go for the conditions; pkg/kubelet/prober/prober_manager.go
UpdatePodStatus for ready/started).

Pure functions: the kubelet hands in the pod, the runtime's sandboxes and containers, the
reasons its last start attempts failed, the probe results and the previous status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from engine import timeutil
from engine.node.cri import CREATED, EXITED, RUNNING, SANDBOX_READY, Container, Sandbox

Obj = dict[str, Any]

# Conditions the kubelet owns, in the order it writes them (kubelet_pods.go generateAPIPodStatus).
KUBELET_CONDITIONS = (
    "PodReadyToStartContainers",
    "Initialized",
    "Ready",
    "ContainersReady",
    "PodScheduled",
)
TERMINAL = ("Succeeded", "Failed")


@dataclass(frozen=True)
class StartFailure:
    """The kubelet's reasonCache entry: why a container's last start failed."""

    reason: str  # CrashLoopBackOff, ErrImagePull, ImagePullBackOff, RunContainerError, …
    message: str


@dataclass
class ProbeView:
    """What the probe manager says about a running container."""

    ready: Callable[[str, Obj], bool]  # (container id, container spec) -> ready
    started: Callable[[str, Obj], bool]


def is_sidecar(spec: Obj) -> bool:
    """podutil.IsRestartableInitContainer."""
    return spec.get("restartPolicy") == "Always"


def latest(containers: list[Container], name: str) -> Container | None:
    """The newest runtime container with this name (`containers` is newest first)."""
    return next((c for c in containers if c.name == name), None)


def should_container_be_restarted(spec: Obj, pod: Obj, containers: list[Container]) -> bool:
    """kubecontainer.ShouldContainerBeRestarted (pkg/kubelet/container/helpers.go)."""
    if pod["metadata"].get("deletionTimestamp"):
        return False
    status = latest(containers, spec["name"])
    if status is None:
        return True
    if status.state == RUNNING:
        return False
    if status.state == CREATED:
        return True
    policy = spec.get("restartPolicy") if is_sidecar(spec) else None
    policy = policy or pod["spec"].get("restartPolicy", "Always")
    if policy == "Never":
        return False
    return not (policy == "OnFailure" and status.exit_code == 0)


def generate_api_pod_status(
    pod: Obj,
    sandboxes: list[Sandbox],
    containers: list[Container],
    old: Obj,
    reasons: dict[str, StartFailure],
    probes: ProbeView,
    host_ip: str,
    terminal: bool,
    now: float,
) -> Obj:
    spec = pod["spec"]
    api_status = pod.get("status") or {}
    generation = pod["metadata"].get("generation", 1)
    has_init = bool(spec.get("initContainers"))
    stamp = _rfc3339(int(now))

    status: Obj = {"observedGeneration": generation}
    init_statuses = _container_statuses(
        pod, spec.get("initContainers") or [], containers, old, reasons, has_init, True
    )
    statuses = _container_statuses(
        pod, spec.get("containers") or [], containers, old, reasons, has_init, False
    )
    _update_probe_results(spec, init_statuses, statuses, probes)

    regular = _names(spec)
    started_any = any(
        c.state in (RUNNING, EXITED) and c.started_at for c in containers if c.name in regular
    )
    phase = get_phase(pod, statuses + init_statuses, terminal, started_any)
    old_phase = old.get("phase", "")
    if phase not in TERMINAL:
        if old_phase in TERMINAL:
            phase = old_phase
        elif api_status.get("phase") in TERMINAL:
            phase = api_status["phase"]
    if api_status.get("phase") in TERMINAL:
        phase = api_status["phase"]  # pods never leave Succeeded/Failed
    status["phase"] = phase

    conditions = [
        c for c in (api_status.get("conditions") or []) if c.get("type") not in KUBELET_CONDITIONS
    ]
    everything = init_statuses + statuses
    sandbox_ready = any(s.state == SANDBOX_READY for s in sandboxes)
    generated = [
        _condition("PodReadyToStartContainers", "True" if sandbox_ready else "False"),
        _initialized(pod, everything, phase),
        _ready(pod, everything, phase, "Ready"),
        _ready(pod, everything, phase, "ContainersReady"),
        _condition("PodScheduled", "True"),
    ]
    previous = {c.get("type"): c for c in (old.get("conditions") or [])}
    for condition in generated:
        condition["observedGeneration"] = generation
        before = previous.get(condition["type"])
        same = before is not None and before.get("status") == condition["status"]
        condition["lastTransitionTime"] = before.get("lastTransitionTime") if same else stamp  # type: ignore[union-attr]
        if condition["lastTransitionTime"] is None:
            condition["lastTransitionTime"] = stamp
    status["conditions"] = conditions + [_ordered_condition(c) for c in generated]

    if phase == old_phase:
        for key in ("reason", "message"):
            value = old.get(key) or api_status.get(key)
            if value:
                status[key] = value

    status["hostIP"] = host_ip
    status["hostIPs"] = [{"ip": host_ip}]
    ip = next((s.ip for s in reversed(sandboxes) if s.state == SANDBOX_READY and s.ip), "")
    if ip:
        status["podIP"], status["podIPs"] = ip, [{"ip": ip}]
    elif old.get("podIP"):
        # A finished pod keeps showing the address it had (kubectl get -o wide).
        status["podIP"], status["podIPs"] = old["podIP"], old.get("podIPs")
    status["startTime"] = old.get("startTime") or stamp
    if init_statuses:
        status["initContainerStatuses"] = init_statuses
    status["containerStatuses"] = sorted(statuses, key=lambda s: s["name"])
    if api_status.get("qosClass"):
        status["qosClass"] = api_status["qosClass"]
    return status


@lru_cache(maxsize=4096)
def _rfc3339(seconds: int) -> str:
    return timeutil.rfc3339(seconds)


def _names(spec: Obj) -> set[str]:
    return {c["name"] for c in spec.get("containers") or []}


def _condition(kind: str, value: str, reason: str = "", message: str = "") -> Obj:
    condition: Obj = {"type": kind, "status": value}
    if reason:
        condition["reason"] = reason
    if message:
        condition["message"] = message
    return condition


def _ordered_condition(c: Obj) -> Obj:
    """PodCondition in Go field order."""
    out = {
        "type": c["type"],
        "observedGeneration": c["observedGeneration"],
        "status": c["status"],
        "lastProbeTime": None,
        "lastTransitionTime": c["lastTransitionTime"],
    }
    for key in ("reason", "message"):
        if key in c:
            out[key] = c[key]
    return out


def _go_list(names: list[str]) -> str:
    return "[" + " ".join(names) + "]"


def _initialized(pod: Obj, statuses: list[Obj], phase: str) -> Obj:
    """GeneratePodInitializedCondition."""
    by_name = {s["name"]: s for s in statuses}
    unknown, incomplete = [], []
    for spec in pod["spec"].get("initContainers") or []:
        status = by_name.get(spec["name"])
        if status is None:
            unknown.append(spec["name"])
        elif (is_sidecar(spec) and not status.get("started")) or (
            not is_sidecar(spec) and not status.get("ready")
        ):
            incomplete.append(spec["name"])
    if phase == "Succeeded" and not unknown:
        return _condition("Initialized", "True", "PodCompleted")
    regular = {c["name"] for c in pod["spec"].get("containers") or []}
    if any(s["name"] in regular and _has_started(s) for s in statuses):
        return _condition("Initialized", "True")
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: {_go_list(unknown)}")
    if incomplete:
        messages.append(f"containers with incomplete status: {_go_list(incomplete)}")
    if messages:
        return _condition("Initialized", "False", "ContainersNotInitialized", ", ".join(messages))
    return _condition("Initialized", "True")


def _has_started(status: Obj) -> bool:
    state = status.get("state") or {}
    last = status.get("lastState") or {}
    return "running" in state or "terminated" in state or "terminated" in last


def _ready(pod: Obj, statuses: list[Obj], phase: str, kind: str) -> Obj:
    """GenerateContainersReadyCondition / GeneratePodReadyCondition (no readiness gates
    beyond the containers' own: the Ready condition mirrors ContainersReady)."""
    by_name = {s["name"]: s for s in statuses}
    unknown, unready = [], []
    specs = [c for c in pod["spec"].get("initContainers") or [] if is_sidecar(c)]
    specs += pod["spec"].get("containers") or []
    for spec in specs:
        status = by_name.get(spec["name"])
        if status is None:
            unknown.append(spec["name"])
        elif not status.get("ready"):
            unready.append(spec["name"])
    if (phase == "Succeeded" and not unknown) or phase == "Failed":
        return _condition(kind, "False", "PodCompleted" if phase == "Succeeded" else "PodFailed")
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: {_go_list(unknown)}")
    if unready:
        messages.append(f"containers with unready status: {_go_list(unready)}")
    if messages:
        return _condition(kind, "False", "ContainersNotReady", ", ".join(messages))
    if kind == "Ready":
        gates = _readiness_gates(pod)
        if gates:
            return _condition(kind, "False", "ReadinessGatesNotReady", ", ".join(gates))
    return _condition(kind, "True")


def _readiness_gates(pod: Obj) -> list[str]:
    conditions = {c.get("type"): c for c in (pod.get("status") or {}).get("conditions") or []}
    problems = []
    for gate in pod["spec"].get("readinessGates") or []:
        kind = gate.get("conditionType", "")
        found = conditions.get(kind)
        if found is None:
            problems.append(
                f'corresponding condition of pod readiness gate "{kind}" does not exist.'
            )
        elif found.get("status") != "True":
            problems.append(
                f'the status of pod readiness gate "{kind}" is not "True", '
                f"but {found.get('status')}"
            )
    return problems


def _container_statuses(
    pod: Obj,
    specs: list[Obj],
    containers: list[Container],
    old: Obj,
    reasons: dict[str, StartFailure],
    has_init: bool,
    is_init: bool,
) -> list[Obj]:
    """convertToAPIContainerStatuses."""
    old_list = old.get("initContainerStatuses" if is_init else "containerStatuses") or []
    old_by_name = {s.get("name"): s for s in old_list}
    default = "PodInitializing" if has_init else "ContainerCreating"
    statuses: dict[str, Obj] = {}
    for spec in specs:
        previous = old_by_name.get(spec["name"])
        # Statuses are never changed in place once made, so they can share parts: a shallow
        # copy is enough (the same holds for the spec parts shared below).
        if previous is not None and "terminated" in (previous.get("state") or {}):
            status = dict(previous)
        else:
            status = {
                "name": spec["name"],
                "state": {"waiting": {"reason": default}},
                "lastState": {},
                "ready": False,
                "restartCount": 0,
                "image": spec.get("image", ""),
                "imageID": "",
            }
            if previous is not None:
                status["restartCount"] = previous.get("restartCount", 0)
                status["lastState"] = previous.get("lastState") or {}
        _volume_mounts(status, spec)
        statuses[spec["name"]] = status

    seen: dict[str, int] = {}
    for container in containers:  # newest first
        if container.name not in statuses or seen.get(container.name, 0) >= 2:
            continue
        spec = next(s for s in specs if s["name"] == container.name)
        converted = _convert(container, spec)
        if seen.get(container.name, 0) == 0:
            statuses[container.name] = converted
        else:
            statuses[container.name]["lastState"] = converted["state"]
        seen[container.name] = seen.get(container.name, 0) + 1

    for spec in specs:
        name = spec["name"]
        if is_init:
            current = latest(containers, name)
            if current is not None and current.state == EXITED and current.exit_code == 0:
                continue
        if not should_container_be_restarted(spec, pod, containers):
            continue
        failure = reasons.get(name)
        if failure is None:
            continue
        status = statuses[name]
        if "terminated" in status["state"]:
            status["lastState"] = status["state"]
        waiting: Obj = {"reason": failure.reason}
        if failure.message:
            waiting["message"] = failure.message
        status["state"] = {"waiting": waiting}
    return [statuses[spec["name"]] for spec in specs]


def _convert(container: Container, spec: Obj) -> Obj:
    cid = f"containerd://{container.id}"
    status: Obj = {
        "name": container.name,
        "lastState": {},
        "ready": False,
        "restartCount": container.attempt,
        "image": container.image_name,
        "imageID": container.image.repo_digest,
        "containerID": cid,
    }
    if container.state == RUNNING:
        status["state"] = {"running": {"startedAt": _rfc3339(int(container.started_at))}}
    elif container.state == EXITED:
        terminated: Obj = {"exitCode": container.exit_code, "reason": container.reason}
        if container.message:
            terminated["message"] = container.message
        terminated["startedAt"] = (
            _rfc3339(int(container.started_at)) if container.started_at else None
        )
        terminated["finishedAt"] = _rfc3339(int(container.finished_at))
        terminated["containerID"] = cid
        status["state"] = {"terminated": terminated}
    else:
        status["state"] = {"waiting": {}}
    # InPlacePodVerticalScaling: the resources the container was given; and
    # SupplementalGroupsPolicy: the identity its process runs with.
    resources = spec.get("resources") or {}
    requests = resources.get("requests")
    if requests:
        status["allocatedResources"] = requests
    status["resources"] = resources
    groups = container.behavior.user_groups if container.behavior else [0]
    status["user"] = {"linux": {"uid": 0, "gid": 0, "supplementalGroups": list(groups)}}
    _volume_mounts(status, spec)
    return status


def _volume_mounts(status: Obj, spec: Obj) -> None:
    """RecursiveReadOnlyMounts (GA): each mount as the container sees it."""
    mounts = []
    for mount in spec.get("volumeMounts") or []:
        entry: Obj = {"name": mount.get("name"), "mountPath": mount.get("mountPath")}
        if mount.get("readOnly"):
            entry["readOnly"] = True
            entry["recursiveReadOnly"] = "Disabled"
        mounts.append(entry)
    if mounts:
        status["volumeMounts"] = mounts


def _update_probe_results(
    spec: Obj, init_statuses: list[Obj], statuses: list[Obj], probes: ProbeView
) -> None:
    """prober_manager.UpdatePodStatus: `started` and `ready` for every container."""
    specs = {c["name"]: c for c in spec.get("containers") or []}
    for status in statuses:
        cspec = specs[status["name"]]
        running = "running" in status["state"]
        cid = status.get("containerID", "").removeprefix("containerd://")
        started = running and probes.started(cid, cspec)
        status["started"] = started
        status["ready"] = started and probes.ready(cid, cspec)
    init_specs = {c["name"]: c for c in spec.get("initContainers") or []}
    for status in init_statuses:
        cspec = init_specs[status["name"]]
        running = "running" in status["state"]
        cid = status.get("containerID", "").removeprefix("containerd://")
        started = running and probes.started(cid, cspec)
        status["started"] = started
        if is_sidecar(cspec):
            status["ready"] = started and probes.ready(cid, cspec)
        else:
            terminated = status["state"].get("terminated")
            status["ready"] = bool(terminated) and terminated.get("exitCode") == 0


def get_phase(pod: Obj, statuses: list[Obj], terminal: bool, initialized_before: bool) -> str:
    """getPhase (kubelet_pods.go), without per-container restart rules."""
    spec = pod["spec"]
    by_name = {s["name"]: s for s in statuses}
    pending_init = failed_init = pending_sidecars = 0
    for container in spec.get("initContainers") or []:
        status = by_name.get(container["name"])
        state = (status or {}).get("state") or {}
        last = (status or {}).get("lastState") or {}
        if is_sidecar(container):
            continue
        if status is None or "running" in state:
            pending_init += 1
        elif "terminated" in state:
            if state["terminated"].get("exitCode", 0) != 0:
                failed_init += 1
        elif "waiting" in state and "terminated" in last:
            if last["terminated"].get("exitCode", 0) != 0:
                failed_init += 1
        else:
            pending_init += 1
    unknown = running = waiting = stopped = succeeded = 0
    for container in spec.get("initContainers") or []:
        if not is_sidecar(container):
            continue
        status = by_name.get(container["name"])
        state = (status or {}).get("state") or {}
        if status is None:
            unknown += 1
        elif "running" in state:
            if not status.get("started"):
                pending_sidecars += 1
            running += 1
        elif "waiting" in state and "terminated" not in (status.get("lastState") or {}):
            pending_sidecars += 1
            waiting += 1
    for container in spec.get("containers") or []:
        status = by_name.get(container["name"])
        state = (status or {}).get("state") or {}
        last = (status or {}).get("lastState") or {}
        if status is None:
            unknown += 1
        elif "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            if state["terminated"].get("exitCode", 0) == 0:
                succeeded += 1
        elif "waiting" in state:
            if "terminated" in last:
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1
    policy = spec.get("restartPolicy", "Always")
    if failed_init and policy == "Never":
        return "Failed"
    if pending_init or (pending_sidecars and not initialized_before) or waiting:
        return "Pending"
    if running and not unknown:
        return "Running"
    if not running and stopped and not unknown:
        if terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"
