"""Realistic Kubernetes objects for the printing tests (tables, kubectl printers, describe).

Shaped like what a 1.37 API server stores after defaulting and admission: a Deployment `web`
mid-rollout from nginx:1.27 to nginx:1.28, its ReplicaSets, a running pod, a pending
(unschedulable) pod, a crash-looping pod, a terminating pod, a node, a namespace and events.
Every timestamp is `t0` plus an offset, so the same objects can be replayed against a real
kubectl with `t0` near the wall clock.
"""

from __future__ import annotations

import copy
from typing import Any

from engine.timeutil import rfc3339, rfc3339_micro

Obj = dict[str, Any]

NS_UID = "6b0e6a52-2f8c-4a5e-9d38-1c2a6f0e9b11"
DEPLOY_UID = "0c7e1f2a-9b8d-4c3e-8f6a-5d4c3b2a1f0e"
OLD_RS_UID = "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"
NEW_RS_UID = "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b"
NODE_UID = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
OLD_HASH = "7d4b9c8f6"
NEW_HASH = "5b944d484"


def _ts(t0: float, offset: float) -> str:
    return rfc3339(t0 + offset)


def template(image: str, pod_hash: str | None = None) -> Obj:
    labels = {"app": "web"}
    if pod_hash:
        labels["pod-template-hash"] = pod_hash
    return {
        "metadata": {"creationTimestamp": None, "labels": labels},
        "spec": {
            "containers": [
                {
                    "image": image,
                    "imagePullPolicy": "IfNotPresent",
                    "name": "app",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "resources": {},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                }
            ],
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "terminationGracePeriodSeconds": 30,
        },
    }


