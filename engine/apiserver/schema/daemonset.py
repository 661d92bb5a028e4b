"""apps/v1 DaemonSet and ControllerRevision (k8s.io/api apps/v1/types.go DaemonSet,
DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet, DaemonSetStatus,
DaemonSetCondition, ControllerRevision)."""

from __future__ import annotations

from engine.apiserver.schema.apps import APPS, _condition
from engine.apiserver.schema.cluster import kind, list_kind
from engine.apiserver.schema.meta import LABEL_SELECTOR
from engine.apiserver.schema.model import (
    INT_OR_STRING,
    Struct,
    free_form,
    int32,
    int64,
    list_of,
    ref,
    string,
)
from engine.apiserver.schema.pod import POD_TEMPLATE_SPEC

DAEMON_SET = kind(
    APPS + "DaemonSet",
    ("apps", "v1", "DaemonSet"),
    "A DaemonSet runs one copy of a pod on every eligible node (a log collector, a node "
    "monitor, a network agent), and puts one on each node that joins.",
    spec=ref(APPS + "DaemonSetSpec", "The desired state: which pods, on which nodes."),
    status=ref(APPS + "DaemonSetStatus", "How many nodes run the pod, as last observed."),
)

CONTROLLER_REVISION = kind(
    APPS + "ControllerRevision",
    ("apps", "v1", "ControllerRevision"),
    "An immutable snapshot of a controller's state (a DaemonSet's pod template), kept so that "
    "a rollout can be told apart from the last and undone.",
    data=free_form("The state: for a DaemonSet, a patch that restores its pod template."),
    revision=int64("The revision of the state in data, counting up."),
)

STRUCTS = (
    DAEMON_SET,
    list_kind(DAEMON_SET),
    CONTROLLER_REVISION,
    list_kind(CONTROLLER_REVISION),
    Struct(
        APPS + "DaemonSetSpec",
        "The desired state of a DaemonSet.",
        {
            "minReadySeconds": int32("How long a new pod must be ready to count as available."),
            "revisionHistoryLimit": int32(
                "How many old history entries (ControllerRevisions) to keep. Defaults to 10."
            ),
            "selector": ref(
                LABEL_SELECTOR,
                "Which pods belong to this DaemonSet, by label. It must match the template's "
                "labels, and cannot be changed once set.",
            ),
            "template": ref(
                POD_TEMPLATE_SPEC,
                "The pod to run on each eligible node. Only restartPolicy Always is allowed.",
            ),
            "updateStrategy": ref(
                APPS + "DaemonSetUpdateStrategy", "How pods are replaced when the template changes."
            ),
        },
        required=("selector", "template"),
    ),
    Struct(
        APPS + "DaemonSetUpdateStrategy",
        "How a DaemonSet replaces its pods.",
        {
            "rollingUpdate": ref(
                APPS + "RollingUpdateDaemonSet",
                "Limits for a RollingUpdate. Only with type RollingUpdate.",
            ),
            "type": string(
                "RollingUpdate (replace pods node by node, the default) or OnDelete (a new pod "
                "only once you delete the old one).",
                enum=("OnDelete", "RollingUpdate"),
            ),
        },
    ),
    Struct(
        APPS + "RollingUpdateDaemonSet",
        "How fast a DaemonSet's rolling update goes.",
        {
            "maxSurge": ref(
                INT_OR_STRING,
                "How many nodes may run a new pod beside the old one during the update. "
                "Defaults to 0.",
            ),
            "maxUnavailable": ref(
                INT_OR_STRING,
                "How many nodes may be without an available pod during the update. Defaults to 1.",
            ),
        },
    ),
    Struct(
        APPS + "DaemonSetStatus",
        "The observed state of a DaemonSet.",
        {
            "collisionCount": int32("Used to avoid name collisions of ControllerRevisions."),
            "conditions": list_of(
                APPS + "DaemonSetCondition",
                "The latest observations of the DaemonSet's state.",
                merge_key="type",
                map_keys=("type",),
            ),
            "currentNumberScheduled": int32(
                "Nodes that run at least one daemon pod and are supposed to."
            ),
            "desiredNumberScheduled": int32("Nodes that should run the daemon pod."),
            "numberAvailable": int32(
                "Nodes that should run the daemon pod and have one available."
            ),
            "numberMisscheduled": int32("Nodes that run the daemon pod but are not supposed to."),
            "numberReady": int32("Nodes that should run the daemon pod and have one Ready."),
            "numberUnavailable": int32(
                "Nodes that should run the daemon pod and have none available."
            ),
            "observedGeneration": int64("The generation the controller last acted on."),
            "updatedNumberScheduled": int32("Nodes that run the updated daemon pod."),
        },
        required=(
            "currentNumberScheduled",
            "numberMisscheduled",
            "desiredNumberScheduled",
            "numberReady",
        ),
    ),
    _condition("DaemonSetCondition", "one a tool of yours reports", False),
)
