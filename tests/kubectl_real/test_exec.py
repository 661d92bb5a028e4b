"""`kubectl exec` with the real kubectl (WebSocket, v5.channel.k8s.io) and the in-engine one,
side by side: env, a mounted ConfigMap and Secret, sh -c, nslookup and wget to a Service, a
program the image lacks, a non-zero exit, stdin, a bad container, a pod not on a node; and a
real terminal (a pty) for `-it`."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import websocket

from tests.kubectl_real.conftest import KUBECTL, ROOT, Twin, new_cluster, normalized

MANIFESTS = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: game}
data: {lives: "3", color: blue}
---
apiVersion: v1
kind: Secret
metadata: {name: test-secret}
stringData: {username: my-app, password: 39528$vdg7Jb}
---
apiVersion: v1
kind: Service
metadata: {name: my-nginx}
spec:
  selector: {run: my-nginx}
  ports: [{port: 80, protocol: TCP}]
---
apiVersion: v1
kind: Pod
metadata: {name: my-nginx, labels: {run: my-nginx}}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    volumeMounts:
    - {name: config, mountPath: /etc/config}
    - {name: secret-volume, mountPath: /etc/secret-volume, readOnly: true}
  volumes:
  - {name: config, configMap: {name: game}}
  - {name: secret-volume, secret: {secretName: test-secret}}
---
apiVersion: v1
kind: Pod
metadata: {name: bb}
spec:
  containers: [{name: bb, image: "busybox:1.28", command: [sleep, "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: stuck}
spec:
  nodeSelector: {disk: none}
  containers: [{name: app, image: "nginx:1.27"}]
"""

_EXEC_ID = re.compile(r'failed to start exec \\?"[0-9a-f]{64}\\?"')


def same(twin: Twin, line: str, stdin: str | None = None) -> str:
    """Both kubectls, the line split as a shell splits it: alike in stdout, stderr and code."""
    real, engine = twin.both(line, stdin)

    def clean(text: str) -> str:
        return _EXEC_ID.sub("failed to start exec ID", normalized(text))

    assert (clean(engine.stdout), clean(engine.stderr), engine.exit_code) == (
        clean(real.stdout),
        clean(real.stderr),
        real.code,
    ), line
    return real.stdout


def ready(twin: Twin) -> None:
    twin.file("m.yaml", MANIFESTS)
    same(twin, "apply -f m.yaml")


def test_env_files_and_shells(twin: Twin) -> None:
    ready(twin)
    env = same(twin, "exec my-nginx -- env")
    assert "HOSTNAME=my-nginx\n" in env and "MY_NGINX_SERVICE_PORT=80\n" in env
    assert same(twin, "exec my-nginx -- ls /etc/config") == "color\nlives\n"
    assert same(twin, "exec my-nginx -- cat /etc/secret-volume/password") == "39528$vdg7Jb"
    line = "exec my-nginx -- /bin/bash -c 'echo \"$( cat /etc/secret-volume/username )\"'"
    assert same(twin, line) == "my-app\n"
    assert same(twin, "exec my-nginx -- sh -c 'hostname'") == "my-nginx\n"
    assert same(twin, "exec my-nginx -- bash -c 'printenv | grep SERVICE_HOST'").startswith(
        "KUBERNETES_SERVICE_HOST=10.96.0.1\n"
    )


def test_dns_and_http_to_a_service(twin: Twin) -> None:
    ready(twin)
    out = same(twin, "exec bb -- nslookup my-nginx")
    assert "Name:      my-nginx\nAddress 1: 10." in out
    assert "<h1>Welcome to nginx!</h1>" in same(twin, "exec bb -- wget -qO- http://my-nginx")
    same(twin, "exec bb -- nslookup nothing-here")
    assert "Welcome to nginx!" in same(twin, "exec my-nginx -- curl -s my-nginx")


def test_exit_codes_and_missing_programs(twin: Twin) -> None:
    ready(twin)
    real = twin.kube("exec", "bb", "--", "sh", "-c", "exit 3")
    assert (real.stderr, real.code) == ("command terminated with exit code 3\n", 3)
    same(twin, "exec bb -- sh -c 'exit 3'")
    real = twin.kube("exec", "bb", "--", "sh", "-c", "curl x")
    assert (real.stderr, real.code) == (
        "sh: curl: not found\ncommand terminated with exit code 127\n",
        127,
    )
    real = twin.kube("exec", "bb", "--", "bash")
    assert real.code == 1
    assert real.stderr.startswith(
        "error: Internal error occurred: error executing command in container"
    )
    assert real.stderr.endswith('exec: "bash": executable file not found in $PATH: unknown\n')
    same(twin, "exec bb -- bash")


def test_stdin_and_errors(twin: Twin) -> None:
    ready(twin)
    out = same(twin, "exec -i bb -- sh", stdin="echo hi\ncd /etc\npwd\nnope\n")
    assert out == "hi\n/etc\n"
    same(twin, "exec -i bb -- sh", stdin="exit 4\n")
    same(twin, "exec -it bb -- sh", stdin="hostname\n")
    same(twin, "exec bb -c nope -- ls")
    same(twin, "exec nope -- ls")
    real = twin.kube("exec", "stuck", "--", "ls")
    assert (
        real.stderr
        == "error: unable to upgrade connection: pod stuck does not have a host assigned\n"
    )
    same(twin, "exec stuck -- ls")


