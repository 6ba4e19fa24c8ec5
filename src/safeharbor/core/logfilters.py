"""Logging filters: an access log names the path, never the query string.

A query string can carry a child's name or date of birth (an old bookmark, an API client that still
searches with GET, a hand-typed URL), and access logs are kept and shipped with far less care than the
database. `StripQueryString` is set on runserver's `django.server` logger (settings LOGGING) and on
gunicorn's access and error logs (`deploy/gunicorn.conf.py`): it rewrites each record's message with
everything from a `?` to the next space or quote removed, so `"GET /youth/?q=Ada HTTP/1.1" 200 512`
becomes `"GET /youth/ HTTP/1.1" 200 512`.

No Django import here: the logging configuration loads this module before the apps are ready.
"""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s\"']*")


def strip_query_strings(text: str) -> str:
    """`text` with every query string (from `?` up to a space or a quote) removed."""
    return _QUERY.sub("", text)


class StripQueryString(logging.Filter):
    """Rewrite the record's message without query strings; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: keep the template, drop the arguments
            message = str(record.msg)
        if "?" in message:
            record.msg = strip_query_strings(message)
            record.args = None
        return True
