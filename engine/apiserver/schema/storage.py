"""Storage: PersistentVolume and PersistentVolumeClaim (core/v1) and StorageClass
(storage.k8s.io/v1), as staging/src/k8s.io/api/core/v1/types.go (PersistentVolumeSpec,
PersistentVolumeSource, PersistentVolumeClaimSpec, VolumeResourceRequirements,
VolumeNodeAffinity, LocalVolumeSource) and storage/v1/types.go (StorageClass) declare them.

The storage-vendor sources of a PersistentVolume are free-form here, as in volume.py."""

from __future__ import annotations

from engine.apiserver.schema.cluster import CORE, kind, list_kind
from engine.apiserver.schema.meta import LABEL_SELECTOR
from engine.apiserver.schema.model import (
    Struct,
    boolean,
    free_form,
    list_of,
    quantities,
    ref,
    string,
    string_map,
    strings,
    time,
)
from engine.apiserver.schema.pod import OBJECT_REFERENCE

STORAGE = "io.k8s.api.storage.v1."

_ACCESS_MODES = (
    "How the volume can be mounted: ReadWriteOnce (read-write by one node), ReadOnlyMany, "
    "ReadWriteMany or ReadWriteOncePod (read-write by one pod)."
)
_VOLUME_MODE = "Filesystem (the default: a mounted directory) or Block (a raw device)."
_CLASS = (
    "The StorageClass it belongs to. A claim without one gets the cluster's default class; "
    '"" asks for a volume without a class.'
)

# PersistentVolumeSource: the sources Podlife does not look inside.
_PV_VENDOR_SOURCES = {
    "awsElasticBlockStore": "Deprecated: an AWS EBS disk (now served by its CSI driver).",
    "azureDisk": "Deprecated: an Azure data disk.",
    "azureFile": "Deprecated: an Azure File share.",
    "cephfs": "Deprecated: a CephFS mount.",
    "cinder": "Deprecated: an OpenStack Cinder volume.",
    "csi": "A volume managed by an external CSI driver.",
    "fc": "A Fibre Channel disk.",
    "flexVolume": "Deprecated: a volume from a FlexVolume plugin.",
    "flocker": "Deprecated: a Flocker dataset.",
    "gcePersistentDisk": "Deprecated: a GCE persistent disk.",
    "glusterfs": "Deprecated: a GlusterFS mount.",
    "iscsi": "An iSCSI disk.",
    "nfs": "An NFS share.",
    "photonPersistentDisk": "Deprecated: a Photon Controller disk.",
    "portworxVolume": "Deprecated: a Portworx volume.",
    "quobyte": "Deprecated: a Quobyte mount.",
    "rbd": "Deprecated: a Ceph RBD image.",
    "scaleIO": "Deprecated: a ScaleIO volume.",
    "storageos": "Deprecated: a StorageOS volume.",
    "vsphereVolume": "Deprecated: a vSphere VMDK volume.",
}

