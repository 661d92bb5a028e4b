"""The API server's seams: every served resource has a strategy, the strategies' selectable
fields agree with the field labels they accept, and no handler knows a kind by name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from engine.apimachinery.fields import parse_field_selector
from engine.apimachinery.labels import SelectorError
from engine.apiserver.registry.kinds import STRATEGIES
from engine.apiserver.resources import RESOURCES

HANDLERS = Path(__file__).resolve().parent.parent / "engine" / "apiserver" / "handlers"
KINDS = {resource.kind for resource in RESOURCES}


def test_every_served_resource_has_its_strategy() -> None:
    assert sorted(STRATEGIES) == sorted(resource.name for resource in RESOURCES)
    for name, strategy in STRATEGIES.items():
        assert strategy.resource.name == name


def test_subresource_handlers_are_declared_subresources() -> None:
    verbs = {"get", "create", "update", "patch"}
    for strategy in STRATEGIES.values():
        for subresource, verb in strategy.subresources:
            declared = strategy.resource.subresource(subresource)
            assert declared is not None, (strategy.resource.name, subresource)
            assert verb in verbs and verb in declared.verbs, (strategy.resource.name, verb)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_selectable_fields_are_the_field_labels(name: str) -> None:
    strategy = STRATEGIES[name]
    fields = strategy.selectable_fields({"metadata": {"name": "x", "namespace": "ns"}})
    labels = strategy.field_labels or ("metadata.name", "metadata.namespace")
    # Cluster-scoped kinds select no namespace; every other label has a value to match.
    assert set(fields) - {"metadata.namespace"} == set(labels) - {"metadata.namespace"}
    for field in labels:
        strategy.validate_field_selector(parse_field_selector(f"{field}=x"))
    with pytest.raises(SelectorError):
        strategy.validate_field_selector(parse_field_selector("spec.nothing=x"))


def test_no_handler_names_a_kind() -> None:
    """Kind-specific behaviour belongs to strategies; a handler (or the generic store) that
    compares against a kind or a resource name has grown a branch the next kind would have to
    copy."""
    names = KINDS | {resource.name for resource in RESOURCES}
    found = []
    for path in [*HANDLERS.glob("*.py"), HANDLERS.parent / "registry" / "store.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in names:
                found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert found == []