def deployment(t0: float) -> Obj:
    """Mid-rollout: 3 replicas, 1 updated (the new pod is still starting)."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "annotations": {"deployment.kubernetes.io/revision": "2"},
            "creationTimestamp": _ts(t0, 0),
            "generation": 2,
            "labels": {"app": "web"},
            "name": "web",
            "namespace": "default",
            "resourceVersion": "1042",
            "uid": DEPLOY_UID,
        },
        "spec": {
            "progressDeadlineSeconds": 600,
            "replicas": 3,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                "type": "RollingUpdate",
            },
            "template": template("nginx:1.28"),
        },
        "status": {
            "availableReplicas": 3,
            "conditions": [
                {
                    "lastTransitionTime": _ts(t0, 20),
                    "lastUpdateTime": _ts(t0, 20),
                    "message": "Deployment has minimum availability.",
                    "reason": "MinimumReplicasAvailable",
                    "status": "True",
                    "type": "Available",
                },
                {
                    "lastTransitionTime": _ts(t0, 1),
                    "lastUpdateTime": _ts(t0, 300),
                    "message": f'ReplicaSet "web-{NEW_HASH}" is progressing.',
                    "reason": "ReplicaSetUpdated",
                    "status": "True",
                    "type": "Progressing",
                },
            ],
            "observedGeneration": 2,
            "readyReplicas": 3,
            "replicas": 4,
            "unavailableReplicas": 1,
            "updatedReplicas": 1,
        },
    }


def replica_set(t0: float, *, new: bool) -> Obj:
    pod_hash, uid = (NEW_HASH, NEW_RS_UID) if new else (OLD_HASH, OLD_RS_UID)
    replicas, ready = (1, 0) if new else (3, 3)
    status: Obj = {
        "fullyLabeledReplicas": replicas,
        "observedGeneration": 1,
        "replicas": replicas,
    }
    if ready:
        status.update({"availableReplicas": ready, "readyReplicas": ready})
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "annotations": {
                "deployment.kubernetes.io/desired-replicas": "3",
                "deployment.kubernetes.io/max-replicas": "4",
                "deployment.kubernetes.io/revision": "2" if new else "1",
            },
            "creationTimestamp": _ts(t0, 300 if new else 0),
            "generation": 1,
            "labels": {"app": "web", "pod-template-hash": pod_hash},
            "name": f"web-{pod_hash}",
            "namespace": "default",
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "blockOwnerDeletion": True,
                    "controller": True,
                    "kind": "Deployment",
                    "name": "web",
                    "uid": DEPLOY_UID,
                }
            ],
            "resourceVersion": "1040" if new else "1038",
            "uid": uid,
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web", "pod-template-hash": pod_hash}},
            "template": template("nginx:1.28" if new else "nginx:1.27", pod_hash),
        },
        "status": status,
    }


def _pod(t0: float, name: str, uid: str, *, pod_hash: str = OLD_HASH, created: float = 1) -> Obj:
    """A pod as the API server stores it once the RS controller created it (all defaults and
    admission mutations applied), not yet scheduled."""
    rs_uid = NEW_RS_UID if pod_hash == NEW_HASH else OLD_RS_UID
    spec = copy.deepcopy(template("nginx:1.28" if pod_hash == NEW_HASH else "nginx:1.27")["spec"])
    spec["containers"][0]["volumeMounts"] = [
        {
            "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
            "name": "kube-api-access-" + name[-5:],
            "readOnly": True,
        }
    ]
    spec.update(
        {
            "enableServiceLinks": True,
            "preemptionPolicy": "PreemptLowerPriority",
            "priority": 0,
            "serviceAccount": "default",
            "serviceAccountName": "default",
            "tolerations": [
                {
                    "effect": "NoExecute",
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "tolerationSeconds": 300,
                },
                {
                    "effect": "NoExecute",
                    "key": "node.kubernetes.io/unreachable",
                    "operator": "Exists",
                    "tolerationSeconds": 300,
                },
            ],
            "volumes": [
                {
                    "name": "kube-api-access-" + name[-5:],
                    "projected": {
                        "defaultMode": 420,
                        "sources": [
                            {
                                "serviceAccountToken": {
                                    "expirationSeconds": 3607,
                                    "path": "token",
                                }
                            },
                            {
                                "configMap": {
                                    "items": [{"key": "ca.crt", "path": "ca.crt"}],
                                    "name": "kube-root-ca.crt",
                                }
                            },
                            {
                                "downwardAPI": {
                                    "items": [
                                        {
                                            "fieldRef": {
                                                "apiVersion": "v1",
                                                "fieldPath": "metadata.namespace",
                                            },
                                            "path": "namespace",
                                        }
                                    ]
                                }
                            },
                        ],
                    },
                }
            ],
        }
    )
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "creationTimestamp": _ts(t0, created),
            "generateName": f"web-{pod_hash}-",
            "generation": 1,
            "labels": {"app": "web", "pod-template-hash": pod_hash},
            "name": name,
            "namespace": "default",
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "blockOwnerDeletion": True,
                    "controller": True,
                    "kind": "ReplicaSet",
                    "name": f"web-{pod_hash}",
                    "uid": rs_uid,
                }
            ],
            "resourceVersion": "1001",
            "uid": uid,
        },
        "spec": spec,
        "status": {"phase": "Pending", "qosClass": "BestEffort"},
    }


def _conditions(t0: float, ready: bool, start: float) -> list[Obj]:
    unready = {
        "message": "containers with unready status: [app]",
        "reason": "ContainersNotReady",
    }
    out = []
    for kind, status, at, extra in (
        ("PodReadyToStartContainers", "True", start + 2, {}),
        ("Initialized", "True", start, {}),
        ("Ready", "True" if ready else "False", start + 4, {} if ready else unready),
        ("ContainersReady", "True" if ready else "False", start + 4, {} if ready else unready),
        ("PodScheduled", "True", start - 1, {}),
    ):
        out.append(
            {
                "lastProbeTime": None,
                "lastTransitionTime": _ts(t0, at),
                **extra,
                "status": status,
                "type": kind,
            }
        )
    return out


def _scheduled(pod: Obj, t0: float, start: float, ip: str) -> None:
    pod["spec"]["nodeName"] = "node-1"
    pod["status"].update(
        {
            "hostIP": "172.18.0.2",
            "hostIPs": [{"ip": "172.18.0.2"}],
            "phase": "Running",
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": _ts(t0, start),
        }
    )


CONTAINER_ID = "containerd://" + "4f1d9c6ab2e35c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d"
IMAGE_ID = (
    "docker.io/library/nginx@sha256:"
    "0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"
)


def running_pod(t0: float) -> Obj:
    pod = _pod(t0, f"web-{OLD_HASH}-x8kq2", "4b7c2d1e-8f9a-4b3c-9d2e-1f0a9b8c7d6e")
    _scheduled(pod, t0, 2, "10.244.0.5")
    pod["status"]["conditions"] = _conditions(t0, True, 2)
    pod["status"]["containerStatuses"] = [
        {
            "containerID": CONTAINER_ID,
            "image": "docker.io/library/nginx:1.27",
            "imageID": IMAGE_ID,
            "lastState": {},
            "name": "app",
            "ready": True,
            "restartCount": 0,
            "started": True,
            "state": {"running": {"startedAt": _ts(t0, 5)}},
            "volumeMounts": [
                {
                    "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                    "name": "kube-api-access-x8kq2",
                    "readOnly": True,
                    "recursiveReadOnly": "Disabled",
                }
            ],
        }
    ]
    return pod


def pending_pod(t0: float) -> Obj:
    """Unschedulable: the scheduler's PodScheduled=False condition, no node."""
    pod = _pod(
        t0,
        f"web-{NEW_HASH}-p4zl7",
        "5c8d3e2f-9a0b-4c4d-8e3f-2a1b0c9d8e7f",
        pod_hash=NEW_HASH,
        created=300,
    )
    pod["status"]["conditions"] = [
        {
            "lastProbeTime": None,
            "lastTransitionTime": _ts(t0, 300),
            "message": "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are "
            "available: 1 No preemption victims found for incoming pod.",
            "reason": "Unschedulable",
            "status": "False",
            "type": "PodScheduled",
        }
    ]
    return pod


