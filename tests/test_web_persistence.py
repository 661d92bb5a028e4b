"""Sessions kept across restarts (docs/persistence.md): the database (web/store.py) on its own,
then two servers in this process on one data folder, the second bringing back what the first
had — the same trace, event for event. The restart of real server processes, with the real
kubectl, is tests/kubectl_real/test_restart.py."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.test_web_support import DEPLOYMENT, Page, configmap_over_http, make_app
from web import registry_of
from web.kube_api.kubeconfig import USER, Tokens
from web.store import FILE, SCHEMA, Change, Saved, Store


def saved(session_id: str, inputs: list[str], used: float = 0.0, pinned: bool = False) -> Saved:
    made = {"seed": 1}
    position = {"steps": 5, "now": 1.5, "events": 3, "last": "x"}
    return Saved(session_id, f"c-{session_id}", made, position, 1.0, used, pinned, inputs)


# ---- the database ------------------------------------------------------------------------------
def test_the_store_keeps_sessions_their_inputs_and_its_key(tmp_path: Path) -> None:
    store = Store(tmp_path / FILE)
    key = store.key()
    store.write([Change(saved("a", ["i0", "i1"]), 0), Change(saved("b", []), 0)])
    store.write([Change(saved("a", ["i2"]), 2)])  # appended
    store.close()

    again = Store(tmp_path / FILE)
    assert again.key() == key  # cluster ids and tokens outlive the process
    a = again.load("a")
    assert a is not None and a.inputs == ["i0", "i1", "i2"]
    assert a.made == {"seed": 1} and a.position["steps"] == 5 and a.cluster == "c-a"
    assert again.session_of("c-b") == "b" and again.session_of("nope") is None
    again.write([Change(saved("a", ["j0"]), 0)])  # a reset: the log starts over
    assert again.load("a").inputs == ["j0"]  # type: ignore[union-attr]
    assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again.load("missing") is None


def test_the_store_prunes_old_sessions_and_keeps_to_its_size(tmp_path: Path) -> None:
    store = Store(tmp_path / FILE)
    store.write(
        [
            Change(saved("old", ["x"], used=100.0), 0),
            Change(saved("pinned", ["x"], used=600.0, pinned=True), 0),
            Change(saved("old-pinned", ["x"], used=10.0, pinned=True), 0),  # its age counts
            Change(saved("new", ["x"], used=1000.0), 0),
        ]
    )
    assert sorted(store.prune(used_before=500.0, max_bytes=10**9)) == ["old", "old-pinned"]
    assert store.load("old") is None and store.load("pinned") is not None
    big = "y" * 100_000
    store.write([Change(saved(f"s{n}", [big], used=2000.0 + n), 0) for n in range(20)])
    limit = store.size() // 2
    store.prune(used_before=0.0, max_bytes=limit)
    assert store.size() <= limit
    assert store.load("s19") is not None and store.load("s0") is None  # least recent first
    assert store.load("pinned") is not None


@pytest.mark.parametrize("damage", ["garbage", "other-format"])
def test_an_unreadable_database_is_moved_aside_and_a_fresh_one_started(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / FILE
    if damage == "garbage":
        path.write_bytes(b"this is not SQLite at all" * 100)
    else:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE sessions (whatever TEXT)")
        db.execute(f"PRAGMA user_version={SCHEMA + 1}")
        db.commit()
        db.close()
    store = Store(path)
    assert store.count() == 0
    assert [p.name for p in tmp_path.glob(f"{FILE}.unreadable-*")]
    assert "cannot be read" in caplog.text and "fresh" in caplog.text


def test_derived_tokens_outlive_the_process_and_are_not_guessable() -> None:
    key = b"k" * 32
    token = Tokens(key).issue("abc")
    later = Tokens(key)  # a restarted server: nothing issued yet
    assert later.accepted("abc") == ((token, USER),)
    assert later.cluster_of(token) == "abc"
    assert later.cluster_of("abc.forged") is None
    assert Tokens(b"j" * 32).cluster_of(token) is None
    assert Tokens().accepted("abc") == ()  # without a key: none until handed out


# ---- two servers, one data folder ------------------------------------------------------------
@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def server(data_dir: Path) -> Flask:
    return make_app(keep_days=7.0, data_dir=data_dir, save_seconds=0.01)


@pytest.fixture
def first(data_dir: Path) -> Iterator[Flask]:
    app = server(data_dir)
    yield app
    registry_of(app).shutdown()


def busy(page: Page) -> None:
    """kubectl, a real client's request over HTTP, a click, and time passing."""
    page.hello(paused=True)
    assert page.request("apply", {"yaml": DEPLOYMENT})["exit_code"] == 0
    for _ in range(10):
        page.request("step")
    page.session.timeline.apply(configmap_over_http(page.app))
    assert page.request("kubectl", {"line": "get pods"})["ok"]
    for _ in range(5):
        page.request("step")


