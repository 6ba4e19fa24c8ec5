"""Issue 14 item 6: a child's name or date of birth never reaches an access log.

The pages send a search and the duplicate check as POST (youth/tests/test_views.py proves the pages
still work), and every access log the project configures drops query strings: runserver's
`django.server` logger (settings LOGGING) and gunicorn's access and error logs (deploy/gunicorn.conf.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import runpy
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.urls import reverse

from safeharbor.core.logfilters import StripQueryString, strip_query_strings
from safeharbor.core.testing import factories as f
from safeharbor.youth.search import youth_reindex

NAME = "Zephyrine"  # fictional, and distinctive enough that no other log line holds it
FAMILY = "Quillfeather"
DOB = "2012-03-04"
GUNICORN_CONF = Path(settings.PROJECT_DIR) / "deploy" / "gunicorn.conf.py"


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextmanager
def captured(*names: str) -> Iterator[list[str]]:
    """Every message the named loggers emit (at any level) while the block runs, after their filters."""
    handler = _Lines()
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def _holds_personal_data(lines: list[str]) -> list[str]:
    return [line for line in lines if NAME in line or FAMILY in line or DOB in line]


# --- The filter ---------------------------------------------------------------------------------------


def test_strip_query_strings_keeps_the_path():
    line = f'"GET /youth/?q={NAME}+{FAMILY}&date_of_birth={DOB} HTTP/1.1" 200 5120'
    assert strip_query_strings(line) == '"GET /youth/ HTTP/1.1" 200 5120'
    assert (
        strip_query_strings("Bad request syntax ('GET /x?q=Ann HTTP/1.1')") == "Bad request syntax ('GET /x HTTP/1.1')"
    )
    assert strip_query_strings('"POST /youth/ HTTP/1.1" 200 12') == '"POST /youth/ HTTP/1.1" 200 12'


def test_django_server_logger_strips_a_synthetic_runserver_record():
    """A record exactly as runserver's request handler makes it, passed through the configured logger."""
    logger = logging.getLogger("django.server")
    assert any(isinstance(item, StripQueryString) for item in logger.filters), "settings LOGGING lost the filter"
    record = logger.makeRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /youth/?q={NAME}+{FAMILY}&date_of_birth={DOB} HTTP/1.1", "200", "5120"),
        None,
        extra={"status_code": 200, "server_time": "01/Dec/2026 10:00:00"},
    )
    assert logger.filter(record)
    assert record.getMessage() == '"GET /youth/ HTTP/1.1" 200 5120'
    # The runserver formatter of settings LOGGING still formats it.
    handler = logging.getLogger("django.server").handlers[0]
    assert handler.format(record).endswith('"GET /youth/ HTTP/1.1" 200 5120')