def crashloop_pod(t0: float) -> Obj:
    """Restarted 4 times; now waiting in CrashLoopBackOff after the last exit 1."""
    pod = _pod(t0, f"web-{OLD_HASH}-c9wvd", "6d9e4f3a-0b1c-4d5e-9f4a-3b2c1d0e9f8a")
    pod["spec"]["containers"][0]["command"] = ["sh", "-c", "echo starting; exit 1"]
    _scheduled(pod, t0, 2, "10.244.0.6")
    pod["status"]["conditions"] = _conditions(t0, False, 2)
    pod["status"]["containerStatuses"] = [
        {
            "containerID": CONTAINER_ID.replace("4f1d", "9a8b"),
            "image": "docker.io/library/nginx:1.27",
            "imageID": IMAGE_ID,
            "lastState": {
                "terminated": {
                    "containerID": CONTAINER_ID.replace("4f1d", "9a8b"),
                    "exitCode": 1,
                    "finishedAt": _ts(t0, 200),
                    "reason": "Error",
                    "startedAt": _ts(t0, 199),
                }
            },
            "name": "app",
            "ready": False,
            "restartCount": 4,
            "started": False,
            "state": {
                "waiting": {
                    "message": "back-off 1m20s restarting failed container=app "
                    f"pod=web-{OLD_HASH}-c9wvd_default(6d9e4f3a-0b1c-4d5e-9f4a-3b2c1d0e9f8a)",
                    "reason": "CrashLoopBackOff",
                }
            },
        }
    ]
    return pod


