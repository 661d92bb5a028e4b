"""ReplicationControllers with the real kubectl and the in-engine one, side by side: the
official docs' example (https://k8s.io/examples/controllers/replication.yaml) applied, get
(plain, wide, -o yaml, `all`), describe, scale, expose, the rollout commands kubectl refuses
for the kind, validation refusals, explain, and the cascading delete."""

from __future__ import annotations

from tests.docs_examples import REPLICATION
from tests.kubectl_real.conftest import Twin
from tests.kubectl_real.test_config import same
from tests.kubectl_real.test_services import same_but_uid


def test_the_docs_replication_controller(twin: Twin) -> None:
    twin.file("replication.yaml", REPLICATION)
    assert same(twin, "apply -f replication.yaml") == "replicationcontroller/nginx created\n"
    assert same(twin, "get rc").startswith("NAME    DESIRED   CURRENT   READY   AGE\nnginx   3")
    assert "SELECTOR" in same(twin, "get replicationcontrollers -o wide")
    same_but_uid(twin, "get rc nginx -o yaml")
    same(twin, "describe replicationcontrollers/nginx")
    same(twin, "get all")
    same(twin, "get rc nginx -o jsonpath={.status.fullyLabeledReplicas}")
    same(twin, "scale rc nginx --replicas=1")
    same(twin, "get rc nginx")
    assert "Controlled By:  ReplicationController/nginx\n" in same(
        twin, "describe pods -l app=nginx"
    )
    owner = "custom-columns=OWNER:.metadata.ownerReferences[0].kind"
    assert same(twin, f"get pods -l app=nginx --no-headers -o {owner}") == "ReplicationController\n"
    same(twin, "expose rc nginx --port=80")
    same(twin, "get svc nginx -o jsonpath={.spec.selector}")
    same(twin, "rollout status rc/nginx")
    same(twin, "rollout history rc nginx")
    same(twin, "rollout restart rc nginx")
    same(twin, "rollout undo rc nginx")
    same(twin, "delete rc nginx")
    same(twin, "get rc")


def test_refusals_and_explain(twin: Twin) -> None:
    mismatched = REPLICATION.replace("  selector:\n    app: nginx\n", "  selector:\n    app: web\n")
    twin.file("mismatch.yaml", mismatched)
    same(twin, "apply -f mismatch.yaml")
    twin.file("negative.yaml", REPLICATION.replace("replicas: 3", "replicas: -1"))
    same(twin, "apply -f negative.yaml")
    no_labels = REPLICATION.replace("      labels:\n        app: nginx\n", "").replace(
        "  selector:\n    app: nginx\n", ""
    )
    twin.file("nolabels.yaml", no_labels)
    same(twin, "create -f nolabels.yaml")
    twin.file(
        "onfailure.yaml",
        REPLICATION.replace("    spec:\n", "    spec:\n      restartPolicy: OnFailure\n"),
    )
    same(twin, "apply -f onfailure.yaml")
    # The in-engine kubectl has no explain: the real one reads our /openapi/v2.
    spec = twin.real("explain rc.spec").stdout
    assert spec.startswith("KIND:       ReplicationController\nVERSION:    v1\n")
    assert "  selector\t<map[string]string>\n" in spec
    status = twin.real("explain replicationcontroller.status").stdout
    assert "  replicas\t<integer> -required-\n" in status
