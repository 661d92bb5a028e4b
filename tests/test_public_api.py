"""The engine's public API (engine/__init__.py): the web shell and app.py use nothing else, the
API declares exactly what it offers, and the engine needs nothing of the web's libraries.

Imports are read with ast, every one of them: at module level, inside functions and under
`if TYPE_CHECKING:` (a type named from an engine module ties the web to that module too).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import engine

ROOT = Path(__file__).resolve().parent.parent
WEB_LIBRARIES = ("flask", "flask_socketio", "socketio", "engineio", "gevent", "greenlet")


def shell_files() -> list[Path]:
    """The web shell: web/ and the entry point."""
    return [*sorted((ROOT / "web").rglob("*.py")), ROOT / "app.py"]


def engine_uses(path: Path) -> Iterator[tuple[int, str]]:
    """(line, what) for every use of the engine in a file: `from engine import NAME` gives
    `engine.NAME`, `from engine.cluster import Cluster` gives `engine.cluster`, `import
    engine.cluster` gives `engine.cluster`, and `engine.NAME` after `import engine` gives
    `engine.NAME`."""
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if node.module == "engine":
                for alias in node.names:
                    yield node.lineno, f"engine.{alias.name}"
            elif node.module.startswith("engine."):
                yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("engine."):
                    yield node.lineno, alias.name
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "engine"
        ):
            yield node.lineno, f"engine.{node.attr}"


def test_the_web_shell_uses_only_the_public_engine_api() -> None:
    public = {f"engine.{name}" for name in engine.__all__}
    outside = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in shell_files()
        for line, what in engine_uses(path)
        if what not in public
    ]
    assert outside == [], "import these from `engine` (declare them in engine/__init__.py)"


def test_the_checker_sees_every_kind_of_engine_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "import engine\n"
        "import engine.sim\n"
        "from engine import Cluster, trace\n"
        "from engine.cluster import NodeSpec\n"
        "if TYPE_CHECKING:\n"
        "    from engine.etcd import Etcd\n"
        "def later():\n"
        "    from engine.apiserver import request\n"
        "    return engine.cluster.Cluster, engine.Cluster\n"
    )
    assert sorted(what for _, what in engine_uses(sample)) == [
        "engine.Cluster",
        "engine.Cluster",
        "engine.apiserver",
        "engine.cluster",
        "engine.cluster",
        "engine.etcd",
        "engine.sim",
        "engine.trace",
    ]


def test_the_api_declares_what_it_imports_and_nothing_it_lacks() -> None:
    init = ROOT / "engine" / "__init__.py"
    imported = {
        alias.asname or alias.name
        for node in ast.parse(init.read_text()).body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert len(engine.__all__) == len(set(engine.__all__))
    assert set(engine.__all__) == imported
    assert [name for name in engine.__all__ if not hasattr(engine, name)] == []


def test_the_engine_imports_none_of_the_web_libraries() -> None:
    found = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno}: {name}"
                for name in names
                if name.split(".")[0] in WEB_LIBRARIES
            ]
    assert found == []


def test_importing_the_engine_loads_none_of_the_web_libraries() -> None:
    """At run time too (a fresh interpreter: this one has loaded them for other tests)."""
    probe = (
        "import sys, engine\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB_LIBRARIES!r}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
