"""`kubectl describe pod` and the pieces pod templates share with it: containers, volumes,
QoS class. Source: staging/src/k8s.io/kubectl/pkg/describe/describe.go (describePod,
describeVolumes and the print*VolumeSource helpers, DescribePodTemplate,
describeTopologySpreadConstraints) and
staging/src/k8s.io/kubectl/pkg/util/qos/qos.go.
"""

from __future__ import annotations

from typing import Any

from engine.apimachinery.quantity import canonical_quantity, parse_quantity
from engine.apiserver.table_cells import format_label_selector
from engine.kubectl.describe_containers import describe_containers, describe_resources
from engine.kubectl.describe_writer import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    Obj,
    PrefixWriter,
    controlled_by,
    describe_events,
    print_annotations,
    print_labels,
    print_tolerations,
    rfc1123z,
    since,
    tabbed,
)


def describe_pod(pod: Obj, events: list[Obj] | None, now: float) -> str:
    """`kubectl describe pod` for `pod` and the events about it (None: --show-events=false)."""
    meta, spec, status = pod.get("metadata", {}), pod.get("spec", {}), pod.get("status", {})

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        if spec.get("priority") is not None:
            w.write(LEVEL_0, f"Priority:\t{spec['priority']}\n")
        if spec.get("priorityClassName"):
            w.write(LEVEL_0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
        if spec.get("runtimeClassName"):
            w.write(LEVEL_0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
        if spec.get("serviceAccountName"):
            w.write(LEVEL_0, f"Service Account:\t{spec['serviceAccountName']}\n")
        if spec.get("nodeName"):
            w.write(LEVEL_0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
        else:
            w.write(LEVEL_0, "Node:\t<none>\n")
        if status.get("startTime"):
            w.write(LEVEL_0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        phase = status.get("phase", "")
        if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
            # "lasts" is measured from a deletionTimestamp in the future, so it usually reads
            # <invalid> in real clusters too.
            w.write(
                LEVEL_0, f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'], now)})\n"
            )
            w.write(
                LEVEL_0,
                f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 0)}s\n",
            )
        else:
            w.write(LEVEL_0, f"Status:\t{phase}\n")
        if status.get("reason"):
            w.write(LEVEL_0, f"Reason:\t{status['reason']}\n")
        if status.get("message"):
            w.write(LEVEL_0, f"Message:\t{status['message']}\n")
        seccomp = (spec.get("securityContext") or {}).get("seccompProfile")
        if seccomp:
            w.write(LEVEL_0, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
            if seccomp.get("type") == "Localhost":
                w.write(LEVEL_0, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
        w.write(LEVEL_0, f"IP:\t{status.get('podIP', '')}\n")
        pod_ips = status.get("podIPs") or []
        if not pod_ips:
            w.write(LEVEL_0, "IPs:\t<none>\n")
        else:
            w.write(LEVEL_0, "IPs:\n")
            for ip in pod_ips:
                w.write(LEVEL_1, f"IP:\t{ip.get('ip', '')}\n")
        owner = controlled_by(pod)
        if owner:
            w.write(LEVEL_0, f"Controlled By:\t{owner}\n")
        if status.get("nominatedNodeName"):
            w.write(LEVEL_0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
        if spec.get("resources") is not None:
            w.write(LEVEL_0, "Resources:\n")
            describe_resources(w, spec["resources"], LEVEL_1)
        if spec.get("initContainers"):
            describe_containers(
                w,
                "Init Containers",
                spec["initContainers"],
                status.get("initContainerStatuses"),
                pod=pod,
            )
        describe_containers(
            w, "Containers", spec.get("containers") or [], status.get("containerStatuses"), pod=pod
        )
        if spec.get("ephemeralContainers"):
            describe_containers(
                w,
                "Ephemeral Containers",
                spec["ephemeralContainers"],
                status.get("ephemeralContainerStatuses"),
                pod=pod,
            )
        conditions = status.get("conditions") or []
        if spec.get("readinessGates"):
            w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n")
            for gate in spec["readinessGates"]:
                kind = gate.get("conditionType", "")
                state = next((c.get("status") for c in conditions if c.get("type") == kind), None)
                w.write(LEVEL_1, f"{kind} \t{state or '<none>'} \n")
        if conditions:
            w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n")
            for condition in conditions:
                w.write(LEVEL_1, f"{condition.get('type', '')} \t{condition.get('status', '')} \n")
        describe_volumes(w, spec.get("volumes") or [], "")
        w.write(LEVEL_0, f"QoS Class:\t{status.get('qosClass') or pod_qos(pod)}\n")
        print_labels(w, "Node-Selectors", spec.get("nodeSelector"))
        print_tolerations(w, "Tolerations", spec.get("tolerations"))
        describe_topology_spread(w, spec.get("topologySpreadConstraints") or [], "")
        describe_events(w, events, now)

    return tabbed(body)


def describe_pod_template(w: PrefixWriter, template: Obj | None) -> None:
    """DescribePodTemplate, used by Deployment/ReplicaSet describers (no statuses)."""
    w.write(LEVEL_0, "Pod Template:\n")
    if template is None:
        w.write(LEVEL_1, "<unset>")
        return
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    print_labels(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        print_annotations(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(LEVEL_1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], None, "  ")
    describe_containers(w, "Containers", spec.get("containers") or [], None, "  ")
    describe_volumes(w, spec.get("volumes") or [], "  ")
    describe_topology_spread(w, spec.get("topologySpreadConstraints") or [], "  ")
    if spec.get("priorityClassName"):
        w.write(LEVEL_1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    print_labels(w, "  Node-Selectors", spec.get("nodeSelector"))
    print_tolerations(w, "  Tolerations", spec.get("tolerations"))


def describe_volumes(w: PrefixWriter, volumes: list[Obj], space: str) -> None:
    if not volumes:
        w.write(LEVEL_0, f"{space}Volumes:\t<none>\n")
        return
    w.write(LEVEL_0, f"{space}Volumes:\n")
    for volume in volumes:
        w.write(LEVEL_1, f"{' ' if space else ''}{volume.get('name', '')}:\n")
        _volume_source(w, volume)


def _volume_source(w: PrefixWriter, volume: Obj) -> None:
    if "hostPath" in volume:
        source = volume["hostPath"]
        w.write(
            LEVEL_2,
            "Type:\tHostPath (bare host directory volume)\n"
            f"    Path:\t{source.get('path', '')}\n"
            f"    HostPathType:\t{source.get('type') or '<none>'}\n",
        )
    elif "emptyDir" in volume:
        source = volume["emptyDir"] or {}
        limit = source.get("sizeLimit")
        limit_text = canonical_quantity(limit) if limit and parse_quantity(limit) > 0 else "<unset>"
        w.write(
            LEVEL_2,
            "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
            f"    Medium:\t{source.get('medium', '')}\n"
            f"    SizeLimit:\t{limit_text}\n",
        )
    elif "secret" in volume:
        source = volume["secret"]
        w.write(
            LEVEL_2,
            "Type:\tSecret (a volume populated by a Secret)\n"
            f"    SecretName:\t{source.get('secretName', '')}\n"
            f"    Optional:\t{_bool(source.get('optional'))}\n",
        )
    elif "configMap" in volume:
        source = volume["configMap"]
        w.write(
            LEVEL_2,
            "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
            f"    Name:\t{source.get('name', '')}\n"
            f"    Optional:\t{_bool(source.get('optional'))}\n",
        )
    elif "persistentVolumeClaim" in volume:
        source = volume["persistentVolumeClaim"]
        w.write(
            LEVEL_2,
            "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim "
            "in the same namespace)\n"
            f"    ClaimName:\t{source.get('claimName', '')}\n"
            f"    ReadOnly:\t{_bool(source.get('readOnly'))}\n",
        )
    elif "downwardAPI" in volume:
        w.write(
            LEVEL_2,
            "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
        )
        for item in volume["downwardAPI"].get("items") or []:
            if item.get("fieldRef"):
                w.write(LEVEL_3, f"{item['fieldRef'].get('fieldPath', '')} -> {item.get('path')}\n")
            if item.get("resourceFieldRef"):
                w.write(
                    LEVEL_3,
                    f"{item['resourceFieldRef'].get('resource', '')} -> {item.get('path')}\n",
                )
    elif "projected" in volume:
        _projected(w, volume["projected"] or {})
    else:
        w.write(LEVEL_1, "<unknown>\n")


def _projected(w: PrefixWriter, projected: Obj) -> None:
    """printProjectedVolumeSource: the kube-api-access-* volume every pod gets."""
    w.write(
        LEVEL_2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n"
    )
    for source in projected.get("sources") or []:
        if source.get("secret") is not None:
            secret = source["secret"]
            w.write(
                LEVEL_2,
                f"SecretName:\t{secret.get('name', '')}\n"
                f"    Optional:\t{_bool(secret.get('optional'))}\n",
            )
        elif source.get("downwardAPI") is not None:
            w.write(LEVEL_2, "DownwardAPI:\ttrue\n")
        elif source.get("configMap") is not None:
            config_map = source["configMap"]
            w.write(
                LEVEL_2,
                f"ConfigMapName:\t{config_map.get('name', '')}\n"
                f"    Optional:\t{_bool(config_map.get('optional'))}\n",
            )
        elif source.get("serviceAccountToken") is not None:
            seconds = source["serviceAccountToken"].get("expirationSeconds", 3600)
            w.write(LEVEL_2, f"TokenExpirationSeconds:\t{seconds}\n")


def describe_topology_spread(w: PrefixWriter, constraints: list[Obj], space: str) -> None:
    """describeTopologySpreadConstraints: sorted by topologyKey."""
    if not constraints:
        return
    w.write(LEVEL_0, f"{space}Topology Spread Constraints:\t")
    for index, tsc in enumerate(sorted(constraints, key=lambda c: c.get("topologyKey", ""))):
        if index:
            w.write(LEVEL_0, space)
            w.write(LEVEL_0, "\t")
        text = (
            f"{tsc.get('topologyKey', '')}:{tsc.get('whenUnsatisfiable', '')} when max skew "
            f"{tsc.get('maxSkew', 0)} is exceeded"
        )
        if tsc.get("labelSelector") is not None:
            text += f" for selector {format_label_selector(tsc['labelSelector'])}"
        w.write(LEVEL_0, text + "\n")


def pod_qos(pod: Obj) -> str:
    """qos.ComputePodQOS, used only when status.qosClass is unset."""
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    guaranteed = True
    spec = pod.get("spec", {})
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        resources = container.get("resources") or {}
        req = {
            k: v
            for k, v in (resources.get("requests") or {}).items()
            if k in ("cpu", "memory") and parse_quantity(v) != 0
        }
        lim = {
            k: v
            for k, v in (resources.get("limits") or {}).items()
            if k in ("cpu", "memory") and parse_quantity(v) != 0
        }
        requests.update(req)
        limits.update(lim)
        if set(lim) != {"cpu", "memory"}:
            guaranteed = False
        if any(parse_quantity(req[k]) != parse_quantity(lim.get(k, 0)) for k in req):
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def _bool(value: Any) -> str:
    return "true" if value else "false"
