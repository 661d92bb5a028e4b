"""`kubectl exec`: the kubelet finds the running container and has the runtime start a process
in it (pkg/kubelet/kubelet_pods.go GetExec → the CRI's Exec; containerd runs it in the
container's namespaces). The process is one of the image's programs (engine/node/programs.py),
usually a shell (engine/node/shell.py).

What the container holds is what the kubelet gave it when it started (the runtime keeps it in
the container's config): the environment (env, envFrom, plus the Service links of the Services
that existed then — kubelet_pods.go getServiceEnvVarMap), the files of its volumes, and the
/etc/hosts, /etc/hostname and /etc/resolv.conf the kubelet and the runtime write.

An `ExecSession` is one process: started by the API server's pods/exec handler, fed with the
client's stdin, read by the web layer (web/kube_api/exec.py) or the in-page kubectl.
"""

from __future__ import annotations

import hashlib
import random
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.apimachinery import errors
from engine.node import userland
from engine.node.behavior import effective_argv
from engine.node.cri import RUNNING, Container
from engine.node.network import DNS_IP, DOMAIN, Network, Route
from engine.node.programs import BUILTINS, PROGRAMS
from engine.node.shell import MAX_OUTPUT, Exit, Machine, Result, Shell
from engine.trace import Step, object_ref

if TYPE_CHECKING:
    from engine.node.kubelet import Kubelet

Obj = dict[str, Any]


@dataclass(frozen=True)
class ClusterView:
    """What an exec sees of the cluster beyond its own node: every kubelet (for the pods that
    answer a connection), what CoreDNS's and kube-proxy's informers hold (resource name -> its
    objects), and kube-proxy's random source."""

    kubelets: Callable[[], dict[str, Kubelet]]
    objects: Callable[[str], list[Obj]]
    rng: random.Random


SHELLS = ("sh", "ash", "dash", "bash")
MAX_LINE = 4096  # bytes of one stdin line (a terminal's canonical mode holds 4095)
HOSTS_HEADER = (
    "# Kubernetes-managed hosts file.\n"  # pkg/kubelet/kubelet_pods.go managedHostsHeader
)


class ExecError(Exception):
    """The program is not in the image: the process never starts."""


class ExecSession:
    """One process started by exec: its output so far, its exit code once it has one."""

    def __init__(self, shell: Shell, argv: list[str], tty: bool, stdin: bool) -> None:
        self.shell = shell
        self.argv = argv
        self.tty = tty
        self.stdin = stdin
        self.output: list[tuple[str, str]] = []  # (stdout|stderr, text), not yet taken
        self.code: int | None = None
        self.pending = ""  # stdin not yet a whole line
        self.interactive = argv[0].rsplit("/", 1)[-1] in SHELLS and len(argv) == 1 and stdin
        self.error = ""  # the runtime's error when the process could not start

    # ---- running ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Raises ExecError when the program is not in the image."""
        if self.shell.machine.find(self.argv[0]) is None:
            raise ExecError(self.argv[0])
        if self.interactive:
            if self.tty:
                self._print(Result(self.shell.prompt()))
        elif not self.stdin:
            self._finish(self._run(""))

    def feed(self, data: str) -> None:
        """Bytes from the client's stdin."""
        if self.code is not None:
            return
        self.pending += data
        if not self.interactive:
            if len(self.pending) > MAX_OUTPUT:
                self._finish(Result(err="stdin too long for Podlife's exec\n", code=1))
            return
        while self.code is None:
            cut = min(
                (i for i in (self.pending.find("\r"), self.pending.find("\n")) if i >= 0),
                default=-1,
            )
            if cut < 0:
                if len(self.pending) > MAX_LINE:
                    self.pending = ""
                    self._print(
                        Result(err=f"{self.shell.name}: line too long (over {MAX_LINE} bytes)\n")
                    )
                    self._prompt()
                return
            line, self.pending = (
                self.pending[:cut],
                self.pending[cut + 1 :].removeprefix("\n" if self.pending[cut] == "\r" else ""),
            )
            if self.tty:
                self._print(Result(line + "\n"))  # the terminal's echo
            self._line(line)

    def close_stdin(self) -> None:
        """The client's stdin ended (EOF): a shell reading it exits with its last status."""
        if self.code is not None:
            return
        if self.interactive:
            if self.pending:
                line, self.pending = self.pending, ""
                self._line(line)
            if self.code is None:
                self._finish(Result(code=self.shell.status))
        else:
            text, self.pending = self.pending, ""
            self._finish(self._run(text))

    def _line(self, line: str) -> None:
        try:
            result = self.shell.run(line, interactive=self.tty)
        except Exit as done:
            self._finish(Result(done.result.out, done.result.err, done.code))
            return
        self._print(result)
        self._prompt()

    def _prompt(self) -> None:
        if self.tty and self.code is None:
            self._print(Result(self.shell.prompt()))

    def _run(self, stdin: str) -> Result:
        program = self.shell.machine.find(self.argv[0])
        assert program is not None  # start() made sure
        try:
            return program(self.shell, self.argv, stdin)
        except Exit as done:
            return Result(code=done.code)

    def _print(self, result: Result) -> None:
        for stream, text in (("stdout", result.out), ("stderr", result.err)):
            if text:
                if self.tty:  # one terminal: stderr joins stdout, the line discipline adds \r
                    stream, text = "stdout", text.replace("\n", "\r\n")
                self.output.append((stream, text))

    def _finish(self, result: Result) -> None:
        self._print(result)
        self.code = result.code

    def take(self) -> list[tuple[str, str]]:
        out, self.output = self.output, []
        return out


