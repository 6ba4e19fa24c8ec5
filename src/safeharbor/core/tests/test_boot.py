from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command


def test_no_missing_migrations(db):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_sign_in_page_renders(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_home_requires_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_rules_cli_age_contract():
    proc = subprocess.run(
        [sys.executable, "-m", "safeharbor.cli", "rules", "age"],
        input=json.dumps({"date_of_birth": "2008-02-29", "on": "2026-02-28"}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"age": 17, "minor": True}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"on": "2026-01-01"}, "date_of_birth"),
        ({"date_of_birth": "2026-13-01", "on": "2026-01-01"}, "date_of_birth"),
        ([1, 2], "input"),
    ],
)
def test_rules_cli_bad_input_exits_2_naming_field(payload, field):
    proc = subprocess.run(
        [sys.executable, "-m", "safeharbor.cli", "rules", "age"],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith(field)
    assert len(proc.stderr.strip().splitlines()) == 1