PERSISTENT_VOLUME = kind(
    CORE + "PersistentVolume",
    ("", "v1", "PersistentVolume"),
    "A PersistentVolume is a piece of storage in the cluster, made by an administrator or "
    "by a provisioner for a claim. It outlives the pods that use it.",
    spec=ref(CORE + "PersistentVolumeSpec", "What the volume is and offers."),
    status=ref(CORE + "PersistentVolumeStatus", "Whether it is free, bound or released."),
)
PERSISTENT_VOLUME_CLAIM = kind(
    CORE + "PersistentVolumeClaim",
    ("", "v1", "PersistentVolumeClaim"),
    "A PersistentVolumeClaim is a request for storage: how much, how it is mounted, of which "
    "class. The PersistentVolume controller binds it to one volume; pods mount the claim.",
    spec=ref(CORE + "PersistentVolumeClaimSpec", "The storage asked for."),
    status=ref(CORE + "PersistentVolumeClaimStatus", "Whether it is bound, and to what."),
)
STORAGE_CLASS = kind(
    STORAGE + "StorageClass",
    ("storage.k8s.io", "v1", "StorageClass"),
    "A StorageClass names a kind of storage and the provisioner that makes volumes of it "
    "for claims that ask for the class.",
    allowVolumeExpansion=boolean("Whether claims of this class may ask for more storage."),
    allowedTopologies=list_of(
        CORE + "TopologySelectorTerm", "Where its volumes may be provisioned.", list_type="atomic"
    ),
    mountOptions=strings('Mount options of the volumes it provisions, e.g. ["ro", "soft"].'),
    parameters=string_map("Settings for the provisioner; their meaning is its own."),
    provisioner=string("The provisioner that makes its volumes, e.g. rancher.io/local-path."),
    reclaimPolicy=string(
        "What becomes of a provisioned volume when its claim is deleted: Delete (the "
        "default) or Retain.",
        enum=("Delete", "Recycle", "Retain"),
    ),
    volumeBindingMode=string(
        "Immediate (the default: bind or provision as soon as the claim exists) or "
        "WaitForFirstConsumer (wait until a pod using the claim is scheduled).",
        enum=("Immediate", "WaitForFirstConsumer"),
    ),
)

