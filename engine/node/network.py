"""A pod's network, as the programs of an exec see it (curl, wget, nslookup).

`nslookup`, `wget` and `curl` in an exec (engine/node/programs.py) come here. A name is looked
up as the pod's resolver does (resolv.conf: the search domains first, `ndots:5`): each query
goes to the nameserver the kubelet wrote there, the kube-dns Service's ClusterIP, which the
node's kube-proxy rules (engine/proxy/rules.py) send to one ready CoreDNS pod; CoreDNS answers
from its records (engine/addons/coredns.py). With no ready CoreDNS pod behind kube-dns the
query times out. A connection to a ClusterIP:port (or a node's address and a NodePort) is sent
by the same rules to one ready endpoint chosen at random (the iptables rules pick with equal
probability, pkg/proxy/iptables/proxier.go writeServiceToEndpointRules), then that pod's
container answers as its image does (engine/node/userland.py).

There is no world outside the cluster: names that are not the cluster's do not resolve.
"""

from __future__ import annotations

import ipaddress
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from engine import timeutil
from engine.addons import coredns
from engine.node import userland
from engine.node.shell import Result, Shell
from engine.proxy.rules import SERVICE_NAME_LABEL, ServicePort, find, node_rules

if TYPE_CHECKING:
    from engine.node.cri import Container

Obj = dict[str, Any]
DNS_IP = "10.96.0.10"  # the kubelet's clusterDNS: kubeadm's tenth IP of the Service range
DNS_NAME = "kube-dns.kube-system.svc.cluster.local"
DOMAIN = coredns.DOMAIN


