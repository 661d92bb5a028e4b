"""DaemonSets with the real kubectl and the in-engine one, side by side: apply, get (plain
and wide), describe, -o yaml, rollout status, set image, the ControllerRevisions, a refusal,
delete."""

from __future__ import annotations

from tests.kubectl_real.conftest import Twin
from tests.kubectl_real.test_config import same
from tests.kubectl_real.test_services import same_but_uid

FLUENTD = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd
  template:
    metadata:
      labels:
        name: fluentd
    spec:
      nodeSelector:
        kubernetes.io/os: linux
      containers:
      - name: fluentd
        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2
        resources:
          limits:
            memory: 200Mi
"""


def test_apply_get_describe_and_roll_a_daemonset(twin: Twin) -> None:
    twin.file("ds.yaml", FLUENTD)
    assert same(twin, "apply -f ds.yaml") == "daemonset.apps/fluentd created\n"
    same(twin, "get ds")
    same(twin, "get daemonsets -o wide")
    same_but_uid(twin, "get ds fluentd -o yaml")
    same(twin, "describe ds fluentd")
    same(twin, "rollout status ds/fluentd")
    same(twin, "set image ds/fluentd fluentd=nginx:1.27")
    same(twin, "rollout status daemonset/fluentd")
    same(twin, "rollout history ds/fluentd")
    same(twin, "rollout history ds/fluentd --revision=1")
    same(twin, "rollout undo ds/fluentd")
    same(twin, "rollout status ds/fluentd")
    same(twin, "rollout undo ds/fluentd --to-revision=7")
    same(twin, "get ds")
    same(twin, "get controllerrevisions")
    twin.file("bad.yaml", FLUENTD.replace("name: fluentd\n  template", "name: other\n  template"))
    same(twin, "apply -f bad.yaml")
    same(twin, "delete ds fluentd")
    same(twin, "get ds")
