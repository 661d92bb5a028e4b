"""The Podlife web server for the real-kubectl tests: the real app (web.create_app, with the
kube API installed as in production), plus a test-only route that adds a cluster with a
chosen seed and a controllable clock, and one that runs a cluster's clock on.

The API is served on a TLS port too (web/kube_api/door.py, any free port, a CA made in a
temporary folder): `?tls=1` hands out a kubeconfig for it.

The clusters are `LocalHost(..., speed=None)`: before each request is served the cluster runs
until only housekeeping is left, and so does it while a client waits on a watch. So every
command sees a settled cluster, as `Cluster.kubectl` + `settle()` does for the in-engine
kubectl, and the two can be compared output for output.

Run as `python -m tests.kubectl_real.server [FIELD=VALUE…]` (settings over the testing
defaults, e.g. `exec_idle_seconds=1`); prints the port it listens on, then serves.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from flask import Blueprint, request
from gevent.pywsgi import WSGIServer

from engine.cluster import Cluster
from web import create_app
from web.factory import client_errors_of
from web.kube_api import LocalHost, kube_api_of
from web.kube_api.door import serve_tls
from web.server import QuietHandler


def main() -> int:
    overrides = dict(arg.split("=", 1) for arg in sys.argv[1:])
    app = create_app({"testing": True, **{k: float(v) for k, v in overrides.items()}})
    api = kube_api_of(app)
    control = Blueprint("kubectl_real_control", __name__)

    @control.post("/_test/clusters/<cluster_id>")
    def add_cluster(cluster_id: str) -> str:
        seed = int(request.args.get("seed", "0"))
        api.local.add(cluster_id, LocalHost(Cluster(seed=seed), speed=None))
        if request.args.get("tls"):  # through the API's TLS port
            return api.kubeconfig(cluster_id)
        return api.kubeconfig(cluster_id, request.host_url)

    @control.post("/_test/clusters/<cluster_id>/advance")
    def advance(cluster_id: str) -> str:
        """Run the cluster's clock on (a Job's pods run to completion on timers that do not
        keep a cluster busy, so the clock would not otherwise reach their end)."""
        host = api.local.find(cluster_id)
        assert isinstance(host, LocalHost)
        host.cluster.advance(float(request.args.get("seconds", "0")))
        host.cluster.settle()
        return ""

    app.register_blueprint(control)
    # The production handler: after a WebSocket (exec) it reads nothing more as HTTP.
    handler = type("Handler", (QuietHandler,), {"client_errors": client_errors_of(app)})
    server = WSGIServer(("127.0.0.1", 0), app, log=None, handler_class=handler)
    server.start()
    with tempfile.TemporaryDirectory() as data_dir:  # its CA lives as long as the server
        serve_tls(app, ("127.0.0.1", 0), "127.0.0.1", Path(data_dir), [], handler)
        print(server.server_port, flush=True)
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
