"""`safeharbor check --deploy --fail-level WARNING` with production settings passes (CI fails on any warning),
and production settings have the baseline's cookie, HSTS and MFA values."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAFEHARBOR = str(Path(sys.executable).with_name("safeharbor"))


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    for name in (
        "DEBUG",
        "SECURE_COOKIES",
        "MFA_REQUIRED",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    ):
        env.pop(name, None)
    env.update(
        {
            "SAFEHARBOR_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "example.test",
            "SAFEHARBOR_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "safeharbor.settings",
        }
    )
    env.update(extra)
    return env


def test_check_deploy_has_no_warning(tmp_path: Path) -> None:
    result = subprocess.run(
        [SAFEHARBOR, "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRINT_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "session_cookie": [s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,
                       s.SESSION_COOKIE_SAMESITE, s.SESSION_COOKIE_PATH],
    "csrf_cookie": [s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE],
    "hsts": [s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS],
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "mfa": s.MFA_REQUIRED,
    "axes": [s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds()],
    "idle": s.SESSION_IDLE_TIMEOUT.total_seconds(),
    "absolute": s.SESSION_ABSOLUTE_TIMEOUT.total_seconds(),
    "csp": s.CONTENT_SECURITY_POLICY,
}))
"""


def test_production_settings_follow_the_baseline(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env=production_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout)
    assert s["session_cookie"] == ["__Host-sh_session", True, True, "Lax", "/"]
    assert s["csrf_cookie"] == ["__Host-sh_csrf", True, True, "Lax"]
    assert s["hsts"] == [31536000, True]
    assert s["ssl_redirect"] is True
    assert s["mfa"] is True
    assert s["axes"] == [5, 1800.0]
    assert s["idle"] == 1800.0
    assert s["absolute"] == 12 * 3600.0
    assert "unsafe-inline" not in s["csp"]
    assert "frame-ancestors 'none'" in s["csp"]


def test_production_refuses_to_start_without_mfa(tmp_path: Path) -> None:
    result = subprocess.run(
        [SAFEHARBOR, "check"],
        env=production_env(tmp_path, MFA_REQUIRED="0"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "MFA_REQUIRED" in result.stderr
