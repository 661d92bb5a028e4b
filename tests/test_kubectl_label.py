"""kubectl label and annotate: merge patches of metadata, and kubectl's exact wording.

Expected texts were checked against the real kubectl 1.37.1 talking to the same API server.
"""

from __future__ import annotations

from engine.cluster import Cluster
from tests.kubectl_helpers import out, quiet_cluster, sent


def pod_cluster() -> Cluster:
    cluster = quiet_cluster()
    cluster.kubectl("run web --image=nginx")
    cluster.kubectl("run web2 --image=nginx")
    return cluster


def test_label_adds_overwrites_and_removes() -> None:
    cluster = pod_cluster()
    result, requests = sent(cluster, "label pod web app=web")
    assert out(result) == ("pod/web labeled\n", "", 0)
    assert requests == [
        "GET /api/v1/namespaces/default/pods/web",
        "PATCH /api/v1/namespaces/default/pods/web?fieldManager=kubectl-label",
    ]
    assert out(cluster.kubectl("label pod web app=other")) == (
        "",
        "error: 'app' already has a value (web), and --overwrite is false\n",
        1,
    )
    assert out(cluster.kubectl("label pod web app=other --overwrite")) == (
        "pod/web labeled\n",
        "",
        0,
    )
    assert out(cluster.kubectl("label pod web app-")) == ("pod/web unlabeled\n", "", 0)


def test_label_that_changes_nothing_sends_nothing() -> None:
    cluster = pod_cluster()
    result, requests = sent(cluster, "label pod web gone-")
    assert out(result) == ('label "gone" not found.\npod/web not labeled\n', "", 0)
    assert requests == ["GET /api/v1/namespaces/default/pods/web"]
    assert out(cluster.kubectl("label pod web run=web")) == ("pod/web not labeled\n", "", 0)


def test_label_says_modified_when_it_adds_and_removes() -> None:
    cluster = pod_cluster()
    cluster.kubectl("label pod web old=1")
    assert out(cluster.kubectl("label pod web old- new=1")) == ("pod/web modified\n", "", 0)
    assert "new=1,run=web" in cluster.kubectl("get pod web --show-labels").stdout


def test_label_many_objects_and_selectors() -> None:
    cluster = pod_cluster()
    assert out(cluster.kubectl("label pods --all tier=fe")) == (
        "pod/web labeled\npod/web2 labeled\n",
        "",
        0,
    )
    assert out(cluster.kubectl("label pods -l run=web2 k=v -o name")) == ("pod/web2\n", "", 0)
    assert out(cluster.kubectl("label pod web --list")) == ("run=web\ntier=fe\n", "", 0)
    assert cluster.kubectl("label pods --all --list").stdout == (
        "Listing labels for Pod./web:\n run=web\n tier=fe\n"
        "Listing labels for Pod./web2:\n k=v\n run=web2\n tier=fe\n"
    )
    assert out(cluster.kubectl("label pod web q=1 --dry-run=client")) == (
        "pod/web labeled (dry run)\n",
        "",
        0,
    )


def test_label_errors() -> None:
    cluster = pod_cluster()
    cases = {
        "label": (
            "error: one or more resources must be specified as <resource> <name> or "
            "<resource>/<name>\n"
        ),
        "label pod web": "error: at least one label update is required\n",
        "label pod web x=y=z": "error: invalid label spec: x=y=z\n",
        "label pod web a=1 a-": (
            "error: can not both modify and remove a label in the same command\n"
        ),
        "label pod web x=1 pod": (
            "error: all resources must be specified before label changes: pod\n"
        ),
        "label pod nope q=1": 'Error from server (NotFound): pods "nope" not found\n',
        "label pod web -l run=web q=1": (
            "error: name cannot be provided when a selector is specified\n"
        ),
        "label pod web app=-bad-": (
            'error: invalid label value: "app=-bad-": a valid label must be an empty string or '
            "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
            "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n"
        ),
    }
    for line, stderr in cases.items():
        assert out(cluster.kubectl(line)) == ("", stderr, 1), line
    cluster.kubectl("label pod web a=1 b=2")
    assert out(cluster.kubectl("label pod web a=5 b=6")) == (
        "",
        "'a' already has a value (1), and --overwrite is false\n"
        "'b' already has a value (2), and --overwrite is false\n",
        1,
    )


def test_label_key_is_checked_by_the_api_server() -> None:
    result = pod_cluster().kubectl(["label", "pod", "web", "bad key=x"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        'The Pod "web" is invalid: metadata.labels: Invalid value: "bad key": name part must '
        "consist of alphanumeric characters"
    )


def test_annotate() -> None:
    cluster = pod_cluster()
    assert out(cluster.kubectl("annotate pod web note=hi")) == ("pod/web annotated\n", "", 0)
    assert out(cluster.kubectl("annotate pod web note=hi")) == (
        "",
        "error: --overwrite is false but found the following declared annotation(s): 'note' "
        "already has a value (hi)\n",
        1,
    )
    assert out(cluster.kubectl("annotate pod web note=ho x=1 --overwrite")) == (
        "pod/web annotated\n",
        "",
        0,
    )
    assert out(cluster.kubectl("annotate pod web --list")) == ("note=ho\nx=1\n", "", 0)
    # annotate patches even when nothing changes
    result, requests = sent(cluster, "annotate pod web gone-")
    assert out(result) == ("pod/web annotated\n", "", 0)
    assert requests[-1] == (
        "PATCH /api/v1/namespaces/default/pods/web?fieldManager=kubectl-annotate"
    )
    assert out(cluster.kubectl("annotate pod web kubernetes.io/change-cause=a")) == (
        "pod/web annotated\n",
        "",
        0,
    )
    assert out(cluster.kubectl("annotate pod web kubernetes.io/change-cause=b")) == (
        "pod/web annotated\n",
        "",
        0,
    )


def test_annotate_errors() -> None:
    cluster = pod_cluster()
    cases = {
        "annotate pod web": "error: at least one annotation update is required\n",
        "annotate pod web a=1 a-": (
            "error: can not both modify and remove the following annotation(s) in the same "
            "command: a\n"
        ),
        "annotate pod web --list -o yaml": (
            "error: --list and --output may not be specified together\n"
        ),
        "annotate pods --all y=1 --resource-version=1": (
            "error: --resource-version may only be used with a single resource\n"
        ),
    }
    for line, stderr in cases.items():
        assert out(cluster.kubectl(line)) == ("", stderr, 1), line
