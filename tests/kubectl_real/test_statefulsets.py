"""StatefulSets with the real kubectl and the in-engine one, side by side: apply, get (plain
and wide), -o yaml, describe, scale, patch, rollout status, history and undo, the pods, claims
and ControllerRevisions, a refusal of a forbidden change, delete."""

from __future__ import annotations

from tests.kubectl_real.conftest import Twin
from tests.kubectl_real.test_config import same
from tests.kubectl_real.test_services import same_but_uid

WEB = """\
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
"""


def test_apply_get_describe_scale_and_roll_a_statefulset(twin: Twin) -> None:
    twin.file("web.yaml", WEB)
    assert (
        same(twin, "apply -f web.yaml") == "service/nginx created\nstatefulset.apps/web created\n"
    )
    same(twin, "rollout status sts/web")
    same(twin, "get statefulset web")
    same(twin, "get sts -o wide")
    same_but_uid(twin, "get sts web -o yaml")
    same(twin, "describe statefulset web")
    same(twin, "get pods -l app=nginx")
    same(twin, "get pvc -l app=nginx")
    same(twin, "scale sts web --replicas=3")
    same(twin, "rollout status statefulset/web")
    same(twin, "set image sts/web nginx=registry.k8s.io/nginx-slim:0.27")
    same(twin, "rollout status sts/web")
    same(twin, "rollout history sts/web")
    same(twin, "rollout history sts/web --revision=1")
    same(twin, "get controllerrevisions")
    same(twin, "rollout undo sts/web")
    same(twin, "rollout status sts/web")
    twin.file("other.yaml", WEB.replace('serviceName: "nginx"', 'serviceName: "other"'))
    same(twin, "apply -f other.yaml")
    same(twin, "delete sts web")
    same(twin, "get pvc -l app=nginx")
