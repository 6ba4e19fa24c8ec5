"""Point-of-need help: the MDT referral form links the engagement strategies."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_referral_form_links_engagement_strategies(personas, login):
    client = login(personas.worker)
    response = client.get(reverse("mdt:referral-new", kwargs={"youth_pk": personas.youth.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    href = reverse("guidance:list", kwargs={"kind": "strategies"})
    assert f'href="{href}"' in html
    assert "strategies for engaging youth" in html
    # the page it links to opens for the same worker
    assert client.get(href).status_code == 200
