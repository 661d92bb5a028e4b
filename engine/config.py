"""Every delay in the simulation, in virtual seconds, in one place.

They are explicit so a teacher can slow one part down and so tests can reason about time. The
defaults are of the order real clusters show on a laptop-sized setup.
"""

from __future__ import annotations

from pydantic import BaseModel


class Timings(BaseModel):
    api_latency: float = 0.004  # client <-> API server, one way
    etcd_latency: float = 0.002  # API server <-> etcd, one way (a write commits in ~4 ms)
    watch_delivery: float = 0.003  # API server -> a watching client
    etcd_compaction_interval: float = 300.0  # kube-apiserver --etcd-compaction-interval=5m
    kubectl_wait_limit: float = 600.0  # cap on how long an in-engine kubectl may wait
