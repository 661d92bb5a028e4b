"""Manifests from the Kubernetes website's examples (content/en/examples/), as the docs give
them, shared by the engine, twin and browser tests of the kinds they show."""

# controllers/replication.yaml
REPLICATION = """\
apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    app: nginx
  template:
    metadata:
      name: nginx
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
"""

# The "Validating Admission Policy" concept page: the policy and its binding
POLICY = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "demo-policy.example.com"
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
  validations:
    - expression: "object.spec.replicas <= 5"
"""
BINDING = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: "demo-binding-test.example.com"
spec:
  policyName: "demo-policy.example.com"
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: test
"""
# ... and what the API server says of a Deployment of 6 replicas it denies
DENIAL = (
    "ValidatingAdmissionPolicy 'demo-policy.example.com' with binding "
    "'demo-binding-test.example.com' denied request: failed expression: "
    "object.spec.replicas <= 5"
)
