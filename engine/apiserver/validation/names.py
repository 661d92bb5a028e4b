"""Name and value formats, and the messages that reject them.

Mirrors staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go (RegexError,
MaxLenError, InclusiveRangeError, IsDNS1123Label/Subdomain, IsQualifiedName, IsValidLabelValue,
IsValidPortNum/Name, IsValidPercent, IsHTTPHeaderName, IsConfigMapKey, IsRelaxedEnvVarName) and
pkg/api/validate/content/{dns,kube}.go, plus apimachinery's NameIsDNSSubdomain/Label
(pkg/api/validation/generic.go). Plain strings in, lists of messages out: callers wrap them in
FieldErrors at their own paths.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------------------------------------
# Message builders (util/validation/validation.go): kept verbatim, odd double space included.


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
ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
ENV_VAR_NAME_MSG = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', "
    "'-', or '.', and must not start with a digit"
)
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


PERCENT_RE = re.compile(PERCENT_FMT)
_HTTP_HEADER_RE = re.compile(HTTP_HEADER_FMT)
_CONFIG_MAP_KEY_RE = re.compile(CONFIG_MAP_KEY_FMT)
_ENV_VAR_NAME_RE = re.compile(ENV_VAR_NAME_FMT)
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
    if PERCENT_RE.fullmatch(value):
        return []
    return [regex_error(PERCENT_MSG, PERCENT_FMT, "1%", "93%")]


def is_http_header_name(value: str) -> list[str]:
    if _HTTP_HEADER_RE.fullmatch(value):
        return []
    return [regex_error(HTTP_HEADER_MSG, HTTP_HEADER_FMT, "X-Header-Name")]


def is_relaxed_env_var_name(value: str) -> list[str]:
    errs = []
    if not value:
        errs.append("environment variable name must be non-empty")
    if any(ord(ch) > 127 or not ch.isprintable() or ch == "=" for ch in value):
        errs.append(RELAXED_ENV_MSG)
    return errs


def is_env_var_name(value: str) -> list[str]:
    """IsEnvVarName: the strict form (kubectl's env files still use it)."""
    errs = []
    if not _ENV_VAR_NAME_RE.fullmatch(value):
        errs.append(
            regex_error(
                ENV_VAR_NAME_MSG, ENV_VAR_NAME_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1"
            )
        )
    return errs + _has_chdir_prefix(value)


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


DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
DNS1035_LABEL_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character"
)


def is_dns1035_label(value: str) -> list[str]:
    """apimachinery/pkg/util/validation IsDNS1035Label: a Service's name."""
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not (_matches_dns_label(value) and value[0].isalpha()):
        errs.append(regex_error(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    return is_dns1035_label(_mask_trailing_dash(name) if prefix else name)
