"""gunicorn settings for SafeHarbor in production.

    gunicorn -c deploy/gunicorn.conf.py

Every knob comes from the environment with a safe default (GUNICORN_BIND, GUNICORN_WORKERS,
GUNICORN_TIMEOUT). The access log names the path only, never the query string or the referrer: a URL can
carry a child's name or date of birth (docs/security.md, "Logs"). `%(U)s` is the path without the query;
`%(r)s` (the request line), `%(q)s` (the query) and `%(f)s` (the referrer) are left out on purpose, and
the error log (which quotes request URIs) strips query strings too.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger

from safeharbor.core.logfilters import StripQueryString

wsgi_app = "safeharbor.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = "-"
errorlog = "-"
# Remote address, time, method, path (no query), protocol, status, bytes, duration in seconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'


class QuerylessLogger(Logger):
    """gunicorn's logger with query strings stripped from its access and error logs."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, StripQueryString) for f in log.filters):
                log.addFilter(StripQueryString())


logger_class = QuerylessLogger
