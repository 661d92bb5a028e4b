"""The exec shell (engine/node/shell.py, programs.py, network.py) and `kubectl exec` in the
engine: words and quoting, pipes, lists, exit codes, each flavour's words, what a container
really holds (env with Service links, mounted files, /etc/hosts, resolv.conf), the cluster's
DNS and kube-proxy's routing to a ready pod, and the errors kubectl prints."""

from __future__ import annotations

import re

import pytest

from engine.cluster import Cluster
from engine.node.exec import ExecSession
from engine.node.kubelet_pods import service_env
from engine.node.programs import BUILTINS, PROGRAMS
from engine.node.shell import Exit, Machine, Shell, lex, parse

MANIFESTS = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: game}
data: {lives: "3", color: blue}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {username: admin, password: hunter2}
---
apiVersion: v1
kind: Service
metadata: {name: my-nginx}
spec:
  selector: {app: web}
  ports: [{port: 80, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: nowhere}
spec:
  selector: {app: nothing}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        env: [{name: GREETING, value: hello}]
        volumeMounts:
        - {name: cfg, mountPath: /etc/config}
        - {name: secret, mountPath: /etc/secret-volume, readOnly: true}
      volumes:
      - {name: cfg, configMap: {name: game}}
      - {name: secret, secret: {secretName: creds}}
---
apiVersion: v1
kind: Pod
metadata: {name: bb}
spec:
  containers: [{name: bb, image: "busybox:1.28", command: [sleep, "3600"]}]
"""


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster(seed=7)
    c.files["m.yaml"] = MANIFESTS
    assert c.kubectl("apply -f m.yaml").exit_code == 0
    c.settle()
    return c


def web_pod(c: Cluster) -> str:
    names = [p["metadata"]["name"] for p in c.apiserver.storage.range("/registry/pods/")]
    return next(n for n in names if n.startswith("web-"))


def run(c: Cluster, line: str, stdin: str = "") -> tuple[str, str, int]:
    result = c.kubectl(line, stdin)
    c.settle()
    return result.stdout, result.stderr, result.exit_code


# ---- the shell on its own --------------------------------------------------------------------
def machine(**overrides: object) -> Machine:
    files = {"/etc/config/lives": "3", "/etc/config/color": "blue", "/etc/hostname": "box\n"}
    fields: dict = {
        "programs": dict(PROGRAMS),
        "builtins": BUILTINS,
        "env": {"PATH": "/bin", "HOSTNAME": "box", "A": "one two"},
        "hostname": "box",
        "files": files,
        "clock": lambda: 0.0,
        "family": "busybox",
    }
    fields.update(overrides)
    return Machine(**fields)  # type: ignore[arg-type]


def sh(line: str, flavour: str = "ash", **overrides: object) -> tuple[str, str, int]:
    shell = Shell(machine(**overrides), flavour, "sh" if flavour != "bash" else "bash")
    result = shell.run(line)
    return result.out, result.err, result.code


def test_words_quotes_and_operators_are_split_as_a_shell_does() -> None:
    assert lex("echo 'a b' \"c $X\" d\\ e # no") == [
        ("word", "echo"),
        ("word", "'a b'"),
        ("word", '"c $X"'),
        ("word", "d\\ e"),
    ]
    assert lex("a|b&&c||d;e 2>&1 >f") == [
        ("word", "a"),
        ("op", "|"),
        ("word", "b"),
        ("op", "&&"),
        ("word", "c"),
        ("op", "||"),
        ("word", "d"),
        ("op", ";"),
        ("word", "e"),
        ("op", "2>&1"),
        ("op", ">"),
        ("word", "f"),
    ]
    assert [joiner for joiner, _ in parse("a; b && c || d")] == [";", ";", "&&", "||"]


def test_expansion_quoting_and_command_substitution() -> None:
    assert sh('echo "$( cat /etc/config/color )"') == ("blue\n", "", 0)
    assert sh("echo $A") == ("one two\n", "", 0)
    assert sh("for=1; echo '$A' \"$A\" ${HOSTNAME} `hostname`") == ("$A one two box box\n", "", 0)
    assert sh("X=5; echo $X; printenv X") == ("5\n", "", 1)  # not exported
    assert sh("export X=5; printenv X") == ("5\n", "", 0)
    assert sh("echo ${MISSING:-fallback}") == ("fallback\n", "", 0)
    assert sh("cat /etc/config/*") == ("blue3", "", 0)


def test_lists_pipes_and_exit_codes() -> None:
    assert sh("false && echo no || echo yes; echo $?") == ("yes\n0\n", "", 0)
    assert sh("printenv | grep HOST | wc -l") == ("1\n", "", 0)
    assert sh("ls /etc/config | head -n 1") == ("color\n", "", 0)
    out, err, code = sh("nope; echo $?")
    assert (out, err, code) == ("127\n", "sh: nope: not found\n", 0)
    assert sh("echo hi > /tmp/x; cat /tmp/x") == ("hi\n", "", 0)
    assert sh("cat /missing 2>/dev/null; echo $?") == ("1\n", "", 0)


def test_each_flavour_says_not_found_and_syntax_errors_in_its_own_words() -> None:
    assert sh("nope")[1] == "sh: nope: not found\n"
    assert sh("nope", "dash")[1] == "sh: 1: nope: not found\n"
    assert sh("nope", "bash")[1] == "bash: line 1: nope: command not found\n"
    assert sh("echo 'open")[1:] == ("sh: syntax error: unterminated quoted string\n", 2)
    assert sh("a &&", "bash")[2] == 2


def test_echo_reads_escapes_as_each_flavour_does() -> None:
    """dash (Debian's sh) always reads them, as the Secrets task's output shows; bash and
    busybox only after -e; \\c ends the output."""
    line = 'echo "a: 1\\nb: 2"'
    assert sh(line, "dash")[0] == "a: 1\nb: 2\n"
    assert sh(line, "bash")[0] == sh(line)[0] == "a: 1\\nb: 2\n"
    assert sh('echo -e "a\\tb"', "bash")[0] == "a\tb\n"
    assert sh('echo -e "x"', "dash")[0] == "-e x\n"  # dash's echo takes -n only
    assert sh('echo "cut\\chere"', "dash")[0] == "cut"


def test_exit_and_nesting_are_bounded() -> None:
    shell = Shell(machine(), "ash", "sh")
    with pytest.raises(Exit) as raised:
        shell.run("echo before; exit 7; echo after")
    assert raised.value.code == 7
    assert sh("sh -c \"sh -c 'echo deep; exit 2'\"; echo $?") == ("deep\n2\n", "", 0)
    line = "echo $(" * 40 + "x" + ")" * 40
    assert sh(line)[2] == 0  # substitutions past the depth limit are empty, not a recursion error


def test_an_interactive_session_with_a_terminal_prompts_echoes_and_exits() -> None:
    shell = Shell(machine(), "ash", "sh")
    session = ExecSession(shell, ["sh"], tty=True, stdin=True)
    session.start()
    session.feed("cd /etc\r")
    session.feed("pw")
    session.feed("d\rnope\r")
    session.feed("exit 3\r")
    text = "".join(t for _, t in session.take())
    assert text == (
        "/ # cd /etc\r\n/etc # pwd\r\n/etc\r\n/etc # nope\r\nsh: nope: not found\r\n"
        "/etc # exit 3\r\n"
    )
    assert session.code == 3


def test_a_line_too_long_is_refused_and_the_session_goes_on() -> None:
    session = ExecSession(Shell(machine(), "ash", "sh"), ["sh"], tty=False, stdin=True)
    session.start()
    session.feed("x" * 5000)
    session.feed("\necho ok\n")
    session.close_stdin()
    out = session.take()
    assert ("stderr", "sh: line too long (over 4096 bytes)\n") in out
    assert ("stdout", "ok\n") in out
    assert session.code == 0


def test_service_links_are_those_of_the_pods_namespace() -> None:
    def service(name: str, ns: str) -> dict:
        return {
            "metadata": {"name": name, "namespace": ns},
            "spec": {"clusterIP": "10.96.0.5", "ports": [{"name": "http-web", "port": 80}]},
        }

    services = [service("my-svc", "default"), service("other", "team")]
    env = service_env(services, "default", links=True)
    assert env["MY_SVC_SERVICE_HOST"] == "10.96.0.5"
    assert env["MY_SVC_SERVICE_PORT_HTTP_WEB"] == "80"
    assert env["MY_SVC_PORT_80_TCP"] == "tcp://10.96.0.5:80"
    assert not any(k.startswith("OTHER_") for k in env)
    assert service_env(services, "default", links=False) == {}


# ---- kubectl exec in a cluster -------------------------------------------------------------------
def test_env_is_what_the_kubelet_made(cluster: Cluster) -> None:
    pod = web_pod(cluster)
    out, err, code = run(cluster, f"exec {pod} -- env")
    lines = out.splitlines()
    assert code == 0 and err == ""
    assert lines[0] == "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    assert lines[1] == f"HOSTNAME={pod}"
    assert "NGINX_VERSION=1.27.5" in lines and "GREETING=hello" in lines
    assert "KUBERNETES_SERVICE_HOST=10.96.0.1" in lines
    assert any(line.startswith("MY_NGINX_SERVICE_HOST=10.") for line in lines)
    assert lines[-1] == "HOME=/root"


def test_mounted_files_and_the_files_the_kubelet_writes(cluster: Cluster) -> None:
    pod = web_pod(cluster)
    assert run(cluster, f"exec {pod} -- ls /etc/config") == ("color\nlives\n", "", 0)
    out = run(cluster, f"exec {pod} -- sh -c 'echo \"$( cat /etc/secret-volume/username )\"'")
    assert out == ("admin\n", "", 0)
    resolv = run(cluster, f"exec {pod} -- cat /etc/resolv.conf")[0]
    assert resolv == (
        "search default.svc.cluster.local svc.cluster.local cluster.local\n"
        "nameserver 10.96.0.10\noptions ndots:5\n"
    )
    hosts = run(cluster, f"exec {pod} -- cat /etc/hosts")[0]
    assert hosts.startswith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n")
    assert hosts.endswith(f"\t{pod}\n")
    assert run(cluster, f"exec {pod} -- sh -c hostname") == (f"{pod}\n", "", 0)


def test_dns_and_http_through_a_service(cluster: Cluster) -> None:
    out, _, code = run(cluster, "exec bb -- nslookup my-nginx")
    assert code == 0
    assert out.startswith("Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system")
    assert (
        "Name:      my-nginx\nAddress 1: 10." in out and "my-nginx.default.svc.cluster.local" in out
    )
    out, err, code = run(cluster, "exec bb -- nslookup nope")
    assert (err, code) == (
        "nslookup: can't resolve 'nope'\ncommand terminated with exit code 1\n",
        1,
    )
    before = len(cluster.trace.events)
    out, err, code = run(cluster, "exec bb -- wget -qO- http://my-nginx")
    assert code == 0 and "<h1>Welcome to nginx!</h1>" in out
    connection = next(e for e in cluster.trace.events[before:] if e.kind == "connection")
    assert connection.data["service"] == "default/my-nginx"
    assert connection.data["backend"].startswith("default/web-") and connection.data["code"] == 200
    story = [e.summary for e in cluster.trace.events[before:] if e.kind == "milestone"]
    assert any(
        s.startswith("wget in pod bb looked up my-nginx (the cluster's DNS, CoreDNS pod coredns-")
        and "and asked the Service my-nginx (10." in s
        and "answered 200" in s
        for s in story
    )
    out, err, code = run(cluster, "exec bb -- wget -qO- nowhere")
    assert err.startswith("wget: can't connect to remote host (10.") and "Connection refused" in err
    assert code == 1


def test_curl_in_nginx_and_what_an_image_lacks(cluster: Cluster) -> None:
    pod = web_pod(cluster)
    assert "Welcome to nginx!" in run(cluster, f"exec {pod} -- curl -s my-nginx")[0]
    _, err, code = run(cluster, f"exec {pod} -- curl -s http://nope")
    assert (err, code) == ("command terminated with exit code 6\n", 6)
    _, err, code = run(cluster, "exec bb -- bash")
    assert code == 1
    assert err.startswith(
        "error: Internal error occurred: error executing command in container: failed to exec in "
        'container: failed to start exec "'
    )
    assert err.endswith(
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": '
        "executable file not found in $PATH: unknown\n"
    )
    assert run(cluster, f"exec {pod} -- sh -c foo") == (
        "",
        "sh: 1: foo: not found\ncommand terminated with exit code 127\n",
        127,
    )


def test_kubectl_exec_errors(cluster: Cluster) -> None:
    assert run(cluster, "exec bb -c nope -- ls")[1:] == (
        "error: container nope is not valid for pod bb out of: bb\n",
        1,
    )
    assert run(cluster, "exec nope -- ls")[1:] == (
        'Error from server (NotFound): pods "nope" not found\n',
        1,
    )
    assert run(cluster, "exec bb")[1:] == (
        "error: you must specify at least one command for the container\n",
        1,
    )
    assert run(cluster, "exec -i bb -- sh", "echo hi\nexit 4\n") == (
        "hi\n",
        "command terminated with exit code 4\n",
        4,
    )
    tty = run(cluster, "exec -it bb -- sh", "hostname\n")
    assert tty == (
        "bb\n",
        "Unable to use a TTY - input is not a terminal or the right kind of file\n",
        0,
    )


def test_a_pod_without_a_running_container_has_nothing_to_exec_in() -> None:
    c = Cluster(seed=3)
    c.files["p.yaml"] = """\
apiVersion: v1
kind: Pod
metadata: {name: nowhere}
spec:
  nodeSelector: {disk: none}
  containers: [{name: app, image: "nginx:1.27"}]
---
apiVersion: v1
kind: Pod
metadata: {name: typo}
spec:
  containers: [{name: app, image: ngnix}]
"""
    c.kubectl("apply -f p.yaml")
    c.settle()
    assert c.kubectl("exec nowhere -- ls").stderr == (
        "error: unable to upgrade connection: pod nowhere does not have a host assigned\n"
    )
    assert c.kubectl("exec typo -- ls").stderr == (
        'error: unable to upgrade connection: container not found ("app")\n'
    )


def test_a_missing_program_with_stdin_is_refused_before_any_input(cluster: Cluster) -> None:
    out, err, code = run(cluster, "exec -i bb -- bash", "echo hi\n")
    assert (out, code) == ("", 1)
    assert err.endswith('exec: "bash": executable file not found in $PATH: unknown\n')


def test_kubernetes_basics_bootcamp_answers_on_localhost() -> None:
    """The tutorial's `kubectl exec -ti $POD_NAME -- bash`, then `cat server.js` and
    `curl http://localhost:8080`."""
    c = Cluster(seed=5)
    c.kubectl(
        "create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1"
    )
    c.settle()
    names = [p["metadata"]["name"] for p in c.apiserver.storage.range("/registry/pods/")]
    pod = next(n for n in names if n.startswith("kubernetes-bootcamp-"))
    out, err, code = run(
        c, f"exec -i {pod} -- bash", "cat server.js | head -n 1\ncurl http://localhost:8080\n"
    )
    assert code == 0
    assert err.startswith("  % Total    % Received % Xferd")  # no terminal: curl's meter
    assert out == (
        f"var http = require('http');\nHello Kubernetes bootcamp! | Running on: {pod} | v=1\n"
    )
    assert re.fullmatch(
        r"\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC 2026\n", run(c, f"exec {pod} -- date")[0]
    )


def test_ls_lists_directories_files_and_long_rows() -> None:
    assert sh("ls /etc") == ("config\nhostname\n", "", 0)
    assert sh("ls -l /etc/config/lives") == (
        "-rw-r--r--    1 root     root             1 /etc/config/lives\n",
        "",
        0,
    )
    assert sh("ls /nope; echo $?") == ("1\n", "ls: /nope: No such file or directory\n", 0)
    assert sh("ls /nope", "dash", family="nginx")[1:] == (
        "ls: cannot access '/nope': No such file or directory\n",
        2,
    )


def test_bash_prompts_with_user_host_and_directory() -> None:
    session = ExecSession(Shell(machine(), "bash", "bash"), ["bash"], tty=True, stdin=True)
    session.start()
    session.feed("cd /etc\rnope\r")
    text = "".join(t for _, t in session.take())
    assert text == (
        "root@box:/# cd /etc\r\nroot@box:/etc# nope\r\nbash: nope: command not found\r\n"
        "root@box:/etc# "
    )
    session.close_stdin()
    assert session.code == 127


def test_a_headless_service_resolves_to_its_ready_pods(cluster: Cluster) -> None:
    cluster.files["headless.yaml"] = """\
apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80}]
"""
    assert cluster.kubectl("apply -f headless.yaml").exit_code == 0
    cluster.settle()
    out, _, code = run(cluster, "exec bb -- nslookup web-headless")
    ips = sorted(
        p["status"]["podIP"]
        for p in cluster.apiserver.storage.range("/registry/pods/default/")
        if p["metadata"]["name"].startswith("web-")
    )
    assert code == 0
    assert [line.split()[2] for line in out.splitlines() if line.startswith("Address ")][1:] == ips
