"""Spare clusters (web/spares.py): set up ahead while the server is idle, given to `hello`,
telling the same story as a cluster set up on the spot; not given when the page asks for
another seed; not made while pages keep asking for clusters."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask

from tests.test_web_support import DEPLOYMENT, Page, dumps, make_app
from web import registry_of
from web.config import UNLIMITED_MESSAGES
from web.spares import QUIET_AFTER_ASKED, Spares


def with_spares(count: int, **overrides: Any) -> tuple[Flask, Spares, Page]:
    """An app once its `count` spares are set up, and a page of it."""
    app = make_app(spare_clusters=count, **overrides)
    spares = registry_of(app).spares
    assert spares is not None
    page = Page(app)
    page.wait_until(lambda: len(spares.ready) == count, timeout=30)
    return app, spares, page


def story(app: Flask, page: Page) -> list[str]:
    """Apply a Deployment with the clock paused, then step until the trace is quiet."""
    assert page.request("apply", {"yaml": DEPLOYMENT})["ok"]
    for _ in range(400):
        if page.request("step")["events"] == 0:
            break
    page.pump(0.05)
    return dumps(page.session.timeline.events)


def test_a_spare_cluster_tells_the_same_story_as_one_set_up_on_the_spot() -> None:
    app, spares, page = with_spares(2, **UNLIMITED_MESSAGES)
    page.hello(paused=True)
    assert len(spares.ready) == 1  # hello took one
    with_spare = story(app, page)

    fresh_app = make_app(**UNLIMITED_MESSAGES)  # none ahead: set up when asked
    assert registry_of(fresh_app).spares is None
    fresh = Page(fresh_app)
    fresh.hello(paused=True)
    assert with_spare == story(fresh_app, fresh)
    assert len(with_spare) > 50
    registry_of(app).shutdown()
    registry_of(fresh_app).shutdown()


def test_a_page_asking_for_another_seed_gets_a_cluster_of_its_own() -> None:
    app, spares, page = with_spares(1)
    reply = page.hello(paused=True, seed=7)
    assert reply["seed"] == 7 and len(spares.ready) == 1
    assert page.session.timeline is not spares.ready[0]
    registry_of(app).shutdown()


def test_no_spare_is_made_while_pages_keep_arriving() -> None:
    app, spares, page = with_spares(3)
    pages = []
    deadline = time.monotonic() + 2 * QUIET_AFTER_ASKED
    while time.monotonic() < deadline:  # a class arriving: a hello every 0.3 s
        pages.append(Page(app))
        pages[-1].hello(paused=True)
        assert len(spares.ready) == max(0, 3 - len(pages))  # taken, none made meanwhile
        pages[-1].pump(0.3)
    assert len(pages) >= 4
    page.wait_until(lambda: len(spares.ready) == 3, timeout=30)  # once it has settled
    registry_of(app).shutdown()
