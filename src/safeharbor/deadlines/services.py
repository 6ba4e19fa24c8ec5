from __future__ import annotations

from django.db import IntegrityError, transaction

from safeharbor.accounts.models import User
from safeharbor.deadlines.models import Notification


def notification_send(
    *, recipient: User, kind: str, message: str, link: str = "", dedupe_key: str | None = None
) -> Notification | None:
    """Put an in-app notification in a person's inbox; at most once per `dedupe_key`.

    Messages carry no child's name: the link leads to the record, behind the permission door.
    """
    if recipient.agency_id is None:
        return None
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    notification = Notification(
        agency_id=recipient.agency_id, recipient=recipient, kind=kind, message=message, link=link, dedupe_key=dedupe_key
    )
    notification.full_clean()
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return None
    return notification
