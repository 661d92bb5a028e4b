"""ValidatingAdmissionPolicies with the whole control plane: the docs' example (concepts/
policy "Validating Admission Policy") denies a Deployment of 6 replicas in a namespace
labelled environment=test with upstream's message and status (422 Invalid, the Forbidden
message: dispatcher.go), and not elsewhere; Warn sends a warning, messageExpression and
reason shape the denial, matchConditions and variables narrow it, failurePolicy decides
about errors, params come from a ConfigMap, and a policy whose CEL does not compile is refused
when written."""

from __future__ import annotations

import pytest

from engine.cluster import Cluster, KubectlResult
from tests.controller_kit import call, get
from tests.docs_examples import DENIAL

ADMISSION = "/apis/admissionregistration.k8s.io/v1"

POLICY = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "demo-policy.example.com"
spec:
  failurePolicy: {failure}
  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
{extra}  validations:
    - expression: "{expression}"
{validation}"""
BINDING = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: "demo-binding-test.example.com"
spec:
  policyName: "demo-policy.example.com"
  validationActions: [{actions}]
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: test
"""


def policy(
    expression: str = "object.spec.replicas <= 5",
    validation: str = "",
    extra: str = "",
    failure: str = "Fail",
) -> str:
    return POLICY.format(expression=expression, validation=validation, extra=extra, failure=failure)


@pytest.fixture
def c() -> Cluster:
    cluster = Cluster(seed=5)
    cluster.settle()
    for line in ("create namespace test", "label namespace test environment=test"):
        assert cluster.kubectl(line).exit_code == 0
    return cluster


def setup(c: Cluster, policy_text: str | None = None, actions: str = "Deny") -> None:
    result = c.kubectl(
        "apply -f -", (policy_text or policy()) + "---\n" + BINDING.format(actions=actions)
    )
    assert result.exit_code == 0, result.text
    c.settle()


def deploy(
    c: Cluster, replicas: int, namespace: str = "test", name: str = "nginx"
) -> KubectlResult:
    return c.kubectl(f"create deployment {name} --image=nginx --replicas={replicas} -n {namespace}")


def test_the_docs_example_denies_six_replicas_in_a_test_namespace(c: Cluster) -> None:
    setup(c)
    result = deploy(c, 6)
    assert result.exit_code == 1
    assert result.stderr == (
        f'error: failed to create deployment: deployments.apps "nginx" is forbidden: {DENIAL}\n'
    )
    body = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "nginx"},
        "spec": {
            "replicas": 6,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx"}]},
            },
        },
    }
    response = call(c, "POST", "/apis/apps/v1/namespaces/test/deployments", body)
    assert response.code == 422
    assert response.body == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": f'deployments.apps "nginx" is forbidden: {DENIAL}',
        "reason": "Invalid",
        "details": {
            "name": "nginx",
            "group": "apps",
            "kind": "deployments",
            "causes": [{"message": DENIAL}],
        },
        "code": 422,
    }
    # kubectl apply prints a 422 as an Invalid error with its causes
    manifest = c.kubectl(
        "create deployment nginx --image=nginx --replicas=6 -n test --dry-run=client -o yaml"
    ).stdout
    applied = c.kubectl("apply -f -", manifest)
    assert applied.stderr == f'The deployments "nginx" is invalid: : {DENIAL}\n'
    # the story tells the learner who refused and why
    headlines = [e.summary for e in c.trace if e.kind.value == "milestone"]
    assert headlines[-1] == (
        "The ValidatingAdmissionPolicy demo-policy.example.com refuses deployment nginx: "
        "failed expression: object.spec.replicas <= 5"
    )
    stages = [e.summary for e in c.trace if e.kind.value == "validating-admission"]
    assert stages[-1] == (
        "ValidatingAdmissionPolicy demo-policy.example.com (binding "
        "demo-binding-test.example.com) refused it: failed expression: object.spec.replicas <= 5"
    )


def test_within_the_limit_or_outside_the_namespaces_it_is_admitted(c: Cluster) -> None:
    setup(c)
    assert deploy(c, 5).stdout == "deployment.apps/nginx created\n"
    assert deploy(c, 6, namespace="default").stdout == "deployment.apps/nginx created\n"
    # an UPDATE is checked too, but `kubectl scale` writes deployments/scale, which a rule
    # naming "deployments" does not match (as on a real cluster)
    patched = c.kubectl(
        ["patch", "deployment", "nginx", "-n", "test", "-p", '{"spec":{"replicas":7}}']
    )
    assert patched.stderr.endswith(DENIAL + "\n")
    assert c.kubectl("scale deployment nginx -n test --replicas=7").exit_code == 0


def test_warn_sends_a_warning_and_admits(c: Cluster) -> None:
    setup(c, actions="Warn")
    result = deploy(c, 6)
    assert result.exit_code == 0
    assert result.stderr == (
        "Warning: Validation failed for ValidatingAdmissionPolicy 'demo-policy.example.com' "
        "with binding 'demo-binding-test.example.com': failed expression: "
        "object.spec.replicas <= 5\n"
    )
    assert result.stdout == "deployment.apps/nginx created\n"
    headlines = [e.summary for e in c.trace if e.kind.value == "milestone"]
    assert (
        "The ValidatingAdmissionPolicy demo-policy.example.com lets deployment nginx through "
        "with a warning: failed expression: object.spec.replicas <= 5"
    ) in headlines


