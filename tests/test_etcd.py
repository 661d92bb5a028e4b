import pytest

from engine.etcd import CASFailedError, CompactedError, Etcd


def test_every_write_bumps_the_global_revision():
    etcd = Etcd()
    a = etcd.create("/registry/pods/default/a", "{}")
    b = etcd.create("/registry/pods/default/b", "{}")
    a2 = etcd.update("/registry/pods/default/a", '{"x":1}', a.mod_revision)
    assert (a.mod_revision, b.mod_revision, a2.mod_revision) == (2, 3, 4)
    assert a2.create_revision == 2 and a2.version == 2


def test_compare_and_swap_refuses_stale_writes():
    etcd = Etcd()
    first = etcd.create("/k", "1")
    etcd.update("/k", "2", first.mod_revision)
    with pytest.raises(CASFailedError):
        etcd.update("/k", "3", first.mod_revision)
    with pytest.raises(CASFailedError):
        etcd.create("/k", "again")


def test_range_is_by_prefix_and_sorted():
    etcd = Etcd()
    for key in ["/registry/pods/ns/b", "/registry/pods/ns/a", "/registry/podsx/ns/c"]:
        etcd.create(key, "{}")
    assert [kv.key for kv in etcd.range("/registry/pods/")] == [
        "/registry/pods/ns/a",
        "/registry/pods/ns/b",
    ]


def test_watch_replays_history_then_follows_live_changes():
    etcd = Etcd()
    etcd.create("/r/a", "1")
    start = etcd.revision
    etcd.create("/r/b", "2")
    seen = []
    etcd.watch("/r/", start + 1, lambda e: seen.append((e.type, e.kv.key, e.revision)))
    etcd.delete("/r/a")
    assert seen == [("PUT", "/r/b", 3), ("DELETE", "/r/a", 4)]


def test_watching_below_the_compacted_revision_fails():
    etcd = Etcd()
    for i in range(5):
        etcd.create(f"/k{i}", "v")
    etcd.compact(4)
    with pytest.raises(CompactedError):
        etcd.watch("/", 3, lambda e: None)
    with pytest.raises(CompactedError):
        etcd.value_at("/k0", 2)
    assert etcd.value_at("/k4", 6).value == "v"


def test_compaction_keeps_the_latest_version_of_unchanged_keys():
    etcd = Etcd()
    etcd.create("/old", "kept")
    etcd.create("/other", "x")
    etcd.compact(etcd.revision)
    etcd.create("/new", "y")
    assert etcd.value_at("/old", etcd.revision).value == "kept"
    seen = []
    etcd.watch("/", etcd.compacted + 1, lambda e: seen.append(e.kv.key))
    assert seen == ["/new"]