def terminating_pod(t0: float) -> Obj:
    """Deleted at t0+290 with the default 30 s grace period; still running."""
    pod = running_pod(t0)
    pod["metadata"].update(
        {
            "deletionGracePeriodSeconds": 30,
            "deletionTimestamp": _ts(t0, 320),
            "name": f"web-{OLD_HASH}-tq5vn",
            "uid": "7eaf5a4b-1c2d-4e6f-8a5b-4c3d2e1f0a9b",
        }
    )
    return pod


def node(t0: float) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
            "creationTimestamp": _ts(t0, -600),
            "labels": {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": "node-1",
                "kubernetes.io/os": "linux",
                "node-role.kubernetes.io/worker": "",
            },
            "name": "node-1",
            "resourceVersion": "998",
            "uid": NODE_UID,
        },
        "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]},
        "status": {
            "addresses": [
                {"address": "172.18.0.2", "type": "InternalIP"},
                {"address": "node-1", "type": "Hostname"},
            ],
            "allocatable": {
                "cpu": "2",
                "ephemeral-storage": "61202244Ki",
                "hugepages-2Mi": "0",
                "memory": "4015684Ki",
                "pods": "110",
            },
            "capacity": {
                "cpu": "2",
                "ephemeral-storage": "61202244Ki",
                "hugepages-2Mi": "0",
                "memory": "4015684Ki",
                "pods": "110",
            },
            "conditions": [
                {
                    "lastHeartbeatTime": _ts(t0, 290),
                    "lastTransitionTime": _ts(t0, -600),
                    "message": "kubelet has sufficient memory available",
                    "reason": "KubeletHasSufficientMemory",
                    "status": "False",
                    "type": "MemoryPressure",
                },
                {
                    "lastHeartbeatTime": _ts(t0, 290),
                    "lastTransitionTime": _ts(t0, -580),
                    "message": "kubelet is posting ready status",
                    "reason": "KubeletReady",
                    "status": "True",
                    "type": "Ready",
                },
            ],
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": "3f9a7c2e-1b4d-4e8f-a6c5-0d2e4f6a8b1c",
                "containerRuntimeVersion": "containerd://2.1.4",
                "kernelVersion": "6.8.0-1021-azure",
                "kubeProxyVersion": "",
                "kubeletVersion": "v1.37.1",
                "machineID": "8c1f0e2d3b4a59687c6d5e4f3a2b1c0d",
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": "8c1f0e2d-3b4a-5968-7c6d-5e4f3a2b1c0d",
            },
        },
    }


def lease(t0: float) -> Obj:
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {
            "creationTimestamp": _ts(t0, -600),
            "name": "node-1",
            "namespace": "kube-node-lease",
            "resourceVersion": "1050",
            "uid": "aa11bb22-cc33-4d44-8e55-ff6677889900",
        },
        "spec": {
            "holderIdentity": "node-1",
            "leaseDurationSeconds": 40,
            "renewTime": rfc3339_micro(t0 + 295.5),
        },
    }


def namespace(t0: float) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "creationTimestamp": _ts(t0, -900),
            "labels": {"kubernetes.io/metadata.name": "default"},
            "name": "default",
            "resourceVersion": "20",
            "uid": NS_UID,
        },
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


def _unix_nanos(virtual: float) -> int:
    return round((virtual + 1767225600) * 1e9)  # virtual 0 is 2026-01-01T00:00:00Z


