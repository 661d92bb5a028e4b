"""Storage with the whole control plane: PersistentVolumes, PersistentVolumeClaims and
StorageClasses served (defaults, validation word for word, printing, describe), the
PersistentVolume controller binding claims, the default StorageClass and its provisioner,
the scheduler's VolumeBinding plugin, the kubelet mounting claims, and the protection
finalizers."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from engine.cluster import Cluster
from tests.controller_kit import call, get
from tests.kubectl_real.manifests import PV_CLAIM, PV_VOLUME

# The tutorial's, each starting on a new line (some tests join them with "---").
PV, CLAIM = "\n" + PV_VOLUME, "\n" + PV_CLAIM
POD = """
apiVersion: v1
kind: Pod
metadata:
  name: task-pv-pod
spec:
  volumes:
    - name: task-pv-storage
      persistentVolumeClaim:
        claimName: {claim}
  containers:
    - name: task-pv-container
      image: nginx
      volumeMounts:
        - mountPath: "/usr/share/nginx/html"
          name: task-pv-storage
"""
DEFAULT_CLAIM = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
"""


@pytest.fixture
def c() -> Cluster:
    cluster = Cluster(seed=5)
    cluster.settle()
    return cluster


def apply(c: Cluster, text: str) -> str:
    result = c.kubectl("apply -f -", text)
    c.settle()
    return result.text


def claim(c: Cluster, name: str = "task-pv-claim") -> dict[str, Any]:
    return get(c, f"/api/v1/namespaces/default/persistentvolumeclaims/{name}")


def events_of(c: Cluster, name: str) -> list[tuple[str, str, str]]:
    items = get(c, "/api/v1/namespaces/default/events")["items"]
    return [
        (e["type"], e["reason"], e["message"]) for e in items if e["involvedObject"]["name"] == name
    ]


def milestones(c: Cluster) -> list[str]:
    return [e.summary for e in c.trace if e.kind.value == "milestone"]


# ---- defaults, admission, validation ---------------------------------------------------------


def test_defaults_and_protection_finalizers(c: Cluster) -> None:
    apply(c, PV)
    pv = get(c, "/api/v1/persistentvolumes/task-pv-volume")
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Retain"  # made by hand
    assert pv["spec"]["volumeMode"] == "Filesystem"
    assert pv["spec"]["hostPath"] == {"path": "/mnt/data", "type": ""}
    assert pv["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]
    assert pv["status"]["phase"] == "Available"  # Pending until the controller saw it
    assert list(pv["spec"]) == [
        "capacity",
        "hostPath",
        "accessModes",
        "persistentVolumeReclaimPolicy",
        "storageClassName",
        "volumeMode",
    ]
    sc = get(c, "/apis/storage.k8s.io/v1/storageclasses/standard")
    assert sc["provisioner"] == "rancher.io/local-path"
    assert sc["volumeBindingMode"] == "WaitForFirstConsumer"
    made = call(
        c,
        "POST",
        "/apis/storage.k8s.io/v1/storageclasses",
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": "fast"},
            "provisioner": "example.com/fast",
        },
    ).body
    assert (made["reclaimPolicy"], made["volumeBindingMode"]) == ("Delete", "Immediate")