def start(
    kubelet: Kubelet,
    pod: Obj,
    container_name: str,
    argv: list[str],
    tty: bool,
    stdin: bool,
    cluster: ClusterView,
) -> ExecSession:
    """GetExec and the runtime's Exec: the session, started; raises StatusError when there is
    no running container to exec in. A program not in the image is the session's `error`."""
    meta = pod["metadata"]
    container = _running(kubelet, meta["uid"], container_name)
    if container is None:
        # kubelet_pods.go GetExec; server.go answers it in plain text (streaming.WriteError)
        raise errors.BackendError(500, f'container not found ("{container_name}")')
    runtime = kubelet.runtime
    trace, now = kubelet.context.trace, kubelet.context.env.now
    ref = object_ref("Pod", meta["name"], meta.get("namespace", "default"))
    trace.emit(
        kubelet.id,
        runtime.id,
        "cri-request",
        f"Exec {' '.join(argv)[:80]} in container {container_name}",
        step=Step.RUN,
        obj=ref,
        data={"method": "Exec", "container": container_name, "containerId": container.id},
    )
    machine = _machine(kubelet, pod, container, cluster)
    machine.tty = tty
    shell = Shell(machine, machine.sh, argv[0])  # $0 as invoked
    session = ExecSession(shell, argv, tty, stdin)
    try:
        session.start()
    except ExecError:
        exec_id = hashlib.sha256(f"{container.id}/{now}/{argv}".encode()).hexdigest()
        message = (
            "error executing command in container: failed to exec in container: "
            f'failed to start exec "{exec_id}": OCI runtime exec failed: exec failed: unable to '
            f'start container process: exec: "{argv[0]}": executable file not found in $PATH: '
            "unknown"
        )
        trace.emit(
            runtime.id,
            kubelet.id,
            "cri-reply",
            f"Exec failed: {message}",
            step=Step.RUN,
            obj=ref,
            data={"method": "Exec", "containerId": container.id, "error": message},
        )
        trace.milestone(
            kubelet.id,
            f"kubectl exec: container {container_name} of pod {meta['name']} has no program "
            f"{argv[0]}: the image does not contain it, so nothing ran",
            ref,
            None,
            None,
            Step.RUN,
            node=kubelet.node_name,
        )
        session.error = message
        return session
    reply: dict[str, Any] = {"method": "Exec", "containerId": container.id}
    if session.code is not None:
        reply["exitCode"] = session.code
    said = f"exited with code {session.code}" if session.code is not None else "streaming"
    trace.emit(
        runtime.id, kubelet.id, "cri-reply", f"Exec {said}", step=Step.RUN, obj=ref, data=reply
    )
    ended = f": it exited with code {session.code}" if session.code is not None else ""
    trace.milestone(
        kubelet.id,
        f"kubectl exec: the kubelet on {kubelet.node_name} had the container runtime run "
        f"`{shlex.join(argv)[:80]}` in container {container_name} of pod {meta['name']}{ended}",
        ref,
        None,
        None,
        Step.RUN,
        node=kubelet.node_name,
    )
    return session


def _running(kubelet: Kubelet, uid: str, name: str) -> Container | None:
    for container in kubelet.runtime.pod_containers(uid):
        if container.name == name and container.state == RUNNING:
            return container
    return None