def _core_event(
    t0: float,
    involved: Obj,
    reason: str,
    message: str,
    *,
    first: float,
    last: float | None = None,
    count: int = 1,
    kind: str = "Normal",
    component: str = "kubelet",
    host: str = "node-1",
    field_path: str = "",
) -> Obj:
    ref = {
        "apiVersion": involved["apiVersion"],
        "kind": involved["kind"],
        "name": involved["metadata"]["name"],
        "namespace": involved["metadata"].get("namespace", "default"),
        "resourceVersion": involved["metadata"]["resourceVersion"],
        "uid": involved["metadata"]["uid"],
    }
    if field_path:
        ref["fieldPath"] = field_path
    source = {"component": component}
    if host:
        source["host"] = host
    return {
        "apiVersion": "v1",
        "count": count,
        "eventTime": None,
        "firstTimestamp": _ts(t0, first),
        "involvedObject": ref,
        "kind": "Event",
        "lastTimestamp": _ts(t0, first if last is None else last),
        "message": message,
        "metadata": {
            "creationTimestamp": _ts(t0, first),
            # client-go names events <object>.<unix nanos in hex>
            "name": f"{ref['name']}.{_unix_nanos(t0 + first) + len(reason):x}",
            "namespace": "default",
            "resourceVersion": str(2000 + int(first)),
            "uid": f"e0000000-0000-4000-8000-{int(first):012d}",
        },
        "reason": reason,
        "reportingComponent": component,
        "reportingInstance": host,
        "source": source,
        "type": kind,
    }


def _scheduler_event(
    t0: float,
    pod: Obj,
    reason: str,
    message: str,
    at: float,
    kind: str = "Normal",
    series: tuple[int, float] | None = None,
) -> Obj:
    event = _core_event(t0, pod, reason, message, first=at, kind=kind, component="", host="")
    event.update(
        {
            "action": "Binding" if reason == "Scheduled" else "Scheduling",
            "count": None,
            "eventTime": rfc3339_micro(t0 + at + 0.123456),
            "firstTimestamp": None,
            "lastTimestamp": None,
            "reportingComponent": "default-scheduler",
            "reportingInstance": "default-scheduler-control-plane",
            "source": {},
        }
    )
    del event["count"]
    if series:
        event["series"] = {"count": series[0], "lastObservedTime": rfc3339_micro(t0 + series[1])}
    return event


def running_pod_events(t0: float) -> list[Obj]:
    pod = running_pod(t0)
    name = pod["metadata"]["name"]
    path = "spec.containers{app}"
    return [
        _scheduler_event(
            t0, pod, "Scheduled", f"Successfully assigned default/{name} to node-1", 1
        ),
        _core_event(
            t0,
            pod,
            "Pulled",
            'Container image "nginx:1.27" already present on machine',
            first=3,
            field_path=path,
        ),
        _core_event(t0, pod, "Created", "Container created", first=3, field_path=path),
        _core_event(t0, pod, "Started", "Container started", first=4, field_path=path),
    ]


def crashloop_pod_events(t0: float) -> list[Obj]:
    pod = crashloop_pod(t0)
    name = pod["metadata"]["name"]
    uid = pod["metadata"]["uid"]
    path = "spec.containers{app}"
    return [
        _scheduler_event(
            t0, pod, "Scheduled", f"Successfully assigned default/{name} to node-1", 1
        ),
        _core_event(
            t0,
            pod,
            "Pulled",
            'Container image "nginx:1.27" already present on machine',
            first=3,
            last=199,
            count=5,
            field_path=path,
        ),
        _core_event(
            t0, pod, "Created", "Container created", first=3, last=199, count=5, field_path=path
        ),
        _core_event(
            t0, pod, "Started", "Container started", first=4, last=199, count=5, field_path=path
        ),
        _core_event(
            t0,
            pod,
            "BackOff",
            f"Back-off restarting failed container app in pod {name}_default({uid})",
            first=10,
            last=290,
            count=9,
            kind="Warning",
            field_path=path,
        ),
    ]


def pending_pod_events(t0: float) -> list[Obj]:
    pod = pending_pod(t0)
    message = pod["status"]["conditions"][0]["message"]
    return [
        _scheduler_event(t0, pod, "FailedScheduling", message, 300, kind="Warning", series=(3, 325))
    ]


