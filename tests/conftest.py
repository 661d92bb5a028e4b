"""What holds for every test: each trace event any test makes fits its kind's model in the
trace contract (engine/tracekinds.py, docs/trace.md); and the servers tests start keep off
the API's TLS port 6443 and the user's data folder unless a test asks for them
(web/kube_api/door.py): two test servers would race for the port, and tests write no CA into
the home directory."""

import os
import tempfile

from engine.trace import Trace

Trace.check_data = True
os.environ.setdefault("PODLIFE_API_PORT", "0")
os.environ.setdefault("PODLIFE_DATA_DIR", tempfile.mkdtemp(prefix="podlife-test-data-"))
