"""Label and field selectors: parsing, printing, matching and the API server's error texts."""

from __future__ import annotations

from typing import Any

import pytest

from engine.apimachinery.fields import FieldSelector, parse_field_selector
from engine.apimachinery.labels import (
    LabelSelector,
    SelectorError,
    format_label_selector,
    parse_label_selector,
    selector_from_match,
    selector_from_set,
)
from engine.apiserver.registry.kinds import STRATEGIES
from engine.apiserver.registry.strategy import Strategy, generic_fields


def strategy(kind: str) -> Strategy:
    return next(s for s in STRATEGIES.values() if s.kind == kind)


def validate_field_selector(selector: FieldSelector, kind: str) -> None:
    strategy(kind).validate_field_selector(selector)


def pod_fields(obj: dict[str, Any]) -> dict[str, str]:
    return strategy("Pod").selectable_fields(obj)


def event_fields(obj: dict[str, Any]) -> dict[str, str]:
    return strategy("Event").selectable_fields(obj)


def node_fields(obj: dict[str, Any]) -> dict[str, str]:
    return strategy("Node").selectable_fields(obj)


def namespace_fields(obj: dict[str, Any]) -> dict[str, str]:
    return strategy("Namespace").selectable_fields(obj)


def replicaset_fields(obj: dict[str, Any]) -> dict[str, str]:
    return strategy("ReplicaSet").selectable_fields(obj)


NAME_PART = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
    "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


# ---------------------------------------------------------------------------------------------
# label selectors


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("", ""),
        ("app=web", "app=web"),
        ("app==web", "app==web"),
        ("tier in (b, a),app=web", "app=web,tier in (a,b)"),
        ("  env != prod ,  !canary", "!canary,env!=prod"),
        ("x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"),
        ("example.com/owner=me", "example.com/owner=me"),
        ("in in (in,notin)", "in in (in,notin)"),
        ("app=", "app="),
        ("replicas>2,cost<10", "cost<10,replicas>2"),
    ],
)
def test_label_selector_canonical_string(text: str, canonical: str) -> None:
    assert parse_label_selector(text).string() == canonical
    assert str(parse_label_selector(canonical)) == canonical


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("", {}, True),
        ("app=web", {"app": "web", "x": "y"}, True),
        ("app=web", {"app": "db"}, False),
        ("app=web", {}, False),
        ("app!=web", {}, True),  # != and notin match objects without the label
        ("app!=web", {"app": "web"}, False),
        ("tier in (fe,be)", {"tier": "be"}, True),
        ("tier in (fe,be)", {}, False),
        ("tier notin (fe)", {}, True),
        ("tier notin (fe)", {"tier": "fe"}, False),
        ("canary", {"canary": ""}, True),
        ("!canary", {"canary": ""}, False),
        ("app=web,!canary", {"app": "web"}, True),
        ("x in ()", {"x": ""}, True),
        ("replicas>2", {"replicas": "3"}, True),
        ("replicas>2", {"replicas": "two"}, False),
        ("replicas<2", {}, False),
    ],
)
def test_label_selector_matches(text: str, labels: dict[str, str], expected: bool) -> None:
    assert parse_label_selector(text).matches(labels) is expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("app=web,", "found '', expected: identifier after ','"),
        ("app=web c", "found 'c', expected: ',' or 'end of string'"),
        ("!a=b", "found '=', expected: ',' or 'end of string'"),
        ("=web", "found '=', expected: !, identifier, or 'end of string'"),
        (
            "a b",
            "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
        ),
        ("app in", "unable to parse requirement: found '' expected: '('"),
        ("app in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"),
        ("app=(", "unable to parse requirement: found '(', expected: identifier"),
        ("!", "unable to parse requirement: found '', expected: identifier"),
        (
            "app:monolith",
            f'unable to parse requirement: <nil>: Invalid value: "app:monolith": {NAME_PART}',
        ),
        (
            "k=v$",
            f'unable to parse requirement: values[0][k]: Invalid value: "v$": {LABEL_VALUE}',
        ),
        (
            "a/b/c=x",
            'unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must '
            "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
            "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
            "subdomain prefix and '/' (e.g. 'example.com/MyName')",
        ),
        (
            "Example.com/app=x",
            'unable to parse requirement: <nil>: Invalid value: "Example.com/app": prefix part a '
            "lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
            "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
            "regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ),
        (
            "a/=x",
            'unable to parse requirement: <nil>: Invalid value: "a/": name part must be '
            f"non-empty; {NAME_PART}",
        ),
        (
            "replicas>two",
            'unable to parse requirement: values[0]: Invalid value: "two": '
            "for 'Gt', 'Lt' operators, the value must be an integer",
        ),
    ],
)
def test_label_selector_errors(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as caught:
        parse_label_selector(text)
    assert str(caught.value) == message


def test_selector_from_match_labels_and_expressions() -> None:
    spec = {
        "matchLabels": {"app": "web", "env": "prod"},
        "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["fe", "be"]},
            {"key": "track", "operator": "NotIn", "values": ["canary"]},
            {"key": "owner", "operator": "Exists"},
            {"key": "legacy", "operator": "DoesNotExist"},
        ],
    }
    selector = selector_from_match(spec)
    assert selector.string() == (
        "app=web,env=prod,!legacy,owner,tier in (be,fe),track notin (canary)"
    )
    assert selector.matches({"app": "web", "env": "prod", "owner": "me", "tier": "fe"})
    assert not selector.matches({"app": "web", "env": "prod", "owner": "me", "tier": "db"})
    assert selector.requires_exact_match("app") == "web"
    assert selector.requires_exact_match("owner") is None


