"""Where a page's time goes: every SQL query of one request, with its time, slowest first.

    .venv/bin/python benchmarks/profile_page.py --db shbench_state --user a01-worker0001 / /youth/ ...

In-process (Django test client, force_login, second factor not asked: it is measured by run.py), against
a generated database. Prints the request's total time, the number of queries and the slowest ones.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))


def main(argv: list[str] | None = None) -> int:
    from benchmarks.generate import db_url

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=6)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = db_url(args.db)
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"
    os.environ.setdefault("SAFEHARBOR_ENV", "development")
    os.environ["MFA_REQUIRED"] = "0"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from safeharbor.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=args.user), backend="django.contrib.auth.backends.ModelBackend")
    for path in args.paths:
        for attempt in range(args.repeat):
            timings: list[tuple[float, str]] = []

            def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
                start = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    timings.append(((time.perf_counter() - start) * 1000, sql))  # noqa: B023

            start = time.perf_counter()
            with connection.execute_wrapper(timer):
                response = client.get(path)
            total = (time.perf_counter() - start) * 1000
            if attempt < args.repeat - 1:
                continue
            sql_ms = sum(t for t, _ in timings)
            print(f"{path}: {response.status_code}, {total:.1f} ms, {len(timings)} queries, {sql_ms:.1f} ms in SQL")
            for ms, sql in sorted(timings, reverse=True)[: args.top]:
                print(f"   {ms:7.1f} ms  {sql[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
