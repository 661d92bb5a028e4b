"""What the JSON decoder rejects before defaulting and validation ever run.

The real API server decodes a body into the kind's Go struct (sigs.k8s.io/json); a value that
does not fit its field is refused there, never stored. The walk itself is the schema's
(engine/apiserver/schema/typecheck.py); this is its entry point for validation's callers.
"""

from __future__ import annotations

from engine.apiserver.schema import REGISTRY
from engine.apiserver.schema.model import Struct
from engine.apiserver.schema.typecheck import json_error
from engine.apiserver.validation.common import Obj

_BY_KIND: dict[str, Struct] = {
    struct.gvk[2]: struct for struct in REGISTRY.structs.values() if struct.gvk is not None
}


def decode_error(kind: str, obj: Obj, old: Obj | None = None) -> str | None:
    """What the API server's JSON decoder rejects before defaulting or validation run.

    The server answers 400 BadRequest with `<Kind> in version "<v>" cannot be handled as a
    <Kind>: <this message>`: `json: cannot unmarshal string into Go struct field
    DeploymentSpec.spec.replicas of type int32`, a malformed quantity, a timestamp that is not
    RFC 3339. Whole numbers written as floats (YAML's `2.0`) are set as the ints Go decodes.

    `old`, on an update, is the stored object `obj` was computed from: values `obj` still
    shares with it passed this check when they were stored and are not walked again (a status
    write would otherwise re-parse every request and limit of the pod).
    """
    struct = _BY_KIND.get(kind)
    if struct is None:
        return None
    return json_error(struct, obj, old)
