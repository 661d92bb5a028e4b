"""API-server validation: what makes `kubectl apply` answer "The Pod "x" is invalid: ...".

Pure functions over defaulted objects (plain dicts, as parsed from JSON), returning
FieldErrors in the order the real API server appends them. Sources, by message family:

- name / label / port / percent formats: staging/src/k8s.io/apimachinery/pkg/util/validation/
  validation.go and pkg/api/validate/content/{dns,kube}.go
- ObjectMeta: staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go
- Pods and pod templates: pkg/apis/core/validation/validation.go
- Deployments and ReplicaSets: pkg/apis/apps/validation/validation.go (selector immutability:
  pkg/registry/apps/{deployment,replicaset}/strategy.go)

Feature gates are taken at their Kubernetes 1.37 defaults (relaxed env-var names, zero-second
sleep actions, relaxed DNS search paths).
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from engine.apiserver import field
from engine.apiserver.field import FieldError, GoLiteral, go_quote, go_string_map
from engine.quantity import canonical_quantity, parse_quantity

Obj = dict[str, Any]
Errors = list[FieldError]
NameFn = Callable[[str, bool], list[str]]

MAX_INT32 = 2**31 - 1
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * (1 << 10)  # objectmeta.go TotalAnnotationSizeLimitB

# ---------------------------------------------------------------------------------------------
# Message builders (util/validation/validation.go): kept verbatim, odd double space included.

IS_NEGATIVE = "must be greater than or equal to 0"
FIELD_IMMUTABLE = "field is immutable"
FILE_MODE = "must be a number between 0 and 0777 (octal), both inclusive"


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """RegexError: `msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')`."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    text = msg + " (e.g. "
    for i, example in enumerate(examples):
        if i > 0:
            text += " or "
        text += f"'{example}', "
    return text + f"regex used for validation is '{fmt}')"


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def inclusive_range_error(lo: int, hi: int) -> str:
    return f"must be between {lo} and {hi}, inclusive"


DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*"
DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
    "or '.', and must start and end with an alphanumeric character"
)
LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
LABEL_KEY_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character"
)
LABEL_VALUE_FMT = "(" + LABEL_KEY_FMT + ")?"
LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character"
)
PERCENT_FMT = "[0-9]+%"
PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%'"
HTTP_HEADER_FMT = "[-A-Za-z0-9]+"
HTTP_HEADER_MSG = "a valid HTTP header must consist of alphanumeric characters or '-'"
CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
CONFIG_MAP_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
RELAXED_ENV_MSG = (
    "a valid environment variable name must consist only of printable ASCII characters other "
    "than '='"
)

# The formats above, matched by hand: Python's backtracking regexes would take quadratic time
# on a long hostile name, where Go's RE2 is linear.
_LOWER_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_ALNUM = _LOWER_ALNUM | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _matches_dns_label(value: str) -> bool:
    return (
        bool(value)
        and value[0] in _LOWER_ALNUM
        and value[-1] in _LOWER_ALNUM
        and all(ch in _LOWER_ALNUM or ch == "-" for ch in value)
    )


def _matches_dns_subdomain(value: str) -> bool:
    return all(_matches_dns_label(part) for part in value.split("."))


def _matches_label_key(value: str) -> bool:
    return (
        bool(value)
        and value[0] in _ALNUM
        and value[-1] in _ALNUM
        and all(ch in _ALNUM or ch in "-_." for ch in value)
    )


_PERCENT_RE = re.compile(PERCENT_FMT)
_HTTP_HEADER_RE = re.compile(HTTP_HEADER_FMT)
_CONFIG_MAP_KEY_RE = re.compile(CONFIG_MAP_KEY_FMT)
_PORT_NAME_RE = re.compile("[-a-z0-9]+")


