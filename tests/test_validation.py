"""Validation messages, word for word as the API server sends them."""

from __future__ import annotations

import copy
import random
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.apimachinery import errors, field
from engine.apimachinery.field import FieldError, GoLiteral
from engine.apiserver.admission import admit_pod_create
from engine.apiserver.defaults import set_defaults
from engine.apiserver.registry.kinds import STRATEGIES
from engine.apiserver.validation import decode_error, regex_error, selector_matches
from engine.apiserver.validation.common import Errors


def validate(kind: str, obj: Any, old: Any = None) -> Errors:
    """What the API server runs on a write of `kind`: its strategy's checks."""
    return next(s for s in STRATEGIES.values() if s.kind == kind).validate(obj, old)


def validate_status_update(kind: str, obj: Any, old: Any) -> Errors:
    return next(s for s in STRATEGIES.values() if s.kind == kind).validate(obj, old, "status")


SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    r"for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


def pod(**spec: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}], **spec},
    }
    return obj


def created(obj: dict[str, Any]) -> dict[str, Any]:
    """What the API server validates: the object after defaulting and mutating admission."""
    set_defaults(obj["kind"], obj)
    if obj["kind"] == "Pod":
        admit_pod_create(obj, random.Random(7))
    return obj


def texts(kind: str, obj: dict[str, Any], old: dict[str, Any] | None = None) -> list[str]:
    return [e.error() for e in validate(kind, obj, old)]


def deployment(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]},
        },
    }
    base.update(spec)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": base,
    }


# ---- message builders and FieldError --------------------------------------------------------


def test_regex_error_has_the_double_space_before_or() -> None:
    assert (
        regex_error("m", "f", "a", "b") == "m (e.g. 'a',  or 'b', regex used for validation is 'f')"
    )
    assert regex_error("m", "f") == "m (regex used for validation is 'f')"


def test_field_error_bodies_follow_go_formatting() -> None:
    assert field.required("spec.containers").error() == "spec.containers: Required value"
    assert field.required("metadata.name", "why").body() == "Required value: why"
    assert field.invalid("a", None, "d").body() == "Invalid value: null: d"
    assert field.invalid("a", True, "d").body() == "Invalid value: true: d"
    assert field.invalid("a", -1, "d").body() == "Invalid value: -1: d"
    assert field.invalid("a", 'say "hi"\n', "d").body() == 'Invalid value: "say \\"hi\\"\\n": d'
    assert (
        field.invalid("a", {"b": "2", "a": "1"}, "d").body()
        == 'Invalid value: map[string]string{"a":"1", "b":"2"}: d'
    )
    assert field.invalid("a", GoLiteral("25%"), "d").body() == "Invalid value: 25%: d"
    assert field.forbidden("spec", "no").body() == "Forbidden: no"
    assert field.duplicate("x", "app").body() == 'Duplicate value: "app"'
    assert field.not_found("x", "data").body() == 'Not found: "data"'
    assert field.internal_error("x", "boom").body() == "Internal error: boom"


def test_field_error_reasons() -> None:
    cases = [
        (field.required("a"), "FieldValueRequired"),
        (field.invalid("a", 1, ""), "FieldValueInvalid"),
        (field.not_supported("a", "x", ["y"]), "FieldValueNotSupported"),
        (field.duplicate("a", "x"), "FieldValueDuplicate"),
        (field.forbidden("a", ""), "FieldValueForbidden"),
        (field.too_long("a", "", 5), "FieldValueTooLong"),
        (field.too_many("a", 3, 2), "FieldValueTooMany"),
        (field.not_found("a", "x"), "FieldValueNotFound"),
        (field.internal_error("a", "x"), "InternalError"),
        (field.type_invalid("a", "x", ""), "FieldValueTypeInvalid"),
    ]
    for error, reason in cases:
        assert error.type_reason == reason


