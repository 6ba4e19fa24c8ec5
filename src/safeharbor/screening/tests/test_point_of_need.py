"""Point-of-need help: every indicator on the screening form links its guidance page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from safeharbor.screening.codes import INDICATORS
from safeharbor.screening.models import Screening

pytestmark = pytest.mark.django_db


def test_each_indicator_links_its_help_page_with_a_distinct_accessible_name(personas, login):
    client = login(personas.worker)
    client.post(f"/screening/youth/{personas.youth.pk}/start/")
    screening = Screening.objects.get(youth=personas.youth)
    page = client.get(f"/screening/{screening.pk}/").content.decode()
    links = re.findall(r'<a class="usa-link sh-indicator__guide" href="([^"]+)"[^>]*>(.*?)</a>', page, re.S)
    assert [href for href, _ in links] == [reverse("guidance:indicator-help", kwargs={"code": c}) for c in INDICATORS]
    names = [re.sub(r"<[^>]+>", "", text) for _, text in links]
    assert len(set(names)) == len(INDICATORS)
    assert all(name.startswith("Help: ") for name in names)
    assert "Help: Sexually provocative clothing (opens in a new tab)" in names
    assert all('target="_blank" rel="noopener"' in m for m in re.findall(r"<a[^>]*sh-indicator__guide[^>]*>", page))


def test_every_linked_help_page_opens(personas, login):
    client = login(personas.worker)
    for code in INDICATORS:
        response = client.get(reverse("guidance:indicator-help", kwargs={"code": code}))
        assert response.status_code == 200, code