def test_selector_from_match_nil_selects_nothing_and_empty_everything() -> None:
    nothing = selector_from_match(None)
    assert not nothing.matches({}) and nothing.string() == ""
    everything = selector_from_match({})
    assert everything.matches({"any": "thing"}) and everything.empty()
    assert format_label_selector(None) == "<none>"
    assert format_label_selector({}) == "<none>"
    assert format_label_selector({"matchLabels": {"app": "web"}}) == "app=web"
    assert format_label_selector({"matchExpressions": [{"key": "a", "operator": "Nope"}]}) == (
        "<error>"
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"matchExpressions": [{"key": "a", "operator": "In", "values": []}]},
            "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be "
            "empty",
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]},
            'values: Invalid value: []string{"x"}: values set must be empty for exists and does '
            "not exist",
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]},
            '"Gt" is not a valid label selector operator',
        ),
        ({"matchLabels": {"a b": "x"}}, f'key: Invalid value: "a b": {NAME_PART}'),
        (
            {"matchLabels": {"app": "web server"}},
            f'values[0][app]: Invalid value: "web server": {LABEL_VALUE}',
        ),
    ],
)
def test_selector_from_match_errors(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(SelectorError) as caught:
        selector_from_match(spec)
    assert str(caught.value) == message


def test_selector_from_set_is_the_replicaset_pod_selector() -> None:
    selector = selector_from_set({"pod-template-hash": "7d4b9c8f6", "app": "web"})
    assert selector.string() == "app=web,pod-template-hash=7d4b9c8f6"
    assert selector.matches({"app": "web", "pod-template-hash": "7d4b9c8f6", "extra": "1"})
    assert selector_from_set({}) == LabelSelector()


# ---------------------------------------------------------------------------------------------
# field selectors


def test_field_selector_parse_print_and_match() -> None:
    selector = parse_field_selector(
        "status.phase!=Failed,spec.nodeName==node-1,status.phase!=Succeeded"
    )
    assert selector.string() == "spec.nodeName=node-1,status.phase!=Failed,status.phase!=Succeeded"
    assert selector.fields() == ["spec.nodeName", "status.phase", "status.phase"]
    assert selector.requires_exact_match("spec.nodeName") == "node-1"
    assert selector.matches({"spec.nodeName": "node-1", "status.phase": "Running"})
    assert not selector.matches({"spec.nodeName": "node-1", "status.phase": "Failed"})
    assert not selector.matches({"status.phase": "Running"})  # missing reads as ""
    assert parse_field_selector("") == FieldSelector()
    assert parse_field_selector("").matches({})
    assert parse_field_selector("metadata.name=").matches({"metadata.name": ""})


def test_field_selector_escaping() -> None:
    selector = parse_field_selector(r"metadata.name=a\,b\=c\\d")
    assert selector.requirements[0].value == "a,b=c\\d"
    assert selector.string() == r"metadata.name=a\,b\=c\\d"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("status.phase", "invalid selector: 'status.phase'; can't understand 'status.phase'"),
        ("a=b=c", "invalid field selector: unescaped character in value: 61"),
        ("a=b\\q", "invalid field selector: invalid escape sequence: \\q"),
        ("a=b\\", "invalid field selector: invalid escape sequence: \\"),
    ],
)
def test_field_selector_parse_errors(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as caught:
        parse_field_selector(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("Pod", "spec.foo=bar", "field label not supported: spec.foo"),
        ("Node", "metadata.namespace=default", "field label not supported: metadata.namespace"),
        ("Namespace", "status.phase=Active,spec.x=1", "field label not supported: spec.x"),
        (
            "Deployment",
            "spec.replicas=3",
            '"spec.replicas" is not a known field selector: only "metadata.name", '
            '"metadata.namespace"',
        ),
    ],
)
def test_field_selector_unsupported_fields(kind: str, text: str, message: str) -> None:
    with pytest.raises(SelectorError) as caught:
        validate_field_selector(parse_field_selector(text), kind)
    assert str(caught.value) == message