def deployment_events(t0: float) -> list[Obj]:
    deploy = deployment(t0)
    return [
        _core_event(
            t0,
            deploy,
            "ScalingReplicaSet",
            f"Scaled up replica set web-{OLD_HASH} from 0 to 3",
            first=0,
            component="deployment-controller",
            host="",
        ),
        _core_event(
            t0,
            deploy,
            "ScalingReplicaSet",
            f"Scaled up replica set web-{NEW_HASH} from 0 to 1",
            first=300,
            component="deployment-controller",
            host="",
        ),
    ]


def replica_set_events(t0: float) -> list[Obj]:
    rs = replica_set(t0, new=False)
    return [
        _core_event(
            t0,
            rs,
            "SuccessfulCreate",
            f"Created pod: web-{OLD_HASH}-{suffix}",
            first=1,
            component="replicaset-controller",
            host="",
        )
        for suffix in ("x8kq2", "c9wvd", "tq5vn")
    ]


def node_events(t0: float) -> list[Obj]:
    """The kubelet names its node by name in involvedObject.uid; the node controller uses the
    real UID. Node events carry no namespace in the reference (the Event lives in default)."""
    n = node(t0)
    events = [
        _core_event(t0, n, "Starting", "Starting kubelet.", first=-590),
        _core_event(t0, n, "NodeReady", "Node node-1 status is now: NodeReady", first=-580),
        _core_event(
            t0,
            n,
            "RegisteredNode",
            "Node node-1 event: Registered Node node-1 in Controller",
            first=-575,
            component="node-controller",
            host="",
        ),
    ]
    for event in events:
        del event["involvedObject"]["namespace"]
        if event["source"]["component"] == "kubelet":
            event["involvedObject"]["uid"] = "node-1"
    return events


