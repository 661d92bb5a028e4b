"""The DaemonSet controller (pkg/controller/daemon): a pod on every eligible node."""
