"""A phone, first the one a student scans the class's QR code with: at 390×844 (an iPhone
12–15, touch), a follower's page and a learner's fit the screen's width (nothing forces a wider
layout and scrolls sideways), the stage scales into it, the follower's header keeps only what a
follower uses, its "Fork to my sandbox" and "Leave" are touch targets of 44 px and more, and the
narration tells a follower the truth: the teacher applies, not them; an event's message is not
squeezed to a word a line. Screenshots of both go to artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import shot

PHONE = {"width": 390, "height": 844}
# what only a teacher or a laptop uses: a follower's phone shows none of it
NOT_FOR_A_FOLLOWER = ["#scenario", "#connect-button", "#presenter", "#present", "#join-button"]
FITS = """() => {
    const stage = document.querySelector('#stage').getBoundingClientRect();
    return {inner: innerWidth, scroll: document.documentElement.scrollWidth,
            left: stage.left, right: stage.right, width: stage.width};
}"""


@pytest.fixture
def contexts(browser: Any) -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def open_page(contexts: list[Any], browser: Any, url: str, phone: bool) -> Any:
    options: dict[str, Any] = {"viewport": {"width": 1440, "height": 900}}
    if phone:
        options = {"viewport": PHONE, "is_mobile": True, "has_touch": True}
    # bypass_csp for wait_for_function (see conftest.page); test_csp.py covers the policy
    context = browser.new_context(bypass_csp=True, **options)
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(url)
    return page


def assert_fits(page: Any, who: str) -> None:
    fit = page.evaluate(FITS)
    # a page wider than the phone widens a mobile browser's layout viewport: innerWidth grows
    assert fit["inner"] == PHONE["width"], f"{who}: the layout is {fit['inner']} px wide"
    assert fit["scroll"] <= fit["inner"], f"{who}: the page scrolls sideways: {fit}"
    assert fit["left"] >= 0 and fit["right"] <= fit["inner"], f"{who}: the stage is cut: {fit}"
    assert fit["width"] >= fit["inner"] - 40, f"{who}: the stage does not take the width: {fit}"


def test_a_follower_and_a_learner_on_a_phone(
    browser: Any, server: str, contexts: list[Any]
) -> None:
    teacher = open_page(contexts, browser, server, phone=False)
    teacher.wait_for_function("window.podlife && podlife.app.session")
    teacher.click("#present")
    teacher.wait_for_selector("#join-screen:not([hidden])")
    href = teacher.get_attribute("#join-link", "href")
    teacher.click("#join-hide")

    student = open_page(contexts, browser, href, phone=True)
    student.wait_for_selector("#follow-banner:not([hidden])")
    student.wait_for_function("podlife.app.connected")
    assert_fits(student, "the follower")
    for selector in NOT_FOR_A_FOLLOWER:
        assert student.is_hidden(selector), f"a follower's phone shows {selector}"
    assert student.is_visible("#connection")
    header = student.locator(".topbar").bounding_box()
    assert header["height"] <= 70, f"the follower's header takes {header['height']} px"
    for selector in ["#fork-room", "#unfollow"]:
        assert student.is_visible(selector)
        box = student.locator(selector).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, f"{selector}: {box}"
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{selector}: {box}"
    # the banner's words above its buttons, not squeezed a word a line beside them
    text = student.locator("#follow-text").bounding_box()
    fork = student.locator("#fork-room").bounding_box()
    assert text["y"] + text["height"] <= fork["y"] + 1, (text, fork)
    assert text["width"] >= PHONE["width"] / 2, text
    assert (
        float(
            student.eval_on_selector(
                "#follow-text", "el => parseFloat(getComputedStyle(el).fontSize)"
            )
        )
        >= 14
    )
    # the stage first, the story right under it
    stage = student.locator(".stage-card").bounding_box()
    story = student.locator("#narration").bounding_box()
    assert stage["y"] < story["y"] <= stage["y"] + stage["height"] + 16, (stage, story)
    # nothing applied yet: only the teacher can, and the follower is told so
    said = student.inner_text("#narration")
    assert "teacher" in said.lower(), said
    for wrong in ["Apply a manifest to begin", "press Apply", "into the editor"]:
        assert wrong not in said, f"a follower is told: {said!r}"
    assert_fits(student, "the follower")  # and still, with the narration's text in
    shot(student, "phone-follower-390")

    learner = open_page(contexts, browser, server, phone=True)
    learner.wait_for_function("window.podlife && podlife.app.session")
    assert_fits(learner, "the learner")
    assert "Apply a manifest" in learner.inner_text("#narration")  # a learner does apply
    shot(learner, "phone-learner-390")

    # kubectl's event columns: the message under the rest, the width of the row, not a word wide
    learner.wait_for_selector(".events-table tbody tr")
    row = learner.locator(".events-table tbody tr").first
    message = row.locator("td").nth(4).bounding_box()
    assert message["width"] >= PHONE["width"] - 80, message
    assert row.bounding_box()["height"] <= 100, row.bounding_box()