def rich_pod(t0: float) -> Obj:
    """Everything describe knows how to print: an init container, a sidecar, two containers
    with probes, env, resources, several ports and volume kinds, readiness gates, a node
    selector, long and multi-line annotations."""
    pod = _pod(t0, "rich", "8fb06b5c-2d3e-4f70-9b6c-5d4e3f2a1b0c")
    pod["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": '{"apiVersion":"v1"}\n',
        "example.com/note": "line one\nline two\n",
        "example.com/long": "x" * 150,
        "example.com/short": "ok",
    }
    del pod["metadata"]["ownerReferences"]
    app = pod["spec"]["containers"][0]
    app["ports"] = [
        {"containerPort": 80, "name": "http", "protocol": "TCP"},
        {"containerPort": 9090, "hostPort": 19090, "name": "metrics", "protocol": "TCP"},
    ]
    app["args"] = ["--listen", ":80\n:81"]
    app["resources"] = {
        "limits": {"cpu": "500m", "memory": "256Mi"},
        "requests": {"cpu": "250m", "memory": "128Mi"},
    }
    app["livenessProbe"] = {
        "failureThreshold": 3,
        "httpGet": {"path": "/healthz", "port": 80, "scheme": "HTTP"},
        "initialDelaySeconds": 5,
        "periodSeconds": 10,
        "successThreshold": 1,
        "timeoutSeconds": 1,
    }
    app["readinessProbe"] = {
        "exec": {"command": ["cat", "/tmp/ready"]},
        "failureThreshold": 3,
        "periodSeconds": 5,
        "successThreshold": 1,
        "timeoutSeconds": 1,
    }
    app["startupProbe"] = {
        "failureThreshold": 30,
        "periodSeconds": 10,
        "successThreshold": 1,
        "tcpSocket": {"port": 80},
        "timeoutSeconds": 1,
    }
    app["env"] = [
        {"name": "MODE", "value": "production"},
        {"name": "BANNER", "value": "hello\nworld"},
        {"name": "SECRET_TOKEN", "valueFrom": {"secretKeyRef": {"key": "token", "name": "creds"}}},
        {
            "name": "POD_NAME",
            "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}},
        },
        {
            "name": "POD_IP",
            "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}},
        },
        {
            "name": "APP",
            "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.labels['app']"}},
        },
        {
            "name": "MEM_LIMIT",
            "valueFrom": {
                "resourceFieldRef": {
                    "containerName": "app",
                    "divisor": "1Mi",
                    "resource": "limits.memory",
                }
            },
        },
        {
            "name": "CPU_REQ",
            "valueFrom": {"resourceFieldRef": {"resource": "requests.cpu", "divisor": "1m"}},
        },
        {
            "name": "EPHEMERAL",
            "valueFrom": {"resourceFieldRef": {"resource": "limits.ephemeral-storage"}},
        },
        {
            "name": "LEVEL",
            "valueFrom": {
                "configMapKeyRef": {"key": "level", "name": "settings", "optional": True}
            },
        },
    ]
    app["envFrom"] = [
        {"configMapRef": {"name": "settings"}},
        {"prefix": "DB_", "secretRef": {"name": "db"}},
    ]
    app["volumeMounts"].extend(
        [
            {"mountPath": "/data", "name": "data"},
            {"mountPath": "/etc/config", "name": "config", "subPath": "app.conf"},
        ]
    )
    sidecar = {
        "image": "busybox:1.36",
        "imagePullPolicy": "IfNotPresent",
        "name": "log-shipper",
        "resources": {},
        "restartPolicy": "Always",
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    }
    init = {
        "command": ["sh", "-c", "sleep 2"],
        "image": "busybox:1.36",
        "imagePullPolicy": "IfNotPresent",
        "name": "setup",
        "resources": {},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    }
    pod["spec"]["initContainers"] = [init, sidecar]
    pod["spec"]["containers"].append(
        {
            "image": "redis:7",
            "imagePullPolicy": "IfNotPresent",
            "name": "cache",
            "resources": {"requests": {"cpu": "100m"}},
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
        }
    )
    pod["spec"]["nodeSelector"] = {"disktype": "ssd"}
    pod["spec"]["readinessGates"] = [{"conditionType": "example.com/lb-ready"}]
    pod["spec"]["volumes"].extend(
        [
            {"emptyDir": {"sizeLimit": "1Gi"}, "name": "data"},
            {"configMap": {"defaultMode": 420, "name": "settings"}, "name": "config"},
            {
                "name": "creds",
                "secret": {"defaultMode": 420, "optional": True, "secretName": "creds"},
            },
            {"hostPath": {"path": "/var/log", "type": "Directory"}, "name": "logs"},
            {"name": "claim", "persistentVolumeClaim": {"claimName": "data-claim"}},
        ]
    )
    pod["status"]["qosClass"] = "Burstable"
    _scheduled(pod, t0, 2, "10.244.0.9")
    pod["status"]["podIPs"].append({"ip": "fd00:10:244::9"})
    pod["status"]["conditions"] = _conditions(t0, True, 2)
    pod["status"]["initContainerStatuses"] = [
        {
            "containerID": CONTAINER_ID.replace("4f1d", "1111"),
            "image": "docker.io/library/busybox:1.36",
            "imageID": IMAGE_ID,
            "lastState": {},
            "name": "setup",
            "ready": True,
            "restartCount": 0,
            "started": False,
            "state": {
                "terminated": {
                    "containerID": CONTAINER_ID.replace("4f1d", "1111"),
                    "exitCode": 0,
                    "finishedAt": _ts(t0, 5),
                    "reason": "Completed",
                    "startedAt": _ts(t0, 3),
                }
            },
        },
        {
            "containerID": CONTAINER_ID.replace("4f1d", "2222"),
            "image": "docker.io/library/busybox:1.36",
            "imageID": IMAGE_ID,
            "lastState": {
                "terminated": {
                    "exitCode": 137,
                    "finishedAt": _ts(t0, 60),
                    "reason": "OOMKilled",
                    "signal": 9,
                    "startedAt": _ts(t0, 6),
                }
            },
            "name": "log-shipper",
            "ready": True,
            "restartCount": 1,
            "started": True,
            "state": {"running": {"startedAt": _ts(t0, 61)}},
        },
    ]
    pod["status"]["containerStatuses"] = [
        {
            "containerID": CONTAINER_ID,
            "image": "docker.io/library/nginx:1.27",
            "imageID": IMAGE_ID,
            "lastState": {},
            "name": "app",
            "ready": True,
            "restartCount": 0,
            "started": True,
            "state": {"running": {"startedAt": _ts(t0, 8)}},
        },
        {
            "containerID": CONTAINER_ID.replace("4f1d", "3333"),
            "image": "docker.io/library/redis:7",
            "imageID": IMAGE_ID,
            "lastState": {},
            "name": "cache",
            "ready": True,
            "restartCount": 2,
            "started": True,
            "state": {"running": {"startedAt": _ts(t0, 9)}},
        },
    ]
    return pod