def test_field_selector_supported_fields_validate() -> None:
    validate_field_selector(parse_field_selector("spec.nodeName=n1,status.podIPs=10.0.0.1"), "Pod")
    validate_field_selector(parse_field_selector("involvedObject.uid=x,source=kubelet"), "Event")
    validate_field_selector(parse_field_selector("spec.unschedulable=true"), "Node")
    validate_field_selector(parse_field_selector("status.replicas=0"), "ReplicaSet")
    validate_field_selector(parse_field_selector("metadata.namespace=default"), "Deployment")


def test_pod_fields() -> None:
    pod = {
        "metadata": {"name": "web-1", "namespace": "default"},
        "spec": {
            "nodeName": "node-1",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "serviceAccountName": "default",
        },
        "status": {
            "phase": "Running",
            "podIP": "10.244.1.5",
            "podIPs": [{"ip": "10.244.1.5"}, {"ip": "fd00::5"}],
        },
    }
    assert pod_fields(pod) == {
        "metadata.name": "web-1",
        "metadata.namespace": "default",
        "spec.nodeName": "node-1",
        "spec.restartPolicy": "Always",
        "spec.schedulerName": "default-scheduler",
        "spec.serviceAccountName": "default",
        "spec.hostNetwork": "false",
        "status.phase": "Running",
        "status.podIP": "10.244.1.5",
        "status.podIPs": "10.244.1.5,fd00::5",
        "status.nominatedNodeName": "",
    }
    # `kubectl describe node` lists the node's pods with exactly this selector.
    selector = parse_field_selector(
        "spec.nodeName=node-1,status.phase!=Failed,status.phase!=Succeeded"
    )
    assert selector.matches(pod_fields(pod))
    assert pod_fields({})["spec.hostNetwork"] == "false"


def test_event_fields_and_the_describe_query() -> None:
    event = {
        "metadata": {"name": "web-1.17f3", "namespace": "default"},
        "involvedObject": {
            "kind": "Pod",
            "namespace": "default",
            "name": "web-1",
            "uid": "u-1",
            "apiVersion": "v1",
            "resourceVersion": "812",
            "fieldPath": "spec.containers{app}",
        },
        "reason": "Pulled",
        "type": "Normal",
        "reportingComponent": "kubelet",  # core/v1's name of the internal ReportingController
        "source": {},
    }
    fields = event_fields(event)
    assert fields["source"] == "kubelet"  # falls back to it (registry/core/event/strategy.go)
    assert fields["reportingComponent"] == "kubelet"
    assert fields["involvedObject.fieldPath"] == "spec.containers{app}"
    query = (
        "involvedObject.kind=Pod,involvedObject.name=web-1,"
        "involvedObject.namespace=default,involvedObject.uid=u-1"
    )
    assert parse_field_selector(query).matches(fields)
    event["source"] = {"component": "default-scheduler"}
    assert event_fields(event)["source"] == "default-scheduler"


def test_other_kinds_fields() -> None:
    assert node_fields({"metadata": {"name": "n1"}, "spec": {"unschedulable": True}}) == {
        "metadata.name": "n1",
        "spec.unschedulable": "true",
    }
    assert node_fields({"metadata": {"name": "n1"}})["spec.unschedulable"] == "false"
    assert namespace_fields(
        {"metadata": {"name": "kube-system"}, "status": {"phase": "Active"}}
    ) == {
        "metadata.name": "kube-system",
        "status.phase": "Active",
    }
    rs = {"metadata": {"name": "web-7d4b", "namespace": "default"}, "status": {"replicas": 3}}
    assert replicaset_fields(rs) == {
        "metadata.name": "web-7d4b",
        "metadata.namespace": "default",
        "status.replicas": "3",
    }
    deploy = {"kind": "Deployment", "metadata": {"name": "web", "namespace": "default"}}
    assert generic_fields(deploy) == {"metadata.name": "web", "metadata.namespace": "default"}
    assert strategy("Deployment").selectable_fields(deploy) == generic_fields(deploy)
