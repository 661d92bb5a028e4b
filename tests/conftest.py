"""What holds for every test: each trace event any test makes fits its kind's model in the
trace contract (engine/tracekinds.py, docs/trace.md)."""

from engine.trace import Trace

Trace.check_data = True
