"""The status manager's PodStatus patch is the one the generic two-way merge would make."""

from engine.apimachinery.strategicpatch import create_two_way_merge_patch
from engine.node.status_manager import status_patch
from tests.node_fixtures import cluster, create, pod


def _sorted(value):
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def test_status_patches_match_create_two_way_merge_patch():
    c, k = cluster()
    sent = []
    original = k.status_manager.set_pod_status

    def spy(p, status, **options):
        sent.append(status)
        original(p, status, **options)

    k.status_manager.set_pod_status = spy
    create(c, pod())
    create(c, pod("bb", "busybox:1.36"))
    c.advance(40)
    c.kubectl("delete pod web")
    assert len(sent) >= 6
    previous: dict = {"phase": "Pending", "qosClass": "BestEffort"}
    for status in sent:
        ours = status_patch(previous, status, "uid-1")
        generic = create_two_way_merge_patch(
            {"status": previous}, {"metadata": {"uid": "uid-1"}, "status": status}, "Pod"
        )
        assert _sorted(ours) == _sorted(generic)
        previous = status


def test_removed_condition_fields_become_null():
    old = {"conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}]}
    new = {"conditions": [{"type": "Ready", "status": "True"}]}
    patch = status_patch(old, new, "u")
    assert patch["status"]["conditions"] == [{"type": "Ready", "reason": None, "status": "True"}]
    assert patch["status"]["$setElementOrder/conditions"] == [{"type": "Ready"}]
