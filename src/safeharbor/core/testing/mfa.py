"""Test helper: complete the second factor in a browser when the sign-in flow asks for it."""

from __future__ import annotations

from typing import Any


def complete_second_factor(page: Any, username: str) -> None:
    """If the page asks for a one-time code, type the current code of the user's TOTP device."""
    field = page.locator("input[name=otp_token]")
    if field.count() == 0:
        return
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        return
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    field.fill(f"{code:0{device.digits}d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state("networkidle")
