"""What a component is given: the small part of a cluster it may use.

A scheduler, a controller, a kubelet or kubectl gets the cluster's clock and process runner
(`env`), its seeded RNG, its timings, its trace, and one way to the API server (`handle`, the
request path every client takes). Not the cluster itself: a component that could reach a
kubelet or etcd directly would be a side door around the one request path. What the layers
around a cluster keep for it (the kubelets' registry, the web's remote watches) is in
`extensions`, which goes when the cluster goes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.config import Timings
from engine.sim import Environment
from engine.trace import Trace

if TYPE_CHECKING:
    from engine.apiserver.request import Request

Gen = Generator[Any, Any, Any]


@dataclass(frozen=True, eq=False)
class Context:
    env: Environment
    rng: random.Random
    timings: Timings
    trace: Trace
    handle: Callable[[Request], Gen]  # the API server's: a generator returning the Response
    extensions: dict[str, Any] = field(default_factory=dict)
    seed: int = 0  # the cluster's: what its keys and CA are derived from (engine/pki.py)
