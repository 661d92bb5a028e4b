"""The policy kinds with the real kubectl and the in-engine one, side by side: LimitRanges
(the docs' tasks), ResourceQuotas, PriorityClasses and PodDisruptionBudgets."""

from __future__ import annotations

from tests import policy_manifests as m
from tests.kubectl_real.conftest import Twin, normalized


def same(twin: Twin, line: str) -> str:
    real, engine = twin.both(line)
    assert (normalized(engine.stdout), normalized(engine.stderr), engine.exit_code) == (
        normalized(real.stdout),
        normalized(real.stderr),
        real.code,
    ), line
    return real.stdout + real.stderr


def test_limit_ranges_default_and_refuse(twin: Twin) -> None:
    same(twin, "create namespace constraints-cpu-example")
    ns = "--namespace=constraints-cpu-example"
    for name, text in (
        ("lr.yaml", m.CPU_CONSTRAINTS),
        ("pod.yaml", m.CPU_CONSTRAINTS_POD),
        ("pod2.yaml", m.CPU_CONSTRAINTS_POD_2),
        ("pod4.yaml", m.CPU_CONSTRAINTS_POD_4),
        ("all.yaml", m.LIMIT_MEM_CPU_CONTAINER),
        ("nginx.yaml", m.NGINX),
    ):
        twin.file(name, text)
    same(twin, f"apply -f lr.yaml {ns}")
    same(twin, f"get limitrange cpu-min-max-demo-lr --output=yaml {ns}")
    same(twin, f"apply -f pod.yaml {ns}")
    assert "maximum cpu usage per Container is 800m, but limit is 1500m" in same(
        twin, f"apply -f pod2.yaml {ns}"
    )
    same(twin, f"apply -f pod4.yaml {ns}")
    same(twin, f"get pod constraints-cpu-demo-4 {ns} -o yaml")
    same(twin, f"get limits {ns}")
    same(twin, f"describe limitrange {ns}")
    same(twin, "describe namespace constraints-cpu-example")
    same(twin, "apply -f all.yaml")
    same(twin, "apply -f nginx.yaml")
    assert "LimitRanger plugin set: cpu, memory request for" in same(twin, "get pod nginx -o yaml")
    same(twin, "describe limits limit-mem-cpu-per-container")
