"""kube-proxy (pkg/proxy): the rules each node's kube-proxy writes so that a Service's virtual IP
reaches its pods. Podlife keeps them as data (engine/proxy/rules.py), which a pod's connections
go through (engine/node/network.py)."""
