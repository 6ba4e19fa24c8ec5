"""Every named URL requires sign-in except `safeharbor.urls.PUBLIC_URL_NAMES` (walks the URL resolver,
as 18F's tock does): an anonymous page request goes to the sign-in page; an anonymous API call is 401/403."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from safeharbor.accounts.tests.urlwalk import named_urls, walk
from safeharbor.urls import PUBLIC_URL_NAMES


def _asks_to_sign_in(response: Any, path: str) -> bool:
    if path.startswith("/api/"):
        return response.status_code in (401, 403)
    return response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_every_named_url_needs_sign_in(db: Any, client: Any) -> None:
    offenders: list[str] = []
    visited: list[str] = []

    def visit(url: Any, path: str) -> None:
        response = client.get(path)
        if response.status_code == 405:  # POST-only views: ask with POST instead
            response = client.post(path)
        if not _asks_to_sign_in(response, path):
            offenders.append(f"{url.name} {path} -> {response.status_code}")
        visited.append(url.name)

    walk(visit, skip=lambda u: u.name in PUBLIC_URL_NAMES)
    assert len(visited) > 10
    assert not offenders, "reachable without sign-in:\n" + "\n".join(offenders)


def test_public_urls_are_few_and_real(db: Any, client: Any) -> None:
    names = {u.name for u in named_urls()}
    assert names >= PUBLIC_URL_NAMES
    assert len(PUBLIC_URL_NAMES) <= 3
    for name in PUBLIC_URL_NAMES:
        # The sign-in page answers 200; single sign-on entry points (when listed) redirect.
        assert client.get(reverse(name)).status_code in (200, 302), name
