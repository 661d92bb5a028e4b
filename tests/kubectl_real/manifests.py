"""The manifests the real-kubectl tests apply."""

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
    tier: front
spec:
  containers:
  - name: nginx
    image: nginx:1.27
"""

POD_RELABELLED = POD.replace("tier: front", "tier: back")

POD_TYPO = POD.replace("    image:", "    imagee:")

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
"""

# The tutorial "Configure a Pod to Use a PersistentVolume for Storage" (pv-volume.yaml,
# pv-claim.yaml)
PV_VOLUME = """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: task-pv-volume
  labels:
    type: local
spec:
  storageClassName: manual
  capacity:
    storage: 10Gi
  accessModes:
    - ReadWriteOnce
  hostPath:
    path: "/mnt/data"
"""
PV_CLAIM = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: task-pv-claim
spec:
  storageClassName: manual
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 3Gi
"""