@dataclass(frozen=True)
class Lookup:
    """One name looked up through the cluster's DNS."""

    name: str  # as the program asked for it
    server: str  # the nameserver of the pod's resolv.conf
    pod: str = ""  # the CoreDNS pod that answered (namespace/name); "" when none was reached
    node: str = ""  # its node
    fqdn: str = ""  # the name that had records; "" for NXDOMAIN
    ips: tuple[str, ...] = ()
    timed_out: bool = False  # no CoreDNS pod was reached


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
    dns: Lookup | None = None  # how the host name was looked up; None for an address


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
        node: str,
        objects: Callable[[str], list[Obj]],
        containers: Callable[[], list[tuple[Container, str, str]]],
        rng: random.Random,
        clock: Callable[[], float],
        on_route: Callable[[Route], None],
    ) -> None:
        self.namespace = namespace
        self.pod_ip = pod_ip
        self.node = node  # whose kube-proxy rules the pod's packets go through
        self.objects = (
            objects  # resource name -> every object of it (services, endpointslices, pods)
        )
        self.containers = containers  # every running container, with its node and pod IP
        self.rng = rng
        self.clock = clock
        self.on_route = on_route

    # ---- kube-proxy ------------------------------------------------------------------------------
    def rule(
        self, table: list[ServicePort], ip: str, port: int, protocol: str = "TCP"
    ) -> ServicePort | None:
        """The rule of the pod's node's `table` a packet to ip:port matches."""
        node_ips = [
            a.get("address", "")
            for n in self.objects("nodes")
            for a in (n.get("status") or {}).get("addresses") or []
            if a.get("type") == "InternalIP"
        ]
        return find(table, ip, port, protocol, node_ips)

    # ---- DNS -----------------------------------------------------------------------------------
    def search(self) -> list[str]:
        return [f"{self.namespace}.svc.{DOMAIN}", f"svc.{DOMAIN}", DOMAIN]

    def lookup(self, name: str) -> Lookup | None:
        """The name as the resolver looks it up; None for an address or localhost (no query)."""
        name = name.rstrip(".")
        if _is_ip(name) or name == "localhost":
            return None
        server = self._dns_server(name)
        if server is None:
            return Lookup(name, DNS_IP, timed_out=True)
        pod, node = server
        tries = [f"{name}.{domain}" for domain in self.search()] if name.count(".") < 5 else []
        for fqdn in [*tries, name]:
            found = coredns.records(fqdn, self.objects)
            if found is not None:
                return Lookup(name, DNS_IP, pod, node, fqdn, tuple(found))
        return Lookup(name, DNS_IP, pod, node)

    def _dns_server(self, name: str) -> tuple[str, str] | None:
        """The CoreDNS pod (and its node) kube-proxy sends the query to, or None when it
        reaches none. kube-proxy picks at random; Podlife picks by the asker and the name, so
        that a lookup does not draw from the connections' random source."""
        rule = self.rule(node_rules(self.node, self.objects), DNS_IP, 53, "UDP")
        if rule is None or not rule.endpoints:
            return None
        pick = rule.endpoints[zlib.crc32(f"{self.pod_ip}/{name}".encode()) % len(rule.endpoints)]
        if self._listener(pick.ip, pick.port) is None:
            return None  # its endpoint is still listed, but nothing answers there
        return pick.pod, pick.node

    def nslookup(self, shell: Shell, name: str) -> Result:
        """busybox's nslookup: 1.28 (the docs' DNS debugging image) prints the old format;
        later versions print the one modelled on BIND's."""
        found = self.lookup(name)
        if found is None:  # an address (or localhost) is its own answer
            name = name.rstrip(".")
            address = "127.0.0.1" if name == "localhost" else name
            found = Lookup(name, DNS_IP, fqdn=name, ips=(address,))
        if _old_busybox(shell.machine.version):
            if found.timed_out:
                head = f"Server:    {DNS_IP}\nAddress 1: {DNS_IP}\n\n"
                return Result(head, f"nslookup: can't resolve '{name}'\n", 1)
            head = f"Server:    {DNS_IP}\nAddress 1: {DNS_IP} {DNS_NAME}\n\n"
            if not found.fqdn:
                return Result(head, f"nslookup: can't resolve '{name}'\n", 1)
            rows = "".join(
                f"Address {k}: {ip}"
                + (f" {self._ptr(ip, found.fqdn)}" if self._ptr(ip, found.fqdn) else "")
                + "\n"
                for k, ip in enumerate(found.ips, 1)
            )
            return Result(f"{head}Name:      {name}\n{rows}", "", 0)
        if found.timed_out:
            return Result(";; connection timed out; no servers could be reached\n\n", "", 1)
        head = f"Server:\t\t{DNS_IP}\nAddress:\t{DNS_IP}:53\n\n"
        if not found.fqdn:
            tried = [f"{name}.{d}" for d in self.search()] + [name]
            misses = "".join(f"** server can't find {t}: NXDOMAIN\n\n" for t in tried)
            return Result(head + misses, "", 1)
        rows = "".join(f"Name:\t{found.fqdn}\nAddress: {ip}\n" for ip in found.ips)
        return Result(f"{head}{rows}\n", "", 0)

    def _ptr(self, ip: str, fqdn: str) -> str:
        """The reverse name busybox 1.28 prints after each address."""
        if ip == fqdn:
            return ""
        for pod in self.objects("pods"):
            if (pod.get("status") or {}).get("podIP") == ip:
                service = fqdn.split(".", 1)[1] if fqdn.count(".") == 5 else fqdn
                # CoreDNS names an endpoint by its hostname when it has one (a StatefulSet's
                # pod under its headless Service), else by its address
                label = self._endpoint_hostname(ip, service) or ip.replace(".", "-")
                return f"{label}.{service}"
        return fqdn

    def _endpoint_hostname(self, ip: str, service_fqdn: str) -> str:
        name, namespace = service_fqdn.split(".")[:2]
        for slice_ in self.objects("endpointslices"):
            meta = slice_.get("metadata") or {}
            if meta.get("namespace") != namespace:
                continue
            if (meta.get("labels") or {}).get(SERVICE_NAME_LABEL) != name:
                continue
            for endpoint in slice_.get("endpoints") or []:
                if ip in (endpoint.get("addresses") or []) and endpoint.get("hostname"):
                    return str(endpoint["hostname"])
        return ""

    # ---- connections ---------------------------------------------------------------------------
    def connect(self, host: str, port: int, path: str) -> tuple[Route, Answer | None]:
        """One HTTP GET: the name looked up, then through kube-proxy's rules when the address
        is a Service's."""
        found = self.lookup(host)
        if found is not None and not found.fqdn:
            return Route(error="unresolved", dns=found), None
        ip = found.ips[0] if found is not None else host.rstrip(".")
        if ip in ("localhost", "127.0.0.1"):
            ip = self.pod_ip
        table = node_rules(self.node, self.objects)
        rule = self.rule(table, ip, port)
        if rule is not None:
            if not rule.endpoints:
                # A Service without endpoints: kube-proxy's rule REJECTs (icmp-port-unreachable).
                return Route(
                    rule.service, rule.cluster_ip, port=port, error="refused", dns=found
                ), None
            endpoint = self.rng.choice(rule.endpoints)
            route, answer = self._pod(endpoint.ip, endpoint.port, path)
            return Route(
                rule.service,
                rule.cluster_ip,
                endpoint.pod,
                endpoint.ip,
                route.node,
                port,
                route.code,
                route.error,
                dns=found,
            ), answer
        service = next((r.service for r in table if r.cluster_ip == ip), "")
        if service:
            # A Service's IP but not one of its ports: no rule matches, the packet goes nowhere.
            return Route(service, ip, port=port, error="timeout", dns=found), None
        route, answer = self._pod(ip, port, path)
        return replace(route, dns=found), answer

    def _listener(self, ip: str, port: int) -> tuple[Container, str] | None:
        """The running container listening on ip:port now, and its node."""
        for container, node, pod_ip in self.containers():
            if pod_ip != ip or container.behavior is None:
                continue
            listener = container.behavior.listener(port)
            if listener is not None and container.behavior.listening(
                self.clock() - container.started_at
            ):
                return container, node
        return None

    def _pod(self, ip: str, port: int, path: str) -> tuple[Route, Answer | None]:
        found = self._listener(ip, port)
        if found is None:
            return Route(backend_ip=ip, port=port, error="refused"), None
        container, node = found
        assert container.behavior is not None
        listener = container.behavior.listener(port)
        assert listener is not None
        name = f"{container.pod.namespace}/{container.pod.name}"
        if listener.protocol != "http":
            return Route(backend=name, backend_ip=ip, node=node, port=port, error="not-http"), None
        code = listener.status_code(path, self.clock() - container.started_at)
        answer = userland.http_answer(container.image, container.pod.name, path, code)
        return Route(backend=name, backend_ip=ip, node=node, port=port, code=answer.code), Answer(
            answer.code, answer.body, answer.server
        )

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
        ip = host if route.dns is None else (route.dns.ips or ("",))[0]
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
