"""The volume controllers of kube-controller-manager (pkg/controller/volume): the
PersistentVolume binder, the PVC and PV protection controllers; and the external provisioner
of the default StorageClass (rancher.io/local-path), which runs as a pod upstream."""
