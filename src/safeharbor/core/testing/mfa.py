"""Test helper: complete the second factor in a browser when the sign-in flow asks for it.

Two pages may ask (accounts/mfa.py): the code step (the user has an authenticator: type its current
code) and enrolment (no authenticator yet: type an enrolment code an admin of the user's agency issues,
as the admin would hand it over; read the setup key shown on the page, as a person would type it into
an app, and type the code it gives; then leave the recovery-codes page).
"""

from __future__ import annotations

import base64
import time
from typing import Any


def _totp_now(key: bytes, step: int = 30, t0: int = 0, digits: int = 6, drift: int = 0) -> str:
    from django_otp.oath import TOTP

    generator = TOTP(key, step, t0, digits, drift)
    generator.time = time.time()
    return f"{generator.token():0{digits}d}"


def _submit(page: Any, code: str) -> None:
    page.locator("input[name=otp_token]").fill(code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state("networkidle")


def _wait_for_next_step(step: int = 30) -> None:
    """A TOTP code is accepted once: wait for the next time step before typing a fresh one."""
    time.sleep(step - (time.time() % step) + 1)


def issue_enrolment_code(username: str) -> str:
    """An enrolment code for `username`, issued by an active admin of their agency (accounts/enrolment.py)."""
    from safeharbor.accounts.enrolment import enrolment_code_issue
    from safeharbor.accounts.models import User

    user = User.objects.get(username=username)
    admin = (
        User.objects.filter(agency=user.agency, is_active=True, role_grants__role="admin").exclude(pk=user.pk).first()
    )
    if admin is None:
        raise AssertionError(f"no other admin of {username}'s agency to issue an enrolment code")
    return enrolment_code_issue(actor=admin, user=user).secret


def enter_enrolment_code(page: Any, code: str) -> None:
    page.get_by_label("Enrolment code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")


def complete_second_factor(page: Any, username: str) -> None:
    """If the page asks for a one-time code, type the current code of the user's TOTP device."""
    if "/mfa/enrol/" in page.url and page.locator("input[name=enrolment_code]").count():
        enter_enrolment_code(page, issue_enrolment_code(username))
    field = page.locator("input[name=otp_token]")
    if field.count() == 0:
        return
    if "/mfa/enrol/" in page.url:
        secret = page.locator(".sh-secret").inner_text().replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        _submit(page, _totp_now(key))
        if "/mfa/recovery-codes/" in page.url:
            page.get_by_role("link", name="I saved my codes, continue").click()
            page.wait_for_load_state("networkidle")
        return
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        return
    _submit(page, _totp_now(device.bin_key, device.step, device.t0, device.digits, device.drift))
    if "/mfa/verify/" in page.url:  # that code was used already in this time step
        _wait_for_next_step(device.step)
        _submit(page, _totp_now(device.bin_key, device.step, device.t0, device.digits, device.drift))