def test_a_real_runserver_request_line_loses_its_query_string():
    """Django's own runserver request handler, over a socket: the access line names the path only."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler, allow_reuse_address=False)
    server.set_app(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with captured("django.server") as lines:
            port = server.server_address[1]
            url = f"http://127.0.0.1:{port}/youth/?q={NAME}+{FAMILY}&date_of_birth={DOB}"
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.read() == b"ok"
            # The server thread logs the request after the response went out: wait for its line.
            for _ in range(100):
                if lines:
                    break
                time.sleep(0.05)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert lines, "runserver wrote no access line"
    assert not _holds_personal_data(lines), lines
    assert any('"GET /youth/ HTTP/1.1" 200' in line for line in lines), lines


# --- The pages ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_search_leaves_no_name_in_any_log_line_or_url(personas, login):
    """Search and duplicate check by a distinctive name: nothing logged holds it, and no link or htmx
    request URL in the pages holds it (so no later request can carry it into an access log)."""
    for number in range(30):  # more than a page, so the results have page links
        youth = f.YouthFactory(
            agency=personas.agency,
            legal_first_name=NAME,
            legal_last_name=f"{FAMILY}{number:02d}",
            date_of_birth=dt.date(2012, 3, 4),
        )
        f.AssignmentFactory(youth=youth, worker=personas.worker, start=dt.date(2025, 1, 1))
        youth_reindex(youth=youth)
    client = login(personas.worker)
    search = {"q": f"{NAME} {FAMILY}", "date_of_birth": DOB, "scope": "all"}
    with captured("", "django.server", "django.request", "django.security", "safeharbor") as lines:
        page = client.get(reverse("youth:list"))
        full = client.post(reverse("youth:list"), search)
        partial = client.post(reverse("youth:list"), {**search, "page": "2"}, HTTP_HX_REQUEST="true")
        bad = client.post(reverse("youth:list"), {**search, "date_of_birth": "not-a-date"})
        duplicates = client.post(
            reverse("youth:duplicates"), {"legal_first_name": NAME, "legal_last_name": f"{FAMILY}01"}
        )
    assert page.status_code == 200 and full.status_code == 200 and partial.status_code == 200
    assert bad.status_code == 400
    assert duplicates.status_code == 200 and "data-duplicate-warning" in duplicates.content.decode()
    assert f"{FAMILY}00" in full.content.decode() and "Page 1 of 2" in full.content.decode()
    assert "Page 2 of 2" in partial.content.decode()
    assert not _holds_personal_data(lines), lines
    for response in (page, full, partial, bad):
        body = response.content.decode()
        urls = re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', body)
        assert urls and not _holds_personal_data(urls), urls
        assert 'method="get"' not in body and "hx-get=" not in body
        assert "hx-push-url" not in body


@pytest.mark.django_db
def test_a_name_in_a_search_url_is_not_used(personas, login):
    """An old bookmark with ?q=... shows the plain list: the search runs only from a POST body."""
    client = login(personas.worker)
    response = client.get(reverse("youth:list"), {"q": "no such youth at all", "scope": "mine"})
    assert response.status_code == 200
    assert personas.youth.display_name in response.content.decode()
    assert response.context["searching"] is False


# --- gunicorn ---------------------------------------------------------------------------------------


def _gunicorn_logger() -> Any:
    """gunicorn's Config loaded from deploy/gunicorn.conf.py (as `gunicorn -c` does), and its logger."""
    from gunicorn.config import Config

    cfg = Config()
    for key, value in runpy.run_path(str(GUNICORN_CONF)).items():
        if key in cfg.settings and value is not None:
            cfg.set(key, value)
    return cfg, cfg.logger_class(cfg)


def test_gunicorn_access_format_names_the_path_without_query_or_referrer():
    cfg, _ = _gunicorn_logger()
    assert "%(U)s" in cfg.access_log_format
    for atom in ("%(r)s", "%(q)s", "%(f)s", "{referer}i"):
        assert atom not in cfg.access_log_format


def test_gunicorn_access_and_error_lines_hold_no_query_string():
    _cfg, logger = _gunicorn_logger()
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/youth/?q={NAME}+{FAMILY}",
        "PATH_INFO": "/youth/",
        "QUERY_STRING": f"q={NAME}+{FAMILY}&date_of_birth={DOB}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.10",
        "HTTP_REFERER": f"https://safeharbor.example/youth/?q={NAME}",
        "HTTP_USER_AGENT": "test",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    request = SimpleNamespace(headers=[])
    lines = _Lines()
    logger.access_log.addHandler(lines)
    logger.error_log.addHandler(lines)
    try:
        logger.access(response, request, environ, dt.timedelta(milliseconds=12))
        logger.error("Error handling request %s", f"/youth/?q={NAME}+{FAMILY}")
    finally:
        logger.access_log.removeHandler(lines)
        logger.error_log.removeHandler(lines)
    assert len(lines.lines) == 2, lines.lines
    assert not _holds_personal_data(lines.lines), lines.lines
    assert '"GET /youth/ HTTP/1.1" 200 512' in lines.lines[0]
    assert lines.lines[1] == "Error handling request /youth/"