def test_too_long_and_too_many_wording() -> None:
    # TooLong never prints the value (shared/reference/kubernetes-facts.md §4).
    assert (
        field.too_long("metadata.annotations", "x" * 10, 262144).error()
        == "metadata.annotations: Too long: must have at most 262144 bytes"
    )
    assert field.too_many("spec.x", 5, 3).body() == "Too many: 5: must have at most 3 items"
    assert field.too_many("spec.x", -1, 3).body() == "Too many: must have at most 3 items"


def test_not_supported_quotes_each_value() -> None:
    error = field.not_supported("p", "x", ["A", "B"])
    assert error.detail == 'supported values: "A", "B"'


# ---- Pods -----------------------------------------------------------------------------------


def test_a_defaulted_admitted_pod_is_valid() -> None:
    assert texts("Pod", created(pod())) == []


def test_invalid_pod_name() -> None:
    obj = created(pod())
    obj["metadata"]["name"] = "My_Pod"
    assert texts("Pod", obj) == [f'metadata.name: Invalid value: "My_Pod": {SUBDOMAIN_MSG}']


def test_missing_name() -> None:
    obj = created(pod())
    del obj["metadata"]["name"]
    assert texts("Pod", obj) == ["metadata.name: Required value: name or generateName is required"]


def test_generate_name_may_end_with_a_dash() -> None:
    obj = created(pod())
    obj["metadata"]["generateName"] = "web-"
    assert texts("Pod", obj) == []
    obj["metadata"]["generateName"] = "Web-"
    assert texts("Pod", obj)[0].startswith('metadata.generateName: Invalid value: "Web-": ')


def test_missing_image() -> None:
    obj = created(pod(containers=[{"name": "app"}]))
    assert texts("Pod", obj) == ["spec.containers[0].image: Required value"]


def test_missing_containers() -> None:
    obj = created(pod(containers=[]))
    assert texts("Pod", obj) == ["spec.containers: Required value"]


def test_duplicate_container_name() -> None:
    obj = created(pod(containers=[{"name": "app", "image": "a"}, {"name": "app", "image": "b"}]))
    assert texts("Pod", obj) == ['spec.containers[1].name: Duplicate value: "app"']


def test_container_name_must_be_a_dns_label() -> None:
    obj = created(pod(containers=[{"name": "App_1", "image": "a"}]))
    assert texts("Pod", obj) == [f'spec.containers[0].name: Invalid value: "App_1": {LABEL_MSG}']
    obj = created(pod(containers=[{"name": "my.app", "image": "a"}]))
    assert texts("Pod", obj) == [
        'spec.containers[0].name: Invalid value: "my.app": must not contain dots'
    ]


def test_image_pull_policy_unsupported() -> None:
    obj = created(
        pod(containers=[{"name": "app", "image": "nginx", "imagePullPolicy": "Sometimes"}])
    )
    assert texts("Pod", obj) == [
        'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: '
        '"Always", "IfNotPresent", "Never"'
    ]


