"""Readiness, liveness and startup probes against the container behaviour model."""

from tests.node_fixtures import cluster, container_status, create, events, get, pod, row


def _probe(port=80, path="/", **extra):
    return {"httpGet": {"path": path, "port": port}, **extra}


def test_readiness_probe_gates_ready():
    c, _ = cluster()
    create(c, pod(readinessProbe=_probe(initialDelaySeconds=5, periodSeconds=5)))
    c.advance(4)
    assert row(c)[1:3] == ["0/1", "Running"] or row(c)[1].strip() == "0/1"
    ready = next(x for x in get(c)["status"]["conditions"] if x["type"] == "Ready")
    assert ready["status"] == "False"
    assert ready["message"] == "containers with unready status: [app]"
    cs = container_status(c)
    assert cs["started"] is True and cs["ready"] is False
    c.advance(5)
    assert row(c)[1].strip() == "1/1"
    assert container_status(c)["ready"] is True


def test_settle_waits_for_a_readiness_probe_that_will_pass():
    c, _ = cluster()
    create(c, pod(readinessProbe=_probe(initialDelaySeconds=5)))
    assert c.settle()
    assert row(c)[1].strip() == "1/1"


def test_readiness_probe_on_a_wrong_port_never_passes():
    c, _ = cluster()
    create(c, pod(readinessProbe=_probe(port=8080, periodSeconds=5)))
    c.advance(30)
    cells = row(c)
    assert cells[1].strip() == "0/1" and cells[2].strip() == "Running"
    unhealthy = [e for e in events(c) if e["reason"] == "Unhealthy"]
    assert len(unhealthy) == 1 and unhealthy[0]["count"] >= 5
    assert unhealthy[0]["type"] == "Warning"
    assert unhealthy[0]["message"] == (
        'Readiness probe failed: Get "http://10.244.1.2:8080/": dial tcp 10.244.1.2:8080: '
        "connect: connection refused"
    )


def test_readiness_probe_with_a_missing_path_sees_404():
    c, _ = cluster()
    create(c, pod(readinessProbe=_probe(path="/healthz")))
    c.advance(10)
    unhealthy = next(e for e in events(c) if e["reason"] == "Unhealthy")
    assert unhealthy["message"] == "Readiness probe failed: HTTP probe failed with statuscode: 404"


def test_liveness_failure_restarts_the_container_with_a_killing_event():
    c, _ = cluster()
    create(
        c,
        pod(livenessProbe=_probe(port=8080, periodSeconds=5, failureThreshold=3)),
    )
    c.advance(20)
    messages = [(e["reason"], e["message"]) for e in events(c)]
    assert (
        "Unhealthy",
        'Liveness probe failed: Get "http://10.244.1.2:8080/": dial tcp 10.244.1.2:8080: '
        "connect: connection refused",
    ) in messages
    assert ("Killing", "Container app failed liveness probe, will be restarted") in messages
    cs = container_status(c)
    assert cs["restartCount"] == 1
    # nginx exits cleanly on its stop signal
    assert cs["lastState"]["terminated"]["reason"] == "Completed"


def test_liveness_example_from_the_kubernetes_docs():
    # agnhost liveness: /healthz answers 200 for ten seconds, then 500
    c, _ = cluster()
    create(
        c,
        pod(
            image="registry.k8s.io/e2e-test-images/agnhost:2.40",
            args=["liveness"],
            livenessProbe=_probe(
                port=8080, path="/healthz", initialDelaySeconds=3, periodSeconds=3
            ),
        ),
    )
    c.advance(25)
    unhealthy = next(e for e in events(c) if e["reason"] == "Unhealthy")
    assert unhealthy["message"] == "Liveness probe failed: HTTP probe failed with statuscode: 500"
    cs = container_status(c)
    assert cs["restartCount"] == 1
    # a Go program without a SIGTERM handler dies of the signal
    assert cs["lastState"]["terminated"]["exitCode"] == 143


def test_exec_liveness_probe_on_the_healthy_file():
    script = "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"
    c, _ = cluster()
    create(
        c,
        pod(
            image="busybox:1.36",
            args=["/bin/sh", "-c", script],
            livenessProbe={
                "exec": {"command": ["cat", "/tmp/healthy"]},
                "initialDelaySeconds": 5,
                "periodSeconds": 5,
            },
        ),
    )
    c.advance(30)
    assert container_status(c)["restartCount"] == 0
    c.advance(20)
    unhealthy = next(e for e in events(c) if e["reason"] == "Unhealthy")
    assert unhealthy["message"] == (
        "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"
    )
    assert any(e["reason"] == "Killing" for e in events(c))
    # sh as PID 1 ignores SIGTERM: the restart comes when the 30 s grace period is over
    assert container_status(c)["restartCount"] == 0
    c.advance(30)
    assert container_status(c)["restartCount"] == 1


def test_startup_probe_holds_started_and_readiness():
    c, _ = cluster()
    create(
        c,
        pod(
            "db",
            "postgres:17",
            env=[{"name": "POSTGRES_PASSWORD", "value": "pw"}],
            startupProbe={"tcpSocket": {"port": 5432}, "periodSeconds": 1, "failureThreshold": 30},
            readinessProbe={"exec": {"command": ["pg_isready"]}, "periodSeconds": 5},
        ),
    )
    c.advance(5)  # the image pull takes ~3.6 s; postgres listens 2.5 s after it starts
    cs = container_status(c, "db")
    assert "running" in cs["state"]
    assert cs["started"] is False and cs["ready"] is False
    c.advance(3)
    cs = container_status(c, "db")
    assert cs["started"] is True and cs["ready"] is True


def test_healthy_probes_are_not_run_every_period():
    c, _ = cluster()
    create(c, pod(livenessProbe=_probe(periodSeconds=1), readinessProbe=_probe(periodSeconds=1)))
    c.advance(120)
    probes = [e for e in c.trace if e.kind == "probe"]
    assert len(probes) == 2  # one look each: nothing about nginx can change after that
    assert all(e.data["ok"] for e in probes)
