"""What a component does with an error it did not expect while working on one object
(k8s.io/apimachinery/pkg/util/runtime: HandleError, HandleCrash).

Upstream, a controller's sync that fails returns an error: the worker reports it with
utilruntime.HandleError (a log line) and puts the key back on its queue with a rate-limited
delay, and every other key is still served. A Go panic in a component crashes it; a Python
exception here is treated as the error it would have been, so one malformed object (stored by an
older API server, or by a bug) costs only its own progress. Each component owns an ErrorReporter:

    errors = ErrorReporter(cluster.trace, "controller-manager/replicaset-controller", Step.CONTROL)
    errors.handle_error(key, f'sync "{key}" failed with {describe(exc)}', error=exc, obj=ref)

A report is one `error` trace event (docs/trace.md) and one log record on the logger
`podlife.engine.<component>` (slashes become dots), once per object and error text: the
retries that follow repeat nothing. The log record also says where in Podlife the error was
raised; the trace does not, so that it stays the same when the code moves.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.sim import Environment, Process
from engine.trace import ObjectRef, Step, Trace

Gen = Generator[Any, Any, Any]

KIND = "error"  # the trace event's kind
LOGGER_PREFIX = "podlife.engine"
MAX_TEXT = 400  # an error text longer than this is cut: a repr of a whole object helps nobody
MAX_REMEMBERED = 4096  # (object, text) pairs remembered for the once-only rule, per component
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")  # reprs of functions and objects carry addresses
_ROOT = Path(__file__).resolve().parent.parent


def describe(error: BaseException) -> str:
    """An exception as error text: its type and message (`ValueError: invalid literal ...`).

    Memory addresses are left out: they differ from run to run, and the text goes into the
    trace, which must be the same for the same seed and inputs."""
    message = _ADDRESS.sub("", str(error))
    name = type(error).__name__
    text = f"{name}: {message}" if message else name
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def quote(value: str) -> str:
    """Go's %q of a string, as klog and fmt.Errorf print it (strconv.Quote; JSON escaping is
    the same for everything but some control characters)."""
    return json.dumps(value, ensure_ascii=False)


def klog_line(message: str, **values: str) -> str:
    """A structured log call as klog's text format prints it: `"msg" key="value" ...`, the
    pairs in the order given (logger.Error(err, msg, ...) puts `err` first; logger.Info has
    it wherever the call lists it)."""
    return " ".join([quote(message), *(f"{key}={quote(value)}" for key, value in values.items())])


@dataclass
class Failures:
    """How often one object has failed, and when first and last: what a test, or a viewer,
    needs to see the back-off between retries without reading the log."""

    count: int
    first: float
    last: float


class ErrorReporter:
    """utilruntime.HandleError for one component, reporting each (object, text) pair once."""

    def __init__(
        self, trace: Trace, component: str, step: Step, clock: Callable[[], float]
    ) -> None:
        self.trace = trace
        self.component = component
        self.step = step
        self.clock = clock
        self.log = logging.getLogger(f"{LOGGER_PREFIX}.{component.replace('/', '.')}")
        self._reported: dict[str, set[str]] = {}  # object key -> error texts already reported
        self._size = 0
        self.failures: dict[str, Failures] = {}  # object key -> its failures so far

    def handle_error(
        self,
        key: str,
        summary: str,
        *,
        error: BaseException | None = None,
        obj: ObjectRef | None = None,
        data: dict[str, Any] | None = None,
    ) -> bool:
        """Count a failure of `key`; the first time `summary` is seen for it, emit the trace
        event and the log record. True if it was reported now."""
        now = self.clock()
        seen = self.failures.get(key)
        if seen is None:
            if len(self.failures) >= MAX_REMEMBERED:
                self.failures.clear()
            self.failures[key] = Failures(1, now, now)
        else:
            seen.count += 1
            seen.last = now
        texts = self._reported.setdefault(key, set())
        if summary in texts:
            return False
        event = self.trace.emit(
            self.component,
            self.component,
            KIND,
            summary,
            step=self.step,
            obj=obj,
            data={"key": key, **(data or {})},
        )
        if event is None:
            return False  # the trace is muted (cluster set-up): report it when it can be seen
        if self._size >= MAX_REMEMBERED:
            self._reported, self._size = {key: texts}, len(texts)
        texts.add(summary)
        self._size += 1
        self.log.error("%s%s", summary, _where(error))
        return True

    def forget(self, key: str) -> None:
        """The object is gone: a namesake created later is news again."""
        texts = self._reported.pop(key, None)
        if texts is not None:
            self._size -= len(texts)
        self.failures.pop(key, None)


def _where(error: BaseException | None) -> str:
    """Where Podlife raised it (for whoever fixes the bug): ` (at engine/x.py:12 in f)`."""
    if error is None or error.__traceback__ is None:
        return ""
    frame = traceback.extract_tb(error.__traceback__)[-1]
    path = Path(frame.filename)
    try:
        shown = path.resolve().relative_to(_ROOT).as_posix()
    except ValueError:
        shown = path.name
    return f" (at {shown}:{frame.lineno} in {frame.name})"


# ---- sub-processes ---------------------------------------------------------------------------
# A process that raises does not trigger its event (engine/sim.py): whoever waits for it would
# wait for ever, and the exception would stop the whole simulation. Work started as a process and
# waited for (parallel creates, a monitor pass) runs inside `capture`, and the waiter re-raises
# what it caught, as a goroutine's error comes back through its channel upstream.


@dataclass(frozen=True)
class Failure:
    """What a captured process ended with instead of a value."""

    error: Exception


def capture(generator: Gen) -> Gen:
    """Run `generator`; an exception becomes its result, as a Failure."""
    try:
        result = yield from generator
    except Exception as error:
        return Failure(error)
    return result


def start(env: Environment, generator: Gen, name: str, background: bool = False) -> Process:
    """env.process(capture(generator)): a process whose exception can be waited for."""
    return env.process(capture(generator), name, background)


def join(processes: list[Process]) -> Gen:
    """Wait for every process (started with `start`), then re-raise the first failure; else
    their results, in order."""
    results = []
    for process in processes:
        result = yield process
        results.append(result)
    for result in results:
        if isinstance(result, Failure):
            raise result.error
    return results
