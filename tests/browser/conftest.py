"""Browser tests: the real server (`python app.py --port <free>`) and the real page, driven by
Playwright through Debian's Chromium.

`playwright install` cannot download browsers here, so the tests use /usr/bin/chromium
(`apt-get install chromium`) and skip, saying so, when it is missing. Screenshots of the main
states go to artifacts/ (git-ignored) for a human to look at.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from web.latencybench import CHROMIUM_ARGS  # the flags Chromium runs with here
from web.supervisor import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
BUNDLE = ROOT / "static" / "dist" / "manifest.json"  # written by static/build.mjs


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer at {url} within 30 s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Chromium at /usr/bin/chromium "
            "(sudo apt-get install chromium); playwright cannot download its own here"
        )
    if not BUNDLE.exists():
        pytest.fail("the page is not built: run `make install` (npm ci + the esbuild bundle)")
    return CHROMIUM


@contextmanager
def serving(log: Path, **env: str) -> Iterator[str]:
    """The real server (`app.py`) on a free port, logging to `log`, with `env` added to its
    environment; its URL while it runs."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        )
    try:
        _wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def server(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real server, once for the whole session; each test gets its own cluster (a fresh
    browser context has a fresh sessionStorage, so `hello` makes a new session)."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    # every test is a new browser context, so a new cluster from 127.0.0.1: more than the 20
    # one address may hold (docs/limits.md) once the browser tests run together
    with serving(log, PODLIFE_MAX_SESSIONS_PER_ADDRESS="400") as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Console:
    """Everything the page said on its console, and its uncaught errors."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.errors: list[str] = []

    def on_message(self, message: Any) -> None:
        text = f"{message.type}: {message.text}"
        self.messages.append(text)
        if message.type in ("error", "assert"):
            self.errors.append(text)

    def on_error(self, error: Any) -> None:
        self.errors.append(f"uncaught: {error}")


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(
    browser: Any, server: str, console: Console, request: pytest.FixtureRequest
) -> Iterator[Any]:
    # bypass_csp: wait_for_function compiles its string in the page, which the page's
    # Content-Security-Policy (no eval) refuses. tests/browser/test_csp.py runs the page under
    # its real policy.
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("console", console.on_message)
    page.on("pageerror", console.on_error)
    page.goto(server)
    page.wait_for_function("window.podlife && window.podlife.app.session")
    page.wait_for_selector("#editor .cm-content")  # a learner's page loads the editor at once
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        shot(page, f"failed-{request.node.name}")
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
