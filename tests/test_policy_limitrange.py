"""LimitRange and the LimitRanger admission plugin, as the tasks "Configure Default Memory
Requests and Limits for a Namespace" and "Configure Minimum and Maximum CPU Constraints for a
Namespace" run them: defaults filled in, min/max refused with upstream's words."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.cluster import Cluster
from tests import policy_manifests as m

NS = "--namespace=constraints-cpu-example"


@pytest.fixture
def cluster() -> Cluster:
    cluster = Cluster(seed=3)
    cluster.kubectl("create namespace constraints-cpu-example")
    return cluster


def pod(cluster: Cluster, name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(cluster.kubectl(f"get pod {name} {NS} -o json").stdout)
    return result


def apply(cluster: Cluster, manifest: str, *flags: str) -> str:
    return cluster.kubectl(["apply", "-f", "-", *flags], stdin=manifest).text


def test_min_max_cpu_constraints(cluster: Cluster) -> None:
    assert apply(cluster, m.CPU_CONSTRAINTS, NS) == "limitrange/cpu-min-max-demo-lr created\n"
    shown = cluster.kubectl(f"get limitrange cpu-min-max-demo-lr --output=yaml {NS}").stdout
    # SetDefaults_LimitRangeItem: default limit from max, default request from it.
    assert (
        "spec:\n  limits:\n  - default:\n      cpu: 800m\n    defaultRequest:\n      cpu: 800m\n"
        "    max:\n      cpu: 800m\n    min:\n      cpu: 200m\n    type: Container\n"
    ) in shown
    assert apply(cluster, m.CPU_CONSTRAINTS_POD, NS) == "pod/constraints-cpu-demo created\n"
    assert apply(cluster, m.CPU_CONSTRAINTS_POD_2, NS) == (
        'Error from server (Forbidden): error when creating "STDIN": pods '
        '"constraints-cpu-demo-2" is forbidden: maximum cpu usage per Container is 800m, but '
        "limit is 1500m\n"
    )
    assert apply(cluster, m.CPU_CONSTRAINTS_POD_3, NS) == (
        'Error from server (Forbidden): error when creating "STDIN": pods '
        '"constraints-cpu-demo-3" is forbidden: minimum cpu usage per Container is 200m, but '
        "request is 100m\n"
    )
    apply(cluster, m.CPU_CONSTRAINTS_POD_4, NS)
    pod = cluster.kubectl(f"get pod constraints-cpu-demo-4 {NS} -o yaml").stdout
    assert (
        "    resources:\n      limits:\n        cpu: 800m\n      requests:\n        cpu: 800m\n"
        in pod
    )
    assert (
        "kubernetes.io/limit-ranger: 'LimitRanger plugin set: cpu request for container\n"
        "      constraints-cpu-demo-4-ctr; cpu limit for container constraints-cpu-demo-4-ctr'"
    ) in pod


def test_memory_defaults_and_the_annotation(cluster: Cluster) -> None:
    apply(cluster, m.MEMORY_DEFAULTS, NS)
    apply(cluster, m.MEMORY_DEFAULTS_POD, NS)
    apply(cluster, m.MEMORY_DEFAULTS_POD_2, NS)

    def resources(name: str) -> object:
        return pod(cluster, name)["spec"]["containers"][0]["resources"]

    assert resources("default-mem-demo") == {
        "limits": {"memory": "512Mi"},
        "requests": {"memory": "256Mi"},
    }
    # A limit but no request: the request is the limit (pod defaulting), not the default.
    assert resources("default-mem-demo-2") == {
        "limits": {"memory": "1Gi"},
        "requests": {"memory": "1Gi"},
    }
    cluster.kubectl(f"delete limitrange mem-limit-range {NS}")
    apply(cluster, m.LIMIT_MEM_CPU_CONTAINER, NS)
    apply(cluster, m.NGINX, NS)
    nginx = pod(cluster, "nginx")
    assert nginx["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: cpu, memory request for container nginx; cpu, memory limit for "
        "container nginx"
    )
    assert nginx["status"]["qosClass"] == "Burstable"


def test_several_violations_are_one_aggregate(cluster: Cluster) -> None:
    apply(cluster, m.LIMIT_MEM_CPU_CONTAINER, NS)
    pod = m.NGINX.replace(
        "image: nginx",
        'image: nginx\n    resources:\n      limits:\n        cpu: "2"\n        memory: 2Gi',
    )
    assert apply(cluster, pod, NS).endswith(
        'pods "nginx" is forbidden: [maximum cpu usage per Container is 800m, but limit is 2, '
        "maximum memory usage per Container is 1Gi, but limit is 2Gi]\n"
    )


def test_ratio_and_pod_items() -> None:
    cluster = Cluster(seed=3)
    ratio = """\
