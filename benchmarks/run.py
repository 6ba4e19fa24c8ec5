"""Measure SafeHarbor's key pages against a real server on loopback (issue 10).

    .venv/bin/python benchmarks/run.py --db shbench_state [--runs 3] [--clients 1,8,32] [--workers 4]

Starts gunicorn with production settings (SAFEHARBOR_ENV=production, DEBUG off, a random SECRET_KEY,
MFA required; plain HTTP on 127.0.0.1 only), signs clients in through the sign-in and one-time-code
pages, then for 1, 8 and 32 concurrent clients sends a fixed number of requests each to every page and
records p50 / p95 / p99 latency, throughput, the SQL queries each request ran (X-Bench-Queries, from
benchmarks/bench_middleware.py) and, for the fuzzy search, whether the right youth came first. The
floor (/bench/floor/, benchmarks/bench_urls.py) is measured in the same run; every page is also given
as a ratio to it. Results: benchmarks/results/run-<db>.json (every run and the medians).

Bounded: each client sends a fixed number of requests; the server listens on 127.0.0.1 only and is
stopped at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import signal
import statistics
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import BENCH_PASSWORD, PREFIX, db_url, totp_key_for  # noqa: E402

HOST = "127.0.0.1"
DEFAULT_REQUESTS = {1: 40, 8: 15, 32: 6}
WARMUP = 2
WARMUP_CONCURRENCY = 8  # twice the default number of gunicorn workers
YOUTH_LINK = re.compile(r'href="/youth/(\d+)/"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- HTTP --------------------------------------------------------------------------------------


@dataclass
class Jar:
    cookies: dict[str, str] = field(default_factory=dict)

    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def take(self, response: http.client.HTTPResponse) -> None:
        for raw in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = raw.partition("=")
            value = rest.split(";", 1)[0]
            if value in ('""', ""):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float


def request(port: int, method: str, path: str, jar: Jar, body: bytes | None = None, ctype: str = "") -> Reply:
    headers = {"Host": f"{HOST}:{port}", "Cookie": jar.header(), "Accept": "text/html,application/json"}
    if body is not None:
        headers["Content-Type"] = ctype
        csrf = jar.cookies.get("sh_csrf")
        if csrf:
            headers["X-CSRFToken"] = csrf
        headers["Referer"] = f"http://{HOST}:{port}/"
    start = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    seconds = time.perf_counter() - start
    jar.take(response)
    return Reply(
        response.status, {k.lower(): v for k, v in response.getheaders()}, data.decode("utf-8", "replace"), seconds
    )


def totp_now(hex_key: str, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), as django-otp's TOTP devices check it."""
    counter = int((at if at is not None else time.time()) // 30)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def sign_in(port: int, username: str) -> Jar:
    jar = Jar()
    page = request(port, "GET", "/accounts/login/", jar)
    token = CSRF_INPUT.search(page.body)
    assert token, f"no CSRF token on the sign-in page ({page.status})"
    form = urlencode({"csrfmiddlewaretoken": token.group(1), "username": username, "password": BENCH_PASSWORD})
    reply = request(port, "POST", "/accounts/login/", jar, form.encode(), "application/x-www-form-urlencoded")
    assert reply.status == 302, f"sign-in of {username} answered {reply.status}"
    step = reply.headers["location"]
    page = request(port, "GET", step, jar)
    for _ in range(3):  # the home page sends an unverified session on to the one-time-code step
        if page.status != 302:
            break
        step = page.headers["location"]
        page = request(port, "GET", step, jar)
    token = CSRF_INPUT.search(page.body)
    assert token, f"no CSRF token on the one-time-code page ({page.status}, {step})"
    form = urlencode({"csrfmiddlewaretoken": token.group(1), "otp_token": totp_now(totp_key_for(username))})
    reply = request(port, "POST", step, jar, form.encode(), "application/x-www-form-urlencoded")
    assert reply.status == 302, f"one-time code of {username} answered {reply.status}"
    home = request(port, "GET", "/", jar)
    assert home.status == 200, f"home of {username} answered {home.status}"
    return jar


# --- What to ask for ---------------------------------------------------------------------------


@dataclass
class Fixture:
    workers: list[str]
    caseloads: dict[str, list[int]]
    screenings: dict[int, int]
    coordinator: str
    auditor: str
    probes: list[tuple[str, int]]  # (query, expected youth id)
    audit_youth: list[int]


def _typo(word: str, k: int) -> str:
    if len(word) < 4:
        return word + word[-1]
    i = 1 + k % (len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def load_fixture(url: str) -> Fixture:
    import psycopg

    with psycopg.connect(url) as conn:
        agency_id = conn.execute("SELECT id FROM agency_agency WHERE slug = 'bench-01'").fetchone()[0]
        workers = [
            r[0]
            for r in conn.execute(
                "SELECT username FROM accounts_user WHERE username LIKE 'a01-worker%%' ORDER BY username LIMIT 8"
            )
        ]
        caseloads: dict[str, list[int]] = {}
        screenings: dict[int, int] = {}
        for name in workers:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT a.youth_id FROM youth_assignment a JOIN accounts_user u ON u.id = a.worker_id "
                    'WHERE u.username = %s AND a."end" IS NULL ORDER BY a.youth_id',
                    [name],
                )
            ]
            caseloads[name] = ids
            for youth_id, sid in conn.execute(
                "SELECT DISTINCT ON (youth_id) youth_id, id FROM screening_screening "
                "WHERE youth_id = ANY(%s) AND status = 'finalised' ORDER BY youth_id, id DESC",
                [ids],
            ):
                screenings[youth_id] = sid
        rows = conn.execute(
            "SELECT min(id), min(legal_first_name), min(legal_last_name) FROM youth_youth "
            "WHERE agency_id = %s AND csec_status <> 'no_known_risk' "
            "GROUP BY lower(legal_first_name), lower(legal_last_name) HAVING count(*) = 1 "
            "ORDER BY min(id) LIMIT 400",
            [agency_id],
        ).fetchall()
        # Only names that no other youth of the agency carries (else "first" has two right answers).
        clash = {
            (r[0].lower(), r[1].lower())
            for r in conn.execute(
                "SELECT legal_first_name, legal_last_name FROM youth_youth WHERE agency_id = %s "
                "GROUP BY legal_first_name, legal_last_name HAVING count(*) > 1",
                [agency_id],
            )
        }
        probes: list[tuple[str, int]] = []
        for k, (youth_id, first, last) in enumerate(rows):
            if (first.lower(), last.lower()) in clash:
                continue
            variant = k % 3
            if variant == 0:
                query = f"{last} {first}"  # swapped
            elif variant == 1:
                query = f"{first} {_typo(last, k)}"  # typo in the family name
            else:
                query = f"{_typo(last, k)} {first}"  # both
            probes.append((query, youth_id))
            if len(probes) >= 60:
                break
        coordinator = conn.execute(
            "SELECT username FROM accounts_user WHERE username LIKE 'a01-coord%%' ORDER BY username LIMIT 1"
        ).fetchone()[0]
        auditor = conn.execute(
            "SELECT username FROM accounts_user WHERE username LIKE 'a01-auditor%%' ORDER BY username LIMIT 1"
        ).fetchone()[0]
    audit_youth = [y for ids in caseloads.values() for y in ids][:50]
    return Fixture(workers, caseloads, screenings, coordinator, auditor, probes, audit_youth)


