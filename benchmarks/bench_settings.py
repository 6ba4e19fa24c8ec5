"""Settings for the benchmark server: the production settings, plus a query counter and the floor view.

    DJANGO_SETTINGS_MODULE=benchmarks.bench_settings (set by benchmarks/run.py)

Everything else is `safeharbor.settings` unchanged (run.py sets SAFEHARBOR_ENV=production, DEBUG off,
MFA required). `BENCH_ROOT_URLCONF` picks the URL map (default: benchmarks.bench_urls, which is
safeharbor.urls plus the floor views).
"""

from __future__ import annotations

import os

from safeharbor.settings import *  # noqa: F403
from safeharbor.settings import MIDDLEWARE

ROOT_URLCONF = os.environ.get("BENCH_ROOT_URLCONF", "benchmarks.bench_urls")
# Outermost, so it counts every query of the request (session, user, MFA device, view, session save).
MIDDLEWARE = ["benchmarks.bench_middleware.QueryCountMiddleware", *MIDDLEWARE]