def test_default_storage_class_admission(c: Cluster) -> None:
    apply(c, DEFAULT_CLAIM)
    assert claim(c, "data")["spec"]["storageClassName"] == "standard"
    assert claim(c, "data")["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    # "" asks for no class: the plugin leaves it alone.
    apply(c, DEFAULT_CLAIM.replace("name: data", "name: none") + "  storageClassName: ''\n")
    assert claim(c, "none")["spec"]["storageClassName"] == ""
    admission = [e.summary for e in c.trace if "DefaultStorageClass" in e.summary]
    assert admission == [
        "Mutating admission: defaulting, DefaultStorageClass, StorageObjectInUseProtection"
    ]


def test_invalid_claims_and_volumes(c: Cluster) -> None:
    bad_claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: broken\nspec: {}\n"
    assert apply(c, bad_claim) == (
        'The PersistentVolumeClaim "broken" is invalid: \n'
        "* spec.accessModes: Required value: at least 1 access mode is required\n"
        "* spec.resources[storage]: Required value\n"
    )
    odd = DEFAULT_CLAIM.replace("[ReadWriteOnce]", "[ReadWriteSometimes]").replace("1Gi", "0")
    assert apply(c, odd) == (
        'The PersistentVolumeClaim "data" is invalid: \n'
        '* spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: '
        '"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"\n'
        '* spec.resources[storage]: Invalid value: "0": must be greater than zero\n'
    )
    no_source = "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: empty\nspec: {}\n"
    assert apply(c, no_source) == (
        'The PersistentVolume "empty" is invalid: \n'
        "* spec.accessModes: Required value\n"
        "* spec.capacity: Required value\n"
        '* spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage"\n'
        "* spec: Required value: must specify a volume type\n"
    )
    two = PV.replace(
        '    path: "/mnt/data"', '    path: "/mnt/data"\n  nfs:\n    server: x\n    path: /'
    )
    assert apply(c, two) == (
        'The PersistentVolume "task-pv-volume" is invalid: spec.nfs: Forbidden: may not '
        "specify more than 1 volume type\n"
    )
    local = PV.replace("  hostPath:", "  local:")
    assert apply(c, local) == (
        'The PersistentVolume "task-pv-volume" is invalid: spec.nodeAffinity: Required value: '
        "Local volume requires node affinity\n"
    )
    bad_class = (
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: x\n"
        "volumeBindingMode: Later\nreclaimPolicy: Recycle\n"
    )
    assert apply(c, bad_class) == (
        'The StorageClass "x" is invalid: \n'
        "* provisioner: Required value\n"
        '* reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"\n'
        '* volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", '
        '"WaitForFirstConsumer"\n'
    )


def test_claim_spec_is_immutable_and_resize_needs_expansion(c: Cluster) -> None:
    apply(c, PV)
    apply(c, CLAIM)
    changed = apply(c, CLAIM.replace("ReadWriteOnce", "ReadWriteMany"))
    assert changed.startswith(
        'The PersistentVolumeClaim "task-pv-claim" is invalid: spec: Forbidden: spec is '
        "immutable after creation except resources.requests and volumeAttributesClassName "
        "for bound claims\n  core.PersistentVolumeClaimSpec{\n"
    )
    assert '- \tAccessModes: {"ReadWriteOnce"},\n+ \tAccessModes: {"ReadWriteMany"},' in changed
    both = apply(c, CLAIM.replace("3Gi", "5Gi").replace("ReadWriteOnce", "ReadWriteMany"))
    assert "spec is immutable after creation" in both  # validation speaks before admission
    grown = apply(c, CLAIM.replace("3Gi", "5Gi"))
    assert grown.endswith(
        'persistentvolumeclaims "task-pv-claim" is forbidden: only dynamically provisioned '
        "pvc can be resized and the storageclass that provisions the pvc must support resize\n"
    )
    response = call(
        c,
        "PATCH",
        "/apis/storage.k8s.io/v1/storageclasses/standard",
        {"provisioner": "other.io/x"},
        {"content-type": "application/merge-patch+json"},
    )
    assert response.code == 422
    assert response.body["message"] == (
        'StorageClass.storage.k8s.io "standard" is invalid: provisioner: Forbidden: updates '
        "to provisioner are forbidden."
    )


# ---- binding ---------------------------------------------------------------------------------


def test_the_tutorial_binds_the_claim_and_runs_the_pod(c: Cluster) -> None:
    apply(c, PV + "---" + PV.replace("task-pv-volume", "big").replace("10Gi", "50Gi"))
    apply(c, CLAIM)
    bound = claim(c)
    assert bound["spec"]["volumeName"] == "task-pv-volume"  # the smallest that fits
    assert bound["status"] == {
        "phase": "Bound",
        "accessModes": ["ReadWriteOnce"],
        "capacity": {"storage": "10Gi"},
    }
    assert bound["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"] == "yes"
    pv = get(c, "/api/v1/persistentvolumes/task-pv-volume")
    assert pv["spec"]["claimRef"]["uid"] == bound["metadata"]["uid"]
    assert pv["status"]["phase"] == "Bound"
    assert get(c, "/api/v1/persistentvolumes/big")["status"]["phase"] == "Available"
    apply(c, POD.format(claim="task-pv-claim"))
    assert c.kubectl("get pod task-pv-pod").stdout.split()[7] == "Running"
    assert (
        "The PersistentVolume controller bound claim task-pv-claim (3Gi RWO of class manual) "
        "to volume task-pv-volume (10Gi RWO)"
    ) in milestones(c)
    assert any(
        m.startswith("The kubelet on node-")
        and "mounts volume task-pv-volume (claim task-pv-claim) into pod task-pv-pod" in m
        for m in milestones(c)
    )


def test_claims_that_cannot_be_bound_say_why(c: Cluster) -> None:
    apply(c, CLAIM.replace("manual", "''").replace("task-pv-claim", "plain"))
    apply(c, CLAIM.replace("task-pv-claim", "manual-one"))
    selective = CLAIM.replace("task-pv-claim", "picky").replace(
        "  resources:", "  selector:\n    matchLabels:\n      type: nfs\n  resources:"
    )
    apply(c, PV)
    apply(c, selective)
    assert claim(c, "plain")["status"]["phase"] == "Pending"
    assert events_of(c, "plain")[0] == (
        "Normal",
        "FailedBinding",
        "no persistent volumes available for this claim and no storage class is set",
    )
    assert ("Warning", "ProvisioningFailed", 'storageclass.storage.k8s.io "manual" not found') in (
        events_of(c, "manual-one")
    )
    said = milestones(c)
    assert (
        "Claim plain stays Pending: no PersistentVolume fits it (3Gi RWO), and it names no "
        "StorageClass, so none will be made"
    ) in said
    assert (
        "Claim manual-one stays Pending: no PersistentVolume of class manual fits it (3Gi RWO), "
        "and there is no StorageClass manual to make one"
    ) in said
    # the volume came after the claim: the controller binds it then.
    assert claim(c, "manual-one")["spec"]["volumeName"] == "task-pv-volume"
    assert claim(c, "picky")["status"]["phase"] == "Pending"  # its selector matches no volume
    out = c.kubectl("get pvc").stdout.splitlines()
    assert out[0].split() == [
        "NAME",
        "STATUS",
        "VOLUME",
        "CAPACITY",
        "ACCESS",
        "MODES",
        "STORAGECLASS",
        "VOLUMEATTRIBUTESCLASS",
        "AGE",
    ]
    assert out[2].split()[:3] == ["picky", "Pending", "manual"]


def test_default_class_provisions_on_the_pods_node(c: Cluster) -> None:
    apply(c, DEFAULT_CLAIM)
    assert (
        "Normal",
        "WaitForFirstConsumer",
        "waiting for first consumer to be created before binding",
    ) in events_of(c, "data")
    assert get(c, "/api/v1/persistentvolumes")["items"] == []
    apply(c, POD.format(claim="data"))
    pod = get(c, "/api/v1/namespaces/default/pods/task-pv-pod")
    node = pod["spec"]["nodeName"]
    bound = claim(c, "data")
    uid = bound["metadata"]["uid"]
    assert bound["spec"]["volumeName"] == f"pvc-{uid}"
    assert bound["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == node
    pv = get(c, f"/api/v1/persistentvolumes/pvc-{uid}")
    assert pv["spec"]["hostPath"] == {
        "path": f"/var/local-path-provisioner/pvc-{uid}_default_data",
        "type": "DirectoryOrCreate",
    }
    terms = pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"]
    assert terms == [
        {
            "matchExpressions": [
                {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}
            ]
        }
    ]
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert pod["status"]["phase"] == "Running"
    reasons = [r for _, r, _ in events_of(c, "data")]
    assert reasons[-1] == "ProvisioningSucceeded"
    assert "ExternalProvisioning" in reasons
    assert (
        f"The provisioner rancher.io/local-path created volume pvc-{uid} (1Gi) on {node} for "
        "claim data"
    ) in milestones(c)


def test_pvc_protection_then_reclaim(c: Cluster) -> None:
    apply(c, DEFAULT_CLAIM)
    apply(c, POD.format(claim="data"))
    volume = claim(c, "data")["spec"]["volumeName"]
    c.kubectl("delete pvc data --wait=false")
    c.settle()
    assert c.kubectl("get pvc data").stdout.splitlines()[1].split()[1] == "Terminating"
    assert (
        "Claim data stays Terminating: pod task-pv-pod still uses it "
        "(kubernetes.io/pvc-protection)" in milestones(c)
    )
    c.kubectl("delete pod task-pv-pod")
    c.settle()
    assert c.kubectl("get pvc data").stderr == (
        'Error from server (NotFound): persistentvolumeclaims "data" not found\n'
    )
    # reclaim policy Delete: its provisioner deleted the volume, pv-protection let it go.
    assert c.kubectl(f"get pv {volume}").stderr == (
        f'Error from server (NotFound): persistentvolumes "{volume}" not found\n'
    )


def test_retained_volume_is_released(c: Cluster) -> None:
    apply(c, PV)
    apply(c, CLAIM)
    c.kubectl("delete pvc task-pv-claim")
    c.settle()
    pv = get(c, "/api/v1/persistentvolumes/task-pv-volume")
    assert pv["status"]["phase"] == "Released"
    assert pv["spec"]["claimRef"]["name"] == "task-pv-claim"  # kept: its data is that claim's
    # a new claim cannot have it: it is not Available.
    apply(c, CLAIM)
    assert claim(c)["status"]["phase"] == "Pending"
    # deleting a Released volume: pv-protection no longer holds it.
    c.kubectl("delete pv task-pv-volume")
    c.settle()
    assert get(c, "/api/v1/persistentvolumes")["items"] == []


# ---- the scheduler and the kubelet -----------------------------------------------------------


def failed_scheduling(c: Cluster) -> list[str]:
    return [m for t, r, m in events_of(c, "task-pv-pod") if r == "FailedScheduling"]


def test_pod_waits_for_a_missing_claim(c: Cluster) -> None:
    apply(c, POD.format(claim="later"))
    assert failed_scheduling(c) == [
        '0/3 nodes are available: persistentvolumeclaim "later" not found. no new claims to '
        "deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for "
        "scheduling."
    ]
    assert (
        "Pod task-pv-pod stays Pending: it waits for its claim later, which does not exist yet "
        '(0/3 nodes are available: persistentvolumeclaim "later" not found)'
    ) in milestones(c)
    apply(c, PV)
    apply(c, CLAIM.replace("task-pv-claim", "later"))
    pod = get(c, "/api/v1/namespaces/default/pods/task-pv-pod")
    assert pod["status"]["phase"] == "Running"  # the new claim requeued it


def test_unbound_immediate_claim_keeps_the_pod_pending(c: Cluster) -> None:
    call(
        c,
        "POST",
        "/apis/storage.k8s.io/v1/storageclasses",
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": "manual"},
            "provisioner": "kubernetes.io/no-provisioner",
        },
    )
    apply(c, CLAIM)
    apply(c, POD.format(claim="task-pv-claim"))
    assert failed_scheduling(c) == [
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. no new "
        "claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not "
        "helpful for scheduling."
    ]
    assert (
        "Pod task-pv-pod stays Pending: it waits for its claims to be bound to a volume (0/3 "
        "nodes are available: pod has unbound immediate PersistentVolumeClaims)"
    ) in milestones(c)
    apply(c, PV)
    assert get(c, "/api/v1/namespaces/default/pods/task-pv-pod")["status"]["phase"] == "Running"


def test_volume_node_affinity_pins_the_pod(c: Cluster) -> None:
    pinned = PV.replace(
        "  hostPath:",
        "  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n"
        "        - {key: kubernetes.io/hostname, operator: In, values: [node-3]}\n  hostPath:",
    )
    apply(c, pinned)
    apply(c, CLAIM)
    apply(c, POD.format(claim="task-pv-claim"))
    assert get(c, "/api/v1/namespaces/default/pods/task-pv-pod")["spec"]["nodeName"] == "node-3"


def test_kubelet_waits_for_an_unbound_claim(c: Cluster) -> None:
    apply(c, CLAIM)
    pod = yaml.safe_load(POD.format(claim="task-pv-claim"))
    pod["spec"]["nodeName"] = "node-1"  # skips the scheduler's check
    call(c, "POST", "/api/v1/namespaces/default/pods", pod)
    c.settle()
    mounts = [m for _, r, m in events_of(c, "task-pv-pod") if r == "FailedMount"]
    assert mounts[0] == (
        "Unable to attach or mount volumes: unmounted volumes=[task-pv-storage], unattached "
        "volumes=[], failed to process volumes=[task-pv-storage]: error processing PVC "
        "default/task-pv-claim: PVC is not bound"
    )
    assert (
        "Pod task-pv-pod waits for its claim task-pv-claim: error processing PVC "
        "default/task-pv-claim: PVC is not bound" in milestones(c)
    )
    assert c.kubectl("get pod task-pv-pod").stdout.split()[7] == "ContainerCreating"
    apply(c, PV)
    c.advance(130)  # the volume manager's back-off reaches it
    c.settle()
    assert get(c, "/api/v1/namespaces/default/pods/task-pv-pod")["status"]["phase"] == "Running"


# ---- printing --------------------------------------------------------------------------------


def test_get_and_describe(c: Cluster) -> None:
    apply(c, PV)
    apply(c, CLAIM)
    apply(c, POD.format(claim="task-pv-claim"))
    row = c.kubectl("get pv -o wide").stdout.splitlines()[1].split()
    assert row[:8] + row[9:] == [
        "task-pv-volume",
        "10Gi",
        "RWO",
        "Retain",
        "Bound",
        "default/task-pv-claim",
        "manual",
        "<unset>",
        "Filesystem",
    ]
    sc_lines = c.kubectl("get sc").stdout.splitlines()
    assert sc_lines[0] == (
        "NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      "
        "ALLOWVOLUMEEXPANSION   AGE"
    )
    assert sc_lines[1].startswith(
        "standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   "
        "false                  "
    )
    described = c.kubectl("describe pvc task-pv-claim").stdout
    assert "Used By:       task-pv-pod\n" in described
    assert "Finalizers:    [kubernetes.io/pvc-protection]\n" in described
    pv_text = c.kubectl("describe pv task-pv-volume").stdout
    assert "Source:\n    Type:          HostPath (bare host directory volume)\n" in pv_text
    assert "Claim:           default/task-pv-claim\n" in pv_text
    sc_text = c.kubectl("describe sc standard").stdout
    assert "IsDefaultClass:        Yes\n" in sc_text
    assert "VolumeBindingMode:     WaitForFirstConsumer\n" in sc_text
    listed = json.loads(c.kubectl("get pvc -o json").stdout)
    assert listed["items"][0]["status"]["phase"] == "Bound"


def test_malformed_claims_are_refused_while_decoding(c: Cluster) -> None:
    as_string = DEFAULT_CLAIM.replace("[ReadWriteOnce]", "ReadWriteOnce")
    assert apply(c, as_string) == (
        'Error from server (BadRequest): error when creating "STDIN": PersistentVolumeClaim in '
        'version "v1" cannot be handled as a PersistentVolumeClaim: json: cannot unmarshal '
        "string into Go struct field PersistentVolumeClaimSpec.spec.accessModes of type "
        "[]v1.PersistentVolumeAccessMode\n"
    )
    lots = DEFAULT_CLAIM.replace("1Gi", "lots")
    assert apply(c, lots).endswith(
        "cannot be handled as a PersistentVolumeClaim: quantities must match the regular "
        "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n"
    )
    typo = DEFAULT_CLAIM.replace("  resources:", "  resource:\n    requests: {}\n  resources:")
    assert apply(c, typo).endswith('strict decoding error: unknown field "spec.resource"\n')
    assert get(c, "/api/v1/namespaces/default/persistentvolumeclaims")["items"] == []


def test_describe_a_csi_volume(c: Cluster) -> None:
    csi = PV.replace(
        '  hostPath:\n    path: "/mnt/data"\n',
        "  csi:\n    driver: hostpath.csi.k8s.io\n    volumeHandle: abc\n    fsType: ext4\n"
        "    volumeAttributes:\n      b: two\n      a: one\n",
    )
    apply(c, csi)
    assert c.kubectl("describe pv task-pv-volume").stdout.endswith(
        "Source:\n"
        "    Type:              CSI (a Container Storage Interface (CSI) volume source)\n"
        "    Driver:            hostpath.csi.k8s.io\n"
        "    FSType:            ext4\n"
        "    VolumeHandle:      abc\n"
        "    ReadOnly:          false\n"
        "    VolumeAttributes:      a=one\n"
        "                           b=two\n"
        "Events:                <none>\n"
    )
