"""Deployments, nodes and logs with the real kubectl: scale, set image, rollout, cordon,
drain, describe, logs. Most need pods that run, so they wait for the scheduler, controllers
and kubelets to be wired into Cluster; each compares with the in-engine kubectl where it has
the command."""

from __future__ import annotations

import pytest

from tests.kubectl_real.conftest import Twin, engine_has, needs_running_pods, normalized
from tests.kubectl_real.manifests import DEPLOYMENT, POD


def check(twin: Twin, line: str, expected_stdout: str | None = None) -> None:
    real, engine = twin.both(line)
    assert real.code == 0, (line, real.stderr)
    if expected_stdout is not None:
        assert real.stdout == expected_stdout, line
    if engine_has(line.split()[0]) or engine_has(" ".join(line.split()[:2])):
        assert (normalized(engine.stdout), normalized(engine.stderr), engine.exit_code) == (
            normalized(real.stdout),
            normalized(real.stderr),
            real.code,
        ), line


@pytest.fixture
def shop(twin: Twin) -> Twin:
    twin.file("deploy.yaml", DEPLOYMENT)
    twin.both("apply -f deploy.yaml")
    return twin


def test_scale_and_set_image(shop: Twin) -> None:
    check(shop, "scale deploy shop --replicas=3", "deployment.apps/shop scaled\n")
    assert "replicas: 3" in shop.real("get deploy shop -o yaml").stdout
    check(shop, "set image deploy/shop nginx=nginx:1.28", "deployment.apps/shop image updated\n")


def test_cordon_and_uncordon(twin: Twin) -> None:
    check(twin, "cordon node-1", "node/node-1 cordoned\n")
    assert "SchedulingDisabled" in twin.real("get node node-1").stdout
    check(twin, "uncordon node-1", "node/node-1 uncordoned\n")


@needs_running_pods
def test_rollout_status_history_undo_restart(shop: Twin) -> None:
    check(shop, "rollout status deploy/shop", 'deployment "shop" successfully rolled out\n')
    check(shop, "set image deploy/shop nginx=nginx:1.28")
    check(shop, "rollout status deploy/shop")
    check(shop, "rollout history deploy/shop")
    check(shop, "rollout undo deploy/shop", "deployment.apps/shop rolled back\n")
    check(shop, "rollout status deploy/shop")
    check(shop, "rollout restart deploy/shop", "deployment.apps/shop restarted\n")
    check(shop, "rollout status deploy/shop")
    check(shop, "get deploy shop")


@needs_running_pods
def test_drain_evicts_then_uncordon(shop: Twin) -> None:
    node = shop.real("get pods -o wide").stdout.splitlines()[1].split()[6]
    real, _ = shop.both(f"drain {node} --ignore-daemonsets")
    assert real.code == 0, real.stderr
    assert real.stdout.startswith(f"node/{node} cordoned\n")
    assert real.stdout.endswith(f"node/{node} drained\n")
    check(shop, f"uncordon {node}", f"node/{node} uncordoned\n")


@needs_running_pods
def test_describe_and_logs(shop: Twin) -> None:
    shop.file("pod.yaml", POD)
    shop.both("apply -f pod.yaml")
    check(shop, "describe pod web")
    check(shop, "describe deployment shop")
    check(shop, "describe node node-1")
    logs = shop.real("logs web")
    assert logs.code == 0, logs.stderr
    check(shop, "logs web")
