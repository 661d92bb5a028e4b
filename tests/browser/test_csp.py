"""The page under its real Content-Security-Policy (the other browser tests bypass it, for
Playwright's wait_for_function): it loads, connects over a WebSocket, styles its editor,
applies a manifest and downloads a kubeconfig, and the browser reports no violation.

Only Playwright calls that compile nothing in the page are used here: selectors, locator
assertions, and evaluate (run by the DevTools protocol, which the policy does not govern)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Console, shot
from tests.browser.pagekit import POD, download_kubeconfig, type_manifest


@pytest.fixture
def strict_page(browser: Any, server: str, console: Console) -> Iterator[tuple[Any, list[str]]]:
    """A page with the policy enforced, and the violations the browser reports on it."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("console", console.on_message)
    page.on("pageerror", console.on_error)
    violations: list[str] = []

    def report(violation: str) -> None:
        violations.append(violation)

    page.expose_function("reportViolation", report)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.reportViolation(e.violatedDirective + ' ' + e.blockedURI))"
    )
    response = page.goto(server)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    yield page, violations
    context.close()


def test_the_page_works_under_its_content_security_policy(
    strict_page: tuple[Any, list[str]], console: Console
) -> None:
    page, violations = strict_page
    expect(page.locator("#connection")).to_have_text("connected")
    expect(page.locator("#stage .node")).to_have_count(3)
    # Socket.IO went over the WebSocket (connect-src 'self' covers ws: on the same origin)
    transport = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert not any("transport=polling" in name for name in transport), transport
    # CodeMirror's run-time <style> elements applied: its base theme makes the editor a flex box
    page.click("#tab-btn-manifest")
    editor = page.locator("#editor .cm-editor")
    expect(editor).to_have_css("display", "flex")

    type_manifest(page, POD)
    page.click("#apply")
    expect(page.locator("#apply-output")).to_contain_text("pod/solo created")
    # at 1×, the tile appears once the page has animated the pod's creation
    expect(page.locator("#stage .pod[data-key='default/solo']")).to_have_count(1, timeout=60_000)

    page.click("#connect-button")
    expect(page.locator("#connect-status")).to_contain_text("Ready")
    name, kubeconfig = download_kubeconfig(page)  # a blob: URL, clicked
    assert name.startswith("podlife-") and "token/" in kubeconfig
    page.keyboard.press("Escape")
    # the cluster as a file (docs/export.md): a blob: URL too, and read back with a file picker
    with page.expect_download() as info:
        page.click("#export")
    exported = info.value
    page.set_input_files("#import-file", exported.path())
    expect(page.locator("#toasts")).to_contain_text("events, seed 0")  # "Loaded <file>: …"
    # Present: the join screen's QR code is the server's SVG as a data: image (img-src data:)
    page.click("#present")
    expect(page.locator("#join-screen")).to_be_visible()
    expect(page.locator("#join-code")).to_have_text(re.compile(r"^[A-Z2-9]{3}-[A-Z2-9]{3}$"))
    assert page.evaluate("document.querySelector('#join-qr').naturalWidth") > 0
    page.click("#present-stop")
    shot(page, "10-under-csp")
    assert violations == []
    assert console.errors == []