@dataclass
class Page:
    name: str
    role: str  # worker, coordinator, auditor
    make: Callable[[Fixture, str, int], tuple[str, str, bytes | None, str]]
    expect: int = 200


def _worker_youth(fx: Fixture, user: str, i: int) -> int:
    ids = fx.caseloads[user]
    return ids[i % len(ids)]


def _screening_of(fx: Fixture, user: str, i: int) -> int:
    ids = [y for y in fx.caseloads[user] if y in fx.screenings]
    return fx.screenings[ids[i % len(ids)]]


RULE_BODY = json.dumps(
    {
        "assessed_on": "2026-06-01",
        "date_of_birth": "2011-02-03",
        "age_verified": True,
        "indicators": ["runaway_history", "older_partner", "unexplained_possessions", "late_hours"],
        "facts": [],
    }
).encode()

PAGES: list[Page] = [
    Page("floor", "worker", lambda fx, u, i: ("GET", "/bench/floor/", None, "")),
    Page("floor_audit", "worker", lambda fx, u, i: ("GET", "/bench/floor-audit/", None, "")),
    Page("home", "worker", lambda fx, u, i: ("GET", "/", None, "")),
    Page("youth_list", "worker", lambda fx, u, i: ("GET", "/youth/", None, "")),
    Page(
        "search",
        "coordinator",
        lambda fx, u, i: ("GET", "/youth/?" + urlencode({"q": fx.probes[i % len(fx.probes)][0]}), None, ""),
    ),
    Page("profile", "worker", lambda fx, u, i: ("GET", f"/youth/{_worker_youth(fx, u, i)}/", None, "")),
    Page("screening", "worker", lambda fx, u, i: ("GET", f"/screening/{_screening_of(fx, u, i)}/", None, "")),
    Page("rules_api", "worker", lambda fx, u, i: ("POST", "/api/v1/rules/screening", RULE_BODY, "application/json")),
    Page("queue", "coordinator", lambda fx, u, i: ("GET", "/mdt/queue/", None, "")),
    Page("audit_search", "auditor", lambda fx, u, i: ("GET", "/audit/", None, "")),
    Page(
        "audit_by_youth",
        "auditor",
        lambda fx, u, i: ("GET", "/audit/?" + urlencode({"youth": fx.audit_youth[i % len(fx.audit_youth)]}), None, ""),
    ),
]