def test_message_expression_message_and_reason(c: Cluster) -> None:
    setup(
        c,
        policy(
            validation=(
                "      messageExpression: \"'replicas must be <= 5, not ' + "
                'string(object.spec.replicas)"\n'
                "      reason: Forbidden\n"
            )
        ),
    )
    response_text = deploy(c, 7).stderr
    assert response_text.endswith("denied request: replicas must be <= 5, not 7\n")
    result = call(
        c,
        "POST",
        "/apis/apps/v1/namespaces/test/deployments",
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "x"},
            "spec": {
                "replicas": 9,
                "selector": {"matchLabels": {"a": "b"}},
                "template": {
                    "metadata": {"labels": {"a": "b"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
                },
            },
        },
    )
    assert (result.code, result.body["reason"]) == (403, "Forbidden")
    # a messageExpression that fails falls back to message
    c.kubectl("delete validatingadmissionpolicy demo-policy.example.com")
    setup(
        c,
        policy(
            validation=(
                '      message: too many replicas\n      messageExpression: "object.spec.nothing"\n'
            )
        ),
    )
    assert deploy(c, 8).stderr.endswith("denied request: too many replicas\n")


def test_namespace_selector_not_matching(c: Cluster) -> None:
    setup(c)
    c.kubectl("label namespace test environment=prod --overwrite")
    assert deploy(c, 6).exit_code == 0


def test_match_conditions_and_variables(c: Cluster) -> None:
    extra = (
        "  matchConditions:\n"
        "  - name: not-the-admin\n"
        "    expression: \"!('system:masters' in request.userInfo.groups) || "
        "object.metadata.name != 'exempt'\"\n"
        "  variables:\n"
        "  - name: images\n"
        '    expression: "object.spec.template.spec.containers.map(c, c.image)"\n'
    )
    setup(c, policy("variables.images.all(i, i.startsWith('registry.example.com/'))", extra=extra))
    denied = deploy(c, 1)
    assert denied.stderr.endswith(
        "denied request: failed expression: "
        "variables.images.all(i, i.startsWith('registry.example.com/'))\n"
    )
    assert deploy(c, 1, name="exempt").exit_code == 0  # the match condition is false
    ok = c.kubectl("create deployment good --image=registry.example.com/nginx -n test")
    assert ok.exit_code == 0, ok.text


def test_failure_policy_decides_about_errors(c: Cluster) -> None:
    setup(c, policy("object.spec.nothing > 1"))
    failed = deploy(c, 1)
    assert failed.stderr.endswith(
        "denied request: expression 'object.spec.nothing > 1' resulted in error: "
        "no such key: nothing\n"
    )
    c.kubectl("delete validatingadmissionpolicy demo-policy.example.com")
    setup(c, policy("object.spec.nothing > 1", failure="Ignore"))
    assert deploy(c, 1).exit_code == 0


def test_a_policy_that_does_not_compile_is_refused(c: Cluster) -> None:
    result = c.kubectl("apply -f -", policy("object.spec.replicas <"))
    assert result.exit_code == 1
    assert result.stderr == (
        'The ValidatingAdmissionPolicy "demo-policy.example.com" is invalid: '
        'spec.validations[0].expression: Invalid value: "object.spec.replicas <": '
        "compilation failed: ERROR: <input>:1:23: Syntax error: mismatched input '<EOF>'\n"
        " | object.spec.replicas <\n"
        " | ......................^\n"
    )
    unknown = c.kubectl("apply -f -", policy("objekt.spec.replicas < 5"))
    assert "undeclared reference to 'objekt' (in container '')" in unknown.stderr
    binding = c.kubectl("apply -f -", BINDING.format(actions="Deny, Warn"))
    assert binding.stderr == (
        'The ValidatingAdmissionPolicyBinding "demo-binding-test.example.com" is invalid: '
        "spec.validationActions: Invalid value: "
        '[]admissionregistration.ValidationAction{"Deny", "Warn"}: must not contain both Deny '
        "and Warn (repeating the same validation failure information in the API response and "
        "headers serves no purpose)\n"
    )


