"""The second factor in a real browser, with MFA required: enrol with an admin's enrolment code and the
setup key, keep the recovery codes, sign in again with a recovery code; a user with an authenticator types
its code."""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import pytest

from safeharbor.core.testing.factories import TEST_PASSWORD
from safeharbor.core.testing.mfa import enter_enrolment_code, issue_enrolment_code


@pytest.fixture
def mfa_required(settings: Any) -> None:
    settings.MFA_REQUIRED = True
    settings.DEBUG = False


def password_step(page: Any, live_url: str, username: str) -> None:
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def totp_from_setup_key(secret: str) -> str:
    from django_otp.oath import TOTP

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    generator = TOTP(key)
    generator.time = time.time()
    return f"{generator.token():06d}"


def test_enrol_keep_recovery_codes_and_use_one(
    page: Any, live_url: str, demo: Any, mfa_required: None, axe_check: Any
) -> None:
    code = issue_enrolment_code("worker2")  # the admin hands it over after checking who is asking
    password_step(page, live_url, "worker2")
    assert "/accounts/mfa/enrol/" in page.url
    # Held at enrolment: another page sends the user back.
    page.goto(f"{live_url}/youth/")
    assert "/accounts/mfa/enrol/" in page.url
    # The password alone shows no setup key: first the enrolment code.
    assert page.locator(".sh-secret").count() == 0
    axe_check(page, context="on the enrolment code page")
    enter_enrolment_code(page, code)
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    axe_check(page, context="on the enrolment page")

    page.get_by_label("One-time code").fill("000000")
    page.get_by_role("button", name="Verify").click()
    assert page.get_by_text("That code is not right").first.is_visible()

    time.sleep(1.1)  # the wrong code above asks for one second before the next try
    secret = page.locator(".sh-secret").inner_text().replace(" ", "")
    page.get_by_label("One-time code").fill(totp_from_setup_key(secret))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/mfa/recovery-codes/" in page.url
    codes = page.locator(".sh-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    axe_check(page, context="on the recovery codes page")
    page.get_by_role("link", name="I saved my codes, continue").click()
    page.wait_for_load_state("networkidle")
    # On to the page the user was going to when they were held at enrolment.
    assert page.url.endswith("/youth/")
    assert page.get_by_role("heading", level=1).is_visible()

    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_load_state("networkidle")
    password_step(page, live_url, "worker2")
    assert "/accounts/mfa/verify/" in page.url
    axe_check(page, context="on the code page")
    page.get_by_label("One-time code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")


def test_sign_in_helper_types_the_authenticator_code(
    page: Any, live_url: str, demo: Any, mfa_required: None, sign_in: Any
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=demo.supervisor, name="Authenticator app", confirmed=True)
    sign_in(page, "supervisor")
    assert "/accounts/mfa/" not in page.url
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
