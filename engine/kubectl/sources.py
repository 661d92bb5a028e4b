"""Where `kubectl create configmap` and `kubectl create secret generic` read their keys:
`--from-literal=key=value`, `--from-file=[key=]path` and `--from-env-file=path`
(staging/src/k8s.io/kubectl/pkg/util/util.go ParseLiteralSource, ParseFileSource;
pkg/cmd/util/env_file.go AddFromEnvFile). Files are the ones the page or the lesson holds
(ctx.files): there is no disk; a directory is the files named under it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from engine.apimachinery.field import go_quote
from engine.apiserver.validation.names import is_env_var_name
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError

_UTF8_BOM = "\ufeff"


def parse_literal_source(source: str) -> tuple[str, str]:
    """`key=value`, split at the first `=` (the value is kept as it is, quotes included)."""
    key, equals, value = source.partition("=")
    if not equals or not key:
        raise KubectlError(f"error: invalid literal source {source}, expected key=value")
    return key, value


def parse_file_source(source: str) -> tuple[str, str]:
    """`path` (the key is its base name) or `key=path`."""
    separators = source.count("=")
    if separators == 0:
        return posixpath.basename(source), source
    if separators == 1 and source.startswith("="):
        raise KubectlError(f"error: key name for file path {source[1:]} missing")
    if separators == 1 and source.endswith("="):
        raise KubectlError(f"error: file path for key name {source[:-1]} missing")
    if separators > 1:
        raise KubectlError("error: key names or file paths cannot contain '='")
    key, _, path = source.partition("=")
    return key, path


def read_file_source(ctx: Context, source: str) -> list[tuple[str, str]]:
    """`--from-file`: the key and text of a file, or of each file directly in a directory
    (create_configmap.go handleConfigMapFromFileSources: os.ReadDir's order, by name)."""
    key, path = parse_file_source(source)
    if path in ctx.files:
        return [(key, ctx.files[path])]
    folder = path.rstrip("/") + "/"
    inside = sorted(
        name[len(folder) :] for name in ctx.files if name.startswith(folder) and name != folder
    )
    if not inside:
        return [(key, read_file(ctx, path))]  # the error a missing path gets
    if "=" in source:
        raise KubectlError("error: cannot give a key name for a directory path")
    # subdirectories are not regular files: left out
    return [(name, ctx.files[folder + name]) for name in inside if "/" not in name]


def read_file(ctx: Context, path: str) -> str:
    """os.Stat, then the file's text; a missing file is a *PathError."""
    if path not in ctx.files:
        raise KubectlError(f"error: error reading {path}: no such file or directory")
    return ctx.files[path]


def add_from_env_file(ctx: Context, path: str, add: Callable[[str, str], None]) -> None:
    """AddFromEnvFile: a `KEY=value` per line; blank lines and `#` comments are skipped; a
    line with no `=` takes the variable from kubectl's environment (Podlife's has none)."""
    text = read_file(ctx, path)
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # bufio.Scanner: a final newline ends the last line, it starts none
    for number, line in enumerate(line.removesuffix("\r") for line in lines):
        if number == 0:
            line = line.removeprefix(_UTF8_BOM)
        line = line.lstrip()
        if not line or line.startswith("#"):
            continue
        key, equals, value = line.partition("=")
        problems = is_env_var_name(key)
        if problems:
            raise KubectlError(
                f"error: {go_quote(key)} is not a valid key name: {';'.join(problems)}"
            )
        add(key, value if equals else "")
