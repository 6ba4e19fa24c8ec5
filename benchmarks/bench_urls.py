"""The benchmark URL map: SafeHarbor's own, plus two floor views that exist only here.

- /bench/floor/: signed in, through the same middleware, one query, a tiny response. Every page's
  figure is also given as a ratio to this one.
- /bench/floor-audit/: the same plus one audit row (audit_record in a transaction), so the difference
  is what writing the audit row costs a request.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path

from safeharbor.agency.models import Agency
from safeharbor.audit.services import audit_record
from safeharbor.urls import handler400, handler403, handler404, handler500  # noqa: F401
from safeharbor.urls import urlpatterns as safeharbor_urlpatterns


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    user = request.user
    found = Agency.objects.filter(pk=getattr(user, "agency_id", None)).exists()
    return HttpResponse("floor ok" if found else "floor", content_type="text/plain")


@login_required
def floor_audit(request: HttpRequest) -> HttpResponse:
    user = request.user
    found = Agency.objects.filter(pk=getattr(user, "agency_id", None)).exists()
    with transaction.atomic():
        audit_record(actor=user, action="bench.floor")
    return HttpResponse("floor ok" if found else "floor", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("bench/floor-audit/", floor_audit, name="bench-floor-audit"),
    *safeharbor_urlpatterns,
]
