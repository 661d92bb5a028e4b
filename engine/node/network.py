"""The pod network as a process inside a container meets it: the cluster's DNS (CoreDNS's
`kubernetes` plugin), Service ClusterIPs (kube-proxy's rules) and the pods' own servers.

`nslookup`, `wget` and `curl` in an exec (engine/node/programs.py) come here. A name is tried
with the pod's search domains first (resolv.conf's `ndots:5`), as the resolver does; a
Service name gives its ClusterIP (a headless Service: its ready pods' IPs); a ClusterIP:port is
sent to one ready endpoint chosen at random (kube-proxy's iptables rules pick with equal
probability, pkg/proxy/iptables/proxier.go writeServiceToEndpointRules), then that pod's
container answers as its image does (engine/node/userland.py).

CoreDNS and kube-proxy are not components of this cluster: what their informers would hold
is read from storage as the exec runs (`objects`). There is no world outside the cluster:
names that are not the cluster's do not resolve.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from engine import timeutil
from engine.node import userland
from engine.node.shell import Result, Shell

if TYPE_CHECKING:
    from engine.node.cri import Container

Obj = dict[str, Any]
DNS_IP = "10.96.0.10"  # kubeadm's clusterDNS: the tenth IP of the Service range
DNS_NAME = "kube-dns.kube-system.svc.cluster.local"
DOMAIN = "cluster.local"


@dataclass(frozen=True)
class Route:
    """Where a connection went: through a Service (if any) to a pod."""

    service: str = ""  # namespace/name
    cluster_ip: str = ""
    backend: str = ""  # the chosen pod's namespace/name
    backend_ip: str = ""
    node: str = ""
    port: int = 0
    code: int = 0  # the HTTP status the pod answered; 0: no answer
    error: str = ""  # refused, timeout, unresolved
    client: str = ""  # the program that connected: curl, wget


@dataclass(frozen=True)
class Answer:
    code: int
    body: str
    server: str  # the Server header


class Network:
    def __init__(
        self,
        namespace: str,
        pod_ip: str,
        objects: Callable[[str], list[Obj]],
        containers: Callable[[], list[tuple[Container, str, str]]],
        rng: random.Random,
        clock: Callable[[], float],
        on_route: Callable[[Route], None],
    ) -> None:
        self.namespace = namespace
        self.pod_ip = pod_ip
        self.objects = (
            objects  # resource name -> every object of it (services, endpointslices, pods)
        )
        self.containers = containers  # every running container, with its node and pod IP
        self.rng = rng
        self.clock = clock
        self.on_route = on_route

    # ---- DNS -----------------------------------------------------------------------------------
    def search(self) -> list[str]:
        return [f"{self.namespace}.svc.{DOMAIN}", f"svc.{DOMAIN}", DOMAIN]

    def resolve(self, name: str) -> tuple[str, list[str], Obj | None] | None:
        """(the name that answered, its addresses, the Service) or None (NXDOMAIN)."""
        name = name.rstrip(".")
        if _is_ip(name):
            return name, [name], None
        if name == "localhost":
            return name, ["127.0.0.1"], None
        tries = [f"{name}.{domain}" for domain in self.search()] if name.count(".") < 5 else []
        for fqdn in [*tries, name]:
            found = self._service_record(fqdn)
            if found is not None:
                return fqdn, *found
        return None

    def _service_record(self, fqdn: str) -> tuple[list[str], Obj] | None:
        """CoreDNS's kubernetes plugin: <service>.<namespace>.svc.cluster.local, and for a
        headless Service <hostname>.<service>.<namespace>.svc.cluster.local, the ready
        endpoint the EndpointSlice controller gave that hostname (a StatefulSet's pod)."""
        parts = fqdn.split(".")
        hostname = parts.pop(0) if len(parts) == 6 else ""
        if len(parts) != 5 or ".".join(parts[2:]) != f"svc.{DOMAIN}":
            return None
        service = self._service(parts[1], parts[0])
        if service is None:
            return None
        if hostname:
            ips = sorted({e[1] for e in self._ready_endpoints(service, None) if e[3] == hostname})
            return (ips, service) if ips else None
        ip = (service.get("spec") or {}).get("clusterIP", "")
        if ip and ip != "None":
            return [ip], service
        pods = sorted({e[1] for e in self._ready_endpoints(service, None)})
        return (pods, service) if pods else None

    def _service(self, namespace: str, name: str) -> Obj | None:
        for service in self.objects("services"):
            meta = service.get("metadata") or {}
            if meta.get("name") == name and meta.get("namespace", "default") == namespace:
                return service
        return None

    def nslookup(self, shell: Shell, name: str) -> Result:
        """busybox's nslookup: 1.28 (the docs' DNS debugging image) prints the old format;
        later versions print the one modelled on BIND's."""
        found = self.resolve(name)
        if _old_busybox(shell.machine.version):
            head = f"Server:    {DNS_IP}\nAddress 1: {DNS_IP} {DNS_NAME}\n\n"
            if found is None:
                return Result(head, f"nslookup: can't resolve '{name}'\n", 1)
            fqdn, ips, _ = found
            rows = "".join(
                f"Address {k}: {ip}"
                + (f" {self._ptr(ip, fqdn)}" if self._ptr(ip, fqdn) else "")
                + "\n"
                for k, ip in enumerate(ips, 1)
            )
            return Result(f"{head}Name:      {name}\n{rows}", "", 0)
        head = f"Server:\t\t{DNS_IP}\nAddress:\t{DNS_IP}:53\n\n"
        if found is None:
            tried = [f"{name}.{d}" for d in self.search()] + [name]
            misses = "".join(f"** server can't find {t}: NXDOMAIN\n\n" for t in tried)
            return Result(head + misses, "", 1)
        fqdn, ips, _ = found
        rows = "".join(f"Name:\t{fqdn}\nAddress: {ip}\n" for ip in ips)
        return Result(f"{head}{rows}\n", "", 0)

    def _ptr(self, ip: str, fqdn: str) -> str:
        """The reverse name busybox 1.28 prints after each address."""
        if ip == fqdn:
            return ""
        if fqdn.count(".") == 5:  # a pod's own name in its headless Service
            return fqdn
        for pod in self.objects("pods"):
            if (pod.get("status") or {}).get("podIP") == ip:
                return f"{ip.replace('.', '-')}.{fqdn.split('.', 1)[1]}"
        return fqdn

    # ---- connections ---------------------------------------------------------------------------
    def _ready_endpoints(self, service: Obj, port: Obj | None) -> list[tuple[str, str, int, str]]:
        """(pod namespace/name, IP, target port, hostname) of the Service's ready endpoints."""
        meta = service.get("metadata") or {}
        name, namespace = meta.get("name"), meta.get("namespace", "default")
        found: list[tuple[str, str, int, str]] = []
        for slice_ in self.objects("endpointslices"):
            smeta = slice_.get("metadata") or {}
            labels = smeta.get("labels") or {}
            if (
                smeta.get("namespace") != namespace
                or labels.get("kubernetes.io/service-name") != name
            ):
                continue
            number = 0
            for entry in slice_.get("ports") or []:
                if port is None or (entry.get("name") or "") == (port.get("name") or ""):
                    number = int(entry.get("port") or 0)
            for endpoint in slice_.get("endpoints") or []:
                if (endpoint.get("conditions") or {}).get("ready") is False:
                    continue
                ref = endpoint.get("targetRef") or {}
                for ip in endpoint.get("addresses") or []:
                    pod = f"{ref.get('namespace', namespace)}/{ref.get('name', '')}"
                    found.append((pod, ip, number, str(endpoint.get("hostname") or "")))
        return sorted(found)

    def connect(self, host: str, port: int, path: str) -> tuple[Route, Answer | None]:
        """One HTTP GET: through kube-proxy when `host` is a ClusterIP."""
        resolved = self.resolve(host)
        if resolved is None:
            return Route(error="unresolved"), None
        _, ips, service = resolved
        ip = ips[0]
        if service is not None and (service.get("spec") or {}).get("clusterIP") == ip:
            meta = service["metadata"]
            where = f"{meta.get('namespace', 'default')}/{meta['name']}"
            ports = [p for p in service["spec"].get("ports") or [] if p.get("port") == port]
            if not ports:
                return Route(where, ip, port=port, error="timeout"), None
            endpoints = self._ready_endpoints(service, ports[0])
            if not endpoints:
                # A Service without endpoints: kube-proxy's rule REJECTs (icmp-port-unreachable).
                return Route(where, ip, port=port, error="refused"), None
            backend, backend_ip, target, _hostname = self.rng.choice(endpoints)
            route, answer = self._pod(backend_ip, target, path)
            return Route(
                where, ip, backend, backend_ip, route.node, port, route.code, route.error
            ), answer
        if ip == "127.0.0.1":
            ip = self.pod_ip
        return self._pod(ip, port, path)

    def _pod(self, ip: str, port: int, path: str) -> tuple[Route, Answer | None]:
        for container, node, pod_ip in self.containers():
            if pod_ip != ip or container.behavior is None:
                continue
            listener = container.behavior.listener(port)
            elapsed = self.clock() - container.started_at
            if listener is None or not container.behavior.listening(elapsed):
                continue
            name = f"{container.pod.namespace}/{container.pod.name}"
            if listener.protocol != "http":
                return Route(
                    backend=name, backend_ip=ip, node=node, port=port, error="not-http"
                ), None
            code = listener.status_code(path, elapsed)
            answer = userland.http_answer(container.image, container.pod.name, path, code)
            return Route(
                backend=name, backend_ip=ip, node=node, port=port, code=answer.code
            ), Answer(answer.code, answer.body, answer.server)
        return Route(backend_ip=ip, port=port, error="refused"), None

    # ---- the clients ---------------------------------------------------------------------------
    def _fetch(self, url: str, client: str) -> tuple[str, str, int, str, Route, Answer | None]:
        parts = urlsplit(url if "://" in url else "http://" + url)
        host = parts.hostname or ""
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            port = 80
        path = parts.path or "/"
        route, answer = self.connect(host, port, path)
        self.on_route(replace(route, client=client))
        resolved = self.resolve(host)
        ip = resolved[1][0] if resolved else ""
        return host, ip, port, path, route, answer

    def wget(self, shell: Shell, url: str, quiet: bool, output: str | None, spider: bool) -> Result:
        host, ip, port, path, route, answer = self._fetch(url, "wget")
        if route.error == "unresolved":
            return Result(err=f"wget: bad address '{host}'\n", code=1)
        note = "" if quiet else f"Connecting to {host} ({ip}:{port})\n"
        if answer is None:
            why = {"timeout": "Connection timed out", "not-http": "Connection reset by peer"}
            text = why.get(route.error, "Connection refused")
            if route.error == "not-http":
                return Result(err=note + f"wget: error getting response: {text}\n", code=1)
            return Result(err=note + f"wget: can't connect to remote host ({ip}): {text}\n", code=1)
        if answer.code >= 400:
            reason = userland.REASONS.get(answer.code, "")
            return Result(
                err=note + f"wget: server returned error: HTTP/1.1 {answer.code} {reason}\n", code=1
            )
        if spider:
            return Result(err=note + ("" if quiet else "remote file exists\n"))
        size = len(answer.body.encode())
        if output in ("-", "/dev/stdout"):
            bar = "" if quiet else f"writing to stdout\n-{_bar(size)}written to stdout\n"
            return Result(answer.body, note + bar)
        name = output or (path.rstrip("/").rsplit("/", 1)[-1] or "index.html")
        shell.machine.write(shell.path(name), answer.body)
        bar = "" if quiet else f"saving to '{name}'\n{name:<20}{_bar(size)[1:]}'{name}' saved\n"
        return Result("", note + bar)

    def curl(self, shell: Shell, url: str, flags: set[str], output: str | None) -> Result:
        host, _, port, _, route, answer = self._fetch(url, "curl")
        silent = "s" in flags and "S" not in flags

        def fail(code: int, text: str) -> Result:
            return Result(err="" if silent else f"curl: ({code}) {text}\n", code=code)

        if route.error == "unresolved":
            return fail(6, f"Could not resolve host: {host}")
        if answer is None:
            if route.error == "timeout":
                return fail(
                    28,
                    f"Failed to connect to {host} port {port} after 130000 ms: Timeout was reached",
                )
            if route.error == "not-http":
                return fail(52, "Empty reply from server")
            return fail(
                7, f"Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"
            )
        if "f" in flags and answer.code >= 400:
            return fail(22, f"The requested URL returned error: {answer.code}")
        head = (
            f"HTTP/1.1 {answer.code} {userland.REASONS.get(answer.code, '')}\r\n"
            + (f"Server: {answer.server}\r\n" if answer.server else "")
            + f"Date: {_http_date(self.clock())}\r\n"
            + f"Content-Length: {len(answer.body.encode())}\r\n\r\n"
        )
        body = head if "I" in flags else (head if "i" in flags else "") + answer.body
        meter = ""
        if not silent and not shell.machine.tty and "s" not in flags:
            size = len(body.encode())
            meter = (
                "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
                "                                 Dload  Upload   Total   Spent    Left  Speed\n"
                f"100 {size:>5}  100 {size:>5}    0     0   {size}k      0 --:--:-- --:--:-- "
                f"--:--:--  {size}k\n"
            )
        if output and output != "-":
            if output != "/dev/null":
                shell.machine.write(shell.path(output), body)
            return Result("", meter)
        return Result(body, meter)


def _http_date(at: float) -> str:
    return timeutil.to_datetime(at).strftime("%a, %d %b %Y %H:%M:%S GMT")


def _bar(size: int) -> str:
    return f"                    100% |********************************| {size:>5}  0:00:00 ETA\n"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _old_busybox(version: str) -> bool:
    """busybox before 1.29 has the old nslookup (the docs pin busybox:1.28 for it)."""
    try:
        major, minor = (int(x) for x in version.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) < (1, 29)
