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


def same_rows(twin: Twin, line: str) -> None:
    """Rows kubectl prints in Go's map order (random): compared as sets."""
    real, engine = twin.both(line)
    assert sorted(normalized(engine.stdout).splitlines()) == sorted(
        normalized(real.stdout).splitlines()
    ), line


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
    same_rows(twin, "describe limits limit-mem-cpu-per-container")


def test_resource_quotas_count_and_refuse(twin: Twin) -> None:
    same(twin, "create namespace quota-mem-cpu-example")
    ns = "--namespace=quota-mem-cpu-example"
    for name, text in (
        ("quota.yaml", m.QUOTA_MEM_CPU),
        ("pod.yaml", m.QUOTA_MEM_CPU_POD),
        ("pod2.yaml", m.QUOTA_MEM_CPU_POD_2),
        ("pods.yaml", m.QUOTA_POD),
        ("deploy.yaml", m.QUOTA_POD_DEPLOYMENT),
    ):
        twin.file(name, text)
    same(twin, f"apply -f quota.yaml {ns}")
    twin.advance(2)
    same(twin, f"get resourcequota mem-cpu-demo {ns} --output=yaml")
    same(twin, f"apply -f pod.yaml {ns}")
    assert "exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi" in same(
        twin, f"apply -f pod2.yaml {ns}"
    )
    assert "must specify limits.cpu for: nginx; limits.memory for: nginx" in same(
        twin, f"run nginx --image=nginx {ns}"
    )
    same(twin, f"get quota {ns}")
    same(twin, f"describe quota {ns}")
    same(twin, "describe namespace quota-mem-cpu-example")
    same(twin, "create namespace quota-pod-example")
    same(twin, "apply -f pods.yaml --namespace=quota-pod-example")
    twin.advance(2)
    same(twin, "apply -f deploy.yaml --namespace=quota-pod-example")
    twin.advance(2)
    same(twin, "get deployment pod-quota-demo --namespace=quota-pod-example")
    same(twin, "get quota pod-demo --namespace=quota-pod-example -o yaml")
    scoped = m.QUOTA_POD.replace("pod-demo", "best-effort") + "  scopes: [BestEffort]\n"
    twin.file("scoped.yaml", scoped)
    same(twin, "apply -f scoped.yaml")
    twin.advance(2)
    same(twin, "run one --image=nginx")
    same(twin, "describe quota best-effort")


def test_create_quota_priorityclass_and_pdb(twin: Twin) -> None:
    """The `create` generators: protobuf bodies from the real kubectl, the same objects and
    words from both (the ResourceQuota concept's `create quota` example among them)."""
    same(twin, "create namespace myspace")
    hard = "count/deployments.apps=2,count/replicasets.apps=4,count/pods=3,count/secrets=4"
    assert same(twin, f"create quota test --hard={hard} --namespace=myspace") == (
        "resourcequota/test created\n"
    )
    twin.advance(2)
    same(twin, "describe quota test --namespace=myspace")
    same(twin, f"create quota test --hard={hard} --namespace=myspace")  # AlreadyExists
    same(twin, "create quota q --hard=pods")
    same(twin, "create quota scoped --hard=pods=1 --scopes=BestEffort,NotTerminating -o yaml")
    same(twin, "create priorityclass gold --value=1000 --description=shiny")
    same(twin, "create priorityclass gold --value=1000")
    same(twin, "create pc never --value=5 --preemption-policy=Never --dry-run=client -o yaml")
    same(twin, "get pc gold -o yaml")
    same(twin, "create pdb web --selector=app=web --min-available=50%")
    same(twin, "create pdb web --selector=app=web --min-available=1")
    same(twin, "create pdb other --selector=app=web,tier!=db --max-unavailable=1")
    same(twin, "create pdb other --selector=app=web,tier --max-unavailable=1 -o yaml")
    same(twin, "create pdb nosel --min-available=1")
    same(twin, "create pdb none --selector=app=web")
    same(twin, "create pdb both --selector=app=web --min-available=1 --max-unavailable=1")
    same(twin, "create pdb bad --selector=app=web --min-available=x")
    same(twin, "get pdb")


def test_priority_classes(twin: Twin) -> None:
    same(twin, "get priorityclass")
    same(twin, "describe pc system-node-critical")
    same(twin, "delete pc system-node-critical")
    twin.file("high.yaml", m.HIGH_PRIORITY)
    twin.file("never.yaml", m.HIGH_PRIORITY_NONPREEMPTING)
    twin.file("pod.yaml", m.NGINX_HIGH_PRIORITY)
    twin.file("lost.yaml", m.NGINX_HIGH_PRIORITY.replace("high-priority", "gold"))
    same(twin, "apply -f high.yaml")
    same(twin, "apply -f never.yaml")
    same(twin, "get pc high-priority -o yaml")
    same(twin, "apply -f pod.yaml")
    assert "priority: 1000000" in same(twin, "get pod nginx -o yaml")
    same(twin, "delete pod nginx")
    assert "no PriorityClass with name gold was found" in same(twin, "apply -f lost.yaml")
    same(twin, "get pc")


def test_disruption_budgets_and_drain(twin: Twin) -> None:
    twin.file("zk.yaml", m.ZK_DEPLOYMENT)
    twin.file("pdb.yaml", m.ZK_PDB.replace("minAvailable: 2", "minAvailable: 3"))
    same(twin, "apply -f zk.yaml")
    twin.advance(5)
    same(twin, "apply -f pdb.yaml")
    twin.advance(2)
    same(twin, "get pdb")
    same(twin, "get pdb zk-pdb -o yaml")
    same(twin, "describe pdb zk-pdb")
    # The real kubectl evicts through the API: refused while the budget allows nothing.
    real, engine = twin.both(
        "drain node-2 --ignore-daemonsets --timeout=12s --pod-selector=app=zookeeper"
    )
    refused = (
        "(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."
    )
    for run in (real, engine):
        assert "node/node-2 cordoned" in run.stdout
        assert refused in run.stderr
    assert (real.code, engine.exit_code) == (1, 1)
    assert real.stderr.splitlines()[-1] == engine.stderr.splitlines()[-1]
    same(twin, "uncordon node-2")


def test_explain_reads_the_policy_kinds(twin: Twin) -> None:
    """The OpenAPI v3 documents describe the four kinds (the real kubectl's explain)."""
    for field, said in (
        ("limitrange.spec.limits.defaultRequest", "FIELD: defaultRequest <map[string]Quantity>"),
        ("resourcequota.status.used", "FIELD: used <map[string]Quantity>"),
        ("priorityclass.value", "FIELD: value <integer>"),
        ("pdb.spec.minAvailable", "FIELD: minAvailable <IntOrString>"),
    ):
        run = twin.real(f"explain {field}")
        assert run.code == 0, run.stderr
        assert said in run.stdout, run.stdout
