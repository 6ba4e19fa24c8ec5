"""Input with NUL characters is a 400, never a 500 (PostgreSQL cannot store NUL in text)."""

from __future__ import annotations


def test_nul_in_query_string_is_refused(personas, login):
    client = login(personas.coordinator)
    assert client.get("/api/v1/partners/?q=%00").status_code == 400
    assert client.get("/youth/?q=a%00b").status_code == 400


def test_nul_in_a_json_body_is_refused(personas, login):
    client = login(personas.coordinator)
    response = client.post("/api/v1/partners/", '{"name": "a\\u0000b"}', content_type="application/json")
    assert response.status_code == 400


def test_ordinary_input_passes(personas, login):
    client = login(personas.coordinator)
    assert client.get("/api/v1/partners/?q=lantern").status_code == 200