# --- Measuring ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure(
    port: int, fx: Fixture, page: Page, jars: dict[str, list[tuple[str, Jar]]], clients: int, per_client: int
) -> dict[str, Any]:
    pool = jars[page.role]
    latencies: list[float] = []
    server_ms: list[float] = []
    queries: set[int] = set()
    errors: list[str] = []
    right_first = [0, 0]
    lock = threading.Lock()

    def one(client: int, i: int) -> None:
        user, jar = pool[client % len(pool)]
        index = client * per_client + i
        method, path, body, ctype = page.make(fx, user, index)
        reply = request(port, method, path, jar, body, ctype)
        with lock:
            if reply.status != page.expect:
                errors.append(f"{reply.status} {path}")
                return
            latencies.append(reply.seconds * 1000)
            server_ms.append(float(reply.headers.get("x-bench-server-ms", "nan")))
            queries.add(int(reply.headers.get("x-bench-queries", "-1")))
            if page.name == "search":
                expected = fx.probes[index % len(fx.probes)][1]
                found = YOUTH_LINK.search(reply.body)
                right_first[1] += 1
                right_first[0] += bool(found and int(found.group(1)) == expected)

    # Warm-up, not measured: WARMUP rounds of WARMUP_CONCURRENCY simultaneous requests, so that every
    # gunicorn worker has served this page once (compiled its templates, loaded its caches, opened
    # its connection). Sequential warm-up requests tend to land on the same worker.
    def warm(w: int) -> None:
        user, jar = pool[w % len(pool)]
        method, path, body, ctype = page.make(fx, user, 10_000 + w)
        request(port, method, path, jar, body, ctype)

    for round_ in range(WARMUP):
        threads = [
            threading.Thread(target=warm, args=(round_ * WARMUP_CONCURRENCY + k,)) for k in range(WARMUP_CONCURRENCY)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def client_loop(client: int) -> None:
        for i in range(per_client):
            try:
                one(client, i)
            except Exception as exc:
                with lock:
                    errors.append(repr(exc)[:200])

    threads = [threading.Thread(target=client_loop, args=(c,)) for c in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    result: dict[str, Any] = {
        "clients": clients,
        "requests": len(latencies),
        "errors": errors[:5],
        "error_count": len(errors),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "server_p50_ms": round(percentile(server_ms, 0.50), 1),
        "throughput_rps": round(len(latencies) / wall, 1) if wall else None,
        "queries": sorted(queries),
        "load1": round(os.getloadavg()[0], 1),
    }
    if page.name == "search":
        result["right_first"] = f"{right_first[0]}/{right_first[1]}"
    return result


# --- The server --------------------------------------------------------------------------------


def server_env(url: str) -> dict[str, str]:
    data_dir = ROOT / "benchmarks" / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SAFEHARBOR_", "DATABASE_"))}
    env.update(
        {
            "SAFEHARBOR_ENV": "production",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": HOST,
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "MFA_REQUIRED": "1",
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}",
            "SAFEHARBOR_DATA_DIR": str(data_dir),
            "AUDIT_ANCHOR_DIR": str(data_dir / "anchors"),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = server_env(url)
    venv = ROOT / ".venv" / "bin"
    subprocess.run([str(venv / "safeharbor"), "collectstatic", "--noinput", "-v", "0"], check=True, env=env, cwd=ROOT)
    log = open(ROOT / "benchmarks" / "var" / "gunicorn.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            str(venv / "gunicorn"),
            "safeharbor.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )
    for _ in range(120):
        time.sleep(0.5)
        if proc.poll() is not None:
            raise SystemExit("gunicorn stopped at start; see benchmarks/var/gunicorn.log")
        try:
            if request(port, "GET", "/accounts/login/", Jar()).status == 200:
                return proc
        except OSError:
            continue
    proc.send_signal(signal.SIGTERM)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- Main --------------------------------------------------------------------------------------


def medians(runs: list[dict[str, dict[str, dict[str, Any]]]]) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for page in runs[0]:
        out[page] = {}
        for level in runs[0][page]:
            cells = [run[page][level] for run in runs if level in run.get(page, {})]
            merged: dict[str, Any] = {}
            for key in ("p50_ms", "p95_ms", "p99_ms", "mean_ms", "server_p50_ms", "throughput_rps"):
                values = [c[key] for c in cells if c.get(key) is not None]
                merged[key] = round(statistics.median(values), 1) if values else None
            merged["queries"] = sorted({q for c in cells for q in c["queries"]})
            merged["error_count"] = sum(c["error_count"] for c in cells)
            if "right_first" in cells[0]:
                merged["right_first"] = [c["right_first"] for c in cells]
            out[page][level] = merged
        for level, cell in out[page].items():
            floor = out.get("floor", {}).get(level, {}).get("p50_ms")
            if floor and cell.get("p50_ms") is not None:
                cell["p50_over_floor"] = round(cell["p50_ms"] / floor, 2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help=f"a generated database ({PREFIX}*)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--requests", help="requests per client per level, e.g. 40,15,6 (same order as --clients)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--pages", help="comma-separated subset of pages")
    parser.add_argument("--out", help="JSON file (default benchmarks/results/run-<db>.json)")
    args = parser.parse_args(argv)
    url = db_url(args.db)
    levels = [int(x) for x in args.clients.split(",")]
    per_client = (
        [int(x) for x in args.requests.split(",")] if args.requests else [DEFAULT_REQUESTS.get(c, 6) for c in levels]
    )
    pages = [p for p in PAGES if not args.pages or p.name in args.pages.split(",")]
    fx = load_fixture(url)
    (ROOT / "benchmarks" / "var").mkdir(parents=True, exist_ok=True)
    proc = start_server(url, args.port, args.workers)
    runs: list[dict[str, dict[str, dict[str, Any]]]] = []
    try:
        jars: dict[str, list[tuple[str, Jar]]] = {
            "worker": [(u, sign_in(args.port, u)) for u in fx.workers],
            "coordinator": [(fx.coordinator, sign_in(args.port, fx.coordinator))],
            "auditor": [(fx.auditor, sign_in(args.port, fx.auditor))],
        }
        for run in range(args.runs):
            results: dict[str, dict[str, dict[str, Any]]] = {}
            for page in pages:
                results[page.name] = {}
                for clients, n in zip(levels, per_client, strict=True):
                    cell = measure(args.port, fx, page, jars, clients, n)
                    results[page.name][str(clients)] = cell
                    print(
                        f"run {run + 1} {page.name:15s} c={clients:2d} p50={cell['p50_ms']:7.1f} "
                        f"p95={cell['p95_ms']:7.1f} p99={cell['p99_ms']:7.1f} rps={cell['throughput_rps']} "
                        f"q={cell['queries']} err={cell['error_count']}"
                        + (f" right_first={cell['right_first']}" if "right_first" in cell else ""),
                        flush=True,
                    )
            runs.append(results)
    finally:
        stop_server(proc)
    import psycopg

    with psycopg.connect(url) as conn:
        youth = conn.execute("SELECT count(*) FROM youth_youth").fetchone()[0]
    summary = {
        "database": args.db,
        "youth": youth,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "gunicorn_workers": args.workers,
        "cpus": os.cpu_count(),
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        "levels": dict(zip([str(c) for c in levels], per_client, strict=True)),
        "median": medians(runs),
        "runs": runs,
    }
    out = Path(args.out) if args.out else ROOT / "benchmarks" / "results" / f"run-{args.db.removeprefix(PREFIX)}.json"
    out.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
