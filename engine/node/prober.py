"""Liveness, readiness and startup probes (pkg/kubelet/prober: prober_manager.go, worker.go,
prober.go; pkg/probe/http, tcp, exec for what a probe sees).

One worker per probe of a running container. A probe runs at initialDelaySeconds after the
container started and then every periodSeconds; successThreshold / failureThreshold
consecutive results flip what the kubelet believes. What the probe sees comes from the
container's Behavior (a port that listens, a path that answers 200 or 500, a file that exists).

Lazy where nothing can change: while a probe succeeds and the container's behaviour has no
change ahead, the worker sleeps until the next moment something could differ instead of
probing every period (real kubelets do probe; the result would be the same). Failing probes run
every period, because each failure is an Unhealthy event.

A probe that raises (a probe spec too malformed to run) has "errored", as prober.go calls a
probe whose execution failed: it is reported once, its result is thrown away, and the worker
tries again next period.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.node.behavior import Behavior
from engine.node.command import interpret
from engine.node.cri import RUNNING, Container
from engine.trace import Step, ref_of
from engine.utilruntime import describe, klog_line

if TYPE_CHECKING:
    from engine.node.kubelet import Kubelet

Obj = dict[str, Any]

LIVENESS, READINESS, STARTUP = "Liveness", "Readiness", "Startup"
_SPEC_KEYS = {LIVENESS: "livenessProbe", READINESS: "readinessProbe", STARTUP: "startupProbe"}
LOOKAHEAD = 64  # ticks a readiness/startup worker looks ahead to see if it will succeed


@dataclass(frozen=True)
class Outcome:
    ok: bool
    output: str  # the failure text the Unhealthy event carries
    action: str  # what was probed, for the trace: `HTTP GET http://10.244.1.2:80/`


def resolve_port(port: Any, container: Obj) -> int | None:
    if isinstance(port, int):
        return port
    if isinstance(port, str) and port.isdigit():
        return int(port)
    for declared in container.get("ports") or []:
        if declared.get("name") == port:
            return int(declared.get("containerPort", 0))
    return None


def run_probe(probe: Obj, container: Obj, behavior: Behavior, ip: str, elapsed: float) -> Outcome:
    """What one probe sees `elapsed` seconds after the container started."""
    listening = behavior.listening(elapsed)
    if "httpGet" in probe:
        action = probe["httpGet"]
        port = resolve_port(action.get("port"), container)
        host = action.get("host") or ip
        scheme = str(action.get("scheme", "HTTP")).lower()
        path = action.get("path") or "/"
        url = f"{scheme}://{host}:{port}{path}"
        what = f"HTTP GET {url}"
        listener = behavior.listener(port) if (listening and port is not None) else None
        if listener is None:
            return Outcome(
                False, f'Get "{url}": dial tcp {host}:{port}: connect: connection refused', what
            )
        if listener.protocol != "http":
            detail = (
                "net/http: HTTP/1.x transport connection broken: malformed HTTP response "
                "\"-ERR wrong number of arguments for 'get' command\""
                if listener.protocol == "redis"
                else "EOF"
            )
            return Outcome(False, f'Get "{url}": {detail}', what)
        code = listener.status_code(path, elapsed)
        if 200 <= code < 400:
            return Outcome(True, "", f"{what}: {code}")
        return Outcome(False, f"HTTP probe failed with statuscode: {code}", what)
    if "tcpSocket" in probe:
        action = probe["tcpSocket"]
        port = resolve_port(action.get("port"), container)
        host = action.get("host") or ip
        what = f"TCP connect {host}:{port}"
        if listening and port is not None and behavior.listener(port) is not None:
            return Outcome(True, "", what)
        return Outcome(False, f"dial tcp {host}:{port}: connect: connection refused", what)
    if "grpc" in probe:
        port = int(probe["grpc"].get("port", 0))
        what = f"gRPC health check {ip}:{port}"
        if listening and behavior.listener(port) is not None:
            return Outcome(True, "", what)
        return Outcome(
            False,
            f'failed to connect service "{ip}:{port}" within {probe.get("timeoutSeconds", 1)}s: '
            "context deadline exceeded",
            what,
        )
    if "exec" in probe:
        return _exec(probe["exec"].get("command") or [], behavior, elapsed)
    return Outcome(True, "", "no handler")


def _exec(argv: list[str], behavior: Behavior, elapsed: float) -> Outcome:
    what = "exec " + " ".join(argv)
    words = list(argv)
    if words[:1] and words[0].rsplit("/", 1)[-1] in ("sh", "bash", "ash") and words[1:2] == ["-c"]:
        words = words[2].split() if len(words) > 2 else []
    name = words[0].rsplit("/", 1)[-1] if words else ""
    if name in ("cat", "test", "ls", "stat", "[") and len(words) > 1:
        path = words[-1].rstrip("]").strip() or words[-2]
        if behavior.file_exists(path, elapsed):
            return Outcome(True, "", what)
        if name != "cat":
            return Outcome(False, "", what)
        busybox = behavior.family in ("busybox", "alpine")
        message = (
            f"cat: can't open '{path}': No such file or directory"
            if busybox
            else f"cat: {path}: No such file or directory"
        )
        return Outcome(False, message, what)
    if name == "redis-cli":
        if behavior.listening(elapsed) and any(
            lst.protocol == "redis" for lst in behavior.listeners
        ):
            return Outcome(True, "PONG", what)
        return Outcome(
            False, "Could not connect to Redis at 127.0.0.1:6379: Connection refused", what
        )
    if name == "pg_isready":
        if behavior.listening(elapsed) and behavior.listeners:
            return Outcome(True, "/var/run/postgresql:5432 - accepting connections", what)
        return Outcome(False, "/var/run/postgresql:5432 - no response", what)
    if name == "mysqladmin":
        if behavior.listening(elapsed) and behavior.listeners:
            return Outcome(True, "mysqld is alive", what)
        return Outcome(
            False,
            "mysqladmin: connect to server at 'localhost' failed\n"
            "error: 'Can't connect to local MySQL server through socket "
            "'/var/run/mysqld/mysqld.sock' (2)'",
            what,
        )
    program = interpret(argv, {}, "", True, 0.0)
    if program.exit_code != 0:
        return Outcome(False, "\n".join(line.text for line in program.lines), what)
    return Outcome(True, "", what)


class ProbeWorker:
    """One probe of one container instance (prober/worker.go)."""

    def __init__(
        self,
        manager: ProbeManager,
        pod: Obj,
        container: Container,
        spec: Obj,
        kind: str,
        probe: Obj,
    ) -> None:
        self.manager = manager
        self.pod = pod
        self.container = container
        self.spec = spec
        self.kind = kind
        self.probe = probe
        self.period = float(probe.get("periodSeconds", 10))
        self.success_threshold = int(probe.get("successThreshold", 1))
        self.failure_threshold = int(probe.get("failureThreshold", 3))
        # readiness starts not ready; liveness starts healthy; startup starts unknown
        self.result: bool | None = {READINESS: False, LIVENESS: True, STARTUP: None}[kind]
        self.initial = self.result
        self.last: bool | None = None
        self.last_raw: bool | None = None
        self.run = 0
        self.on_hold = False
        self.stopped = False
        self.origin = 0.0  # tick k happens at origin + k * period

    @property
    def behavior(self) -> Behavior:
        assert self.container.behavior is not None
        return self.container.behavior

    def start(self, not_before: float) -> None:
        delay = float(self.probe.get("initialDelaySeconds", 0) or 0)
        self.origin = max(self.container.started_at + delay, not_before)
        self._schedule(self.origin)

    def stop(self) -> None:
        self.stopped = True

    def _alive(self) -> bool:
        return (
            not self.stopped
            and not self.on_hold
            and self.container.state == RUNNING
            and self.manager.kubelet.running
        )

    def _outcome(self, when: float) -> Outcome:
        sandbox = self.manager.kubelet.runtime.sandboxes.get(self.container.sandbox_id)
        ip = sandbox.ip if sandbox else ""
        return run_probe(self.probe, self.spec, self.behavior, ip, when - self.container.started_at)

    def _schedule(self, when: float) -> None:
        if math.isinf(when):
            return  # nothing will ever change what this probe sees
        env = self.manager.kubelet.context.env
        env.schedule(max(0.0, when - env.now), self._tick, background=not self._will_flip(when))

    def _tick(self) -> None:
        try:
            self._probe()
        except Exception as error:
            self._errored(error)

    def _errored(self, error: Exception) -> None:
        """prober.go: "Probe errored"; worker.go throws the result away and keeps probing."""
        kubelet = self.manager.kubelet
        meta = self.pod.get("metadata") or {}
        key = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
        text = describe(error)
        kubelet.errors.handle_error(
            key,
            klog_line(
                "Probe errored",
                probeType=self.kind,
                pod=key,
                podUID=str(meta.get("uid", "")),
                containerName=str(self.spec.get("name", "")),
                err=text,
            ),
            error=error,
            obj=ref_of(self.pod),
            data={"error": text},
        )
        if self._alive():
            kubelet.context.env.schedule(self.period, self._tick, background=True)

    def _probe(self) -> None:
        if not self._alive():
            return
        now = self.manager.kubelet.context.env.now
        outcome = self._outcome(now)
        self._trace(outcome)
        if not outcome.ok:
            self.manager.kubelet.event(
                self.pod,
                "Warning",
                "Unhealthy",
                f"{self.kind} probe failed: {outcome.output}",
                self.manager.kubelet.field_path(self.pod, self.spec["name"]),
            )
        self._count(outcome.ok)
        if self.kind in (LIVENESS, STARTUP) and self.result is False:
            self.on_hold = True  # until the container restarts (a new worker)
            self.manager.changed(self)
            return
        if self.result != self.last:
            self.last = self.result
            self.manager.changed(self)
        if self.kind == STARTUP and self.result is True:
            return  # startup probes stop once they succeed
        self._schedule(self._next_tick(now, outcome.ok))

    def _count(self, ok: bool) -> None:
        if self.run and self.last_raw == ok:
            self.run += 1
        else:
            self.run = 1
        self.last_raw = ok
        threshold = self.success_threshold if ok else self.failure_threshold
        if self.run >= threshold:
            self.result = ok

    def _next_tick(self, now: float, ok: bool) -> float:
        following = now + self.period
        if not ok or self.result is not True:
            return following
        # Healthy and believed healthy: nothing to see until the behaviour can change.
        elapsed = now - self.container.started_at
        ahead = [p for p in self.behavior.change_points() if p > elapsed]
        if not ahead:
            return math.inf
        change = self.container.started_at + ahead[0]
        k = math.ceil((change - self.origin) / self.period - 1e-9)
        return max(following, self.origin + k * self.period)

    def _will_flip(self, when: float) -> bool:
        """Readiness and startup probes that are about to succeed for the first time are part
        of the pod starting (the cluster is not settled until they have); everything else a
        probe does later is the kubelet's background routine."""
        if self.kind == LIVENESS or self.result != self.initial or math.isinf(when):
            return False
        run, last = self.run, self.last_raw
        t = when
        for _ in range(LOOKAHEAD):
            ok = self._outcome(t).ok
            run = run + 1 if (run and last == ok) else 1
            last = ok
            if ok and run >= self.success_threshold:
                return True
            t += self.period
        return False

    def _trace(self, outcome: Outcome) -> None:
        kubelet = self.manager.kubelet
        verdict = "succeeded" if outcome.ok else f"failed: {outcome.output}"
        kubelet.context.trace.emit(
            kubelet.id,
            kubelet.id,
            "probe",
            f"{self.kind} probe of {self.spec['name']} {verdict} ({outcome.action})",
            step=Step.RUN,
            obj=ref_of(self.pod),
            data={"probe": self.kind.lower(), "container": self.spec["name"], "ok": outcome.ok},
        )