def _machine(kubelet: Kubelet, pod: Obj, container: Container, cluster: ClusterView) -> Machine:
    meta, spec = pod["metadata"], pod["spec"]
    namespace = meta.get("namespace", "default")
    hostname = spec.get("hostname") or meta["name"]
    sandbox = kubelet.runtime.sandboxes.get(container.sandbox_id)
    pod_ip = sandbox.ip if sandbox else ""
    land = userland.of(container.image)
    config = container.config
    env = userland.environ(container.image, hostname, config.env if config else {})
    files = {
        path: userland.fill(text, container.image, hostname) for path, text in land.files.items()
    }
    files.update({path: file.data for path, file in (config.files if config else {}).items()})
    files["/etc/hostname"] = hostname + "\n"
    files["/etc/hosts"] = _hosts(pod, pod_ip, hostname, namespace)
    files["/etc/resolv.conf"] = (
        f"search {namespace}.svc.{DOMAIN} svc.{DOMAIN} {DOMAIN}\n"
        f"nameserver {DNS_IP}\noptions ndots:5\n"
    )
    programs = {name: PROGRAMS[name] for name in land.programs if name in PROGRAMS}

    def containers() -> list[tuple[Container, str, str]]:
        found = []
        for node, other in sorted(cluster.kubelets().items()):
            if not other.running:
                continue
            for candidate in other.runtime.containers.values():
                box = other.runtime.sandboxes.get(candidate.sandbox_id)
                if candidate.state == RUNNING and box is not None:
                    found.append((candidate, node, box.ip))
        return found

    def on_route(route: Route) -> None:
        _trace_route(kubelet, meta["name"], namespace, route)

    clock = lambda: kubelet.context.env.now  # noqa: E731
    network = Network(
        namespace,
        pod_ip,
        kubelet.node_name,
        cluster.objects,
        containers,
        cluster.rng,
        clock,
        on_route,
    )
    argv = effective_argv(container.image, container.spec)
    return Machine(
        programs=programs,
        builtins=BUILTINS,
        env=env,
        hostname=hostname,
        files=files,
        clock=clock,
        sh="dash" if land.sh == "dash" else "ash",
        workdir=container.spec.get("workingDir") or "/",
        processes=[" ".join(argv)] if argv else [],
        network=network,
        family=container.image.family,
        version=container.image.version,
    )


def _hosts(pod: Obj, ip: str, hostname: str, namespace: str) -> str:
    """kubelet_pods.go managedHostsFileContent: the header, the loopback entries, the
    hostAliases, the pod's own name."""
    lines = [
        HOSTS_HEADER.rstrip("\n"),
        "127.0.0.1\tlocalhost",
        "::1\tlocalhost ip6-localhost ip6-loopback",
        "fe00::0\tip6-localnet",
        "fe00::0\tip6-mcastprefix",
        "fe00::1\tip6-allnodes",
        "fe00::2\tip6-allrouters",
    ]
    subdomain = pod["spec"].get("subdomain")
    if subdomain:
        lines.append(f"{ip}\t{hostname}.{subdomain}.{namespace}.svc.{DOMAIN}\t{hostname}")
    else:
        lines.append(f"{ip}\t{hostname}")
    for alias in pod["spec"].get("hostAliases") or []:
        lines.append("\t".join([str(alias.get("ip", "")), *map(str, alias.get("hostnames") or [])]))
    return "\n".join(lines) + "\n"


def _trace_route(kubelet: Kubelet, pod: str, namespace: str, route: Route) -> None:
    """A connection from the exec's pod, for the stage to draw, and the story's sentence."""
    if route.error == "unresolved":
        return
    trace = kubelet.context.trace
    source = f"container-runtime/{kubelet.node_name}"
    target = f"container-runtime/{route.node}" if route.node else source
    backend = route.backend.split("/", 1)[-1]
    service = route.service.split("/", 1)[-1]
    data = {
        "fromPod": f"{namespace}/{pod}",
        "service": route.service or None,
        "clusterIP": route.cluster_ip or None,
        "port": route.port,
        "backend": route.backend or None,
        "backendIP": route.backend_ip or None,
        "node": route.node or None,
        "code": route.code or None,
        "error": route.error or None,
        # The name looked up first (the page draws the query to CoreDNS), or null for an address.
        "dns": None
        if route.dns is None
        else {
            "server": route.dns.server,
            "pod": route.dns.pod,
            "node": route.dns.node,
            "name": route.dns.name,
            "answer": (route.dns.ips or (None,))[0],
        },
    }
    obj = (
        object_ref("Service", service, namespace) if service else object_ref("Pod", pod, namespace)
    )
    where = (
        f"Service {service} ({route.cluster_ip}:{route.port})"
        if service
        else f"{route.backend_ip}:{route.port}"
    )
    trace.emit(
        source,
        target,
        "connection",
        f"{pod} → {where}" + (f" → {backend}" if backend else ""),
        step=Step.RUN,
        obj=obj,
        data=data,
    )
    if not service:
        return
    who = f"{route.client} in pod {pod}"
    if route.dns is not None:
        dns_pod = route.dns.pod.split("/", 1)[-1]
        who += (
            f" looked up {route.dns.name} (the cluster's DNS, CoreDNS pod {dns_pod} on "
            f"{route.dns.node}, answered {route.cluster_ip}) and"
        )
    if route.code:
        headline = (
            f"{who} asked the Service {service} ({route.cluster_ip}): kube-proxy's rules "
            f"sent it to pod {backend} on {route.node}, which answered {route.code}"
        )
    elif route.error == "refused":
        headline = (
            f"{who} asked the Service {service} ({route.cluster_ip}), which has no ready "
            "pods: kube-proxy's rules refused the connection"
        )
    else:
        headline = (
            f"{who} got no answer from the Service {service} ({route.cluster_ip}): "
            f"it has no port {route.port}"
        )
    trace.milestone(
        source, headline, obj, None, None, Step.RUN, node=route.node or None, ip=route.cluster_ip
    )