def test_a_terminal_gets_the_prompt_and_the_echo(twin: Twin) -> None:
    """`kubectl exec -it bb -- sh` from a real terminal: the shell prompts, the terminal
    echoes, `exit` ends it with its code."""
    ready(twin)
    main, child = pty.openpty()
    process = subprocess.Popen(
        [str(KUBECTL), "exec", "-it", "bb", "--", "sh"],
        stdin=child,
        stdout=child,
        stderr=child,
        env=twin.kube.env(),
        cwd=twin.kube.home,
    )
    os.close(child)
    seen = b""

    def until(text: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 20
        while text not in seen and time.monotonic() < deadline:
            if select.select([main], [], [], 0.2)[0]:
                try:
                    seen += os.read(main, 4096)
                except OSError:
                    break
        assert text in seen, seen

    try:
        until(b"/ # ")
        os.write(main, b"cd /etc && ls\r")
        until(b"/etc # ")
        os.write(main, b"exit 2\r")
        assert process.wait(20) == 2
    finally:
        process.kill() if process.poll() is None else None
        os.close(main)
    assert b"cd /etc && ls\r\nhostname\r\nhosts\r\nresolv.conf\r\n/etc # " in seen


# ---- bad input over the WebSocket --------------------------------------------------------------
def _socket(twin: Twin, command: str, stdin: bool = True) -> websocket.WebSocket:
    """A raw WebSocket to pods/bb/exec, as kubectl opens it."""
    server = re.search(r"server: (\S+)", twin.kube.kubeconfig.read_text())
    assert server is not None
    base = server.group(1).replace("http://", "ws://")
    query = f"command={command}&container=bb&stdout=true&stderr=true" + (
        "&stdin=true" if stdin else ""
    )
    return websocket.create_connection(
        f"{base}/api/v1/namespaces/default/pods/bb/exec?{query}",
        subprotocols=["v5.channel.k8s.io"],
        timeout=10,
    )


def _until_closed(ws: websocket.WebSocket) -> list[bytes]:
    frames = []
    while True:
        try:
            opcode, data = ws.recv_data(control_frame=True)
        except websocket.WebSocketConnectionClosedException:
            break
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            break
        frames.append(data)
    ws.shutdown()
    return frames


def test_garbage_frames_and_huge_lines_never_break_the_server(twin: Twin) -> None:
    ready(twin)
    ws = _socket(twin, "sh")
    ws.send_binary(b"")  # an empty frame
    ws.send_binary(b"\x07whatever")  # an unknown channel
    ws.send("\x7fgarbage \u00e9", opcode=websocket.ABNF.OPCODE_TEXT)  # a text frame
    ws.send_binary(bytes([4]) + b'{"Width": "not json')  # a bad resize
    ws.send_binary(b"\x00" + b"x" * 5000)  # a line past the limit
    ws.send_binary(b"\x00\nhostname\n")
    ws.send_binary(b"\xff\x00")  # v5: stdin closed
    frames = _until_closed(ws)
    stdout = b"".join(f[1:] for f in frames if f[:1] == b"\x01")
    stderr = b"".join(f[1:] for f in frames if f[:1] == b"\x02")
    assert stdout == b"bb\n", frames
    assert b"sh: line too long (over 4096 bytes)\n" in stderr
    assert json.loads(frames[-1][1:]) == {"metadata": {}, "status": "Success"}
    # A frame past the size limit: the WebSocket is closed (1009), the cluster still answers.
    ws = _socket(twin, "sh")
    ws.send_binary(b"\x00" + b"y" * (70 * 1024))
    _until_closed(ws)
    assert twin.kube("exec", "bb", "--", "hostname").stdout == "bb\n"


def test_too_many_sessions_are_refused_in_kubernetes_words(twin: Twin) -> None:
    ready(twin)
    open_ = [_socket(twin, "sh") for _ in range(4)]
    try:
        real = twin.kube("exec", "bb", "--", "hostname")
        assert real.code == 1
        assert "at most 4 exec sessions are open on one cluster" in real.stderr
    finally:
        for ws in open_:
            ws.send_binary(b"\xff\x00")
            _until_closed(ws)
    assert twin.kube("exec", "bb", "--", "hostname").stdout == "bb\n"


def test_an_idle_session_is_ended(tmp_path: Path) -> None:
    """A server whose exec sessions end after 1 s without input (docs/limits.md)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.kubectl_real.server", "exec_idle_seconds=1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        twin = Twin(new_cluster(f"http://127.0.0.1:{process.stdout.readline().strip()}", tmp_path))
        ready(twin)
        ws = _socket(twin, "sh")
        ws.send_binary(b"\x00echo still here\n")
        started = time.monotonic()
        frames = _until_closed(ws)
        assert time.monotonic() - started < 10
        assert frames[0] == b"\x01still here\n"
        assert frames[1] == b"\x02\r\nPodlife: exec session idle for 1s, closed\r\n"
        assert json.loads(frames[2][1:]) == {"metadata": {}, "status": "Success"}
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()
