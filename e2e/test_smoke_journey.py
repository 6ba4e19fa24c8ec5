"""The sign-in page and the home page, in a real browser, with accessibility checks."""

from __future__ import annotations


def test_sign_in_and_home_are_accessible(page, live_url, demo, sign_in, axe_check):
    page.goto(f"{live_url}/accounts/login/")
    axe_check(page, context="on the sign-in page")
    sign_in(page, "worker")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    axe_check(page, context="on the home page")


def test_wrong_password_shows_an_error(page, live_url, demo):
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label("Username").fill("worker")
    page.get_by_label("Password").fill("not-the-password-at-all")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    assert "/accounts/login/" in page.url