apiVersion: v1
kind: LimitRange
metadata:
  name: burst
spec:
  limits:
  - type: Container
    maxLimitRequestRatio:
      memory: "2"
  - type: Pod
    max:
      cpu: "1"
"""
    assert apply(cluster, ratio) == "limitrange/burst created\n"
    pod = m.NGINX.replace(
        "image: nginx",
        "image: nginx\n    resources:\n      requests:\n        memory: 100Mi\n        cpu: 1\n"
        "      limits:\n        memory: 300Mi\n        cpu: 2",
    )
    assert apply(cluster, pod).endswith(
        'pods "nginx" is forbidden: [memory max limit to request ratio per Container is 2, but '
        "provided ratio is 3.000000, maximum cpu usage per Pod is 1, but limit is 2]\n"
    )


def test_validation(cluster: Cluster) -> None:
    bad = """\
apiVersion: v1
kind: LimitRange
metadata:
  name: bad
spec:
  limits:
  - type: Container
    min:
      cpu: "1"
    max:
      cpu: 500m
  - type: Pod
    default:
      cpu: 1
  - type: Pod
"""
    assert apply(cluster, bad) == (
        'The LimitRange "bad" is invalid: \n'
        '* spec.limits[0].min[cpu]: Invalid value: "1": min value 1 is greater than max value '
        "500m\n"
        '* spec.limits[0].defaultRequest[cpu]: Invalid value: "500m": min value 1 is greater '
        "than default request value 500m\n"
        '* spec.limits[0].default[cpu]: Invalid value: "1": min value 1 is greater than default '
        "value 500m\n"
        "* spec.limits[1].default: Forbidden: may not be specified when `type` is 'Pod'\n"
        '* spec.limits[2].type: Duplicate value: "Pod"\n'
    )


def test_get_and_describe(cluster: Cluster) -> None:
    apply(cluster, m.LIMIT_MEM_CPU_CONTAINER)
    assert cluster.kubectl("get limits").stdout == (
        "NAME                          CREATED AT\n"
        "limit-mem-cpu-per-container   2026-01-01T00:00:00Z\n"
    )
    assert cluster.kubectl("describe limitrange limit-mem-cpu-per-container").stdout == (
        "Name:       limit-mem-cpu-per-container\n"
        "Namespace:  default\n"
        "Type        Resource  Min   Max   Default Request  Default Limit  "
        "Max Limit/Request Ratio\n"
        "----        --------  ---   ---   ---------------  -------------  "
        "-----------------------\n"
        "Container   cpu       100m  800m  110m             700m           -\n"
        "Container   memory    99Mi  1Gi   111Mi            900Mi          -\n"
    )


def milestones(cluster: Cluster) -> list[str]:
    return [e.summary for e in cluster.trace if e.kind.value == "milestone"]


def test_the_story_says_what_the_limit_range_did(cluster: Cluster) -> None:
    apply(cluster, m.CPU_CONSTRAINTS, NS)
    apply(cluster, m.CPU_CONSTRAINTS_POD_2, NS)
    apply(cluster, m.CPU_CONSTRAINTS_POD_4, NS)
    said = milestones(cluster)
    assert (
        "The API server refused pod constraints-cpu-demo-2: maximum cpu usage per Container is "
        "800m, but limit is 1500m (LimitRange cpu-min-max-demo-lr in namespace "
        "constraints-cpu-example)"
    ) in said
    assert (
        "LimitRange cpu-min-max-demo-lr in namespace constraints-cpu-example filled in what pod "
        "constraints-cpu-demo-4 did not ask for (cpu request for container "
        "constraints-cpu-demo-4-ctr; cpu limit for container constraints-cpu-demo-4-ctr), and the "
        "pod keeps within its limits"
    ) in said


def test_claims_keep_within_the_storage_limits(cluster: Cluster) -> None:
    storage = """\
apiVersion: v1
kind: LimitRange
metadata:
  name: storagelimits
spec:
  limits:
  - type: PersistentVolumeClaim
    max:
      storage: 2Gi
    min:
      storage: 1Gi
"""
    apply(cluster, storage, NS)
    claim = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: big
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 5Gi
"""
    assert apply(cluster, claim, NS) == (
        'Error from server (Forbidden): error when creating "STDIN": persistentvolumeclaims '
        '"big" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request '
        "is 5Gi\n"
    )
    small = claim.replace("big", "small").replace("5Gi", "500Mi")
    assert apply(cluster, small, NS).endswith(
        "minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi\n"
    )
    fits = claim.replace("big", "fits").replace("5Gi", "1Gi")
    assert apply(cluster, fits, NS) == "persistentvolumeclaim/fits created\n"