def is_dns1123_label(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not _matches_dns_label(value):
        if _matches_dns_subdomain(value):
            errs.append("must not contain dots")  # a valid subdomain, so only dots are wrong
        else:
            errs.append(regex_error(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if len(value) > 253:
        errs.append(max_len_error(253))
    if not _matches_dns_subdomain(value):
        errs.append(regex_error(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_qualified_name(value: str) -> list[str]:
    """content.IsLabelKey: an optional DNS-subdomain prefix, a '/', and a 63-char name."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + msg for msg in is_dns1123_subdomain(prefix))
    else:
        return [
            "a valid label key "
            + regex_error(LABEL_KEY_MSG, LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part " + max_len_error(63))
    if not _matches_label_key(name):
        errs.append(
            "name part " + regex_error(LABEL_KEY_MSG, LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
        )
    return errs


def is_label_value(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if value and not _matches_label_key(value):
        errs.append(regex_error(LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def is_valid_port_num(port: int) -> list[str]:
    return [] if 1 <= port <= 65535 else [inclusive_range_error(1, 65535)]


def is_valid_port_name(port: str) -> list[str]:
    errs = []
    if len(port) > 15:
        errs.append(max_len_error(15))
    if not _PORT_NAME_RE.fullmatch(port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def is_valid_percent(value: str) -> list[str]:
    if _PERCENT_RE.fullmatch(value):
        return []
    return [regex_error(PERCENT_MSG, PERCENT_FMT, "1%", "93%")]


def is_relaxed_env_var_name(value: str) -> list[str]:
    errs = []
    if not value:
        errs.append("environment variable name must be non-empty")
    if any(ord(ch) > 127 or not ch.isprintable() or ch == "=" for ch in value):
        errs.append(RELAXED_ENV_MSG)
    return errs


def _has_chdir_prefix(value: str) -> list[str]:
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def is_config_map_key(value: str) -> list[str]:
    errs = []
    if len(value) > 253:
        errs.append(max_len_error(253))
    if not _CONFIG_MAP_KEY_RE.fullmatch(value):
        errs.append(
            regex_error(CONFIG_MAP_KEY_MSG, CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name")
        )
    return errs + _has_chdir_prefix(value)


def _mask_trailing_dash(name: str) -> str:
    # apimachinery's maskTrailingDash: a generateName may end in '-'; note it drops two chars.
    if len(name) > 1 and name.endswith("-"):
        return name[:-2] + "a"
    return name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    return is_dns1123_subdomain(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    return is_dns1123_label(_mask_trailing_dash(name) if prefix else name)


# ---------------------------------------------------------------------------------------------
# Tolerant accessors: a field of the wrong JSON type reads as absent instead of crashing.


def _d(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _i(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def semantic_equal(a: Any, b: Any) -> bool:
    """apiequality.Semantic.DeepEqual: nil and empty lists/maps are the same thing."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = set(a) | set(b)
        return all(semantic_equal(a.get(k), b.get(k)) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(semantic_equal(x, y) for x, y in zip(a, b, strict=True))
    if a in (None, [], {}) and b in (None, [], {}):
        return True
    return bool(a == b) and type(a) is type(b)


def go_time(value: Any) -> GoLiteral:
    """time.Time's String() for an RFC 3339 UTC timestamp: `2024-05-01 10:00:00 +0000 UTC`."""
    text = _s(value)
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})Z", text)
    if match:
        return GoLiteral(f"{match.group(1)} {match.group(2)} +0000 UTC")
    return GoLiteral(text or "0001-01-01 00:00:00 +0000 UTC")


# ---------------------------------------------------------------------------------------------
# ObjectMeta (staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go)


def validate_labels(labels: Any, path: str) -> Errors:
    """meta/v1/validation ValidateLabels: errors point at the map, not at the key."""
    errs: Errors = []
    for k, v in _d(labels).items():
        errs += [field.invalid(path, k, msg) for msg in is_qualified_name(k)]
        value = v if isinstance(v, str) else str(v)
        errs += [field.invalid(path, value, msg) for msg in is_label_value(value)]
    return errs


def validate_annotations(annotations: Any, path: str) -> Errors:
    errs: Errors = []
    size = 0
    for k, v in _d(annotations).items():
        # QualifiedName, except that case doesn't matter.
        errs += [field.invalid(path, k, msg) for msg in is_qualified_name(k.lower())]
        size += len(k.encode()) + len(str(v).encode())
    if size > TOTAL_ANNOTATION_SIZE_LIMIT:
        errs.append(field.too_long(path, "", TOTAL_ANNOTATION_SIZE_LIMIT))
    return errs


def _validate_owner_references(refs: Any, path: str) -> Errors:
    errs: Errors = []
    controllers: list[str] = []
    for ref in _l(refs):
        ref = _d(ref)
        api_version = _s(ref.get("apiVersion"))
        version = api_version.split("/")[-1] if api_version.count("/") <= 1 else ""
        if not version:
            errs.append(
                field.invalid(
                    field.child(path, "apiVersion"), api_version, "version must not be empty"
                )
            )
        for key in ("kind", "name", "uid"):
            if not _s(ref.get(key)):
                errs.append(
                    field.invalid(field.child(path, key), _s(ref.get(key)), "must not be empty")
                )
        if ref.get("controller") is True:
            name = f"{_s(ref.get('kind'))}/{_s(ref.get('name'))}"
            if controllers:
                errs.append(
                    field.invalid(
                        path,
                        GoLiteral("[]v1.OwnerReference{...}"),
                        'Only one reference can have Controller set to true. Found "true" in '
                        f"references for {controllers[0]} and {name}",
                    )
                )
            else:
                controllers.append(name)
    return errs


_STANDARD_FINALIZERS = {"kubernetes", "orphan", "foregroundDeletion"}


def _validate_finalizers(finalizers: Any, path: str) -> Errors:
    names = [_s(f) for f in _l(finalizers)]
    # apimachinery ValidateFinalizers checks each name against the list's path ...
    errs = [field.invalid(path, f, msg) for f in names for msg in is_qualified_name(f)]
    if "orphan" in names and "foregroundDeletion" in names:
        errs.append(
            field.invalid(path, names, "finalizer orphan and foregroundDeletion cannot be both set")
        )
    # ... then core's validateKubeFinalizerName again, per index (so some errors show twice).
    for i, f in enumerate(names):
        errs += _validate_kube_finalizer_name(f, field.index(path, i))
    return errs


def _validate_kube_finalizer_name(name: str, path: str) -> Errors:
    errs = [field.invalid(path, name, msg) for msg in is_qualified_name(name)]
    if "/" not in name and name not in _STANDARD_FINALIZERS:
        errs.append(
            field.invalid(
                path, name, "name is neither a standard finalizer name nor is it fully qualified"
            )
        )
    return errs


def validate_object_meta(meta: Any, namespaced: bool, name_fn: NameFn) -> Errors:
    """ValidateObjectMeta, for creates (name generation has already happened)."""
    meta = _d(meta)
    errs: Errors = []
    generate_name = _s(meta.get("generateName"))
    if generate_name:
        errs += [
            field.invalid("metadata.generateName", generate_name, msg)
            for msg in name_fn(generate_name, True)
        ]
    name = _s(meta.get("name"))
    if not name:
        errs.append(field.required("metadata.name", "name or generateName is required"))
    else:
        errs += [field.invalid("metadata.name", name, msg) for msg in name_fn(name, False)]
    errs += _validate_meta_common(meta, namespaced)
    return errs


def _validate_meta_common(meta: Obj, namespaced: bool) -> Errors:
    errs: Errors = []
    namespace = _s(meta.get("namespace"))
    if namespaced:
        if not namespace:
            errs.append(field.required("metadata.namespace"))
        else:
            errs += [
                field.invalid("metadata.namespace", namespace, msg)
                for msg in name_is_dns_label(namespace, False)
            ]
    elif namespace:
        errs.append(field.forbidden("metadata.namespace", "not allowed on this type"))
    generation = _i(meta.get("generation"))
    if generation is not None and generation < 0:
        errs.append(field.invalid("metadata.generation", generation, IS_NEGATIVE))
    errs += validate_labels(meta.get("labels"), "metadata.labels")
    errs += validate_annotations(meta.get("annotations"), "metadata.annotations")
    errs += _validate_owner_references(meta.get("ownerReferences"), "metadata.ownerReferences")
    errs += _validate_finalizers(meta.get("finalizers"), "metadata.finalizers")
    return errs


def validate_object_meta_update(new: Any, old: Any) -> Errors:
    """ValidateObjectMetaAccessorUpdate."""
    new, old = _d(new), _d(old)
    errs: Errors = []
    if old.get("deletionTimestamp"):
        added = sorted(set(_l(new.get("finalizers"))) - set(_l(old.get("finalizers"))))
        if added:
            errs.append(
                field.forbidden(
                    "metadata.finalizers",
                    "no new finalizers can be added if the object is being deleted, found new "
                    "finalizers " + field.go_format([str(f) for f in added]),
                )
            )
    if not _s(new.get("resourceVersion")):
        errs.append(
            field.invalid(
                "metadata.resourceVersion",
                _s(new.get("resourceVersion")),
                "must be specified for an update",
            )
        )
    new_gen, old_gen = _i(new.get("generation")) or 0, _i(old.get("generation")) or 0
    if new_gen < old_gen:
        errs.append(field.invalid("metadata.generation", new_gen, "must not be decremented"))
    for key in ("name", "namespace", "uid"):
        if _s(new.get(key)) != _s(old.get(key)):
            errs.append(field.invalid(f"metadata.{key}", _s(new.get(key)), FIELD_IMMUTABLE))
    if new.get("creationTimestamp") != old.get("creationTimestamp"):
        shown = go_time(new.get("creationTimestamp"))  # a metav1.Time value: its String()
        errs.append(field.invalid("metadata.creationTimestamp", shown, FIELD_IMMUTABLE))
    if new.get("deletionTimestamp") != old.get("deletionTimestamp"):
        deleted = new.get("deletionTimestamp")  # a *metav1.Time: nil prints as null
        gone = go_time(deleted) if deleted else None
        errs.append(field.invalid("metadata.deletionTimestamp", gone, FIELD_IMMUTABLE))
    if new.get("deletionGracePeriodSeconds") != old.get("deletionGracePeriodSeconds"):
        errs.append(
            field.invalid(
                "metadata.deletionGracePeriodSeconds",
                new.get("deletionGracePeriodSeconds"),
                FIELD_IMMUTABLE,
            )
        )
    errs += validate_labels(new.get("labels"), "metadata.labels")
    errs += validate_annotations(new.get("annotations"), "metadata.annotations")
    errs += _validate_owner_references(new.get("ownerReferences"), "metadata.ownerReferences")
    errs += _validate_finalizers(new.get("finalizers"), "metadata.finalizers")
    return errs


# ---------------------------------------------------------------------------------------------
# Label selectors (meta/v1/validation ValidateLabelSelector, LabelSelectorAsSelector)

_SELECTOR_OPS = {"In", "NotIn", "Exists", "DoesNotExist"}


def validate_label_selector(selector: Any, path: str) -> Errors:
    if selector is None:
        return []
    selector = _d(selector)
    errs = validate_labels(selector.get("matchLabels"), field.child(path, "matchLabels"))
    for i, req in enumerate(_l(selector.get("matchExpressions"))):
        req = _d(req)
        rpath = field.index(field.child(path, "matchExpressions"), i)
        op, values = _s(req.get("operator")), _l(req.get("values"))
        if op in ("In", "NotIn"):
            if not values:
                errs.append(
                    field.required(
                        field.child(rpath, "values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    )
                )
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(
                    field.forbidden(
                        field.child(rpath, "values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    )
                )
        else:
            errs.append(
                field.invalid(field.child(rpath, "operator"), op, "not a valid selector operator")
            )
        key = _s(req.get("key"))
        errs += [field.invalid(field.child(rpath, "key"), key, m) for m in is_qualified_name(key)]
        for j, value in enumerate(values):
            vpath = field.index(field.child(rpath, "values"), j)
            errs += [field.invalid(vpath, _s(value), m) for m in is_label_value(_s(value))]
    return errs


def go_label_selector(selector: Any) -> GoLiteral:
    """%#v of a metav1.LabelSelector, as immutability and selector errors print it."""
    if selector is None:
        return GoLiteral("null")
    selector = _d(selector)
    labels = selector.get("matchLabels")
    exprs = selector.get("matchExpressions")
    match_labels = go_string_map(_d(labels) if labels is not None else None)
    if exprs is None:
        match_exprs = "[]v1.LabelSelectorRequirement(nil)"
    else:
        items = []
        for req in _l(exprs):
            req = _d(req)
            values = req.get("values")
            values_text = (
                "[]string(nil)"
                if values is None
                else "[]string{" + ", ".join(go_quote(_s(v)) for v in _l(values)) + "}"
            )
            items.append(
                "v1.LabelSelectorRequirement{"
                f"Key:{go_quote(_s(req.get('key')))}, "
                f"Operator:{go_quote(_s(req.get('operator')))}, Values:{values_text}}}"
            )
        match_exprs = "[]v1.LabelSelectorRequirement{" + ", ".join(items) + "}"
    return GoLiteral(
        f"v1.LabelSelector{{MatchLabels:{match_labels}, MatchExpressions:{match_exprs}}}"
    )


def selector_matches(selector: Any, labels: Any) -> bool:
    """Does a LabelSelector select these labels? (nil selects nothing, {} selects everything)."""
    if selector is None:
        return False
    selector, labels = _d(selector), _d(labels)
    for k, v in _d(selector.get("matchLabels")).items():
        if labels.get(k) != v:
            return False
    for req in _l(selector.get("matchExpressions")):
        req = _d(req)
        key, op, values = _s(req.get("key")), _s(req.get("operator")), _l(req.get("values"))
        present = key in labels
        if op == "In" and not (present and labels[key] in values):
            return False
        if op == "NotIn" and present and labels[key] in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True


def _selector_is_empty(selector: Any) -> bool:
    selector = _d(selector)
    return not _d(selector.get("matchLabels")) and not _l(selector.get("matchExpressions"))


# ---------------------------------------------------------------------------------------------
# Volumes (core validation.go ValidateVolumes, validateVolumeSource)

# (json key, path used in the "more than 1 volume type" error), in validateVolumeSource order.
# The two odd paths ("cephFS", "downwarAPI") are upstream's own spelling.
_VOLUME_SOURCES = (
    ("emptyDir", "emptyDir"),
    ("hostPath", "hostPath"),
    ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"),
    ("nfs", "nfs"),
    ("iscsi", "iscsi"),
    ("glusterfs", "glusterfs"),
    ("flocker", "flocker"),
    ("persistentVolumeClaim", "persistentVolumeClaim"),
    ("rbd", "rbd"),
    ("cinder", "cinder"),
    ("cephfs", "cephFS"),
    ("quobyte", "quobyte"),
    ("downwardAPI", "downwarAPI"),
    ("fc", "fc"),
    ("flexVolume", "flexVolume"),
    ("configMap", "configMap"),
    ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"),
    ("storageos", "storageos"),
    ("projected", "projected"),
    ("scaleIO", "scaleIO"),
    ("csi", "csi"),
    ("ephemeral", "ephemeral"),
    ("image", "image"),
)
VOLUME_SOURCE_KEYS = tuple(key for key, _ in _VOLUME_SOURCES)

_VOLUME_DOWNWARD_PATHS = {
    "metadata.name",
    "metadata.namespace",
    "metadata.labels",
    "metadata.annotations",
    "metadata.uid",
}
_ENV_DOWNWARD_PATHS = {
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
}
_CONVERTIBLE_FIELD_LABELS = _ENV_DOWNWARD_PATHS | {
    "metadata.annotations",
    "metadata.labels",
    "spec.restartPolicy",
    "spec.schedulerName",
    "status.phase",
}
_RESOURCE_FIELD_PATHS = {
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
}
_HOST_PATH_TYPES = [
    "",
    "BlockDevice",
    "CharDevice",
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
]


def _validate_local_descending_path(target: str, path: str) -> Errors:
    errs: Errors = []
    if posixpath.isabs(target):
        errs.append(field.invalid(path, target, "must be a relative path"))
    errs += _validate_no_backsteps(target, path)
    return errs


def _validate_no_backsteps(target: str, path: str) -> Errors:
    if ".." in target.replace("\\", "/").split("/"):
        return [field.invalid(path, target, "must not contain '..'")]
    return []


def _validate_local_non_reserved_path(target: str, path: str) -> Errors:
    errs = _validate_local_descending_path(target, path)
    if target.startswith("..") and not target.startswith("../"):
        errs.append(field.invalid(path, target, "must not start with '..'"))
    return errs


def _validate_mode(mode: Any, path: str) -> Errors:
    value = _i(mode)
    if value is not None and (value > 0o777 or value < 0):
        return [field.invalid(path, value, FILE_MODE)]
    return []


def _validate_key_to_path(item: Obj, path: str) -> Errors:
    errs: Errors = []
    if not _s(item.get("key")):
        errs.append(field.required(field.child(path, "key")))
    target = _s(item.get("path"))
    if not target:
        errs.append(field.required(field.child(path, "path")))
    errs += _validate_local_non_reserved_path(target, field.child(path, "path"))
    errs += _validate_mode(item.get("mode"), field.child(path, "mode"))
    return errs


def _validate_key_to_paths(items: Any, path: str) -> Errors:
    errs: Errors = []
    for i, item in enumerate(_l(items)):
        errs += _validate_key_to_path(_d(item), field.index(path, i))
    return errs


def _validate_object_field_selector(ref: Obj, allowed: set[str], path: str) -> Errors:
    api_version, field_path = _s(ref.get("apiVersion")), _s(ref.get("fieldPath"))
    if not api_version:
        return [field.required(field.child(path, "apiVersion"))]
    if not field_path:
        return [field.required(field.child(path, "fieldPath"))]
    # pkg/apis/core/pods ConvertDownwardAPIFieldLabel
    subscript = re.fullmatch(r"([^\[]+)\['(.*)'\]", field_path)
    problem = ""
    if api_version != "v1":
        problem = f"unsupported pod version: {api_version}"
    elif subscript and subscript.group(1) not in ("metadata.annotations", "metadata.labels"):
        problem = f"field label does not support subscript: {field_path}"
    elif not subscript and field_path not in _CONVERTIBLE_FIELD_LABELS | {"spec.host"}:
        problem = f"field label not supported: {field_path}"
    if problem:
        return [
            field.invalid(
                field.child(path, "fieldPath"), field_path, f"error converting fieldPath: {problem}"
            )
        ]
    if subscript:
        key = subscript.group(2)
        if subscript.group(1) == "metadata.annotations":
            key = key.lower()
        return [field.invalid(path, key, msg) for msg in is_qualified_name(key)]
    if field_path not in allowed:
        return [field.not_supported(field.child(path, "fieldPath"), field_path, sorted(allowed))]
    return []


def _validate_resource_field_selector(ref: Obj, path: str, volume: bool) -> Errors:
    resource = _s(ref.get("resource"))
    if volume and not _s(ref.get("containerName")):
        return [field.required(field.child(path, "containerName"))]
    if not resource:
        return [field.required(field.child(path, "resource"))]
    hugepages = resource.startswith(("requests.hugepages-", "limits.hugepages-"))
    if resource not in _RESOURCE_FIELD_PATHS and not hugepages:
        return [
            field.not_supported(
                field.child(path, "resource"), resource, sorted(_RESOURCE_FIELD_PATHS)
            )
        ]
    return []


def _validate_downward_file(item: Obj, path: str) -> Errors:
    errs: Errors = []
    target = _s(item.get("path"))
    if not target:
        errs.append(field.required(field.child(path, "path")))
    errs += _validate_local_non_reserved_path(target, field.child(path, "path"))
    if item.get("fieldRef") is not None:
        errs += _validate_object_field_selector(
            _d(item["fieldRef"]), _VOLUME_DOWNWARD_PATHS, field.child(path, "fieldRef")
        )
        if item.get("resourceFieldRef") is not None:
            errs.append(
                field.invalid(
                    path,
                    "resource",
                    "fieldRef and resourceFieldRef can not be specified simultaneously",
                )
            )
    elif item.get("resourceFieldRef") is not None:
        errs += _validate_resource_field_selector(
            _d(item["resourceFieldRef"]), field.child(path, "resourceFieldRef"), True
        )
    else:
        errs.append(field.required(path, "one of fieldRef and resourceFieldRef is required"))
    errs += _validate_mode(item.get("mode"), field.child(path, "mode"))
    return errs


def _validate_projected(source: Obj, path: str) -> Errors:
    errs = _validate_mode(source.get("defaultMode"), field.child(path, "defaultMode"))
    seen_paths: set[str] = set()

    def note_path(p: str, value: Any) -> None:
        if p in seen_paths:
            errs.append(field.invalid(path, value, "conflicting duplicate paths"))
        seen_paths.add(p)

    for i, projection in enumerate(_l(source.get("sources"))):
        projection, spath = _d(projection), field.index(field.child(path, "sources"), i)
        count = 0
        for kind in ("secret", "configMap"):
            if projection.get(kind) is None:
                continue
            count += 1
            proj, ppath = _d(projection[kind]), field.child(spath, kind)
            if not _s(proj.get("name")):
                errs.append(field.required(field.child(ppath, "name")))
            items_path = field.child(ppath, "items")
            for j, item in enumerate(_l(proj.get("items"))):
                errs += _validate_key_to_path(_d(item), field.index(items_path, j))
                if _s(_d(item).get("path")):
                    note_path(_s(_d(item).get("path")), _s(proj.get("name")))
        if projection.get("downwardAPI") is not None:
            count += 1
            ppath = field.child(spath, "downwardAPI")
            for item in _l(_d(projection["downwardAPI"]).get("items")):
                errs += _validate_downward_file(_d(item), ppath)
                if _s(_d(item).get("path")):
                    note_path(_s(_d(item).get("path")), _s(_d(item).get("path")))
        if projection.get("serviceAccountToken") is not None:
            count += 1
            token = _d(projection["serviceAccountToken"])
            tpath = field.child(spath, "serviceAccountToken")
            seconds = _i(token.get("expirationSeconds")) or 0
            if seconds < 10 * 60:
                errs.append(
                    field.invalid(
                        field.child(tpath, "expirationSeconds"),
                        seconds,
                        "may not specify a duration less than 10 minutes",
                    )
                )
            if seconds > 1 << 32:
                errs.append(
                    field.invalid(
                        field.child(tpath, "expirationSeconds"),
                        seconds,
                        "may not specify a duration larger than 2^32 seconds",
                    )
                )
            # Upstream reports these against the projected volume's path, not the source's.
            if not _s(token.get("path")):
                errs.append(field.required(field.child(path, "path")))
            else:
                errs += _validate_local_non_reserved_path(
                    _s(token.get("path")), field.child(path, "path")
                )
        if projection.get("clusterTrustBundle") is not None:
            count += 1
        if count > 1:
            errs.append(
                field.forbidden(spath, "may not specify more than 1 volume type per source")
            )
    return errs


def _validate_source_details(key: str, source: Obj, path: str) -> Errors:
    errs: Errors = []
    if key == "emptyDir":
        raw = source.get("sizeLimit")
        limit = _quantity_or_none(raw) if raw is not None else None
        if limit is not None and limit < 0:
            errs.append(
                field.forbidden(
                    field.child(path, "sizeLimit"),
                    "SizeLimit field must be a valid resource quantity",
                )
            )
    elif key == "hostPath":
        target = _s(source.get("path"))
        if not target:
            return [field.required(field.child(path, "path"))]
        errs += _validate_no_backsteps(target, field.child(path, "path"))
        kind = source.get("type")
        if kind is not None and kind not in _HOST_PATH_TYPES:
            errs.append(field.not_supported(field.child(path, "type"), kind, _HOST_PATH_TYPES))
    elif key in ("secret", "configMap"):
        name_key = "secretName" if key == "secret" else "name"
        if not _s(source.get(name_key)):
            errs.append(field.required(field.child(path, name_key)))
        errs += _validate_mode(source.get("defaultMode"), field.child(path, "defaultMode"))
        errs += _validate_key_to_paths(source.get("items"), field.child(path, "items"))
    elif key == "persistentVolumeClaim":
        if not _s(source.get("claimName")):
            errs.append(field.required(field.child(path, "claimName")))
    elif key == "nfs":
        target = _s(source.get("path"))
        if not _s(source.get("server")):
            errs.append(field.required(field.child(path, "server")))
        if not target:
            errs.append(field.required(field.child(path, "path")))
        if not posixpath.isabs(target):
            errs.append(
                field.invalid(field.child(path, "path"), target, "must be an absolute path")
            )
    elif key == "downwardAPI":
        errs += _validate_mode(source.get("defaultMode"), field.child(path, "defaultMode"))
        for item in _l(source.get("items")):
            errs += _validate_downward_file(_d(item), path)
    elif key == "projected":
        errs += _validate_projected(source, path)
    return errs


def _validate_volume_source(volume: Obj, path: str) -> Errors:
    errs: Errors = []
    count = 0
    for key, forbidden_name in _VOLUME_SOURCES:
        if volume.get(key) is None:
            continue
        if count > 0:
            errs.append(
                field.forbidden(
                    field.child(path, forbidden_name), "may not specify more than 1 volume type"
                )
            )
            continue
        count += 1
        errs += _validate_source_details(key, _d(volume[key]), field.child(path, key))
    if count == 0:
        errs.append(field.required(path, "must specify a volume type"))
    return errs


def validate_volumes(volumes: Any, path: str) -> tuple[dict[str, Obj], Errors]:
    """ValidateVolumes: the usable volumes by name (only error-free ones) and the errors."""
    errs: Errors = []
    usable: dict[str, Obj] = {}
    for i, volume in enumerate(_l(volumes)):
        volume, vpath = _d(volume), field.index(path, i)
        name = _s(volume.get("name"))
        el = _validate_volume_source(volume, vpath)
        if not name:
            el.append(field.required(field.child(vpath, "name")))
        else:
            el += [
                field.invalid(field.child(vpath, "name"), name, m) for m in is_dns1123_label(name)
            ]
        if name in usable:
            el.append(field.duplicate(field.child(vpath, "name"), name))
        if el:
            errs += el
        else:
            usable[name] = volume
    return usable, errs


# ---------------------------------------------------------------------------------------------
# Containers (validateContainerCommon and friends)

_PROTOCOLS = ["SCTP", "TCP", "UDP"]  # sets.List sorts
_PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
_MOUNT_PROPAGATIONS = ["Bidirectional", "HostToContainer", "None"]
_HTTP_SCHEMES = ["HTTP", "HTTPS"]
_TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
SA_TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"


def _validate_container_ports(ports: Any, path: str) -> Errors:
    errs: Errors = []
    names: set[str] = set()
    for i, port in enumerate(_l(ports)):
        port, ppath = _d(port), field.index(path, i)
        name = _s(port.get("name"))
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [field.invalid(field.child(ppath, "name"), name, m) for m in msgs]
            elif name in names:
                errs.append(field.duplicate(field.child(ppath, "name"), name))
            else:
                names.add(name)
        container_port = _i(port.get("containerPort")) or 0
        if container_port == 0:
            errs.append(field.required(field.child(ppath, "containerPort")))
        else:
            errs += [
                field.invalid(field.child(ppath, "containerPort"), container_port, m)
                for m in is_valid_port_num(container_port)
            ]
        host_port = _i(port.get("hostPort")) or 0
        if host_port != 0:
            errs += [
                field.invalid(field.child(ppath, "hostPort"), host_port, m)
                for m in is_valid_port_num(host_port)
            ]
        protocol = port.get("protocol")
        if not protocol:
            errs.append(field.required(field.child(ppath, "protocol")))
        elif protocol not in _PROTOCOLS:
            errs.append(field.not_supported(field.child(ppath, "protocol"), protocol, _PROTOCOLS))
    return errs


def _validate_name_ref(name: Any, path: str, prefix: bool) -> Errors:
    text = _s(name)
    return [field.invalid(path, text, m) for m in name_is_dns_subdomain(text, prefix)]


def _validate_key_selector(ref: Obj, path: str) -> Errors:
    errs = _validate_name_ref(ref.get("name"), field.child(path, "name"), False)
    key = _s(ref.get("key"))
    if not key:
        errs.append(field.required(field.child(path, "key")))
    else:
        errs += [field.invalid(field.child(path, "key"), key, m) for m in is_config_map_key(key)]
    return errs


def _validate_env(env: Any, path: str) -> Errors:
    errs: Errors = []
    for i, var in enumerate(_l(env)):
        var, vpath = _d(var), field.index(path, i)
        name = _s(var.get("name"))
        if not name:
            errs.append(field.required(field.child(vpath, "name")))
        else:
            errs += [
                field.invalid(field.child(vpath, "name"), name, m)
                for m in is_relaxed_env_var_name(name)
            ]
        source = var.get("valueFrom")
        if source is None:
            continue
        source, spath = _d(source), field.child(vpath, "valueFrom")
        count = 0
        if source.get("fieldRef") is not None:
            count += 1
            errs += _validate_object_field_selector(
                _d(source["fieldRef"]), _ENV_DOWNWARD_PATHS, field.child(spath, "fieldRef")
            )
        if source.get("resourceFieldRef") is not None:
            count += 1
            errs += _validate_resource_field_selector(
                _d(source["resourceFieldRef"]), field.child(spath, "resourceFieldRef"), False
            )
        for kind in ("configMapKeyRef", "secretKeyRef"):
            if source.get(kind) is not None:
                count += 1
                errs += _validate_key_selector(_d(source[kind]), field.child(spath, kind))
        if count == 0:
            errs.append(
                field.invalid(
                    spath,
                    "",
                    "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
                    "`secretKeyRef`",
                )
            )
        elif _s(var.get("value")):
            errs.append(field.invalid(spath, "", "may not be specified when `value` is not empty"))
        elif count > 1:
            errs.append(
                field.invalid(spath, "", "may not have more than one field specified at a time")
            )
    return errs


def _validate_env_from(env_from: Any, path: str) -> Errors:
    errs: Errors = []
    for i, source in enumerate(_l(env_from)):
        source, spath = _d(source), field.index(path, i)
        prefix = _s(source.get("prefix"))
        if prefix:
            errs += [
                field.invalid(field.child(spath, "prefix"), prefix, m)
                for m in is_relaxed_env_var_name(prefix)
            ]
        count = 0
        for kind in ("configMapRef", "secretRef"):
            if source.get(kind) is None:
                continue
            count += 1
            ref, rpath = _d(source[kind]), field.child(spath, kind, "name")
            if not _s(ref.get("name")):
                errs.append(field.required(rpath))
            else:
                errs += _validate_name_ref(ref.get("name"), rpath, True)
        # Upstream reports these two against the envFrom list itself.
        if count == 0:
            errs.append(
                field.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`")
            )
        elif count > 1:
            errs.append(
                field.invalid(path, "", "may not have more than one field specified at a time")
            )
    return errs


def _validate_volume_mounts(
    mounts: Any, volumes: dict[str, Obj], container: Obj, path: str
) -> Errors:
    errs: Errors = []
    mount_points: set[str] = set()
    for i, mount in enumerate(_l(mounts)):
        mount, mpath = _d(mount), field.index(path, i)
        name, mount_path = _s(mount.get("name")), _s(mount.get("mountPath"))
        if not name:
            errs.append(field.required(field.child(mpath, "name")))
        if name not in volumes:
            errs.append(field.not_found(field.child(mpath, "name"), name))
        if not mount_path:
            errs.append(field.required(field.child(mpath, "mountPath")))
        if mount_path in mount_points:
            errs.append(
                field.invalid(field.child(mpath, "mountPath"), mount_path, "must be unique")
            )
        mount_points.add(mount_path)
        sub_path, sub_expr = _s(mount.get("subPath")), _s(mount.get("subPathExpr"))
        # Upstream validates subPath against the list's path, not the item's.
        if sub_path:
            errs += _validate_local_descending_path(sub_path, field.child(path, "subPath"))
        if sub_expr:
            if sub_path:
                errs.append(
                    field.invalid(
                        field.child(mpath, "subPathExpr"),
                        sub_expr,
                        "subPathExpr and subPath are mutually exclusive",
                    )
                )
            errs += _validate_local_descending_path(sub_expr, field.child(path, "subPathExpr"))
        propagation = mount.get("mountPropagation")
        if propagation is not None:
            ppath = field.child(path, "mountPropagation")
            if propagation not in _MOUNT_PROPAGATIONS:
                errs.append(field.not_supported(ppath, propagation, _MOUNT_PROPAGATIONS))
            privileged = _d(container.get("securityContext")).get("privileged") is True
            if propagation == "Bidirectional" and not privileged:
                errs.append(
                    field.forbidden(
                        ppath,
                        "Bidirectional mount propagation is available only to privileged "
                        "containers",
                    )
                )
    return errs


def _quantity_or_none(value: Any) -> Fraction | None:
    try:
        return parse_quantity(value)
    except ValueError:
        return None


_STANDARD_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}
_STANDARD_RESOURCES = _STANDARD_CONTAINER_RESOURCES | {
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "storage",
    "requests.storage",
    "services.nodeports",
    "services.loadbalancers",
}


def _is_native_resource(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _is_extended_resource(name: str) -> bool:
    if _is_native_resource(name) or name.startswith("requests."):
        return False
    return not is_qualified_name("requests." + name)


def _validate_container_resource_name(name: str, path: str) -> Errors:
    # Resource names have a String() method, so they print unquoted.
    errs = [field.invalid(path, name, m) for m in is_qualified_name(name)]
    if errs:
        return errs
    if "/" not in name:
        if name not in _STANDARD_RESOURCES and not _is_hugepages(name):
            errs.append(
                field.invalid(
                    path, GoLiteral(name), "must be a standard resource type or fully qualified"
                )
            )
        if name not in _STANDARD_CONTAINER_RESOURCES and not _is_hugepages(name):
            errs.append(
                field.invalid(path, GoLiteral(name), "must be a standard resource for containers")
            )
    elif not _is_native_resource(name) and not _is_extended_resource(name):
        errs.append(
            field.invalid(path, GoLiteral(name), "doesn't follow extended resource name standard")
        )
    return errs


def _validate_quantity_value(name: str, raw: Any, path: str) -> tuple[Fraction | None, Errors]:
    value = _quantity_or_none(raw)
    if value is None:
        # The real API server refuses these while decoding (see decode_error); reported here
        # too so that validate() alone never lets a malformed quantity through.
        try:
            parse_quantity(raw)
        except ValueError as exc:
            return None, [field.invalid(path, raw if isinstance(raw, str) else str(raw), str(exc))]
    assert value is not None
    errs: Errors = []
    if value < 0:
        errs.append(field.invalid(path, canonical_quantity(raw), IS_NEGATIVE))
    if _is_extended_resource(name) and (value * 1000) % 1000 != 0:
        errs.append(field.invalid(path, GoLiteral(canonical_quantity(raw)), "must be an integer"))
    return value, errs


def validate_resource_requirements(resources: Any, path: str) -> Errors:
    """ValidateResourceRequirements: names, non-negative quantities, requests <= limits."""
    resources = _d(resources)
    limits, requests = _d(resources.get("limits")), _d(resources.get("requests"))
    lim_path, req_path = field.child(path, "limits"), field.child(path, "requests")
    errs: Errors = []
    limit_values: dict[str, Fraction | None] = {}
    for name in sorted(limits):
        rpath = field.key(lim_path, name)
        errs += _validate_container_resource_name(name, rpath)
        limit_values[name], qerrs = _validate_quantity_value(name, limits[name], rpath)
        errs += qerrs
    for name in sorted(requests):
        rpath = field.key(req_path, name)
        errs += _validate_container_resource_name(name, rpath)
        value, qerrs = _validate_quantity_value(name, requests[name], rpath)
        errs += qerrs
        overcommit = _is_native_resource(name) and not _is_hugepages(name)
        if name in limits:
            limit = limit_values.get(name)
            if value is None or limit is None:
                continue
            shown = canonical_quantity(requests[name])
            limit_text = canonical_quantity(limits[name])
            if value != limit and not overcommit:
                errs.append(
                    field.invalid(req_path, shown, f"must be equal to {name} limit of {limit_text}")
                )
            elif value > limit:
                errs.append(
                    field.invalid(
                        req_path,
                        shown,
                        f"must be less than or equal to {name} limit of {limit_text}",
                    )
                )
        elif not overcommit:
            errs.append(
                field.required(lim_path, "Limit must be set for non overcommitable resources")
            )
    return errs


def _validate_port_num_or_name(port: Any, path: str) -> Errors:
    if isinstance(port, bool) or not isinstance(port, int | str):
        return [field.internal_error(path, f"unknown type: {type(port).__name__}")]
    if isinstance(port, int):
        return [field.invalid(path, port, m) for m in is_valid_port_num(port)]
    return [field.invalid(path, port, m) for m in is_valid_port_name(port)]


def _validate_handler(handler: Obj, kinds: tuple[str, ...], grace: int | None, path: str) -> Errors:
    errs: Errors = []
    count = 0
    for kind in kinds:
        if handler.get(kind) is None:
            continue
        hpath = field.child(path, kind)
        if count > 0:
            errs.append(field.forbidden(hpath, "may not specify more than 1 handler type"))
            continue
        count += 1
        action = _d(handler[kind])
        if kind == "exec":
            if not _l(action.get("command")):
                errs.append(field.required(field.child(hpath, "command")))
        elif kind == "httpGet":
            if not _s(action.get("path")):
                errs.append(field.required(field.child(hpath, "path")))
            errs += _validate_port_num_or_name(action.get("port"), field.child(hpath, "port"))
            scheme = action.get("scheme")
            if scheme not in _HTTP_SCHEMES:
                errs.append(
                    field.not_supported(field.child(hpath, "scheme"), _s(scheme), _HTTP_SCHEMES)
                )
            for header in _l(action.get("httpHeaders")):
                name = _s(_d(header).get("name"))
                if not _HTTP_HEADER_RE.fullmatch(name):
                    msg = regex_error(HTTP_HEADER_MSG, HTTP_HEADER_FMT, "X-Header-Name")
                    errs.append(field.invalid(field.child(hpath, "httpHeaders"), name, msg))
        elif kind in ("tcpSocket", "grpc"):
            errs += _validate_port_num_or_name(action.get("port"), field.child(hpath, "port"))
        elif kind == "sleep":
            seconds = _i(action.get("seconds")) or 0
            if grace is not None and (seconds < 0 or seconds > grace):
                errs.append(
                    field.invalid(
                        hpath,
                        seconds,
                        "must be non-negative and less than terminationGracePeriodSeconds "
                        f"({grace})",
                    )
                )
    if count == 0:
        errs.append(field.required(path, "must specify a handler type"))
    return errs


_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")


def _validate_probe(probe: Any, kind: str, grace: int | None, path: str) -> Errors:
    if probe is None:
        return []
    probe = _d(probe)
    errs = _validate_handler(probe, _PROBE_HANDLERS, grace, path)
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        value = _i(probe.get(key)) or 0
        if value < 0:
            errs.append(field.invalid(field.child(path, key), value, IS_NEGATIVE))
    grace_override = _i(probe.get("terminationGracePeriodSeconds"))
    if grace_override is not None and grace_override <= 0:
        errs.append(
            field.invalid(
                field.child(path, "terminationGracePeriodSeconds"),
                grace_override,
                "must be greater than 0",
            )
        )
    if kind in ("livenessProbe", "startupProbe") and probe.get("successThreshold") != 1:
        errs.append(
            field.invalid(
                field.child(path, "successThreshold"), probe.get("successThreshold"), "must be 1"
            )
        )
    if kind == "readinessProbe" and probe.get("terminationGracePeriodSeconds") is not None:
        errs.append(
            field.invalid(
                field.child(path, "terminationGracePeriodSeconds"),
                probe.get("terminationGracePeriodSeconds"),
                "must not be set for readinessProbes",
            )
        )
    return errs


def _validate_lifecycle(lifecycle: Obj, grace: int | None, path: str) -> Errors:
    errs: Errors = []
    for hook in ("postStart", "preStop"):
        if lifecycle.get(hook) is not None:
            errs += _validate_handler(
                _d(lifecycle[hook]), _LIFECYCLE_HANDLERS, grace, field.child(path, hook)
            )
    return errs


def _validate_container_common(container: Obj, volumes: dict[str, Obj], path: str) -> Errors:
    errs: Errors = []
    name = _s(container.get("name"))
    if not name:
        errs.append(field.required(field.child(path, "name")))
    else:
        errs += [field.invalid(field.child(path, "name"), name, m) for m in is_dns1123_label(name)]
    if not _s(container.get("image")):
        errs.append(field.required(field.child(path, "image")))
    policy = container.get("terminationMessagePolicy")
    if not policy:
        errs.append(field.required(field.child(path, "terminationMessagePolicy")))
    elif policy not in _TERMINATION_MESSAGE_POLICIES:
        errs.append(
            field.not_supported(
                field.child(path, "terminationMessagePolicy"), policy, _TERMINATION_MESSAGE_POLICIES
            )
        )
    errs += _validate_container_ports(container.get("ports"), field.child(path, "ports"))
    errs += _validate_env(container.get("env"), field.child(path, "env"))
    errs += _validate_env_from(container.get("envFrom"), field.child(path, "envFrom"))
    errs += _validate_volume_mounts(
        container.get("volumeMounts"), volumes, container, field.child(path, "volumeMounts")
    )
    pull = container.get("imagePullPolicy")
    if not pull:
        errs.append(field.required(field.child(path, "imagePullPolicy")))
    elif pull not in _PULL_POLICIES:
        errs.append(field.not_supported(field.child(path, "imagePullPolicy"), pull, _PULL_POLICIES))
    errs += validate_resource_requirements(
        container.get("resources"), field.child(path, "resources")
    )
    return errs


def _check_host_port_conflicts(containers: list[Obj], path: str, indexes: list[int]) -> Errors:
    errs: Errors = []
    seen: set[str] = set()
    for ci, container in zip(indexes, containers, strict=True):
        for pi, port in enumerate(_l(container.get("ports"))):
            port = _d(port)
            host_port = _i(port.get("hostPort")) or 0
            if host_port == 0:
                continue
            key = f"{_s(port.get('protocol'))}/{_s(port.get('hostIP'))}/{host_port}"
            ppath = field.child(
                field.index(field.child(field.index(path, ci), "ports"), pi), "hostPort"
            )
            if key in seen:
                errs.append(field.duplicate(ppath, key))
            seen.add(key)
    return errs


def _validate_containers(
    containers: Any, volumes: dict[str, Obj], grace: int | None, path: str
) -> Errors:
    items = [_d(c) for c in _l(containers)]
    if not items:
        return [field.required(path)]
    errs: Errors = []
    names: set[str] = set()
    for i, container in enumerate(items):
        cpath = field.index(path, i)
        errs += _validate_container_common(container, volumes, cpath)
        name = _s(container.get("name"))
        if name in names:
            errs.append(field.duplicate(field.child(cpath, "name"), name))
        names.add(name)
        if container.get("lifecycle") is not None:
            errs += _validate_lifecycle(
                _d(container["lifecycle"]), grace, field.child(cpath, "lifecycle")
            )
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            errs += _validate_probe(container.get(probe), probe, grace, field.child(cpath, probe))
        if container.get("restartPolicy") is not None:
            errs.append(
                field.forbidden(
                    field.child(cpath, "restartPolicy"), "may not be set for non-init containers"
                )
            )
    errs += _check_host_port_conflicts(items, path, list(range(len(items))))
    return errs


def _validate_init_containers(
    init: Any, regular: Any, volumes: dict[str, Obj], grace: int | None, path: str
) -> Errors:
    errs: Errors = []
    names = {_s(_d(c).get("name")) for c in _l(regular)}
    for i, container in enumerate(_d(c) for c in _l(init)):
        cpath = field.index(path, i)
        errs += _validate_container_common(container, volumes, cpath)
        restart = container.get("restartPolicy")
        if restart is not None and restart != "Always":
            errs.append(
                field.not_supported(field.child(cpath, "restartPolicy"), restart, ["Always"])
            )
        name = _s(container.get("name"))
        if name in names:
            errs.append(field.duplicate(field.child(cpath, "name"), name))
        elif name:
            names.add(name)
        errs += _check_host_port_conflicts([container], path, [i])
        if restart == "Always":  # a sidecar may have probes and hooks
            if container.get("lifecycle") is not None:
                errs += _validate_lifecycle(
                    _d(container["lifecycle"]), grace, field.child(cpath, "lifecycle")
                )
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                errs += _validate_probe(
                    container.get(probe), probe, grace, field.child(cpath, probe)
                )
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if container.get(key) is not None:
                    errs.append(
                        field.forbidden(
                            field.child(cpath, key),
                            "may not be set for init containers without restartPolicy=Always",
                        )
                    )
    return errs


# ---------------------------------------------------------------------------------------------
# Pod spec (ValidatePodSpec)

_RESTART_POLICIES = ["Always", "OnFailure", "Never"]
_DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
_PREEMPTION_POLICIES = ["PreemptLowerPriority", "Never"]
_TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
_TOLERATION_OPERATORS = ["Equal", "Exists"]


def validate_tolerations(tolerations: Any, path: str) -> Errors:
    errs: Errors = []
    for i, toleration in enumerate(_l(tolerations)):
        toleration, tpath = _d(toleration), field.index(path, i)
        key, operator = _s(toleration.get("key")), _s(toleration.get("operator"))
        value, effect = _s(toleration.get("value")), _s(toleration.get("effect"))
        if key:
            errs += [
                field.invalid(field.child(tpath, "key"), key, m) for m in is_qualified_name(key)
            ]
        if not key and operator != "Exists":
            errs.append(
                field.invalid(
                    field.child(tpath, "operator"),
                    operator,
                    'operator must be Exists when `key` is empty, which means "match all values '
                    'and all keys"',
                )
            )
        if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(
                field.invalid(
                    field.child(tpath, "effect"),
                    effect,
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                )
            )
        if operator in ("Equal", ""):
            msgs = is_label_value(value)
            if msgs:
                errs.append(field.invalid(field.child(tpath, "operator"), value, ";".join(msgs)))
        elif operator == "Exists":
            if value:
                errs.append(
                    field.invalid(
                        field.child(tpath, "operator"),
                        value,
                        "value must be empty when `operator` is 'Exists'",
                    )
                )
        else:
            errs.append(
                field.not_supported(field.child(tpath, "operator"), operator, _TOLERATION_OPERATORS)
            )
        if effect and effect not in _TAINT_EFFECTS:
            errs.append(field.not_supported(field.child(tpath, "effect"), effect, _TAINT_EFFECTS))
    return errs


def _validate_dns_config(spec: Obj, path: str) -> Errors:
    config = spec.get("dnsConfig")
    if spec.get("dnsPolicy") == "None":
        if config is None:
            return [field.required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not _l(_d(config).get("nameservers")):
            return [
                field.required(
                    field.child(path, "nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                )
            ]
    if config is None:
        return []
    errs: Errors = []
    nameservers = _l(_d(config).get("nameservers"))
    if len(nameservers) > 3:
        errs.append(
            field.invalid(
                field.child(path, "nameservers"),
                [_s(n) for n in nameservers],
                "must not have more than 3 nameservers",
            )
        )
    for i, server in enumerate(nameservers):
        try:
            ipaddress.ip_address(_s(server))
        except ValueError:
            errs.append(
                field.invalid(
                    field.index(field.child(path, "nameservers"), i),
                    _s(server),
                    "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                )
            )
    for i, option in enumerate(_l(_d(config).get("options"))):
        if not _s(_d(option).get("name")):
            errs.append(
                field.required(field.index(field.child(path, "options"), i), "must not be empty")
            )
    return errs


def validate_pod_spec(spec: Any, path: str, resource_is_pod: bool) -> Errors:
    """ValidatePodSpec: for Pods and for the templates inside Deployments and ReplicaSets."""
    spec = _d(spec)
    errs: Errors = []
    grace = _i(spec.get("terminationGracePeriodSeconds"))
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.append(field.required(field.child(path, "terminationGracePeriodSeconds")))
    volumes, verrs = validate_volumes(spec.get("volumes"), field.child(path, "volumes"))
    errs += verrs
    errs += _validate_containers(
        spec.get("containers"), volumes, grace, field.child(path, "containers")
    )
    errs += _validate_init_containers(
        spec.get("initContainers"),
        spec.get("containers"),
        volumes,
        grace,
        field.child(path, "initContainers"),
    )
    if spec.get("hostNetwork") is True:
        for i, container in enumerate(_l(spec.get("containers"))):
            for j, port in enumerate(_l(_d(container).get("ports"))):
                host, cont = _i(_d(port).get("hostPort")) or 0, _i(_d(port).get("containerPort"))
                if (resource_is_pod or host != 0) and host != cont:
                    ppath = field.index(
                        field.child(field.index(field.child(path, "containers"), i), "ports"), j
                    )
                    errs.append(
                        field.invalid(
                            field.child(ppath, "hostPort"),
                            host,
                            "must match `containerPort` when `hostNetwork` is true",
                        )
                    )
    restart = spec.get("restartPolicy")
    if not restart:
        errs.append(field.required(field.child(path, "restartPolicy")))
    elif restart not in _RESTART_POLICIES:
        errs.append(
            field.not_supported(field.child(path, "restartPolicy"), restart, _RESTART_POLICIES)
        )
    dns = spec.get("dnsPolicy")
    if not dns:
        errs.append(field.required(field.child(path, "dnsPolicy")))
    elif dns not in _DNS_POLICIES:
        errs.append(field.not_supported(field.child(path, "dnsPolicy"), dns, _DNS_POLICIES))
    errs += validate_labels(spec.get("nodeSelector"), field.child(path, "nodeSelector"))
    errs += _validate_dns_config(spec, field.child(path, "dnsConfig"))
    for i, gate in enumerate(_l(spec.get("readinessGates"))):
        ctype = _s(_d(gate).get("conditionType"))
        gpath = field.child(field.index(field.child(path, "readinessGates"), i), "conditionType")
        errs += [field.invalid(gpath, ctype, m) for m in is_qualified_name(ctype)]
    seen_gates: set[str] = set()
    for i, gate in enumerate(_l(spec.get("schedulingGates"))):
        name, gpath = _s(_d(gate).get("name")), field.index(field.child(path, "schedulingGates"), i)
        errs += [field.invalid(gpath, name, m) for m in is_qualified_name(name)]
        if name in seen_gates:
            errs.append(field.duplicate(gpath, name))
        seen_gates.add(name)
    for key in ("serviceAccountName", "nodeName"):
        value = _s(spec.get(key))
        if value:
            errs += [
                field.invalid(field.child(path, key), value, m)
                for m in name_is_dns_subdomain(value, False)
            ]
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None and (_i(deadline) is None or not 1 <= deadline <= MAX_INT32):
        errs.append(
            field.invalid(
                field.child(path, "activeDeadlineSeconds"),
                deadline,
                inclusive_range_error(1, MAX_INT32),
            )
        )
    for key in ("hostname", "subdomain"):
        value = _s(spec.get(key))
        if value:
            errs += [
                field.invalid(field.child(path, key), value, m) for m in is_dns1123_label(value)
            ]
    errs += validate_tolerations(spec.get("tolerations"), field.child(path, "tolerations"))
    priority_class = _s(spec.get("priorityClassName"))
    if priority_class:
        errs += [
            field.invalid(field.child(path, "priorityClassName"), priority_class, m)
            for m in name_is_dns_subdomain(priority_class, False)
        ]
    runtime_class = spec.get("runtimeClassName")
    if runtime_class is not None:
        errs += [
            field.invalid(field.child(path, "runtimeClassName"), _s(runtime_class), m)
            for m in name_is_dns_subdomain(_s(runtime_class), False)
        ]
    preemption = spec.get("preemptionPolicy")
    if preemption is not None:
        if not preemption:
            errs.append(field.required(field.child(path, "preemptionPolicy")))
        elif preemption not in _PREEMPTION_POLICIES:
            errs.append(
                field.not_supported(
                    field.child(path, "preemptionPolicy"), preemption, _PREEMPTION_POLICIES
                )
            )
    if spec.get("overhead") is not None:
        errs += validate_resource_requirements(
            {"limits": spec.get("overhead")}, field.child(path, "overhead")
        )
    return errs


def validate_pod_template(template: Any, path: str) -> Errors:
    """ValidatePodTemplateSpec. Upstream checks labels at `<path>.labels`, not metadata.labels."""
    template = _d(template)
    meta = _d(template.get("metadata"))
    errs = validate_labels(meta.get("labels"), field.child(path, "labels"))
    errs += validate_annotations(meta.get("annotations"), field.child(path, "annotations"))
    errs += _validate_pod_annotations(
        meta, _d(template.get("spec")), field.child(path, "annotations")
    )
    errs += validate_pod_spec(template.get("spec"), field.child(path, "spec"), False)
    if _l(_d(template.get("spec")).get("ephemeralContainers")):
        errs.append(
            field.forbidden(
                field.child(path, "spec", "ephemeralContainers"),
                "ephemeral containers not allowed in pod template",
            )
        )
    return errs


# ---------------------------------------------------------------------------------------------
# Pods (ValidatePodCreate, ValidatePodUpdate, ValidatePodStatusUpdate)

MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"


def _validate_pod_annotations(meta: Obj, spec: Obj, path: str) -> Errors:
    annotations = _d(meta.get("annotations"))
    errs: Errors = []
    if MIRROR_POD_ANNOTATION in annotations and not _s(spec.get("nodeName")):
        errs.append(
            field.invalid(
                field.key(path, MIRROR_POD_ANNOTATION),
                annotations[MIRROR_POD_ANNOTATION],
                "must set spec.nodeName if mirror pod annotation is set",
            )
        )
    if DELETION_COST_ANNOTATION in annotations:
        cost = str(annotations[DELETION_COST_ANNOTATION])
        if not re.fullmatch(r"[+-]?\d+", cost) or not -(2**31) <= int(cost) <= MAX_INT32:
            errs.append(
                field.invalid(
                    field.key(path, DELETION_COST_ANNOTATION), cost, "must be a 32bit integer"
                )
            )
    return errs


def _validate_pod_metadata_and_spec(pod: Obj) -> Errors:
    meta, spec = _d(pod.get("metadata")), _d(pod.get("spec"))
    errs = validate_object_meta(meta, True, name_is_dns_subdomain)
    errs += _validate_pod_annotations(meta, spec, "metadata.annotations")
    errs += validate_pod_spec(spec, "spec", True)
    if not _s(spec.get("serviceAccountName")):
        for vi, volume in enumerate(_l(spec.get("volumes"))):
            projected = _d(volume).get("projected")
            if projected is None:
                continue
            for si, source in enumerate(_l(_d(projected).get("sources"))):
                if _d(source).get("serviceAccountToken") is not None:
                    errs.append(
                        field.forbidden(
                            f"spec.volumes[{vi}].projected.sources[{si}].serviceAccountToken",
                            "must not be specified when serviceAccountName is not set",
                        )
                    )
    for key in ("containers", "initContainers"):
        for i, container in enumerate(_l(spec.get(key))):
            image = _s(_d(container).get("image"))
            if image != image.strip():
                errs.append(
                    field.invalid(
                        f"spec.{key}[{i}].image",
                        image,
                        "must not have leading or trailing whitespace",
                    )
                )
    return errs


def validate_pod_create(pod: Obj) -> Errors:
    spec = _d(pod.get("spec"))
    errs = _validate_pod_metadata_and_spec(pod)
    if _l(spec.get("ephemeralContainers")):
        errs.append(field.forbidden("spec.ephemeralContainers", "cannot be set on create"))
    if _s(spec.get("nodeName")) and _l(spec.get("schedulingGates")):
        errs.append(
            field.forbidden(
                "spec.nodeName", "cannot be set until all schedulingGates have been cleared"
            )
        )
    return errs


# What the "pod updates may not change fields" error lists (updatablePodSpecFields).
UPDATABLE_POD_SPEC_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)


def _validate_container_updates(new: Any, old: Any, path: str) -> tuple[Errors, bool]:
    new_list, old_list = _l(new), _l(old)
    if len(new_list) != len(old_list):
        return [field.forbidden(path, "pod updates may not add or remove containers")], True
    errs: Errors = []
    for i, container in enumerate(new_list):
        image = _s(_d(container).get("image"))
        if not image:
            errs.append(field.required(f"{path}[{i}].image"))
        if image != image.strip():
            errs.append(
                field.invalid(
                    f"{path}[{i}].image", image, "must not have leading or trailing whitespace"
                )
            )
    return errs, False


def _validate_only_added_tolerations(new: Any, old: Any, path: str) -> Errors:
    new_list = [_d(t) for t in _l(new)]
    for old_toleration in (_d(t) for t in _l(old)):
        # tolerationSeconds may change; everything else must survive unchanged.
        found = any(
            semantic_equal({**old_toleration, "tolerationSeconds": t.get("tolerationSeconds")}, t)
            for t in new_list
        )
        if not found:
            return [
                field.forbidden(
                    path, "existing toleration can not be modified except its tolerationSeconds"
                )
            ]
    return validate_tolerations(new, path)


def validate_pod_update(new: Obj, old: Obj) -> Errors:
    """ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations may change."""
    new_spec, old_spec = _d(new.get("spec")), _d(old.get("spec"))
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs += _validate_pod_metadata_and_spec(new)
    for key in ("containers", "initContainers"):
        cerrs, stop = _validate_container_updates(
            new_spec.get(key), old_spec.get(key), f"spec.{key}"
        )
        errs += cerrs
        if stop:
            return errs
    new_deadline, old_deadline = (
        new_spec.get("activeDeadlineSeconds"),
        old_spec.get("activeDeadlineSeconds"),
    )
    if new_deadline is not None:
        if _i(new_deadline) is None or not 0 <= new_deadline <= MAX_INT32:
            errs.append(
                field.invalid(
                    "spec.activeDeadlineSeconds", new_deadline, inclusive_range_error(0, MAX_INT32)
                )
            )
            return errs
        if old_deadline is not None and old_deadline < new_deadline:
            errs.append(
                field.invalid(
                    "spec.activeDeadlineSeconds",
                    new_deadline,
                    "must be less than or equal to previous value",
                )
            )
            return errs
    elif old_deadline is not None:
        errs.append(
            field.invalid(
                "spec.activeDeadlineSeconds",
                None,
                "must not update from a positive integer to nil value",
            )
        )
    errs += _validate_only_added_tolerations(
        new_spec.get("tolerations"), old_spec.get("tolerations"), "spec.tolerations"
    )
    old_gates = {_s(_d(g).get("name")) for g in _l(old_spec.get("schedulingGates"))}
    for i, gate in enumerate(_l(new_spec.get("schedulingGates"))):
        name = _s(_d(gate).get("name"))
        if name not in old_gates:
            errs.append(
                field.forbidden(
                    f"spec.schedulingGates[{i}].name",
                    f"only deletion is allowed, but found new scheduling gate '{name}'",
                )
            )
    if semantic_equal(new_spec, old_spec):
        return errs
    munged = _munge_pod_spec(new_spec, old_spec)
    if not semantic_equal(munged, old_spec):
        detail = "pod updates may not change fields other than " + ",".join(
            UPDATABLE_POD_SPEC_FIELDS
        )
        errs.append(field.forbidden("spec", detail + "\n" + spec_diff(old_spec, munged)))
    return errs


def _munge_pod_spec(new: Obj, old: Obj) -> Obj:
    """The new spec with every field that may change set back to its old value."""
    munged = dict(new)
    for key in ("containers", "initContainers"):
        old_items = _l(old.get(key))
        if isinstance(new.get(key), list):
            munged[key] = [
                {**_d(c), "image": _d(old_items[i]).get("image")} if i < len(old_items) else c
                for i, c in enumerate(new[key])
            ]
    for key in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        if key in old:
            munged[key] = old[key]
        else:
            munged.pop(key, None)
    old_grace, new_grace = (
        old.get("terminationGracePeriodSeconds"),
        new.get("terminationGracePeriodSeconds"),
    )
    if isinstance(old_grace, int) and old_grace < 0 and new_grace == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    return munged


def spec_diff(old: Obj, new: Obj) -> str:
    """A short cmp.Diff-style rendering of which PodSpec fields differ.

    Upstream prints github.com/google/go-cmp's full struct diff of the internal core.PodSpec;
    this keeps its shape (header, `-`/`+` lines, elided identical fields) at field level.
    """
    lines = ["  core.PodSpec{"]
    identical = 0
    for key in _POD_SPEC_DIFF_ORDER + sorted(set(old) | set(new) - set(_POD_SPEC_DIFF_ORDER)):
        if semantic_equal(old.get(key), new.get(key)):
            identical += 1 if key in old or key in new or key in _POD_SPEC_DIFF_ORDER else 0
            continue
        if identical:
            lines.append(f"  \t... // {identical} identical fields")
            identical = 0
        name = _go_field_name(key)
        if not _empty(old.get(key)) or key in old:
            lines.append(f"- \t{name}: {_go_diff_value(old.get(key))},")
        if not _empty(new.get(key)) or key in new:
            lines.append(f"+ \t{name}: {_go_diff_value(new.get(key))},")
    if identical:
        lines.append(f"  \t... // {identical} identical fields")
    lines.append("  }")
    return "\n".join(lines) + "\n"


_POD_SPEC_DIFF_ORDER = [
    "volumes",
    "initContainers",
    "containers",
    "ephemeralContainers",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "automountServiceAccountToken",
    "nodeName",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "subdomain",
    "setHostnameAsFQDN",
    "affinity",
    "schedulerName",
    "tolerations",
    "hostAliases",
    "priorityClassName",
    "priority",
    "preemptionPolicy",
    "dnsConfig",
    "readinessGates",
    "runtimeClassName",
    "overhead",
    "enableServiceLinks",
    "topologySpreadConstraints",
    "os",
    "schedulingGates",
    "resourceClaims",
    "resources",
]
_GO_FIELD_NAMES = {"dnsPolicy": "DNSPolicy", "dnsConfig": "DNSConfig", "os": "OS"}


def _go_field_name(key: str) -> str:
    return _GO_FIELD_NAMES.get(key, key[:1].upper() + key[1:])


def _go_diff_value(value: Any) -> str:
    if value is None:
        return "nil"
    if isinstance(value, dict):
        inner = ", ".join(f"{_go_field_name(k)}: {_go_diff_value(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "{" + ", ".join(_go_diff_value(v) for v in value) + "}"
    return field.go_format(value)


def validate_pod_status_update(new: Obj, old: Obj) -> Errors:
    """ValidatePodStatusUpdate: what the kubelet may and may not write to pods/status."""
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    new_spec, old_spec = _d(new.get("spec")), _d(old.get("spec"))
    new_status, old_status = _d(new.get("status")), _d(old.get("status"))
    for i, condition in enumerate(_l(new_status.get("conditions"))):
        ctype = _s(_d(condition).get("type"))
        if ctype not in ("PodScheduled", "Ready", "Initialized"):
            errs += [
                field.invalid(f"metadata.conditions[{i}].Type", ctype, m)
                for m in is_qualified_name(ctype)
            ]
    if _s(new_spec.get("nodeName")) != _s(old_spec.get("nodeName")):
        errs.append(field.forbidden("status.nodeName", "may not be changed directly"))
    nominated = _s(new_status.get("nominatedNodeName"))
    if nominated and nominated != _s(old_status.get("nominatedNodeName")):
        errs += [
            field.invalid("status.nominatedNodeName", nominated, m)
            for m in name_is_dns_subdomain(nominated, False)
        ]
    if _s(new_status.get("qosClass")) != _s(old_status.get("qosClass")):
        errs.append(
            field.invalid("status.qosClass", _s(new_status.get("qosClass")), FIELD_IMMUTABLE)
        )
    restart = _s(old_spec.get("restartPolicy"))
    if restart != "Always":
        new_by_name = {
            _s(_d(s).get("name")): _d(s) for s in _l(new_status.get("containerStatuses"))
        }
        for i, status in enumerate(_l(old_status.get("containerStatuses"))):
            terminated = _d(_d(_d(status).get("state")).get("terminated"))
            if not terminated:
                continue
            if _i(terminated.get("exitCode")) and restart == "OnFailure":
                continue
            now = new_by_name.get(_s(_d(status).get("name")))
            if now is not None and not _d(_d(now.get("state")).get("terminated")):
                errs.append(
                    field.forbidden(
                        f"status.containerStatuses[{i}].state",
                        "may not be transitioned to non-terminated state",
                    )
                )
    return errs


# ---------------------------------------------------------------------------------------------
# Deployments and ReplicaSets (pkg/apis/apps/validation/validation.go)


def _validate_nonnegative(value: Any, path: str) -> Errors:
    number = _i(value)
    if number is not None and number < 0:
        return [field.invalid(path, number, IS_NEGATIVE)]
    return []


def _int_or_percent_value(value: Any) -> int:
    """getIntOrPercentValue: "25%" -> 25, 3 -> 3, anything else -> 0."""
    if isinstance(value, str):
        if _PERCENT_RE.fullmatch(value):
            return int(value[:-1])
        return int(value) if re.fullmatch(r"[+-]?\d+", value) else 0
    return _i(value) or 0


def _percent_value(value: Any) -> int:
    """getPercentValue: 25 for "25%", -1 for anything that is not a percent string."""
    if isinstance(value, str) and _PERCENT_RE.fullmatch(value):
        return int(value[:-1])
    return -1


def _go_int_or_string(value: Any) -> GoLiteral:
    # intstr.IntOrString prints through its String() method: unquoted.
    return GoLiteral(str(value) if isinstance(value, int | str) else "")


def _validate_int_or_percent(value: Any, path: str) -> Errors:
    if isinstance(value, str):
        return [field.invalid(path, _go_int_or_string(value), m) for m in is_valid_percent(value)]
    if isinstance(value, int) and not isinstance(value, bool):
        return _validate_nonnegative(value, path)
    if value is None:
        return []
    return [
        field.invalid(
            path, _go_int_or_string(value), "must be an integer or percentage (e.g '5%%')"
        )
    ]


def _validate_strategy(strategy: Obj, path: str) -> Errors:
    kind = strategy.get("type")
    rolling = strategy.get("rollingUpdate")
    ru_path = field.child(path, "rollingUpdate")
    if kind == "Recreate":
        if rolling is not None:
            return [
                field.forbidden(ru_path, "may not be specified when strategy `type` is 'Recreate'")
            ]
        return []
    if kind == "RollingUpdate":
        if rolling is None:
            return [field.required(ru_path, "this should be defaulted and never be nil")]
        rolling = _d(rolling)
        surge, unavailable = rolling.get("maxSurge"), rolling.get("maxUnavailable")
        errs = _validate_int_or_percent(unavailable, field.child(ru_path, "maxUnavailable"))
        errs += _validate_int_or_percent(surge, field.child(ru_path, "maxSurge"))
        if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
            errs.append(
                field.invalid(
                    field.child(ru_path, "maxUnavailable"),
                    _go_int_or_string(unavailable),
                    "may not be 0 when `maxSurge` is 0",
                )
            )
        if _percent_value(unavailable) > 100:
            errs.append(
                field.invalid(
                    field.child(ru_path, "maxUnavailable"),
                    _go_int_or_string(unavailable),
                    "must not be greater than 100%",
                )
            )
        return errs
    # NotSupported reports the whole strategy struct, printed with %#v.
    pointer = "(*apps.RollingUpdateDeployment)(nil)" if rolling is None else "(0xc0004a8f60)"
    shown = GoLiteral(
        f"apps.DeploymentStrategy{{Type:{go_quote(_s(kind))}, RollingUpdate:{pointer}}}"
    )
    return [field.not_supported(path, shown, ["Recreate", "RollingUpdate"])]


def _validate_selector_and_template(spec: Obj) -> Errors:
    """The selector checks and ValidatePodTemplateSpecForReplicaSet, shared by both kinds."""
    errs: Errors = []
    selector = spec.get("selector")
    if selector is None:
        errs.append(field.required("spec.selector"))
    else:
        errs += validate_label_selector(selector, "spec.selector")
        if _selector_is_empty(selector):
            # Upstream says "deployment" for ReplicaSets too.
            errs.append(
                field.invalid(
                    "spec.selector",
                    go_label_selector(selector),
                    "empty selector is invalid for deployment",
                )
            )
    if selector is not None and validate_label_selector(selector, "spec.selector"):
        errs.append(
            field.invalid("spec.selector", go_label_selector(selector), "invalid label selector")
        )
        return errs
    template = _d(spec.get("template"))
    labels = _d(template.get("metadata")).get("labels")
    # A nil selector selects nothing (so never matches); an empty one would select everything.
    if (selector is None or not _selector_is_empty(selector)) and not selector_matches(
        selector, labels
    ):
        errs.append(
            field.invalid(
                "spec.template.metadata.labels",
                go_string_map(_d(labels) if labels is not None else None),
                "`selector` does not match template `labels`",
            )
        )
    errs += validate_pod_template(template, "spec.template")
    tspec = _d(template.get("spec"))
    if tspec.get("restartPolicy") != "Always":
        errs.append(
            field.not_supported(
                "spec.template.spec.restartPolicy", _s(tspec.get("restartPolicy")), ["Always"]
            )
        )
    if tspec.get("activeDeadlineSeconds") is not None:
        errs.append(
            field.forbidden(
                "spec.template.spec.activeDeadlineSeconds",
                "activeDeadlineSeconds in ReplicaSet is not Supported",
            )
        )
    return errs


def validate_deployment_spec(spec: Any) -> Errors:
    spec = _d(spec)
    errs = _validate_nonnegative(spec.get("replicas"), "spec.replicas")
    errs += _validate_selector_and_template(spec)
    errs += _validate_strategy(_d(spec.get("strategy")), "spec.strategy")
    errs += _validate_nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    errs += _validate_nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    deadline = _i(spec.get("progressDeadlineSeconds"))
    if deadline is not None:
        errs += _validate_nonnegative(deadline, "spec.progressDeadlineSeconds")
        if deadline <= (_i(spec.get("minReadySeconds")) or 0):
            errs.append(
                field.invalid(
                    "spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"
                )
            )
    return errs


def validate_replicaset_spec(spec: Any) -> Errors:
    spec = _d(spec)
    errs = _validate_nonnegative(spec.get("replicas"), "spec.replicas")
    errs += _validate_nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    errs += _validate_selector_and_template(spec)
    return errs


def _selector_immutable(new: Obj, old: Obj) -> Errors:
    new_sel = _d(new.get("spec")).get("selector")
    old_sel = _d(old.get("spec")).get("selector")
    if not semantic_equal(new_sel, old_sel):
        return [field.invalid("spec.selector", go_label_selector(new_sel), FIELD_IMMUTABLE)]
    return []


def _validate_workload_status(status: Any, fields: tuple[str, ...]) -> Errors:
    status = _d(status)
    errs: Errors = []
    for key in fields:
        errs += _validate_nonnegative(status.get(key), f"status.{key}")
    replicas = _i(status.get("replicas")) or 0
    for key in ("updatedReplicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas"):
        if key in fields and (_i(status.get(key)) or 0) > replicas:
            errs.append(
                field.invalid(
                    f"status.{key}", status.get(key), "cannot be greater than status.replicas"
                )
            )
    if (_i(status.get("availableReplicas")) or 0) > (_i(status.get("readyReplicas")) or 0):
        errs.append(
            field.invalid(
                "status.availableReplicas",
                status.get("availableReplicas"),
                "cannot be greater than readyReplicas",
            )
        )
    return errs


# ---------------------------------------------------------------------------------------------
# Namespaces, Nodes, Events


def _validate_node_taints(taints: Any, path: str) -> Errors:
    errs: Errors = []
    seen: set[tuple[str, str]] = set()
    for i, taint in enumerate(_l(taints)):
        taint, tpath = _d(taint), field.index(path, i)
        key, value, effect = _s(taint.get("key")), _s(taint.get("value")), _s(taint.get("effect"))
        errs += [field.invalid(field.child(tpath, "key"), key, m) for m in is_qualified_name(key)]
        msgs = is_label_value(value)
        if msgs:
            errs.append(field.invalid(field.child(tpath, "value"), value, ";".join(msgs)))
        if not effect:
            errs.append(field.required(field.child(tpath, "effect")))
        elif effect not in _TAINT_EFFECTS:
            errs.append(field.not_supported(field.child(tpath, "effect"), effect, _TAINT_EFFECTS))
        if (effect, key) in seen:
            shown = GoLiteral(
                f"core.Taint{{Key:{go_quote(key)}, Value:{go_quote(value)}, "
                f"Effect:{go_quote(effect)}, TimeAdded:(*v1.Time)(nil)}}"
            )
            dup = field.duplicate(tpath, shown)
            dup.detail = "taints must be unique by key and effect pair"
            errs.append(dup)
            continue
        seen.add((effect, key))
    return errs


def _validate_event(event: Obj) -> Errors:
    """legacyValidateEvent (core/v1 Events): only the namespace agreement is checked."""
    meta, involved = _d(event.get("metadata")), _d(event.get("involvedObject"))
    namespace, involved_ns = _s(meta.get("namespace")), _s(involved.get("namespace"))
    errs: Errors = []
    if not event.get("eventTime"):
        if not involved_ns:
            if namespace not in ("", "default"):
                errs.append(
                    field.invalid(
                        "involvedObject.namespace", involved_ns, "does not match event.namespace"
                    )
                )
        elif namespace != involved_ns:
            errs.append(
                field.invalid(
                    "involvedObject.namespace", involved_ns, "does not match event.namespace"
                )
            )
    errs += [field.invalid("namespace", namespace, m) for m in is_dns1123_subdomain(namespace)]
    return errs


# ---------------------------------------------------------------------------------------------
# Entry points


def validate(kind: str, obj: Obj, old: Obj | None = None) -> Errors:
    """Validate a create (old is None) or an update of a defaulted object."""
    meta = _d(obj.get("metadata"))
    if kind == "Pod":
        return validate_pod_create(obj) if old is None else validate_pod_update(obj, old)
    if kind in ("Deployment", "ReplicaSet"):
        spec_check = validate_deployment_spec if kind == "Deployment" else validate_replicaset_spec
        if old is None:
            errs = validate_object_meta(meta, True, name_is_dns_subdomain)
            return errs + spec_check(obj.get("spec"))
        errs = validate_object_meta_update(meta, old.get("metadata"))
        errs += spec_check(obj.get("spec"))
        return errs + _selector_immutable(obj, old)
    if kind == "Namespace":
        errs = (
            validate_object_meta(meta, False, name_is_dns_label)
            if old is None
            else validate_object_meta_update(meta, old.get("metadata"))
        )
        for f in _l(_d(obj.get("spec")).get("finalizers")):
            errs += _validate_kube_finalizer_name(_s(f), "spec.finalizers")
        return errs
    if kind == "Node":
        errs = (
            validate_object_meta(meta, False, name_is_dns_subdomain)
            if old is None
            else validate_object_meta_update(meta, old.get("metadata"))
        )
        # Upstream reports node taints under metadata.taints.
        return errs + _validate_node_taints(_d(obj.get("spec")).get("taints"), "metadata.taints")
    if kind == "Event":
        return _validate_event(obj)
    return []


def validate_status_update(kind: str, obj: Obj, old: Obj) -> Errors:
    """Validate a write to the status subresource."""
    if kind == "Pod":
        return validate_pod_status_update(obj, old)
    errs = validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
    if kind == "Deployment":
        errs += _validate_workload_status(
            obj.get("status"),
            (
                "observedGeneration",
                "replicas",
                "updatedReplicas",
                "readyReplicas",
                "availableReplicas",
                "unavailableReplicas",
                "collisionCount",
            ),
        )
    elif kind == "ReplicaSet":
        errs += _validate_workload_status(
            obj.get("status"),
            (
                "replicas",
                "fullyLabeledReplicas",
                "readyReplicas",
                "availableReplicas",
                "observedGeneration",
            ),
        )
    return errs


def decode_error(kind: str, obj: Obj) -> str | None:
    """What the API server's JSON decoder rejects before defaulting or validation run.

    The server answers 400 BadRequest with `<Kind> in version "<v>" cannot be handled as a
    <Kind>: <this message>`. Covers the two mistakes learners make most: malformed quantities
    and non-string label/annotation values (`version: 1.0` in YAML).
    """
    roots: list[tuple[Obj, str]] = [(_d(obj.get("metadata")), "metadata")]
    specs: list[Obj] = []
    if kind == "Pod":
        specs.append(_d(obj.get("spec")))
    elif kind in ("Deployment", "ReplicaSet"):
        template = _d(_d(obj.get("spec")).get("template"))
        roots.append((_d(template.get("metadata")), "spec.template.metadata"))
        specs.append(_d(template.get("spec")))
        selector = _d(_d(obj.get("spec")).get("selector"))
        for value in _d(selector.get("matchLabels")).values():
            if not isinstance(value, str):
                return _unmarshal_error(value, "LabelSelector.spec.selector.matchLabels")
    for meta, path in roots:
        for key in ("labels", "annotations"):
            for value in _d(meta.get(key)).values():
                if not isinstance(value, str):
                    return _unmarshal_error(value, f"ObjectMeta.{path}.{key}")
    quantities: list[Any] = []
    for spec in specs:
        for container in _l(spec.get("containers")) + _l(spec.get("initContainers")):
            resources = _d(_d(container).get("resources"))
            for key in ("limits", "requests"):
                quantities += list(_d(resources.get(key)).values())
        quantities += list(_d(spec.get("overhead")).values())
    if kind == "Node":
        status = _d(obj.get("status"))
        for key in ("capacity", "allocatable"):
            quantities += list(_d(status.get(key)).values())
    for value in quantities:
        try:
            parse_quantity(value)
        except ValueError as exc:
            return str(exc)
    return None


def _unmarshal_error(value: Any, where: str) -> str:
    # encoding/json UnmarshalTypeError, as sigs.k8s.io/json reports it.
    json_type = (
        "bool"
        if isinstance(value, bool)
        else "number"
        if isinstance(value, int | float)
        else "array"
        if isinstance(value, list)
        else "object"
        if isinstance(value, dict)
        else "null"
    )
    return f"json: cannot unmarshal {json_type} into Go struct field {where} of type string"