STRUCTS = (
    PERSISTENT_VOLUME,
    list_kind(PERSISTENT_VOLUME),
    PERSISTENT_VOLUME_CLAIM,
    list_kind(PERSISTENT_VOLUME_CLAIM),
    STORAGE_CLASS,
    list_kind(STORAGE_CLASS),
    Struct(
        CORE + "PersistentVolumeSpec",
        "A PersistentVolume's description: its size, how it can be mounted, its source.",
        {
            "accessModes": strings(_ACCESS_MODES),
            "capacity": quantities("Its size, as `storage`, e.g. 10Gi."),
            "claimRef": ref(
                OBJECT_REFERENCE,
                "The claim it is bound to (set by the PersistentVolume controller, or by an "
                "administrator to reserve it for one claim).",
            ),
            "hostPath": ref(
                CORE + "HostPathVolumeSource",
                "A directory of a node: for single-node test clusters only.",
            ),
            "local": ref(
                CORE + "LocalVolumeSource", "A disk or directory of one node (needs nodeAffinity)."
            ),
            "mountOptions": strings('Mount options, e.g. ["ro", "soft"].'),
            "nodeAffinity": ref(
                CORE + "VolumeNodeAffinity", "The nodes the volume can be reached from."
            ),
            "persistentVolumeReclaimPolicy": string(
                "What happens once its claim is deleted: Retain (the default for volumes made "
                "by hand), Delete or Recycle (deprecated).",
                enum=("Delete", "Recycle", "Retain"),
            ),
            "storageClassName": string('The StorageClass it belongs to; "" for none.'),
            "volumeAttributesClassName": string("The VolumeAttributesClass it belongs to."),
            "volumeMode": string(_VOLUME_MODE, enum=("Block", "Filesystem")),
            **{name: free_form(text) for name, text in _PV_VENDOR_SOURCES.items()},
        },
    ),
    Struct(
        CORE + "PersistentVolumeStatus",
        "Where a PersistentVolume is in its life.",
        {
            "lastPhaseTransitionTime": time("When the phase last changed."),
            "message": string("Why it is in this phase, for people."),
            "phase": string(
                "Pending, Available (free), Bound (to a claim), Released (its claim was "
                "deleted) or Failed.",
                enum=("Available", "Bound", "Failed", "Pending", "Released"),
            ),
            "reason": string("Why it is in this phase, in one CamelCase word."),
        },
    ),
    Struct(
        CORE + "LocalVolumeSource",
        "A disk, partition or directory of one node.",
        {
            "fsType": string("The filesystem, for a block device."),
            "path": string("The full path on the node."),
        },
        required=("path",),
    ),
    Struct(
        CORE + "VolumeNodeAffinity",
        "The nodes a volume can be used from.",
        {"required": ref(CORE + "NodeSelector", "The nodes that can reach the volume.")},
    ),
    Struct(
        CORE + "PersistentVolumeClaimSpec",
        "The storage a claim asks for.",
        {
            "accessModes": strings(_ACCESS_MODES),
            "dataSource": ref(
                CORE + "TypedLocalObjectReference",
                "Fill the new volume from a snapshot or another claim.",
            ),
            "dataSourceRef": ref(
                CORE + "TypedObjectReference", "Fill the new volume from this object."
            ),
            "resources": ref(
                CORE + "VolumeResourceRequirements",
                "How much storage: requests.storage, e.g. 3Gi.",
            ),
            "selector": ref(LABEL_SELECTOR, "Only volumes with these labels may be bound."),
            "storageClassName": string(_CLASS),
            "volumeAttributesClassName": string("The VolumeAttributesClass asked for."),
            "volumeMode": string(_VOLUME_MODE, enum=("Block", "Filesystem")),
            "volumeName": string("The volume it is bound to (set by the PV controller)."),
        },
    ),
    Struct(
        CORE + "VolumeResourceRequirements",
        "The storage a claim asks for (requests) and may grow to (limits).",
        {
            "limits": quantities("The most storage allowed."),
            "requests": quantities("The storage asked for, as `storage`."),
        },
    ),
    Struct(
        CORE + "TypedLocalObjectReference",
        "An object in the same namespace, by kind and name.",
        {
            "apiGroup": string("Its API group; empty for the core group."),
            "kind": string("Its kind."),
            "name": string("Its name."),
        },
        required=("kind", "name"),
        extensions=(("x-kubernetes-map-type", "atomic"),),
    ),
    Struct(
        CORE + "TypedObjectReference",
        "An object, by kind and name, possibly in another namespace.",
        {
            "apiGroup": string("Its API group; empty for the core group."),
            "kind": string("Its kind."),
            "name": string("Its name."),
            "namespace": string("Its namespace."),
        },
        required=("kind", "name"),
    ),
    Struct(
        CORE + "PersistentVolumeClaimStatus",
        "What a claim got.",
        {
            "accessModes": strings("The access modes of the volume it is bound to."),
            "allocatedResourceStatuses": string_map("The state of a resize, by resource."),
            "allocatedResources": quantities("The storage allocated, for resizes."),
            "capacity": quantities("The size of the volume it is bound to."),
            "conditions": list_of(
                CORE + "PersistentVolumeClaimCondition",
                "Conditions, e.g. Resizing.",
                merge_key="type",
                map_keys=("type",),
            ),
            "currentVolumeAttributesClassName": string("The VolumeAttributesClass in use."),
            "modifyVolumeStatus": free_form("The state of a volume modification."),
            "phase": string(
                "Pending (not bound yet), Bound, or Lost (its volume is gone).",
                enum=("Bound", "Lost", "Pending"),
            ),
        },
    ),
    Struct(
        CORE + "PersistentVolumeClaimCondition",
        "A condition of a claim.",
        {
            "lastProbeTime": time("When it was last checked."),
            "lastTransitionTime": time("When it last changed."),
            "message": string("Details, for people."),
            "reason": string("Why, in one CamelCase word."),
            "status": string("True, False or Unknown."),
            "type": string("Resizing, FileSystemResizePending, ..."),
        },
        required=("type", "status"),
    ),
    Struct(
        CORE + "TopologySelectorTerm",
        "Topology labels a volume may be provisioned in.",
        {
            "matchLabelExpressions": list_of(
                CORE + "TopologySelectorLabelRequirement", "Label requirements, ANDed."
            )
        },
        extensions=(("x-kubernetes-map-type", "atomic"),),
    ),
    Struct(
        CORE + "TopologySelectorLabelRequirement",
        "A topology label and its allowed values.",
        {"key": string("The label key."), "values": strings("The allowed values.")},
        required=("key", "values"),
    ),
)