class ProbeManager:
    """prober_manager.go: the workers and their latest results, by container id."""

    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet
        self.workers: dict[tuple[str, str], ProbeWorker] = {}
        self.on_change: Callable[[Obj], None] | None = None

    def ensure_workers(self, pod: Obj, container: Container, spec: Obj) -> None:
        """Start the probes of a running container (once per container instance)."""
        if container.state != RUNNING:
            return
        for kind, key in _SPEC_KEYS.items():
            probe = spec.get(key)
            if not probe or (container.id, kind) in self.workers:
                continue
            worker = ProbeWorker(self, pod, container, spec, kind, probe)
            self.workers[(container.id, kind)] = worker
            if kind == STARTUP or STARTUP not in self._kinds(spec):
                worker.start(self.kubelet.context.env.now)

    def _kinds(self, spec: Obj) -> set[str]:
        return {kind for kind, key in _SPEC_KEYS.items() if spec.get(key)}

    def started(self, container_id: str, spec: Obj) -> bool:
        worker = self.workers.get((container_id, STARTUP))
        if not spec.get("startupProbe"):
            return True
        return worker is not None and worker.result is True

    def ready(self, container_id: str, spec: Obj) -> bool:
        if not spec.get("readinessProbe"):
            return True
        worker = self.workers.get((container_id, READINESS))
        return worker is not None and worker.result is True

    def failed(self, container_id: str) -> str:
        """LIVENESS or STARTUP when that probe says the container must be restarted."""
        for kind in (LIVENESS, STARTUP):
            worker = self.workers.get((container_id, kind))
            if worker is not None and worker.result is False:
                return kind
        return ""

    def changed(self, worker: ProbeWorker) -> None:
        if worker.kind == STARTUP and worker.result is True:
            # Readiness and liveness begin once the container has started.
            for kind in (READINESS, LIVENESS):
                other = self.workers.get((worker.container.id, kind))
                if other is not None:
                    other.start(self.kubelet.context.env.now)
        if self.on_change is not None:
            self.on_change(worker.pod)

    def remove_container(self, container_id: str) -> None:
        for kind in _SPEC_KEYS:
            worker = self.workers.pop((container_id, kind), None)
            if worker is not None:
                worker.stop()

    def remove_pod(self, pod_uid: str) -> None:
        for key in [k for k, w in self.workers.items() if w.container.pod_uid == pod_uid]:
            self.workers.pop(key).stop()

    def stop_all(self) -> None:
        for worker in self.workers.values():
            worker.stop()
        self.workers.clear()
