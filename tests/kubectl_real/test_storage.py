"""Storage with the real kubectl and the in-engine one, side by side: the tutorial
"Configure a Pod to Use a PersistentVolume for Storage" applied file by file, get (plain and
wide) and describe of the volume, the claim and the default StorageClass, -o yaml, a refused
claim, delete."""

from __future__ import annotations

import re

from tests.kubectl_real.conftest import Twin, normalized
from tests.kubectl_real.manifests import PV_CLAIM, PV_VOLUME
from tests.kubectl_real.test_config import same
from tests.kubectl_real.test_services import same_but_uid

PV_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: task-pv-pod
spec:
  volumes:
    - name: task-pv-storage
      persistentVolumeClaim:
        claimName: task-pv-claim
  containers:
    - name: task-pv-container
      image: nginx
      ports:
        - containerPort: 80
          name: "http-server"
      volumeMounts:
        - mountPath: "/usr/share/nginx/html"
          name: task-pv-storage
"""


def test_the_persistent_volume_tutorial(twin: Twin) -> None:
    twin.file("pv-volume.yaml", PV_VOLUME)
    twin.file("pv-claim.yaml", PV_CLAIM)
    twin.file("pv-pod.yaml", PV_POD)
    assert same(twin, "apply -f pv-volume.yaml") == "persistentvolume/task-pv-volume created\n"
    same(twin, "get pv task-pv-volume")
    assert same(twin, "apply -f pv-claim.yaml") == ("persistentvolumeclaim/task-pv-claim created\n")
    same(twin, "get pv task-pv-volume")
    same(twin, "get pvc task-pv-claim")
    assert same(twin, "apply -f pv-pod.yaml") == "pod/task-pv-pod created\n"
    same(twin, "get pod task-pv-pod")
    same(twin, "get pv -o wide")
    same(twin, "get pvc -o wide")
    same(twin, "describe pv task-pv-volume")
    same(twin, "describe pvc task-pv-claim")
    same_but_uid(twin, "get pvc task-pv-claim -o yaml")
    same_but_uid(twin, "get pv task-pv-volume -o yaml")
    same(twin, "delete pod task-pv-pod")
    same(twin, "delete pvc task-pv-claim")
    same(twin, "get pv")
    same(twin, "delete pv task-pv-volume")


def test_default_storage_class_and_a_refused_claim(twin: Twin) -> None:
    same(twin, "get storageclass")
    same(twin, "get sc -o wide")
    same(twin, "describe sc standard")
    same_but_uid(twin, "get sc standard -o yaml")
    twin.file("broken.yaml", PV_CLAIM.replace("  accessModes:\n    - ReadWriteOnce\n", ""))
    same(twin, "apply -f broken.yaml")
    twin.file("empty-pv.yaml", "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: x\n")
    same(twin, "apply -f empty-pv.yaml")
    twin.file("claim.yaml", PV_CLAIM.replace("  storageClassName: manual\n", ""))
    same(twin, "apply -f claim.yaml")
    same(twin, "get pvc")
    same(twin, "describe pvc task-pv-claim")


_VOLUME = re.compile(r"pvc-[0-9a-f-]{36}")
_NODE = re.compile(r"node-\d")
_AGE = re.compile(r"\b\d+s\b")


def same_but_volume(twin: Twin, line: str) -> str:
    """As `same`, where a provisioned volume's name (pvc-<claim uid>), the node the scheduler
    picked and ages show: the twins draw UIDs and break ties in their own order."""
    real, engine = twin.both(line)
    assert engine.exit_code == real.code, (engine.stderr, real.stderr)

    def masked(text: str) -> str:
        return _AGE.sub("AGE", _NODE.sub("NODE", _VOLUME.sub("pvc-UID", normalized(text))))

    assert masked(engine.stdout) == masked(real.stdout), line
    assert masked(engine.stderr) == masked(real.stderr), line
    return real.stdout


def test_a_claim_of_the_default_class_is_provisioned_for_its_pod(twin: Twin) -> None:
    twin.file("claim.yaml", PV_CLAIM.replace("  storageClassName: manual\n", ""))
    twin.file("pod.yaml", PV_POD)
    same(twin, "apply -f claim.yaml")
    same(twin, "get pvc")
    same(twin, "apply -f pod.yaml")
    same_but_volume(twin, "get pvc -o wide")
    same_but_volume(twin, "get pv")
    same_but_volume(twin, "describe pv")
    same(twin, "delete pvc task-pv-claim --wait=false")
    same_but_volume(twin, "get pvc")
    same(twin, "delete pod task-pv-pod")
    same(twin, "get pvc,pv")
