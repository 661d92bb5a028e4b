"""web/kube_api/wallclock.py: timestamps move onto the client's clock and back, and nothing
else moves."""

from __future__ import annotations

import json

from web.kube_api import wallclock


def test_time_fields_move_and_user_maps_do_not() -> None:
    pod = {
        "metadata": {
            "creationTimestamp": "2026-01-01T00:00:05Z",
            "annotations": {"creationTimestamp": "2026-01-01T00:00:05Z"},
            "managedFields": [{"time": "2026-01-01T00:00:05Z", "manager": "kubectl"}],
        },
        "status": {"conditions": [{"lastTransitionTime": "2026-01-01T00:00:09Z"}]},
        "spec": {"containers": [{"name": "2026-01-01T00:00:05Z"}]},
    }
    moved = wallclock.shift(pod, 3600)
    assert moved["metadata"]["creationTimestamp"] == "2026-01-01T01:00:05Z"
    assert moved["metadata"]["managedFields"][0]["time"] == "2026-01-01T01:00:05Z"
    assert moved["status"]["conditions"][0]["lastTransitionTime"] == "2026-01-01T01:00:09Z"
    assert moved["metadata"]["annotations"] is pod["metadata"]["annotations"]
    assert moved["spec"] is pod["spec"]  # nothing moved there: the same object
    assert pod["metadata"]["creationTimestamp"] == "2026-01-01T00:00:05Z"  # not touched
    assert wallclock.shift(pod, 0) is pod


def test_micro_times_keep_their_fraction() -> None:
    event = {"eventTime": "2026-01-01T00:00:05.250000Z", "lastTimestamp": None}
    assert wallclock.shift(event, -5) == {
        "eventTime": "2026-01-01T00:00:00.250000Z",
        "lastTimestamp": None,
    }


def test_request_bodies_move_back_and_bad_ones_pass_byte_for_byte() -> None:
    body = b'{"status":{"conditions":[{"lastTransitionTime":"2026-12-06T10:00:00Z"}]}}'
    back = wallclock.unshift_body(body, "application/merge-patch+json", 60)
    assert json.loads(back)["status"]["conditions"][0]["lastTransitionTime"] == (
        "2026-12-06T09:59:00Z"
    )
    untouched = b'{"metadata":{"name":"web"},"metadata":{"name":"dup"}}'
    assert wallclock.unshift_body(untouched, "application/json", 60) is untouched
    broken = b'{"metadata": {"creationTimestamp": "2026-12-06T10:00:00Z"'
    assert wallclock.unshift_body(broken, "application/json", 60) is broken
    assert wallclock.unshift_body(body, "application/yaml", 60) is body
    deep = b"[" * 100_000 + b"]" * 100_000
    assert wallclock.unshift_body(deep, "application/json", 60) is deep
    assert wallclock.unshift_text("not a time", 60) == "not a time"
    assert wallclock.unshift_text("9999-12-31T23:59:59Z", -60) == "9999-12-31T23:59:59Z"


def test_log_lines_read_with_timestamps() -> None:
    text = "2026-01-01T00:00:05.000000000Z hello\n2026-01-01T00:00:06.500000000Z world\n"
    assert wallclock.shift_log_stamps(text, 10) == (
        "2026-01-01T00:00:15.000000000Z hello\n2026-01-01T00:00:16.500000000Z world\n"
    )
