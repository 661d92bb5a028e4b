"""kubectl get -w and kubectl delete (which waits through a watch) with the real kubectl."""

from __future__ import annotations

import queue
import subprocess
import threading
import time

from tests.kubectl_real.conftest import Kube, Twin, needs_running_pods, normalized
from tests.kubectl_real.manifests import POD


class Lines:
    """The lines a running kubectl prints, read by a thread (a pipe read with select and a
    buffered reader would miss lines already buffered)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.queue.put(line.rstrip("\n"))
        self.queue.put(None)

    def take(self, count: int, timeout: float = 20) -> list[str]:
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        while len(lines) < count:
            try:
                line = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            lines.append(line)
        return lines


def stop(process: subprocess.Popen[str], lines: Lines) -> None:
    process.terminate()
    process.wait(10)
    lines.thread.join(10)  # the pipe is at its end now that kubectl has exited
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def test_get_watch_prints_the_list_then_each_change(kube: Kube) -> None:
    (kube.home / "pod.yaml").write_text(POD)
    assert kube("apply", "-f", "pod.yaml").code == 0
    watching = kube.popen("get", "pods", "-w")
    lines = Lines(watching)
    try:
        first = lines.take(2)
        assert first[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
        assert first[1].split()[:4] == ["web", "0/1", "Pending", "0"] or first[1].startswith("web ")
        (kube.home / "second.yaml").write_text(POD.replace("name: web", "name: second"))
        assert kube("apply", "-f", "second.yaml").code == 0
        later = lines.take(1)
        assert later and later[0].startswith("second "), later
    finally:
        stop(watching, lines)


def test_get_watch_of_one_object_skips_its_first_event(kube: Kube) -> None:
    (kube.home / "pod.yaml").write_text(POD)
    assert kube("apply", "-f", "pod.yaml").code == 0
    watching = kube.popen("get", "pod", "web", "-w", "--output-watch-events")
    output = Lines(watching)
    try:
        lines = output.take(2, timeout=5)
        assert lines[0].split()[:2] == ["EVENT", "NAME"], lines
        assert len(lines) == 2 and lines[1].split()[0] == "ADDED", lines
        assert kube("label", "pod", "web", "color=blue").code == 0
        modified = output.take(1)
        assert modified and modified[0].split()[0] == "MODIFIED", modified
    finally:
        stop(watching, output)


def test_delete_waits_for_the_pod_to_go(twin: Twin) -> None:
    twin.file("pod.yaml", POD)
    twin.both("apply -f pod.yaml")
    real, engine = twin.both("delete pod web")
    assert (real.code, real.stdout, real.stderr) == (
        0,
        'pod "web" deleted from default namespace\n',
        "",
    )
    assert normalized(engine.stdout) == normalized(real.stdout)
    gone = twin.real("get pod web")
    assert gone.code == 1


def test_delete_by_field_selector(twin: Twin) -> None:
    twin.file("pods.yaml", POD + "---\n" + POD.replace("name: web", "name: other"))
    twin.both("apply -f pods.yaml")
    for line in ("delete pods", "delete pods --field-selector metadata.name=web"):
        real, engine = twin.both(line)
        assert (engine.stdout, engine.stderr, engine.exit_code) == (
            real.stdout,
            real.stderr,
            real.code,
        ), line
    assert real.stdout == 'pod "web" deleted from default namespace\n'
    assert twin.real("get pods -o name").stdout == "pod/other\n"


def test_force_delete_warns_and_removes_at_once(twin: Twin) -> None:
    twin.file("pod.yaml", POD)
    twin.both("apply -f pod.yaml")
    real, engine = twin.both("delete pod web --force --grace-period=0")
    assert real.code == 0
    assert real.stdout == 'pod "web" force deleted from default namespace\n'
    assert real.stderr == (
        "Warning: Immediate deletion does not wait for confirmation that the running resource "
        "has been terminated. The resource may continue to run on the cluster indefinitely.\n"
    )
    assert (engine.stdout, engine.stderr) == (real.stdout, real.stderr)


@needs_running_pods
def test_graceful_delete_of_a_running_pod_waits_for_the_kubelet(twin: Twin) -> None:
    twin.file("pod.yaml", POD)
    twin.both("apply -f pod.yaml")
    assert "Running" in twin.real("get pod web").stdout
    real, engine = twin.both("delete pod web --wait=true")
    assert (real.code, real.stdout) == (0, 'pod "web" deleted from default namespace\n')
    assert engine.stdout == real.stdout
    assert twin.real("get pod web").code == 1
