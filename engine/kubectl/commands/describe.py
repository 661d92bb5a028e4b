"""kubectl describe (staging/src/k8s.io/kubectl/pkg/cmd/describe/describe.go and the
describers of staging/src/k8s.io/kubectl/pkg/describe/describe.go).

The builder fetches what the command line names; each describer then GETs its object again
(through the typed client), lists what it needs to show — events about the object, a
Deployment's ReplicaSets, a ReplicaSet's or a Node's pods, a Node's Lease — and formats it
(engine/kubectl/describe.py). `kubectl describe pods we` falls back to describing every pod
whose name starts with `we`.

`describe namespace` lists the namespace's ResourceQuotas and LimitRanges. Podlife serves no
ResourceSlices, so the LIST kubectl makes for them (whose 404 it ignores) is not sent, and
their section is left out as kubectl leaves it out when the server lacks the kind.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apimachinery.labels import selector_from_match
from engine.apiserver.request import Response
from engine.apiserver.resources import BY_NAME, ResourceType
from engine.kubectl import describe as describers
from engine.kubectl.builder import parse_targets, resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.describe_autoscaling import describe_hpa
from engine.kubectl.describe_batch import describe_cronjob, describe_job
from engine.kubectl.describe_config import describe_configmap, describe_secret
from engine.kubectl.describe_daemonset import describe_daemonset
from engine.kubectl.describe_generic import describe_generic
from engine.kubectl.describe_networking import (
    describe_ingress,
    describe_ingress_class,
    describe_network_policy,
    service_backend_names,
)
from engine.kubectl.describe_policy import (
    describe_limit_range,
    describe_pod_disruption_budget,
    describe_priority_class,
    describe_resource_quota,
)
from engine.kubectl.describe_rbac import describe_binding, describe_role
from engine.kubectl.describe_service import describe_service
from engine.kubectl.describe_serviceaccount import describe_service_account
from engine.kubectl.describe_statefulset import describe_statefulset
from engine.kubectl.describe_storage import (
    describe_persistent_volume,
    describe_persistent_volume_claim,
    describe_storage_class,
)
from engine.kubectl.errors import KubectlError, api_error_text
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

CHUNK = "500"  # DescriberSettings.ChunkSize (cmdutil.DefaultChunkSize)
DESCRIBED = (
    "Pod",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "DaemonSet",
    "StatefulSet",
    "Node",
    "Namespace",
    "ConfigMap",
    "Secret",
    "Service",
    "ServiceAccount",
    "Job",
    "CronJob",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "StorageClass",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "LimitRange",
    "ResourceQuota",
    "PriorityClass",
    "PodDisruptionBudget",
    "Ingress",
    "IngressClass",
    "NetworkPolicy",
    "HorizontalPodAutoscaler",
)
# Kinds kubectl has no describer for: its generic describer prints every field.
GENERIC = ("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding")


@command(
    "describe",
    Flag("selector", "l", default=""),
    Flag("all-namespaces", "A", kind="bool", default=False),
    Flag("show-events", kind="bool", default=True),
    Flag("chunk-size", kind="int", default=500),
    summary="Show details of a specific resource or group of resources",
)
def describe(ctx: Context, flags: Parsed) -> Gen:
    if not flags.args:
        raise KubectlError(
            "error: You must specify the type of resource to describe. Use "
            '"kubectl api-resources" for a complete list of supported resources.'
        )
    objects, errors = yield from _fetch(ctx, flags)
    if errors and len(flags.args) == 2 and "/" not in flags.args[0] and errors[0][0] == 404:
        yield from _describe_matching(ctx, flags, errors[0][1])
        return
    # kubectl 1.37 lists events only when it describes exactly one object (and fetched it
    # without error), unless --show-events was given explicitly.
    show_events = (
        flags.show_events if "show_events" in flags.given else (len(objects) == 1 and not errors)
    )
    failures = [text for _code, text in errors]
    printed = 0
    for resource, obj in objects:
        try:
            text = yield from describe_object(ctx, resource, obj, show_events)
        except KubectlError as error:
            if error.text not in failures:
                failures.append(error.text)
            continue
        ctx.out(text if not printed else f"\n\n{text}")
        printed += 1
    if not objects and not errors:
        ctx.err(
            "No resources found\n"
            if flags.all_namespaces
            else f"No resources found in {ctx.namespace} namespace.\n"
        )
    if failures:
        raise KubectlError("".join(failures))


def _fetch(ctx: Context, flags: Parsed) -> Gen:
    """The builder: a GET per name, a LIST (in chunks of 500) per bare type."""
    objects: list[tuple[ResourceType, dict[str, Any]]] = []
    errors: list[tuple[int, str]] = []
    for target in parse_targets(flags.args, ctx):
        resource = target.resource
        namespace = ctx.namespace if resource.namespaced else ""
        if target.name:
            response: Response = yield from ctx.request(
                "GET", resource_path(resource, namespace, target.name)
            )
            if response.ok:
                objects.append((resource, response.body))
            else:
                errors.append((response.code, api_error_text(response.body)))
            continue
        query = {"labelSelector": flags.selector} if flags.selector else {}
        scope = "" if flags.all_namespaces else namespace
        listing: Response = yield from ctx.request(
            "GET", resource_path(resource, scope), query={**query, "limit": CHUNK}
        )
        if not listing.ok:
            errors.append((listing.code, api_error_text(listing.body)))
            continue
        objects += [(resource, item) for item in listing.body.get("items") or []]
    return objects, errors


def _describe_matching(ctx: Context, flags: Parsed, not_found: str) -> Gen:
    """DescribeMatchingResources: every object of the type whose name has the prefix."""
    resource = parse_targets(flags.args[:1], ctx)[0].resource
    namespace = ctx.namespace if resource.namespaced else ""
    listing: Response = yield from ctx.request(
        "GET", resource_path(resource, namespace), query={"limit": CHUNK}
    )
    matched = False
    for item in ctx.must(listing).get("items") or []:
        if item["metadata"]["name"].startswith(flags.args[1]):
            matched = True
            show = flags.show_events and "show_events" in flags.given
            text = yield from describe_object(ctx, resource, item, show_events=show)
            ctx.out(text + "\n")
    if not matched:
        raise KubectlError(not_found)


def describe_object(
    ctx: Context, resource: ResourceType, obj: dict[str, Any], show_events: bool
) -> Gen:
    """One describer: its own GET of the object, then what its kind needs."""
    if resource.kind not in DESCRIBED + GENERIC:
        raise KubectlError(
            f"error: describing {resource.name} is not part of Podlife's simulated kubectl"
        )
    meta = obj["metadata"]
    name, namespace = meta["name"], meta.get("namespace", "")
    response: Response = yield from ctx.request("GET", resource_path(resource, namespace, name))
    current = ctx.must(response)
    if resource.kind in GENERIC:
        events = yield from _events(ctx, current, show_events)
        return describe_generic(current, events, ctx.now)
    if resource.kind == "Pod":
        events = yield from _events(ctx, current, show_events, with_kind=False)
        return describers.describe_pod(current, events, ctx.now)
    if resource.kind == "Deployment":
        events = yield from _events(ctx, current, show_events)
        replica_sets = yield from _list(
            ctx, "replicasets", namespace, {"labelSelector": _selector(current)}
        )
        return describers.describe_deployment(current, replica_sets, events, ctx.now)
    if resource.kind == "ReplicaSet":
        pods = yield from _list(ctx, "pods", namespace, {"labelSelector": _selector(current)})
        events = yield from _events(ctx, current, show_events)
        return describers.describe_replicaset(current, pods, events, ctx.now)
    if resource.kind == "ReplicationController":
        # labels.SelectorFromSet of the map, then getPodStatusForController
        selector = {"matchLabels": (current.get("spec") or {}).get("selector") or {}}
        pods = yield from _list(
            ctx, "pods", namespace, {"labelSelector": selector_from_match(selector).string()}
        )
        events = yield from _events(ctx, current, show_events)
        return describers.describe_replication_controller(current, pods, events, ctx.now)
    if resource.kind in ("DaemonSet", "StatefulSet"):
        pods = yield from _list(ctx, "pods", namespace, {"labelSelector": _selector(current)})
        events = yield from _events(ctx, current, show_events)
        workload = describe_daemonset if resource.kind == "DaemonSet" else describe_statefulset
        return workload(current, pods, events, ctx.now)
    if resource.kind in ("Job", "CronJob"):
        events = yield from _events(ctx, current, show_events)
        describer = describe_job if resource.kind == "Job" else describe_cronjob
        return describer(current, events, ctx.now)
    if resource.kind == "Node":
        return (yield from _describe_node(ctx, current, show_events))
    if resource.kind == "ConfigMap":
        events = yield from _events(ctx, current, show_events)
        return describe_configmap(current, events, ctx.now)
    if resource.kind == "Secret":
        return describe_secret(current)
    if resource.kind == "Service":
        service_name = f"kubernetes.io/service-name={current['metadata']['name']}"
        slices = yield from _list(ctx, "endpointslices", namespace, {"labelSelector": service_name})
        events = yield from _events(ctx, current, show_events)
        return describe_service(current, slices, events, ctx.now)
    if resource.kind == "ServiceAccount":
        events = yield from _events(ctx, current, show_events)
        return describe_service_account(current, events, ctx.now)
    if resource.kind in ("PersistentVolume", "PersistentVolumeClaim", "StorageClass"):
        return (yield from _describe_storage(ctx, current, show_events))
    if resource.kind in ("Role", "ClusterRole"):
        return describe_role(current)
    if resource.kind == "Ingress":
        return (yield from _describe_ingress(ctx, current, show_events))
    if resource.kind == "IngressClass":
        events = yield from _events(ctx, current, show_events)
        return describe_ingress_class(current, events, ctx.now)
    if resource.kind == "NetworkPolicy":
        return describe_network_policy(current)
    if resource.kind == "HorizontalPodAutoscaler":
        events = yield from _events(ctx, current, show_events)
        return describe_hpa(current, events, ctx.now)
    if resource.kind in ("RoleBinding", "ClusterRoleBinding"):
        return describe_binding(current)
    if resource.kind == "LimitRange":
        return describe_limit_range(current)
    if resource.kind == "ResourceQuota":
        return describe_resource_quota(current)
    if resource.kind in ("PriorityClass", "PodDisruptionBudget"):
        events = yield from _events(ctx, current, show_events)
        if resource.kind == "PriorityClass":
            return describe_priority_class(current, events, ctx.now)
        return describe_pod_disruption_budget(current, events, ctx.now)
    # NamespaceDescriber: the namespace's quotas and limit ranges (a kind the server does not
    # serve is left out, as kubectl leaves it out after the LIST's 404).
    quotas = yield from _list(ctx, "resourcequotas", name, {})
    limit_ranges = yield from _list(ctx, "limitranges", name, {})
    return describers.describe_namespace(current, quotas, limit_ranges)


def _describe_storage(ctx: Context, obj: dict[str, Any], show_events: bool) -> Gen:
    events = yield from _events(ctx, obj, show_events)
    if obj.get("kind") == "PersistentVolume":
        return describe_persistent_volume(obj, events, ctx.now)
    if obj.get("kind") == "StorageClass":
        return describe_storage_class(obj, events, ctx.now)
    # getPodsForPVC: the namespace's pods whose volumes name the claim.
    meta = obj["metadata"]
    pods = yield from _list(ctx, "pods", meta.get("namespace", ""), {})
    users = [
        pod
        for pod in pods
        if any(
            (v.get("persistentVolumeClaim") or {}).get("claimName") == meta["name"]
            for v in (pod.get("spec") or {}).get("volumes") or []
        )
    ]
    return describe_persistent_volume_claim(obj, users, events, ctx.now)


def _describe_ingress(ctx: Context, ingress: dict[str, Any], show_events: bool) -> Gen:
    """IngressDescriber: events first, then per backend Service (describeBackendV1) a LIST
    of its EndpointSlices and a GET of the Service."""
    namespace = ingress["metadata"].get("namespace", "")
    events = yield from _events(ctx, ingress, show_events)
    backends: dict[str, Any] = {}
    for name in service_backend_names(ingress):
        label = f"kubernetes.io/service-name={name}"
        slices = yield from _list(ctx, "endpointslices", namespace, {"labelSelector": label})
        response: Response = yield from ctx.request(
            "GET", resource_path(BY_NAME["services"], namespace, name)
        )
        backends[name] = (slices, response.body) if response.ok else response.body["message"]
    return describe_ingress(ingress, backends, events, ctx.now)


def _describe_node(ctx: Context, node: dict[str, Any], show_events: bool) -> Gen:
    name = node["metadata"]["name"]
    pods = yield from _list(
        ctx,
        "pods",
        "",
        {"fieldSelector": f"spec.nodeName={name},status.phase!=Succeeded,status.phase!=Failed"},
    )
    events = None
    if show_events:
        # The controllers record node events with the node's UID, the kubelet with its name.
        events = yield from _events(ctx, node, True)
        by_name = yield from _events(ctx, node, True, uid=name)
        events = (events or []) + (by_name or [])
    lease: Response = yield from ctx.request(
        "GET", resource_path(BY_NAME["leases"], "kube-node-lease", name)
    )
    return describers.describe_node(node, pods, events, ctx.now, lease.body if lease.ok else None)


def _events(
    ctx: Context, obj: dict[str, Any], show: bool, *, with_kind: bool = True, uid: str = ""
) -> Gen:
    """searchEvents: the events whose involvedObject is this object (kubectl's field order
    comes from a Go map; Podlife fixes one). The pod describer clears the kind."""
    if not show:
        return None
    meta = obj["metadata"]
    fields = [
        f"involvedObject.name={meta['name']}",
        f"involvedObject.namespace={meta.get('namespace', '')}",
    ]
    if with_kind:
        fields.append(f"involvedObject.kind={obj.get('kind', '')}")
    fields.append(f"involvedObject.uid={uid or meta.get('uid', '')}")
    items = yield from _list(
        ctx, "events", meta.get("namespace", ""), {"fieldSelector": ",".join(fields)}
    )
    return items


def _list(ctx: Context, resource_name: str, namespace: str, query: dict[str, str]) -> Gen:
    response: Response = yield from ctx.request(
        "GET", resource_path(BY_NAME[resource_name], namespace), query={**query, "limit": CHUNK}
    )
    return list(ctx.must(response).get("items") or [])


def _selector(obj: dict[str, Any]) -> str:
    return selector_from_match((obj.get("spec") or {}).get("selector")).string()
