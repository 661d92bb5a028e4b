"""`kubectl exec` with the real kubectl (WebSocket, v5.channel.k8s.io) and the in-engine one,
side by side: env, a mounted ConfigMap and Secret, sh -c, nslookup and wget to a Service, a
program the image lacks, a non-zero exit, stdin, a bad container, a pod not on a node; and a
real terminal (a pty) for `-it`."""

from __future__ import annotations

import os
import pty
import re
import select
import shlex
import subprocess
import time

from tests.kubectl_real.conftest import KUBECTL, Twin, normalized

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
    real = twin.kube(*shlex.split(line), stdin=stdin)
    engine = twin.engine(line, stdin or "")

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
    assert (real.stderr, real.code) == ("sh: curl: not found\ncommand terminated with exit code 127\n", 127)
    real = twin.kube("exec", "bb", "--", "bash")
    assert real.code == 1
    assert real.stderr.startswith("error: Internal error occurred: error executing command in container")
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
    assert real.stderr == "error: unable to upgrade connection: pod stuck does not have a host assigned\n"
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
