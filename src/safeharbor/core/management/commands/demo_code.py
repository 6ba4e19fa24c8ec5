"""`safeharbor demo_code USERNAME`: the current one-time code of a demo account's authenticator.

Partners, auditors and admins can never skip the second factor, even in the demo; this prints the code
their demo-only device shows, so the demo can be tried without a phone. Refused outside the demo
agency and outside development.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeharbor.core.management.commands.demo import DEMO_SLUG


class Command(BaseCommand):
    help = "Print the current one-time code of a demo account (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Refusing: demo codes exist only outside production.")
        device = TOTPDevice.objects.filter(
            user__username=options["username"], user__agency__slug=DEMO_SLUG, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                "No demo authenticator for that account (only demo partners, auditors and admins have one)."
            )
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
