"""core/v1 Volume and its sources (k8s.io/api core/v1/types.go VolumeSource).

The sources learners meet (emptyDir, hostPath, configMap, secret, persistentVolumeClaim,
projected, downwardAPI, image) are described field by field; the storage-vendor sources are
free-form objects here, so a manifest using them is accepted without their fields being
checked.
"""

from __future__ import annotations

from engine.apiserver.schema.model import (
    QUANTITY,
    Struct,
    boolean,
    free_form,
    int32,
    int64,
    list_of,
    ref,
    string,
)

CORE = "io.k8s.api.core.v1."
VOLUME = CORE + "Volume"

# Sources Podlife does not model in detail, with what each one is.
_VENDOR_SOURCES = {
    "awsElasticBlockStore": "Deprecated: an AWS EBS disk (now served by its CSI driver).",
    "azureDisk": "Deprecated: an Azure data disk (now served by its CSI driver).",
    "azureFile": "Deprecated: an Azure File share (now served by its CSI driver).",
    "cephfs": "Deprecated: a CephFS mount.",
    "cinder": "Deprecated: an OpenStack Cinder volume.",
    "csi": "A volume provided by a CSI driver, defined inline in the pod.",
    "ephemeral": "A volume provisioned for this pod by a storage driver and deleted with it.",
    "fc": "A Fibre Channel disk.",
    "flexVolume": "Deprecated: a volume from a FlexVolume plugin.",
    "flocker": "Deprecated: a Flocker dataset.",
    "gcePersistentDisk": "Deprecated: a GCE persistent disk (now served by its CSI driver).",
    "gitRepo": "Deprecated: a git repository cloned into an empty directory.",
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

_ITEMS = (
    "Which keys to project, and under which file names. Without it every key becomes a file "
    "named after the key."
)

STRUCTS = (
    Struct(
        VOLUME,
        "A named volume that the pod's containers can mount. Exactly one source is set.",
        {
            "name": string("The volume's name, a DNS label unique within the pod."),
            "configMap": ref(CORE + "ConfigMapVolumeSource", "The keys of a ConfigMap as files."),
            "downwardAPI": ref(
                CORE + "DownwardAPIVolumeSource", "Facts about the pod itself as files."
            ),
            "emptyDir": ref(
                CORE + "EmptyDirVolumeSource",
                "An empty directory created when the pod starts on a node and removed with it.",
            ),
            "hostPath": ref(
                CORE + "HostPathVolumeSource",
                "A file or directory of the node itself. Powerful and risky: mostly for system "
                "agents.",
            ),
            "image": ref(
                CORE + "ImageVolumeSource", "The contents of an OCI image, mounted read-only."
            ),
            "persistentVolumeClaim": ref(
                CORE + "PersistentVolumeClaimVolumeSource",
                "Storage obtained through a PersistentVolumeClaim in the pod's namespace.",
            ),
            "projected": ref(
                CORE + "ProjectedVolumeSource",
                "Several sources (Secrets, ConfigMaps, downward API, service account token) in "
                "one directory.",
            ),
            "secret": ref(CORE + "SecretVolumeSource", "The keys of a Secret as files."),
            **{name: free_form(text) for name, text in _VENDOR_SOURCES.items()},
        },
        required=("name",),
    ),
    Struct(
        CORE + "EmptyDirVolumeSource",
        "An empty directory that lives as long as the pod does on its node.",
        {
            "medium": string('Where it is stored: "" (the node\'s disk) or Memory (a tmpfs).'),
            "sizeLimit": ref(QUANTITY, "The most data the directory may hold."),
        },
    ),
    Struct(
        CORE + "HostPathVolumeSource",
        "A path on the node.",
        {
            "path": string("The path on the node; symlinks are followed."),
            "type": string(
                'What must exist at the path: "" (no check), DirectoryOrCreate, Directory, '
                "FileOrCreate, File, Socket, CharDevice or BlockDevice."
            ),
        },
        required=("path",),
    ),
    Struct(
        CORE + "ConfigMapVolumeSource",
        "Files made from the keys of a ConfigMap.",
        {
            "defaultMode": int32("The permission bits of the files, 0000-0777. Defaults to 0644."),
            "items": list_of(CORE + "KeyToPath", _ITEMS),
            "name": string("The ConfigMap's name, in the pod's namespace."),
            "optional": boolean("Whether the ConfigMap or its keys may be missing."),
        },
    ),
    Struct(
        CORE + "SecretVolumeSource",
        "Files made from the keys of a Secret.",
        {
            "defaultMode": int32("The permission bits of the files, 0000-0777. Defaults to 0644."),
            "items": list_of(CORE + "KeyToPath", _ITEMS),
            "optional": boolean("Whether the Secret or its keys may be missing."),
            "secretName": string("The Secret's name, in the pod's namespace."),
        },
    ),
    Struct(
        CORE + "KeyToPath",
        "Maps one key to a file path inside the volume.",
        {
            "key": string("The key to project."),
            "mode": int32("The permission bits of this file, 0000-0777."),
            "path": string("The relative file path; must not contain '..'."),
        },
        required=("key", "path"),
    ),
    Struct(
        CORE + "PersistentVolumeClaimVolumeSource",
        "A reference to a PersistentVolumeClaim in the pod's namespace.",
        {
            "claimName": string("The claim's name."),
            "readOnly": boolean("Mount read-only. Defaults to false."),
        },
        required=("claimName",),
    ),
    Struct(
        CORE + "ImageVolumeSource",
        "An OCI image (or artifact) mounted as a read-only volume.",
        {
            "pullPolicy": string("Always, Never or IfNotPresent, as for container images."),
            "reference": string("The image reference, as for a container image."),
        },
    ),
    Struct(
        CORE + "DownwardAPIVolumeSource",
        "Files holding facts about the pod (its name, labels, resource limits).",
        {
            "defaultMode": int32("The permission bits of the files, 0000-0777. Defaults to 0644."),
            "items": list_of(CORE + "DownwardAPIVolumeFile", "The files to create."),
        },
    ),
    Struct(
        CORE + "DownwardAPIVolumeFile",
        "One downward API file.",
        {
            "fieldRef": ref(
                CORE + "ObjectFieldSelector",
                "A field of the pod: metadata.name, metadata.namespace, metadata.labels, "
                "metadata.annotations or metadata.uid.",
            ),
            "mode": int32("The permission bits of this file, 0000-0777."),
            "path": string("The relative file path; must not contain '..'."),
            "resourceFieldRef": ref(
                CORE + "ResourceFieldSelector", "A container's resource request or limit."
            ),
        },
        required=("path",),
    ),
    Struct(
        CORE + "ProjectedVolumeSource",
        "Several volume sources projected into one directory.",
        {
            "defaultMode": int32("The permission bits of the files, 0000-0777. Defaults to 0644."),
            "sources": list_of(CORE + "VolumeProjection", "The sources to combine."),
        },
    ),
    Struct(
        CORE + "VolumeProjection",
        "One source of a projected volume; exactly one field is set.",
        {
            "clusterTrustBundle": free_form("Certificates from ClusterTrustBundle objects."),
            "configMap": ref(CORE + "ConfigMapProjection", "Keys of a ConfigMap."),
            "downwardAPI": ref(CORE + "DownwardAPIProjection", "Facts about the pod."),
            "podCertificate": free_form("A certificate issued for the pod."),
            "secret": ref(CORE + "SecretProjection", "Keys of a Secret."),
            "serviceAccountToken": ref(
                CORE + "ServiceAccountTokenProjection",
                "A short-lived token of the pod's service account.",
            ),
        },
    ),
    Struct(
        CORE + "ConfigMapProjection",
        "The keys of a ConfigMap in a projected volume.",
        {
            "items": list_of(CORE + "KeyToPath", _ITEMS),
            "name": string("The ConfigMap's name."),
            "optional": boolean("Whether the ConfigMap or its keys may be missing."),
        },
    ),
    Struct(
        CORE + "SecretProjection",
        "The keys of a Secret in a projected volume.",
        {
            "items": list_of(CORE + "KeyToPath", _ITEMS),
            "name": string("The Secret's name."),
            "optional": boolean("Whether the Secret or its keys may be missing."),
        },
    ),
    Struct(
        CORE + "DownwardAPIProjection",
        "Downward API files in a projected volume.",
        {"items": list_of(CORE + "DownwardAPIVolumeFile", "The files to create.")},
    ),
    Struct(
        CORE + "ServiceAccountTokenProjection",
        "A token of the pod's service account, refreshed by the kubelet before it expires.",
        {
            "audience": string("Who the token is meant for; defaults to the API server."),
            "expirationSeconds": int64(
                "How long the token is valid. Defaults to 1 hour; at least 10 minutes."
            ),
            "path": string("The file the token is written to."),
        },
        required=("path",),
    ),
)
