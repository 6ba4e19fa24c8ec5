"""URL map. Each app owns `urls.py` (pages, namespaced by app) and `api_urls.py` (under /api/v1/).

Every named URL requires sign-in except those in `PUBLIC_URL_NAMES` (checked by a test that walks
the resolver).
"""

from typing import Any, cast

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from safeharbor.core.views import RuleRunApi

# The single sign-on start and callback must be reachable before sign-in (they redirect to the
# sign-in page while single sign-on is off).
PUBLIC_URL_NAMES = frozenset({"accounts:login", "accounts:oidc-start", "accounts:oidc-callback"})

APPS = [
    "agency",
    "youth",
    "screening",
    "missing",
    "mdt",
    "care",
    "webaccess",
    "guidance",
    "deadlines",
    "audit",
    "reports",
]

api_v1 = [
    path("rules/<slug:name>", RuleRunApi.as_view(), name="rules-run"),
    *[path("", include(f"safeharbor.{app}.api_urls")) for app in APPS],
]

urlpatterns = [
    path("", include("safeharbor.core.urls")),
    path("accounts/", include("safeharbor.accounts.urls")),
    *[path(f"{app}/", include(f"safeharbor.{app}.urls")) for app in APPS],
    path("api/v1/", include((cast(Any, api_v1), "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "safeharbor.core.errorviews.bad_request"
handler403 = "safeharbor.core.errorviews.permission_denied"
handler404 = "safeharbor.core.errorviews.page_not_found"
handler500 = "safeharbor.core.errorviews.server_error"
