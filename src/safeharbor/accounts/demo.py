"""Demo accounts may skip the second factor, and only while DEBUG is on (accounts/mfa.py).

Partners, auditors and admins never may (permissions.may_skip_mfa), so their demo accounts are not
marked: signing in as them in `make run` walks through TOTP enrolment, as in production.
"""

from __future__ import annotations

from safeharbor.accounts.models import User
from safeharbor.accounts.roles import ALWAYS_MFA
from safeharbor.core.demo import DemoContext


def populate(ctx: DemoContext) -> None:
    exempt = [user.pk for user in ctx.users.values() if not user.roles.intersection(ALWAYS_MFA)]
    User.objects.filter(pk__in=exempt, mfa_exempt_in_demo=False).update(mfa_exempt_in_demo=True)
