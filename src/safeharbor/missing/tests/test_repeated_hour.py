"""Missing-episode pages at the autumn clock change: 01:30 on 2 November 2025 in Los Angeles came twice."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from safeharbor.core.timeutils import agency_zone
from safeharbor.missing.models import MissingEpisode
from safeharbor.missing.tests.helpers import make_episode

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2025, 11, 4, 12, 0, tzinfo=LA)


def test_reporting_at_a_repeated_time_asks_which_one_and_keeps_the_answer(personas, login):
    assert agency_zone(personas.agency) == LA
    with time_machine.travel(NOW, tick=False):
        client = login(personas.worker)
        url = reverse("missing:report", args=[personas.youth.pk])
        data = {"episode_type": "ran_away", "last_seen_at": "", "discovered_at": "2025-11-02T01:30"}

        asked = client.post(url, data)
        assert asked.status_code == 400  # as for any invalid form on this page
        html = asked.content.decode()
        assert "01:30 on 2 November 2025 occurs twice" in html
        assert "usa-error-message" in html
        assert '<fieldset class="usa-fieldset margin-top-2 sh-fold-choice" id="id_discovered_at_fold">' in html
        assert "When the agency learned the youth was missing: which 01:30 on 2 November 2025?" in html
        assert 'name="discovered_at_fold"' in html
        assert "01:30 PDT (UTC\u22127, the first 01:30)" in html
        assert "01:30 PST (UTC\u22128, the second 01:30)" in html
        assert personas.youth.display_name not in html.split("<form", 1)[1].split("</form>", 1)[0]
        assert not MissingEpisode.objects.filter(youth=personas.youth).exists()

        done = client.post(url, {**data, "discovered_at_fold": "1"})
        assert done.status_code == 302
        episode = MissingEpisode.objects.get(youth=personas.youth)
        assert episode.discovered_at == datetime(2025, 11, 2, 9, 30, tzinfo=UTC)  # 01:30 PST, the second


def test_recording_the_return_at_the_first_of_two_times(personas, login):
    with time_machine.travel(datetime(2025, 11, 1, 20, 0, tzinfo=LA), tick=False):
        episode = make_episode(personas, hours_ago=2)
    with time_machine.travel(NOW, tick=False):
        client = login(personas.worker)
        url = reverse("missing:return", args=[episode.pk])
        asked = client.post(url, {"return-at": "2025-11-02T01:30"})
        assert asked.status_code == 400
        html = asked.content.decode()
        assert 'name="return-at_fold"' in html
        assert "When the youth returned to care: which 01:30 on 2 November 2025?" in html
        done = client.post(url, {"return-at": "2025-11-02T01:30", "return-at_fold": "0"})
        assert done.status_code == 302
        episode.refresh_from_db()
        assert episode.returned_at == datetime(2025, 11, 2, 8, 30, tzinfo=UTC)  # 01:30 PDT, the first


def test_a_skipped_time_is_refused_with_a_field_error(personas, login):
    with time_machine.travel(datetime(2025, 3, 10, 12, 0, tzinfo=LA), tick=False):
        client = login(personas.worker)
        url = reverse("missing:report", args=[personas.youth.pk])
        response = client.post(url, {"episode_type": "ran_away", "discovered_at": "2025-03-09T02:30"})
        assert response.status_code == 400
        assert (
            "This time does not exist on 9 March 2025: clocks moved from 02:00 to 03:00." in response.content.decode()
        )
        assert not MissingEpisode.objects.filter(youth=personas.youth).exists()