def test_restart_and_dns_policy_unsupported() -> None:
    obj = created(pod(restartPolicy="Sometimes", dnsPolicy="Google"))
    assert texts("Pod", obj) == [
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", '
        '"OnFailure", "Never"',
        'spec.dnsPolicy: Unsupported value: "Google": supported values: '
        '"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ]


def test_ports() -> None:
    obj = created(
        pod(
            containers=[
                {
                    "name": "app",
                    "image": "nginx",
                    "ports": [
                        {"containerPort": 70000},
                        {"containerPort": 80, "protocol": "HTTP", "name": "HTTP"},
                        {"containerPort": 81, "name": "web"},
                        {"containerPort": 82, "name": "web"},
                    ],
                }
            ]
        )
    )
    assert texts("Pod", obj) == [
        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and "
        "65535, inclusive",
        'spec.containers[0].ports[1].name: Invalid value: "HTTP": must contain only alpha-numeric '
        "characters (a-z, 0-9), and hyphens (-)",
        'spec.containers[0].ports[1].name: Invalid value: "HTTP": must contain at least one '
        "letter (a-z)",
        'spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: '
        '"SCTP", "TCP", "UDP"',
        'spec.containers[0].ports[3].name: Duplicate value: "web"',
    ]


def test_host_port_conflict() -> None:
    obj = created(
        pod(
            containers=[
                {"name": "a", "image": "x", "ports": [{"containerPort": 80, "hostPort": 8080}]},
                {"name": "b", "image": "x", "ports": [{"containerPort": 81, "hostPort": 8080}]},
            ]
        )
    )
    assert texts("Pod", obj) == [
        'spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"'
    ]


def test_requests_above_limits() -> None:
    obj = pod(
        containers=[
            {
                "name": "app",
                "image": "nginx",
                "resources": {"requests": {"cpu": "1"}, "limits": {"cpu": "500m"}},
            }
        ]
    )
    assert texts("Pod", created(obj)) == [
        'spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to '
        "cpu limit of 500m"
    ]


def test_negative_and_unknown_resources() -> None:
    obj = pod(
        containers=[
            {
                "name": "app",
                "image": "nginx",
                "resources": {"requests": {"memory": "-1Mi", "gpu": "1"}},
            }
        ]
    )
    assert texts("Pod", created(obj)) == [
        "spec.containers[0].resources.requests[gpu]: Invalid value: gpu: must be a standard "
        "resource type or fully qualified",
        "spec.containers[0].resources.requests[gpu]: Invalid value: gpu: must be a standard "
        "resource for containers",
        'spec.containers[0].resources.requests[memory]: Invalid value: "-1Mi": must be greater '
        "than or equal to 0",
    ]


def test_extended_resources_need_equal_limits() -> None:
    obj = pod(
        containers=[
            {
                "name": "app",
                "image": "nginx",
                "resources": {"requests": {"example.com/gpu": "1"}},
            }
        ]
    )
    assert texts("Pod", created(obj)) == [
        "spec.containers[0].resources.limits: Required value: Limit must be set for non "
        "overcommitable resources"
    ]


def test_malformed_quantity_is_a_decode_error() -> None:
    obj = pod(containers=[{"name": "a", "image": "x", "resources": {"limits": {"cpu": "lots"}}}])
    assert decode_error("Pod", obj) == (
        "quantities must match the regular expression "
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )
    assert decode_error("Pod", pod()) is None


def test_non_string_label_is_a_decode_error() -> None:
    obj = deployment()
    obj["spec"]["template"]["metadata"]["labels"]["version"] = 1.0
    assert decode_error("Deployment", obj) == (
        "json: cannot unmarshal number into Go struct field "
        "ObjectMeta.spec.template.metadata.labels of type string"
    )


def test_volumes_and_mounts() -> None:
    obj = created(
        pod(
            volumes=[
                {"name": "data", "emptyDir": {}},
                {"name": "data", "emptyDir": {}},
                {"name": "both", "emptyDir": {}, "secret": {"secretName": "s"}},
                {"name": "cm", "configMap": {}},
            ],
            containers=[
                {
                    "name": "app",
                    "image": "nginx",
                    "volumeMounts": [
                        {"name": "logs", "mountPath": "/logs"},
                        {"name": "data", "mountPath": "/data"},
                        {"name": "data", "mountPath": "/data"},
                    ],
                }
            ],
        )
    )
    assert texts("Pod", obj) == [
        'spec.volumes[1].name: Duplicate value: "data"',
        "spec.volumes[2].secret: Forbidden: may not specify more than 1 volume type",
        "spec.volumes[3].configMap.name: Required value",
        'spec.containers[0].volumeMounts[0].name: Not found: "logs"',
        'spec.containers[0].volumeMounts[2].mountPath: Invalid value: "/data": must be unique',
    ]


def test_env_names_and_sources() -> None:
    obj = created(
        pod(
            containers=[
                {
                    "name": "app",
                    "image": "nginx",
                    "env": [
                        {"name": "A=B", "value": "1"},
                        {"name": ""},
                        {"name": "X", "valueFrom": {}},
                        {"name": "Y", "valueFrom": {"fieldRef": {"fieldPath": "spec.foo"}}},
                    ],
                }
            ]
        )
    )
    assert texts("Pod", obj) == [
        'spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable '
        "name must consist only of printable ASCII characters other than '='",
        "spec.containers[0].env[1].name: Required value",
        'spec.containers[0].env[2].valueFrom: Invalid value: "": must specify one of: '
        "`fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
        'spec.containers[0].env[3].valueFrom.fieldRef.fieldPath: Invalid value: "spec.foo": '
        "error converting fieldPath: field label not supported: spec.foo",
    ]


def test_probes() -> None:
    obj = created(
        pod(
            containers=[
                {
                    "name": "app",
                    "image": "nginx",
                    "livenessProbe": {"periodSeconds": -1, "successThreshold": 2},
                    "readinessProbe": {"httpGet": {"port": "8080"}},
                    "startupProbe": {"tcpSocket": {"port": 0}, "exec": {"command": ["true"]}},
                }
            ]
        )
    )
    assert texts("Pod", obj) == [
        "spec.containers[0].livenessProbe: Required value: must specify a handler type",
        "spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater "
        "than or equal to 0",
        "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "8080": must contain at '
        "least one letter (a-z)",
        "spec.containers[0].startupProbe.tcpSocket: Forbidden: may not specify more than 1 "
        "handler type",
    ]


def test_init_containers() -> None:
    obj = created(
        pod(
            initContainers=[
                {"name": "app", "image": "busybox"},
                {
                    "name": "wait",
                    "image": "busybox",
                    "readinessProbe": {"exec": {"command": ["x"]}},
                },
                {"name": "side", "image": "busybox", "restartPolicy": "Never"},
            ]
        )
    )
    assert texts("Pod", obj) == [
        'spec.initContainers[0].name: Duplicate value: "app"',
        "spec.initContainers[1].readinessProbe: Forbidden: may not be set for init containers "
        "without restartPolicy=Always",
        'spec.initContainers[2].restartPolicy: Unsupported value: "Never": supported values: '
        '"Always"',
    ]


def test_labels_and_node_selector() -> None:
    obj = created(pod(nodeSelector={"disk": "fast ssd"}))
    obj["metadata"]["labels"] = {"app": "web/v1"}
    assert texts("Pod", obj) == [
        f'metadata.labels: Invalid value: "web/v1": {LABEL_VALUE_MSG}',
        f'spec.nodeSelector: Invalid value: "fast ssd": {LABEL_VALUE_MSG}',
    ]


def test_label_key() -> None:
    obj = created(pod())
    obj["metadata"]["labels"] = {"-bad": "x", "Example.com/ok": "y"}
    assert texts("Pod", obj) == [
        'metadata.labels: Invalid value: "-bad": name part must consist of alphanumeric '
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character "
        "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        'metadata.labels: Invalid value: "Example.com/ok": prefix part ' + SUBDOMAIN_MSG,
    ]


def test_annotations_size() -> None:
    obj = created(pod())
    obj["metadata"]["annotations"] = {"big": "x" * 262142}
    assert texts("Pod", obj) == ["metadata.annotations: Too long: must have at most 262144 bytes"]


def test_tolerations() -> None:
    obj = created(
        pod(
            tolerations=[
                {"key": "a", "operator": "Maybe", "effect": "NoExecute"},
                {"key": "b", "operator": "Exists", "effect": "Sometimes"},
                {"operator": "Equal", "value": "x"},
                {"key": "c", "effect": "NoSchedule", "tolerationSeconds": 5},
            ]
        )
    )
    assert texts("Pod", obj) == [
        'spec.tolerations[0].operator: Unsupported value: "Maybe": supported values: "Equal", '
        '"Exists"',
        'spec.tolerations[1].effect: Unsupported value: "Sometimes": supported values: '
        '"NoSchedule", "PreferNoSchedule", "NoExecute"',
        'spec.tolerations[2].operator: Invalid value: "Equal": operator must be Exists when '
        '`key` is empty, which means "match all values and all keys"',
        "spec.tolerations[3].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' "
        "when `tolerationSeconds` is set",
    ]


def test_active_deadline_and_hostname() -> None:
    obj = created(pod(activeDeadlineSeconds=0, hostname="Web"))
    assert texts("Pod", obj) == [
        "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive",
        f'spec.hostname: Invalid value: "Web": {LABEL_MSG}',
    ]


def test_ephemeral_containers_forbidden_on_create() -> None:
    obj = created(pod(ephemeralContainers=[{"name": "debug", "image": "busybox"}]))
    assert texts("Pod", obj)[-1] == "spec.ephemeralContainers: Forbidden: cannot be set on create"


def test_aggregate_status_for_several_errors() -> None:
    obj = created(pod(containers=[{"name": "app"}]))
    obj["metadata"]["name"] = "Foo"
    problems = validate("Pod", obj)
    status = errors.invalid("Pod", "Foo", problems).status
    assert status["message"] == (
        f'Pod "Foo" is invalid: [metadata.name: Invalid value: "Foo": {SUBDOMAIN_MSG}, '
        "spec.containers[0].image: Required value]"
    )
    assert status["details"]["causes"][1] == {
        "reason": "FieldValueRequired",
        "message": "Required value",
        "field": "spec.containers[0].image",
    }


# ---- Pod updates ----------------------------------------------------------------------------


def stored_pod(**spec: Any) -> dict[str, Any]:
    obj = created(pod(**spec))
    obj["metadata"]["resourceVersion"] = "12"
    return obj


def test_pod_image_may_change() -> None:
    old = stored_pod()
    new = copy.deepcopy(old)
    new["spec"]["containers"][0]["image"] = "nginx:1.26"
    assert texts("Pod", new, old) == []


def test_pod_tolerations_may_be_added() -> None:
    old = stored_pod()
    new = copy.deepcopy(old)
    new["spec"]["tolerations"].append({"key": "k", "operator": "Exists"})
    assert texts("Pod", new, old) == []
    new["spec"]["tolerations"] = new["spec"]["tolerations"][1:]
    assert texts("Pod", new, old) == [
        "spec.tolerations: Forbidden: existing toleration can not be modified except its "
        "tolerationSeconds"
    ]


def test_other_pod_spec_changes_are_forbidden() -> None:
    old = stored_pod()
    new = copy.deepcopy(old)
    new["spec"]["restartPolicy"] = "Never"
    (message,) = texts("Pod", new, old)
    assert message.startswith(
        "spec: Forbidden: pod updates may not change fields other than "
        "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
        "`spec.tolerations` (only additions to existing tolerations),"
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
        "negative)\n  core.PodSpec{\n"
    )
    assert '- \tRestartPolicy: "Always",\n+ \tRestartPolicy: "Never",' in message


def test_containers_may_not_be_added() -> None:
    old = stored_pod()
    new = copy.deepcopy(old)
    new["spec"]["containers"].append(dict(new["spec"]["containers"][0], name="two"))
    assert texts("Pod", new, old) == [
        "spec.containers: Forbidden: pod updates may not add or remove containers"
    ]


def test_metadata_update_rules() -> None:
    old = stored_pod()
    old["metadata"]["uid"] = "u1"
    new = copy.deepcopy(old)
    new["metadata"]["uid"] = "u2"
    new["metadata"]["resourceVersion"] = ""
    assert texts("Pod", new, old) == [
        'metadata.resourceVersion: Invalid value: "": must be specified for an update',
        'metadata.uid: Invalid value: "u2": field is immutable',
    ]


def test_pod_status_update() -> None:
    old = stored_pod(restartPolicy="Never")
    old["spec"]["nodeName"] = "node-1"
    old["status"]["containerStatuses"] = [{"name": "app", "state": {"terminated": {"exitCode": 0}}}]
    new = copy.deepcopy(old)
    new["status"]["qosClass"] = "Guaranteed"
    new["status"]["containerStatuses"] = [{"name": "app", "state": {"running": {}}}]
    assert [e.error() for e in validate_status_update("Pod", new, old)] == [
        'status.qosClass: Invalid value: "Guaranteed": field is immutable',
        "status.containerStatuses[0].state: Forbidden: may not be transitioned to "
        "non-terminated state",
    ]


# ---- Deployments and ReplicaSets ------------------------------------------------------------


def test_a_defaulted_deployment_is_valid() -> None:
    assert texts("Deployment", created(deployment())) == []


def test_selector_must_match_template_labels() -> None:
    obj = created(deployment(selector={"matchLabels": {"app": "other"}}))
    obj["spec"]["template"]["metadata"]["labels"] = {"app": "x"}
    problems = validate("Deployment", obj)
    assert [p.error() for p in problems] == [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: '
        "`selector` does not match template `labels`"
    ]
    message = errors.invalid("Deployment", "web", problems, "apps").message
    assert message == (
        'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: '
        'map[string]string{"app":"x"}: `selector` does not match template `labels`'
    )


def test_missing_selector_also_fails_to_match() -> None:
    obj = created(deployment())
    del obj["spec"]["selector"]
    assert texts("Deployment", obj) == [
        "spec.selector: Required value",
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
        "`selector` does not match template `labels`",
    ]


def test_selector_expressions() -> None:
    selector = {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]}
    assert selector_matches(selector, {"app": "web"})
    assert not selector_matches(selector, {"app": "db"})
    assert not selector_matches(None, {"app": "web"})
    assert selector_matches({}, {"app": "web"})
    obj = created(deployment(selector={"matchExpressions": [{"key": "app", "operator": "Is"}]}))
    assert texts("Deployment", obj) == [
        'spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector '
        "operator",
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        'MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", '
        'Operator:"Is", Values:[]string(nil)}}}: invalid label selector',
    ]


