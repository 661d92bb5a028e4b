"""The session database (docs/persistence.md): what each session is made of and the inputs
that made its cluster, in SQLite in the data folder, so that a restarted server replays them.

Plain and synchronous: web/keeper.py decides when to write and runs the calls off the event
loop. An input is kept in the cluster file's own format (web/clusterfile.py record_of), as
JSON text: one format for a file and for the database.

A database this Podlife cannot read (damaged, or written by another version of the schema) is
never fatal: it is moved aside, with a warning saying where, and a fresh one is started. One
of a format before (1, without rooms; 2, without their views) is brought up to date in place:
its sessions are kept.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("podlife.store")

FILE = "sessions.db"
SCHEMA = 3  # PRAGMA user_version of the tables below; another value is another format
TABLES = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    cluster TEXT NOT NULL,          -- its id in kubeconfigs (/clusters/<cluster>/)
    made TEXT NOT NULL,             -- JSON: seed, nodes, timings, lesson, files, address, pinned
    position TEXT NOT NULL,         -- JSON: steps, now, events, last (the engine's position)
    created REAL NOT NULL,          -- wall-clock seconds
    used REAL NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_cluster ON sessions (cluster);
CREATE INDEX sessions_used ON sessions (used);
CREATE TABLE inputs (
    session TEXT NOT NULL,
    n INTEGER NOT NULL,             -- the input's index in the timeline
    record TEXT NOT NULL,           -- JSON: clusterfile.InputRecord
    PRIMARY KEY (session, n)
) WITHOUT ROWID;
CREATE TABLE rooms (                -- presented sessions (web/rooms.py), until `unpresent`
    code TEXT PRIMARY KEY,          -- the join code
    secret TEXT NOT NULL,           -- the presenter's
    session TEXT NOT NULL UNIQUE,
    view TEXT                       -- JSON: the presenter's latest `view`, null before one
);
"""
# What brings a database of format n up to n + 1 (rooms came in format 2, their view in 3)
MIGRATIONS = {
    1: "CREATE TABLE rooms (code TEXT PRIMARY KEY, secret TEXT NOT NULL, "
    "session TEXT NOT NULL UNIQUE)",
    2: "ALTER TABLE rooms ADD COLUMN view TEXT",
}


@dataclass
class Saved:
    """One session as the database holds it."""

    id: str
    cluster: str
    made: dict[str, Any]
    position: dict[str, Any]
    created: float
    used: float
    pinned: bool = False
    inputs: list[str] = field(default_factory=list)  # JSON records, in order
    room: tuple[str, str] | None = None  # (code, secret) when it is presented
    view: dict[str, Any] | None = None  # its room's latest view (the presenter's step, pointer)


