"""`kubectl logs` (and the way to the kubelets for `kubectl exec`, engine/node/exec.py): the
API server asks the pod's kubelet, which reads the runtime's log
(pkg/kubelet/kubelet_pods.go GetKubeletContainerLogs, validateContainerLogStatus;
pkg/kubelet/kuberuntime/logs/logs.go for the options and the timestamp format).

The kubelets of a cluster register here; the cluster makes the registry the API server's
`read_logs` hook, so pods/log reaches the pod's kubelet as upstream's LogREST dials it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from engine import timeutil
from engine.apimachinery import errors
from engine.node import exec as node_exec
from engine.node.command import Line

if TYPE_CHECKING:
    from engine.context import Context
    from engine.node.kubelet import Kubelet

Obj = dict[str, Any]


class NodeRegistry:
    """The kubelets running in one cluster, by node name."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.kubelets: dict[str, Kubelet] = {}
        # What CoreDNS's and kube-proxy's informers would hold, for exec's network (the
        # cluster sets it: resource name -> its objects); kube-proxy's own random source.
        self.objects: Callable[[str], list[Obj]] = lambda resource: []
        self.proxy_rng = random.Random("kube-proxy")

    @classmethod
    def of(cls, context: Context) -> NodeRegistry:
        registry: NodeRegistry | None = context.extensions.get("node-registry")
        if registry is None:
            registry = context.extensions["node-registry"] = cls(context)
        return registry

    def register(self, kubelet: Kubelet) -> None:
        self.kubelets[kubelet.node_name] = kubelet

    def unregister(self, kubelet: Kubelet) -> None:
        if self.kubelets.get(kubelet.node_name) is kubelet:
            del self.kubelets[kubelet.node_name]

    def _kubelet(self, pod: Obj, what: str) -> Kubelet:
        """The pod's kubelet, or the API server's error dialing it."""
        kubelet = self.kubelets.get(pod["spec"].get("nodeName", ""))
        if kubelet is None or not kubelet.running:
            host = (pod.get("status") or {}).get("hostIP", "")
            ip = host or (kubelet.host_ip if kubelet else "")
            raise errors.StatusError(
                500,
                "InternalError",
                f'Get "https://{ip}:10250/{what}": '
                f"dial tcp {ip}:10250: connect: connection refused",
            )
        return kubelet

    def exec(
        self, pod: Obj, container: str, command: list[str], tty: bool, stdin: bool
    ) -> node_exec.ExecSession:
        meta = pod["metadata"]
        kubelet = self._kubelet(pod, f"exec/{meta['namespace']}/{meta['name']}/{container}")
        around = node_exec.ClusterView(lambda: self.kubelets, self.objects, self.proxy_rng)
        return node_exec.start(kubelet, pod, container, command, tty, stdin, around)

    def read_logs(self, pod: Obj, container: str, query: dict[str, str]) -> str:
        meta = pod["metadata"]
        kubelet = self._kubelet(
            pod, f"containerLogs/{meta['namespace']}/{meta['name']}/{container}"
        )
        status = kubelet.status_manager.get_pod_status(meta["uid"]) or pod.get("status") or {}
        container_id = _container_id(meta["name"], status, container, _true(query, "previous"))
        found = kubelet.runtime.containers.get(container_id)
        if found is None:
            raise errors.bad_request(
                f'container "{container}" in pod "{meta["name"]}" is not available'
            )
        now = self.context.env.now
        return format_lines(found.log_lines(now), query, now)


def _true(query: dict[str, str], key: str) -> bool:
    return query.get(key, "").lower() in ("true", "1")


def _container_id(pod_name: str, status: Obj, container: str, previous: bool) -> str:
    """validateContainerLogStatus: which run of the container to read, or why none."""
    found = None
    for key in ("containerStatuses", "initContainerStatuses"):
        for entry in status.get(key) or []:
            if entry.get("name") == container:
                found = entry
    where = f'container "{container}" in pod "{pod_name}"'
    if found is None:
        raise errors.bad_request(f"{where} is not available")
    state = found.get("state") or {}
    last = (found.get("lastState") or {}).get("terminated")
    cid = ""
    if previous:
        if not last or not last.get("containerID"):
            raise errors.bad_request(
                f'previous terminated container "{container}" in pod "{pod_name}" not found'
            )
        cid = last["containerID"]
    elif "running" in state:
        cid = found.get("containerID", "")
    elif "terminated" in state:
        cid = state["terminated"].get("containerID") or (last or {}).get("containerID", "")
        if not cid:
            raise errors.bad_request(f"{where} is terminated")
    elif last:
        cid = last.get("containerID", "")
        if not cid:
            raise errors.bad_request(f"{where} is terminated")
    elif "waiting" in state:
        reason = (state["waiting"] or {}).get("reason", "")
        detail = {
            "ErrImagePull": "image can't be pulled",
            "ImagePullBackOff": "trying and failing to pull image",
        }.get(reason, reason)
        raise errors.bad_request(f"{where} is waiting to start: {detail}")
    else:
        raise errors.bad_request(f"{where} is waiting to start - no logs yet")
    return str(cid).removeprefix("containerd://")


def format_lines(lines: list[Line], query: dict[str, str], now: float) -> str:
    """Apply sinceSeconds/sinceTime, tailLines, timestamps and limitBytes (PodLogOptions)."""
    since = query.get("sinceSeconds", "")
    if since.isdigit():
        lines = [line for line in lines if line.at >= now - int(since)]
    elif query.get("sinceTime"):
        try:
            start = timeutil.parse_rfc3339(query["sinceTime"])
        except ValueError:
            raise errors.bad_request(f'invalid sinceTime "{query["sinceTime"]}"') from None
        lines = [line for line in lines if line.at >= start]
    tail = query.get("tailLines", "")
    if tail.lstrip("-").isdigit() and int(tail) >= 0:
        lines = lines[len(lines) - int(tail) :] if int(tail) else []
    stamps = _true(query, "timestamps")
    out = "".join((f"{_stamp(line.at)} " if stamps else "") + line.text + "\n" for line in lines)
    limit = query.get("limitBytes", "")
    if limit.isdigit():
        out = out[: int(limit)]
    return out


def _stamp(at: float) -> str:
    """RFC 3339 with nine fixed fractional digits (logs.go timeFormatOut)."""
    nanos = round(at * 1_000_000_000)
    whole, frac = divmod(nanos, 1_000_000_000)
    return timeutil.to_datetime(whole).strftime("%Y-%m-%dT%H:%M:%S") + f".{frac:09d}Z"
