"""Streaming a remote watch: events go out as they happen, until the watch ends, its time is
up, the client goes away, or the cluster is reset or forked.

Runs in the request's greenlet. It waits on a gevent Event that the engine side (whichever
greenlet is stepping the cluster) sets when an event arrives, and wakes every POLL seconds to
let time catch up for a cluster no page drives. A client that goes away is noticed at the
next write (HTTP has no other sign of it); its watch is then stopped through a RemoteStop, an
input like any other, so a replay stops it at the same moment.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from gevent.event import Event

from web.kube_api import wallclock
from web.kube_api.calls import Outlet, RemoteStop
from web.kube_api.hosts import Busy
from web.kube_api.wire import watch_line

if TYPE_CHECKING:
    from engine import Cluster
    from web.kube_api.hosts import ClusterHost

log = logging.getLogger("podlife.kube_api")

POLL = 0.1  # real seconds between checks while nothing happens
# A watch without timeoutSeconds ends after this long, as kube-apiserver's
# --min-request-timeout (1800 s) bounds every watch.
DEFAULT_WATCH_SECONDS = 1800.0


def stream(
    host: ClusterHost, cluster: Cluster, outlet: Outlet, key: str, seconds: float
) -> Iterator[bytes]:
    deadline = time.monotonic() + seconds
    wake = Event()
    outlet.listener = wake.set
    try:
        while True:
            while outlet.events:
                kind, obj = outlet.events.popleft()
                yield watch_line(kind, obj, wallclock.offset(cluster.env.now))
            if outlet.closed or not host.serves(cluster) or time.monotonic() >= deadline:
                return
            wake.clear()
            if not outlet.events:
                wake.wait(timeout=POLL)
            host.keep_time()
    finally:
        outlet.listener = None
        if not outlet.closed:
            try:
                host.start(RemoteStop(key))
            except Busy:
                log.info("watch %s left open: its cluster is being rebuilt", key)