@dataclass
class Change:
    """What one write does to a session: its row, and its inputs from `first` on (those
    before are kept; the ones at and after `first` are replaced by `inputs`)."""

    saved: Saved
    first: int


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = self._connect()
        except sqlite3.DatabaseError as error:
            aside = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
            log.warning(
                "the session database %s cannot be read (%s): it was moved to %s and a fresh "
                "one started; sessions from before are not restored",
                path,
                error,
                aside,
            )
            path.rename(aside)
            for suffix in ("-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            self.db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        # Used from one thread at a time (the keeper serializes), not always the same one.
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL: a commit survives a crash of the process (what a SIGKILL does);
            # only a power cut may lose the last ones.
            db.execute("PRAGMA synchronous=NORMAL")
            with db:
                # IMMEDIATE: of processes sharing the folder (docs/scale-out.md) that start
                # together, one creates the tables while the others wait for it
                db.execute("BEGIN IMMEDIATE")
                version = db.execute("PRAGMA user_version").fetchone()[0]
                has_tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if version == 0 and not has_tables:
                    self._create(db, TABLES, SCHEMA)
                    version = SCHEMA
                while version in MIGRATIONS:  # an older format: brought up to date, kept
                    version += 1
                    self._create(db, MIGRATIONS[version - 1], version)
            if version != SCHEMA:
                raise sqlite3.DatabaseError(
                    f"it is in format {version}; this Podlife reads format {SCHEMA}"
                )
            db.execute("SELECT count(*) FROM sessions").fetchone()  # readable at all?
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    @staticmethod
    def _create(db: sqlite3.Connection, tables: str, version: int) -> None:
        """Within the caller's transaction."""
        for statement in tables.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version={version}")

    # ---- small values ------------------------------------------------------------------------
    def meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_meta(self, name: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))

    def key(self) -> bytes:
        """The server's secret (cluster ids and kubeconfig tokens are derived from it), made
        on first use: a restart keeps them."""
        # INSERT OR IGNORE, then read: processes sharing the folder (docs/scale-out.md) that
        # start together all end up with the first one's key.
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('key', ?)", (secrets.token_hex(32),))
        text = self.meta("key")
        assert text is not None
        return bytes.fromhex(text)

    # ---- sessions ----------------------------------------------------------------------------
    def write(self, changes: list[Change], views: dict[str, str] | None = None) -> None:
        """One transaction for many sessions: a class of 300 costs one commit. `views`: rooms'
        latest views (JSON text) by code."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "UPDATE rooms SET view = ? WHERE code = ?",
                [(text, code) for code, text in (views or {}).items()],
            )
            for change in changes:
                saved = change.saved
                self.db.execute(
                    "INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        saved.id,
                        saved.cluster,
                        json.dumps(saved.made),
                        json.dumps(saved.position),
                        saved.created,
                        saved.used,
                        int(saved.pinned),
                    ),
                )
                self.db.execute(
                    "DELETE FROM inputs WHERE session = ? AND n >= ?", (saved.id, change.first)
                )
                self.db.executemany(
                    "INSERT INTO inputs VALUES (?, ?, ?)",
                    [(saved.id, change.first + i, text) for i, text in enumerate(saved.inputs)],
                )

    def load(self, session_id: str) -> Saved | None:
        row = self.db.execute(
            "SELECT id, cluster, made, position, created, used, pinned FROM sessions WHERE id = ?",
            (session_id,),
        ).fetchone()
        if row is None:
            return None
        inputs = self.db.execute(
            "SELECT record FROM inputs WHERE session = ? ORDER BY n", (session_id,)
        ).fetchall()
        room = self.db.execute(
            "SELECT code, secret, view FROM rooms WHERE session = ?", (session_id,)
        ).fetchone()
        return Saved(
            row[0],
            row[1],
            json.loads(row[2]),
            json.loads(row[3]),
            row[4],
            row[5],
            bool(row[6]),
            [text for (text,) in inputs],
            (room[0], room[1]) if room else None,
            json.loads(room[2]) if room and room[2] else None,
        )

    def session_of(self, cluster_id: str) -> str | None:
        row = self.db.execute("SELECT id FROM sessions WHERE cluster = ?", (cluster_id,)).fetchone()
        return row[0] if row else None

    def forget(self, session_id: str) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM inputs WHERE session = ?", (session_id,))
            self.db.execute("DELETE FROM rooms WHERE session = ?", (session_id,))
            self.db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    # ---- rooms -------------------------------------------------------------------------------
    def keep_room(self, code: str, secret: str, session_id: str) -> None:
        """The session is presented as `code` (the one it was presented as before goes)."""
        self.db.execute(
            "INSERT OR REPLACE INTO rooms (code, secret, session) VALUES (?, ?, ?)",
            (code, secret, session_id),
        )

    def drop_room(self, code: str) -> None:
        self.db.execute("DELETE FROM rooms WHERE code = ?", (code,))

    def room_session(self, code: str) -> str | None:
        """The session presented as `code`, if any."""
        row = self.db.execute("SELECT session FROM rooms WHERE code = ?", (code,)).fetchone()
        return row[0] if row else None

    def count(self) -> int:
        count: int = self.db.execute("SELECT count(*) FROM sessions").fetchone()[0]
        return count

    def size(self) -> int:
        """Bytes the data takes (the file's pages less its free ones)."""
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        free = self.db.execute("PRAGMA freelist_count").fetchone()[0]
        page_size = self.db.execute("PRAGMA page_size").fetchone()[0]
        return int((pages - free) * page_size)

    def prune(self, used_before: float, max_bytes: int) -> list[str]:
        """Forget sessions unused since `used_before`, then the least recently used until the
        data is under `max_bytes` (pinned ones, the `default` clusters, only for their age);
        the ids of those that went."""
        old = self.db.execute("SELECT id FROM sessions WHERE used < ?", (used_before,)).fetchall()
        gone = [session_id for (session_id,) in old]
        for session_id in gone:
            self.forget(session_id)
        while self.size() > max_bytes:
            oldest = self.db.execute(
                "SELECT id FROM sessions WHERE NOT pinned ORDER BY used LIMIT 20"
            ).fetchall()
            if not oldest:
                break
            for (session_id,) in oldest:
                self.forget(session_id)
                gone.append(session_id)
        return gone

    def close(self) -> None:
        self.db.close()