def test_defaults_printing_and_generation(c: Cluster) -> None:
    setup(c)
    stored = get(c, f"{ADMISSION}/validatingadmissionpolicies/demo-policy.example.com")
    assert stored["metadata"]["generation"] == 1
    assert stored["spec"]["matchConstraints"] == {
        "namespaceSelector": {},
        "objectSelector": {},
        "resourceRules": [
            {
                "operations": ["CREATE", "UPDATE"],
                "apiGroups": ["apps"],
                "apiVersions": ["v1"],
                "resources": ["deployments"],
                "scope": "*",
            }
        ],
        "matchPolicy": "Equivalent",
    }
    binding = get(c, f"{ADMISSION}/validatingadmissionpolicybindings/demo-binding-test.example.com")
    assert binding["spec"]["matchResources"]["objectSelector"] == {}
    assert c.kubectl("get validatingadmissionpolicies").stdout.splitlines() == [
        "NAME                      VALIDATIONS   PARAMKIND   AGE",
        "demo-policy.example.com   1             <unset>     0s",
    ]
    assert c.kubectl("get validatingadmissionpolicybindings").stdout.splitlines() == [
        "NAME                            POLICYNAME                PARAMREF   AGE",
        "demo-binding-test.example.com   demo-policy.example.com   <unset>    0s",
    ]
    # kubectl has no describer for them: its generic one prints every field
    described = c.kubectl("describe validatingadmissionpolicy").stdout
    assert "Resource Rules:\n      API Groups:\n        apps\n" in described
    assert "  Validations:\n    Expression:  object.spec.replicas <= 5\n" in described


PARAM_POLICY = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: replicalimit-policy.example.com
spec:
  failurePolicy: Fail
  paramKind:
    apiVersion: v1
    kind: ConfigMap
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  validations:
    - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
      messageExpression: "'object.spec.replicas must be no greater than ' + params.data.maxReplicas"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: replicalimit-binding-test.example.com
spec:
  policyName: replicalimit-policy.example.com
  validationActions: [Deny]
  paramRef:
    name: replica-limit-test.example.com
    namespace: default
    parameterNotFoundAction: {action}
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: test
"""


def test_params_from_a_config_map(c: Cluster) -> None:
    assert c.kubectl("apply -f -", PARAM_POLICY.format(action="Deny")).exit_code == 0
    # no ConfigMap yet: parameterNotFoundAction Deny refuses, as failurePolicy Fail says
    assert deploy(c, 1).stderr.endswith(
        "with binding 'replicalimit-binding-test.example.com' denied request: failed to "
        "configure binding: no params found for policy binding with `Deny` "
        "parameterNotFoundAction\n"
    )
    c.kubectl("create configmap replica-limit-test.example.com --from-literal=maxReplicas=3")
    assert deploy(c, 4).stderr.endswith(
        "denied request: object.spec.replicas must be no greater than 3\n"
    )
    assert deploy(c, 3).exit_code == 0
    c.kubectl("delete configmap replica-limit-test.example.com")
    assert c.kubectl("apply -f -", PARAM_POLICY.format(action="Allow")).exit_code == 0
    assert deploy(c, 9, name="big").exit_code == 0  # Allow: no params, the binding is skipped
    # `params` exists only for a policy with a paramKind
    unknown = c.kubectl("apply -f -", policy("object.spec.replicas <= params.max"))
    assert "undeclared reference to 'params' (in container '')" in unknown.stderr
    missing = c.kubectl("apply -f -", PARAM_POLICY.format(action="Maybe"))
    assert (
        'spec.paramRef.parameterNotFoundAction: Unsupported value: "Maybe": supported values: '
        '"Deny", "Allow"'
    ) in missing.stderr


def test_a_delete_is_checked_with_the_old_object(c: Cluster) -> None:
    keep = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: keep-configmaps
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["DELETE"]
      resources: ["configmaps"]
  validations:
  - expression: "object == null && oldObject.metadata.name != 'keep'"
    message: this ConfigMap is kept
    reason: Forbidden
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: keep-configmaps
spec:
  policyName: keep-configmaps
  validationActions: [Deny]
"""
    assert c.kubectl("apply -f -", keep).exit_code == 0
    for name in ("keep", "drop"):
        assert c.kubectl(f"create configmap {name} -n test").exit_code == 0
    refused = c.kubectl("delete configmap keep -n test")
    assert refused.stderr == (
        'Error from server (Forbidden): configmaps "keep" is forbidden: ValidatingAdmissionPolicy '
        "'keep-configmaps' with binding 'keep-configmaps' denied request: this ConfigMap is kept\n"
    )
    assert c.kubectl("delete configmap drop -n test").stdout == (
        'configmap "drop" deleted from test namespace\n'
    )


def test_a_strategic_merge_patch_merges_match_conditions_by_name(c: Cluster) -> None:
    extra = (
        "  matchConditions:\n"
        "  - name: first\n"
        '    expression: "true"\n'
        "  - name: second\n"
        '    expression: "true"\n'
    )
    setup(c, policy(extra=extra))
    patch = '{"spec":{"matchConditions":[{"name":"second","expression":"false"}]}}'
    assert (
        c.kubectl(
            ["patch", "validatingadmissionpolicy", "demo-policy.example.com", "-p", patch]
        ).exit_code
        == 0
    )
    stored = get(c, f"{ADMISSION}/validatingadmissionpolicies/demo-policy.example.com")
    assert stored["spec"]["matchConditions"] == [
        {"name": "first", "expression": "true"},
        {"name": "second", "expression": "false"},
    ]
    assert stored["metadata"]["generation"] == 2
    assert deploy(c, 9).exit_code == 0  # a false match condition: the policy is skipped