def test_a_restarted_server_brings_a_session_back_event_for_event(
    first: Flask, data_dir: Path
) -> None:
    page = Page(first)
    busy(page)
    session_id = page.session_id
    before = [event.model_dump_json() for event in page.session.timeline.events]
    assert any("over-http" in line for line in before)
    registry_of(first).shutdown()  # as SIGTERM does: everything written

    second = server(data_dir)
    try:
        again = Page(second)
        reply = again.hello(session=session_id)
        assert reply["ok"] and reply["session"] == session_id
        after = [event.model_dump_json() for event in again.session.timeline.events]
        assert after[: len(before)] == before
        assert len(after) >= len(before)
        assert again.request("kubectl", {"line": "get configmap over-http"})["exit_code"] == 0
        # and an unknown id is a new cluster, as before
        assert Page(second).hello(session="never-seen")["session"] != "never-seen"
    finally:
        registry_of(second).shutdown()


def test_a_session_freed_for_idleness_comes_back_from_the_database(data_dir: Path) -> None:
    app = make_app(keep_days=7.0, data_dir=data_dir, save_seconds=0.01, idle_seconds=0.05)
    try:
        page = Page(app)
        page.hello(paused=True)
        assert page.request("apply", {"yaml": DEPLOYMENT})["exit_code"] == 0
        count = len(page.session.timeline.events)
        session_id = page.session_id
        page.client.disconnect()
        registry = registry_of(app)
        deadline = time.monotonic() + 5
        while session_id in registry.sessions:
            assert time.monotonic() < deadline
            page.io.sleep(0.01)
        back = Page(app)
        assert back.hello(session=session_id)["session"] == session_id
        assert len(back.session.timeline.events) >= count
    finally:
        registry_of(app).shutdown()


def test_a_kept_session_that_no_longer_replays_is_forgotten_politely(
    first: Flask, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    page = Page(first)
    page.hello(paused=True)
    assert page.request("apply", {"yaml": DEPLOYMENT})["exit_code"] == 0
    session_id = page.session_id
    registry_of(first).shutdown()
    db = sqlite3.connect(data_dir / FILE)
    db.execute("UPDATE sessions SET position = json_set(position, '$.last', 'changed')")
    db.commit()
    db.close()
    second = server(data_dir)
    try:
        reply = Page(second).hello(session=session_id)
        assert reply["ok"] and reply["session"] != session_id  # a fresh cluster instead
        assert "does not replay" in caplog.text
    finally:
        registry_of(second).shutdown()


def test_a_failed_write_is_made_good_at_the_next_look(
    first: Flask, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write, failed = Store.write, []

    def full_disk_once(
        store: Store, changes: list[Change], views: dict[str, str] | None = None
    ) -> None:
        if not failed and any(change.saved.inputs for change in changes):
            failed.append(True)
            raise sqlite3.OperationalError("database or disk is full")
        write(store, changes, views)

    monkeypatch.setattr(Store, "write", full_disk_once)
    page = Page(first)
    page.hello(paused=True)
    assert page.request("apply", {"yaml": DEPLOYMENT})["exit_code"] == 0
    page.wait_until(lambda: bool(failed))
    page.pump(0.1)  # a few more looks
    events = [event.model_dump_json() for event in page.session.timeline.events]
    session_id = page.session_id
    registry_of(first).shutdown()
    second = server(data_dir)
    try:
        again = Page(second)
        assert again.hello(session=session_id)["session"] == session_id
        assert [e.model_dump_json() for e in again.session.timeline.events][: len(events)] == events
    finally:
        registry_of(second).shutdown()


def test_a_data_folder_that_cannot_be_used_leaves_the_server_running_unkept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    app = make_app(keep_days=7.0, data_dir=not_a_folder / "data")
    try:
        assert registry_of(app).keeper is None
        assert "sessions are not kept across restarts" in caplog.text
        assert Page(app).hello()["ok"]
    finally:
        registry_of(app).shutdown()
