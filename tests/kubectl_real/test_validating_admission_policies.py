"""ValidatingAdmissionPolicies with the real kubectl and the in-engine one, side by side: the
docs' example (concepts/policy "Validating Admission Policy") applied, get, describe (kubectl's
generic describer), a Deployment of 6 replicas denied in a namespace labelled environment=test
(created elsewhere), the Warn action's warning, a policy that does not compile, a DELETE
refused, delete."""

from __future__ import annotations

from tests.docs_examples import BINDING, DENIAL, POLICY
from tests.kubectl_real.conftest import Twin
from tests.kubectl_real.test_config import same
from tests.kubectl_real.test_services import same_but_uid

KEEP = """\
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
  - expression: "oldObject.metadata.name != 'keep'"
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


def both_fail(twin: Twin, line: str) -> str:
    """Run `line` on both; both must fail alike. The real kubectl's stderr is returned."""
    real, engine = twin.both(line)
    assert (engine.stdout, engine.stderr, engine.exit_code) == (
        real.stdout,
        real.stderr,
        real.code,
    ), line
    return real.stderr


def test_the_docs_example(twin: Twin) -> None:
    twin.file("policy.yaml", POLICY)
    twin.file("binding.yaml", BINDING)
    twin.file("warn.yaml", BINDING.replace("[Deny]", "[Warn]"))
    twin.file("broken.yaml", POLICY.replace("<= 5", "<= ").replace("demo-policy", "broken"))
    assert same(twin, "apply -f policy.yaml -f binding.yaml") == (
        "validatingadmissionpolicy.admissionregistration.k8s.io/demo-policy.example.com created\n"
        "validatingadmissionpolicybinding.admissionregistration.k8s.io/"
        "demo-binding-test.example.com created\n"
    )
    same(twin, "get validatingadmissionpolicies")
    same(twin, "get validatingadmissionpolicybindings")
    same_but_uid(twin, "get validatingadmissionpolicy demo-policy.example.com -o yaml")
    same_but_uid(twin, "get validatingadmissionpolicybinding -o yaml")
    same_but_uid(twin, "describe validatingadmissionpolicy demo-policy.example.com")
    same_but_uid(twin, "describe validatingadmissionpolicybindings")
    same(twin, "create namespace test")
    same(twin, "label namespace test environment=test")
    assert both_fail(twin, "create deployment nginx --image=nginx --replicas=6 -n test") == (
        f'error: failed to create deployment: deployments.apps "nginx" is forbidden: {DENIAL}\n'
    )
    twin.file(
        "nginx.yaml",
        twin.engine(
            "create deployment nginx --image=nginx --replicas=6 -o yaml --dry-run=client"
        ).stdout,
    )
    assert both_fail(twin, "apply -f nginx.yaml -n test") == (
        f'The deployments "nginx" is invalid: : {DENIAL}\n'
    )
    same(twin, "create deployment nginx --image=nginx --replicas=6")  # default: not labelled
    same(twin, "create deployment small --image=nginx --replicas=2 -n test")
    # Warn: admitted, with the warning kubectl prints
    same(twin, "apply -f warn.yaml")
    assert same(twin, "apply -f nginx.yaml -n test") == "deployment.apps/nginx created\n"
    real, engine = twin.both("scale deployment small --replicas=8 -n test")
    assert (engine.stdout, engine.exit_code) == (real.stdout, real.code)
    real, engine = twin.both("create deployment warned --image=nginx --replicas=9 -n test")
    assert (
        engine.stderr
        == real.stderr
        == (
            "Warning: Validation failed for ValidatingAdmissionPolicy 'demo-policy.example.com' "
            "with binding 'demo-binding-test.example.com': failed expression: "
            "object.spec.replicas <= 5\n"
        )
    )
    assert engine.stdout == real.stdout == "deployment.apps/warned created\n"
    assert "compilation failed: ERROR: <input>:1:25: Syntax error" in both_fail(
        twin, "apply -f broken.yaml"
    )
    # a DELETE is checked with oldObject
    twin.file("keep.yaml", KEEP)
    same(twin, "apply -f keep.yaml")
    same(twin, "create configmap keep -n test")
    assert both_fail(twin, "delete configmap keep -n test") == (
        'Error from server (Forbidden): configmaps "keep" is forbidden: ValidatingAdmissionPolicy '
        "'keep-configmaps' with binding 'keep-configmaps' denied request: this ConfigMap is kept\n"
    )
    same(twin, "delete validatingadmissionpolicybinding demo-binding-test.example.com")
    same(twin, "delete validatingadmissionpolicy demo-policy.example.com")
    same(twin, "get validatingadmissionpolicies")
