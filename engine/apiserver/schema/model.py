"""The building blocks of the API schema: a struct type with its fields, and a field's shape.

The schema describes the served kinds the way k8s.io/api's Go types do (field names, types,
which fields are required, the patch strategy struct tags), so that one description serves
three readers: the OpenAPI v3 documents (`kubectl explain`, kubectl's field-validation check),
strict decoding (`fieldValidation=Strict` rejects unknown fields) and the schema tests that
cross-check the strategic-merge-patch table. Descriptions are our own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Named string formats of k8s.io/apimachinery that the OpenAPI documents publish as their own
# component schemas (staging/src/k8s.io/apimachinery/pkg/.../openapi definitions).
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.Time"
MICRO_TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"
FIELDS_V1 = "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1"


@dataclass(frozen=True)
class Prop:
    """The shape of one field: a primitive, a reference to a named type, a list or a map."""

    type: str = ""  # "string", "integer", "number", "boolean", "object" (free-form) or ""
    ref: str = ""  # the named type (a Struct or one of the string formats above)
    items: Prop | None = None  # a list of these
    values: Prop | None = None  # a map from strings to these
    format: str = ""  # "int32", "int64", "double", "byte", "date-time"
    description: str = ""
    enum: tuple[str, ...] = ()
    extensions: tuple[tuple[str, Any], ...] = ()  # x-kubernetes-* markers

    @property
    def free_form(self) -> bool:
        """An object whose contents the schema does not describe (any field is accepted)."""
        return self.type == "object" and self.values is None


@dataclass(frozen=True)
class Struct:
    """A named object type, e.g. io.k8s.api.core.v1.Container."""

    name: str
    description: str
    fields: dict[str, Prop]
    required: tuple[str, ...] = ()
    gvk: tuple[str, str, str] | None = None  # (group, version, kind) for top-level kinds
    extensions: tuple[tuple[str, Any], ...] = ()

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[-1]


@dataclass
class Registry:
    """Every named type, so references resolve by name (types may refer to each other)."""

    structs: dict[str, Struct] = field(default_factory=dict)

    def add(self, *structs: Struct) -> None:
        for struct in structs:
            if struct.name in self.structs:
                raise ValueError(f"schema type {struct.name} defined twice")
            self.structs[struct.name] = struct

    def get(self, name: str) -> Struct | None:
        return self.structs.get(name)


# ---- shorthand used by the type modules --------------------------------------------------------


def string(description: str = "", *, enum: tuple[str, ...] = (), fmt: str = "") -> Prop:
    return Prop("string", description=description, enum=enum, format=fmt)


def int32(description: str = "") -> Prop:
    return Prop("integer", format="int32", description=description)


def int64(description: str = "") -> Prop:
    return Prop("integer", format="int64", description=description)


def boolean(description: str = "") -> Prop:
    return Prop("boolean", description=description)


def free_form(description: str = "") -> Prop:
    """An object the schema does not look inside: any content is accepted."""
    return Prop(
        "object",
        description=description,
        extensions=(("x-kubernetes-preserve-unknown-fields", True),),
    )


def ref(name: str, description: str = "") -> Prop:
    return Prop(ref=name, description=description)


def time(description: str = "") -> Prop:
    return ref(TIME, description)


def quantities(description: str = "") -> Prop:
    """map[ResourceName]resource.Quantity: requests, limits, capacity, allocatable."""
    return Prop("object", values=Prop(ref=QUANTITY), description=description)


def string_map(description: str = "") -> Prop:
    return Prop("object", values=Prop("string"), description=description)


def strings(description: str = "", *, list_type: str = "atomic") -> Prop:
    return Prop(
        "array",
        items=Prop("string"),
        description=description,
        extensions=(("x-kubernetes-list-type", list_type),),
    )


def list_of(
    item: str | Prop,
    description: str = "",
    *,
    merge_key: str = "",
    strategy: str = "",
    map_keys: tuple[str, ...] = (),
    list_type: str = "",
) -> Prop:
    """A list. `merge_key`/`strategy` are the Go patchMergeKey/patchStrategy struct tags;
    `map_keys` the +listMapKey markers (a list-type "map")."""
    element = Prop(ref=item) if isinstance(item, str) else item
    markers: list[tuple[str, Any]] = []
    if map_keys:
        markers += [("x-kubernetes-list-map-keys", list(map_keys))]
        list_type = list_type or "map"
    markers.append(("x-kubernetes-list-type", list_type or "atomic"))
    if merge_key:
        markers.append(("x-kubernetes-patch-merge-key", merge_key))
    if strategy or merge_key:
        markers.append(("x-kubernetes-patch-strategy", strategy or "merge"))
    return Prop("array", items=element, description=description, extensions=tuple(markers))