def test_replicas_and_history() -> None:
    obj = created(deployment(replicas=-1, revisionHistoryLimit=-2))
    assert texts("Deployment", obj) == [
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        "spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0",
    ]


def test_strategy_type() -> None:
    obj = created(deployment(strategy={"type": "BlueGreen"}))
    assert texts("Deployment", obj) == [
        'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", '
        'RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", '
        '"RollingUpdate"'
    ]


def test_recreate_with_rolling_update() -> None:
    obj = created(deployment(strategy={"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}))
    assert texts("Deployment", obj) == [
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is "
        "'Recreate'"
    ]


def test_max_surge_and_unavailable() -> None:
    zero = created(deployment(strategy={"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}))
    assert texts("Deployment", zero) == [
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when "
        "`maxSurge` is 0"
    ]
    bad = created(
        deployment(strategy={"rollingUpdate": {"maxSurge": "abc", "maxUnavailable": "150%"}})
    )
    assert texts("Deployment", bad) == [
        "spec.strategy.rollingUpdate.maxSurge: Invalid value: abc: a valid percent string must "
        "be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for "
        "validation is '[0-9]+%')",
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 150%: must not be greater "
        "than 100%",
    ]


def test_template_restart_policy_must_be_always() -> None:
    obj = deployment()
    obj["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert texts("Deployment", created(obj)) == [
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'
    ]


def test_template_errors_use_template_paths() -> None:
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"][0]["image"] = ""
    obj["spec"]["template"]["metadata"]["annotations"] = {"bad key": "x"}
    assert texts("Deployment", created(obj)) == [
        'spec.template.annotations: Invalid value: "bad key": name part must consist of '
        "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
        "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        "spec.template.spec.containers[0].image: Required value",
    ]


def test_progress_deadline_must_exceed_min_ready() -> None:
    obj = created(deployment(minReadySeconds=600))
    assert texts("Deployment", obj) == [
        "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"
    ]


def test_selector_is_immutable() -> None:
    old = created(deployment())
    old["metadata"]["resourceVersion"] = "5"
    new = copy.deepcopy(old)
    new["spec"]["selector"]["matchLabels"]["tier"] = "web"
    new["spec"]["template"]["metadata"]["labels"]["tier"] = "web"
    assert texts("Deployment", new, old) == [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":'
        '"web", "tier":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is '
        "immutable"
    ]


def test_replicaset() -> None:
    obj = created(deployment(selector={}))
    obj["kind"] = "ReplicaSet"
    for key in ("strategy", "revisionHistoryLimit", "progressDeadlineSeconds"):
        obj["spec"].pop(key)
    # Upstream's ReplicaSet message says "deployment" too.
    assert texts("ReplicaSet", obj) == [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
        "deployment"
    ]


# ---- Namespaces, Nodes, Events --------------------------------------------------------------


def test_namespace_names_are_dns_labels() -> None:
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team.a"}}
    set_defaults("Namespace", obj)
    assert texts("Namespace", obj) == [
        'metadata.name: Invalid value: "team.a": must not contain dots'
    ]
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev", "namespace": "x"}}
    assert texts("Namespace", obj) == ["metadata.namespace: Forbidden: not allowed on this type"]


def test_node_taints() -> None:
    obj = {
        "kind": "Node",
        "metadata": {"name": "node-1"},
        "spec": {
            "taints": [
                {"key": "gpu", "effect": "NoSchedule"},
                {"key": "gpu", "effect": "NoSchedule"},
                {"key": "x", "effect": "Never"},
            ]
        },
    }
    assert texts("Node", obj) == [
        'metadata.taints[1]: Duplicate value: core.Taint{Key:"gpu", Value:"", '
        'Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and '
        "effect pair",
        'metadata.taints[2].effect: Unsupported value: "Never": supported values: "NoSchedule", '
        '"PreferNoSchedule", "NoExecute"',
    ]


def test_event_namespace_must_match() -> None:
    obj = {
        "kind": "Event",
        "metadata": {"name": "web.1", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "web", "namespace": "prod"},
    }
    assert texts("Event", obj) == [
        'involvedObject.namespace: Invalid value: "prod": does not match event.namespace'
    ]


def test_kinds_without_rules_pass() -> None:
    assert validate("Lease", {"metadata": {}}) == []


@pytest.mark.parametrize("kind", ["Pod", "Deployment", "ReplicaSet", "Namespace", "Node", "Event"])
def test_garbage_never_crashes(kind: str) -> None:
    junk: dict[str, Any] = {
        "metadata": {"name": 5, "labels": ["x"]},
        "spec": {"containers": "nope", "selector": 3, "template": [], "taints": {"a": 1}},
    }
    result = validate(kind, junk)
    assert all(isinstance(e, FieldError) for e in result)


def test_long_hostile_names_are_rejected_quickly() -> None:
    obj = created(pod())
    obj["metadata"]["name"] = "a" * 200_000 + "!"
    obj["metadata"]["labels"] = {"k": "b" * 200_000 + "-"}
    messages = texts("Pod", obj)
    assert messages[0].endswith("must be no more than 253 characters")
    assert len(messages) == 4


@given(st.text(alphabet="aZ09-._/!", max_size=12))
def test_hand_matchers_agree_with_the_upstream_regexes(text: str) -> None:
    from engine.apiserver.validation import names as v

    assert v._matches_dns_label(text) == bool(re.fullmatch(v.DNS1123_LABEL_FMT, text))
    assert v._matches_dns_subdomain(text) == bool(re.fullmatch(v.DNS1123_SUBDOMAIN_FMT, text))
    assert v._matches_label_key(text) == bool(re.fullmatch(v.LABEL_KEY_FMT, text))
    assert (not v.is_label_value(text)) == bool(re.fullmatch(v.LABEL_VALUE_FMT, text))