def completed_pod(t0: float) -> Obj:
    """A finished run-once pod (restartPolicy Never), no events left."""
    pod = _pod(t0, "job-done-k2x4z", "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d")
    del pod["metadata"]["ownerReferences"]
    pod["spec"]["restartPolicy"] = "Never"
    _scheduled(pod, t0, 2, "10.244.0.7")
    pod["status"]["phase"] = "Succeeded"
    pod["status"]["conditions"] = [
        {
            "lastProbeTime": None,
            "lastTransitionTime": _ts(t0, 20),
            "reason": "PodCompleted",
            "status": "True",
            "type": "Initialized",
        },
        {
            "lastProbeTime": None,
            "lastTransitionTime": _ts(t0, 20),
            "reason": "PodCompleted",
            "status": "False",
            "type": "Ready",
        },
    ]
    pod["status"]["containerStatuses"] = [
        {
            "containerID": CONTAINER_ID.replace("4f1d", "4444"),
            "image": "docker.io/library/nginx:1.27",
            "imageID": IMAGE_ID,
            "lastState": {},
            "name": "app",
            "ready": False,
            "restartCount": 0,
            "started": False,
            "state": {
                "terminated": {
                    "containerID": CONTAINER_ID.replace("4f1d", "4444"),
                    "exitCode": 0,
                    "finishedAt": _ts(t0, 19),
                    "message": "all done",
                    "reason": "Completed",
                    "startedAt": _ts(t0, 4),
                }
            },
        }
    ]
    return pod


def evicted_pod(t0: float) -> Obj:
    """Evicted by the kubelet for memory pressure: phase Failed with a reason and message, a
    nominated node left over from preemption."""
    pod = _pod(t0, "web-evicted-h7m2p", "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e")
    pod["spec"]["nodeName"] = "node-1"
    pod["status"] = {
        "message": "The node was low on resource: memory. ",
        "nominatedNodeName": "node-2",
        "phase": "Failed",
        "qosClass": "BestEffort",
        "reason": "Evicted",
        "startTime": _ts(t0, 2),
    }
    return pod


def cordoned_node(t0: float) -> Obj:
    n = node(t0)
    n["metadata"]["name"] = "node-2"
    n["metadata"]["labels"]["kubernetes.io/hostname"] = "node-2"
    n["metadata"]["labels"]["node-role.kubernetes.io/control-plane"] = ""
    n["spec"]["unschedulable"] = True
    n["spec"]["taints"] = [
        {
            "effect": "NoSchedule",
            "key": "node.kubernetes.io/unschedulable",
            "timeAdded": _ts(t0, 100),
        },
        {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"},
        {"effect": "NoExecute", "key": "dedicated", "value": "db"},
    ]
    n["status"]["conditions"][1].update(
        {
            "status": "Unknown",
            "reason": "NodeStatusUnknown",
            "message": "Kubelet stopped posting node status.",
        }
    )
    n["status"]["addresses"].append({"address": "203.0.113.7", "type": "ExternalIP"})
    return n
