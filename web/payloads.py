"""What the page may send (docs/protocol.md), checked before anything reaches the engine.

Types are strict (a bool is not a seq, a string is not a speed); fields the page adds that we
do not know are ignored, so a newer page still talks to an older server. Every failure becomes
one short sentence the page can show as it is.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from engine import NodeSpec, yamlsafe
from web.config import Settings

MIN_SPEED, MAX_SPEED = 0.1, 100.0
MAX_SEED = 2**63 - 1


class BadRequest(Exception):
    """A message the server refuses; str() is the sentence for the page."""


class Payload(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class PresenterIn(Payload):
    code: str = Field(max_length=50)
    secret: str = Field(max_length=100)


class Hello(Payload):
    session: str | None = Field(default=None, max_length=100)
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    presenter: PresenterIn | None = None  # a presenting tab coming back (web/rooms.py)


class KubectlIn(Payload):
    line: str
    stdin: str = ""
    at_seq: int | None = Field(default=None, ge=0)
    id: str | int | None = None


class ApplyIn(Payload):
    yaml: str
    at_seq: int | None = Field(default=None, ge=0)
    id: str | int | None = None


class ActionIn(Payload):
    kind: str = Field(max_length=100)
    target: str | dict[str, Any] = ""
    at_seq: int | None = Field(default=None, ge=0)
    id: str | int | None = None


class SpeedIn(Payload):
    speed: float

    @field_validator("speed")
    @classmethod
    def _in_range(cls, value: float) -> float:
        if not MIN_SPEED <= value <= MAX_SPEED:  # NaN fails this too
            raise ValueError(f"speed must be between {MIN_SPEED} and {MAX_SPEED:g}, not {value}")
        return value


class AckIn(Payload):
    seq: int = Field(ge=0)


class ResetIn(Payload):
    model_config = ConfigDict(strict=False, extra="ignore")  # node specs come as plain JSON
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED, strict=True)
    nodes: list[NodeSpec] | None = Field(default=None, min_length=1)
    timings: Literal["default", "demo"] | None = None  # None: keep the cluster's


class ScenarioIn(Payload):
    name: str = Field(max_length=200)


class SayIn(Payload):
    scenario: str = Field(max_length=200)
    step: int = Field(ge=0)


class ImportIn(Payload):
    content: str  # a cluster file's text (web/clusterfile.py checks it)


class InspectIn(Payload):
    kind: str = Field(max_length=100)
    namespace: str = Field(default="", max_length=253)
    name: str = Field(max_length=253)


class EtcdIn(Payload):
    key: str | None = Field(default=None, max_length=1000)
    revision: int | None = Field(default=None, ge=0)


class FollowIn(Payload):
    code: str = Field(max_length=50)


class Pointer(Payload):
    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)


class ViewIn(Payload):
    seq: int = Field(ge=0)
    story: bool
    detail: str | None = Field(default=None, max_length=200)
    pointer: Pointer | None = None


class ForkRoomIn(Payload):
    at_seq: int = Field(ge=0)


class AddNodeIn(Payload):
    name: str | None = Field(default=None, max_length=253)
    cpu: str | int | None = None
    memory: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)


P = TypeVar("P", bound=Payload)


def parse(model: type[P], data: Any, message: str) -> P:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadRequest(f"{message}: the payload must be an object")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        if first["type"] == "value_error":  # our own validators say what and where
            raise BadRequest(f"{message}: {first['ctx']['error']}") from None
        text = first["msg"]
        prefix = message if where in ("", message) else f"{message}: {where}"
        raise BadRequest(f"{prefix}: {text}") from None


def check_paste(text: str, settings: Settings, what: str = "the paste") -> None:
    """Refused before kubectl sees it, so nothing is recorded: a paste over the size limit, or
    over engine/yamlsafe.py's limits (aliases, depth, documents). YAML that is merely wrong is
    kubectl's to report, in its own words. "surrogatepass": a lone surrogate from a JSON string
    still has a size; kubectl's reader refuses it."""
    limit = settings.max_paste_bytes
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise BadRequest(
            f"{what} is {size} bytes; at most {limit} bytes ({_mib(limit)}) are accepted"
        )
    try:
        yamlsafe.compose_all(text, limit, settings.max_documents)  # the limits, not the objects
    except yamlsafe.YAMLTooLargeError as error:
        raise BadRequest(f"{what}: {error}") from None
    except yaml.YAMLError:
        pass


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:g} MiB"


def check_line(line: str, limit: int) -> None:
    if len(line) > limit:
        raise BadRequest(
            f"the command line is {len(line)} characters long; at most {limit} are accepted"
        )
