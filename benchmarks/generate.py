"""Generate a state's worth of fictional SafeHarbor data on PostgreSQL (issue 10), fast and repeatable.

    .venv/bin/python benchmarks/generate.py --scale state --db shbench_state [--keep]

Creates the database (dropping it first unless --keep), runs `safeharbor migrate`, writes the data with
COPY (benchmarks/copyload.py), rebuilds the indexes and runs ANALYZE. Same seed, same scale, same
`--today`: the same data. Every name is invented (syllables and a given-name list); nothing refers to
a real person.

Scales (youth): 1k, 10k, 100k, 300k; `state` is 300k with all the other volumes of issue 10 (58
agencies, 1,000,000 names and aliases, 600,000 screenings, 50,000 missing episodes, 20,000 MDT
referrals, 2,000 MDT sessions, 5,000,000 audit events). Smaller scales keep the same proportions.

Accounts: every user's password is BENCH_PASSWORD; every user has a confirmed TOTP authenticator whose
key is derived from the username (`totp_key_for`), so the benchmark signs in through the real
password + one-time-code pages with MFA required, as in production.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

BENCH_PASSWORD = "bench-only-fictional-password-2026"
SEED = 20261
SCALES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "300k": 300_000, "state": 300_000}
STATE_YOUTH = 300_000
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PREFIX = "shbench_"

# Share of youth with an open (current) caseload assignment: 60,000 of 300,000.
OPEN_SHARE = 0.2
CSEC_MIX = [("no_known_risk", 0.80), ("at_risk", 0.12), ("suspected_victim", 0.05), ("confirmed_victim", 0.03)]

GIVEN_EXTRA = [
    "maria",
    "jose",
    "luis",
    "ana",
    "carlos",
    "sofia",
    "diego",
    "camila",
    "mateo",
    "valeria",
    "lucia",
    "daniela",
    "emma",
    "olivia",
    "noah",
    "liam",
    "mia",
    "ava",
    "ethan",
    "aiden",
    "layla",
    "zoe",
    "nora",
    "leah",
    "hannah",
    "grace",
    "chloe",
    "ella",
    "aria",
    "luna",
    "maya",
    "jayden",
    "isaiah",
    "elijah",
    "josiah",
    "adrian",
    "angel",
    "gabriel",
    "julian",
    "ivan",
    "oscar",
    "marco",
    "nina",
    "rosa",
    "elena",
    "paola",
    "andrea",
    "jasmine",
    "kiara",
    "destiny",
    "imani",
    "aaliyah",
    "trinity",
    "serenity",
    "jada",
    "tiana",
    "keisha",
    "malik",
    "jamal",
    "darius",
    "andre",
    "terrell",
    "tyrone",
    "deshawn",
    "kai",
    "koa",
    "leilani",
    "mei",
    "lin",
    "hana",
    "yuki",
    "priya",
    "anika",
    "ravi",
    "arjun",
    "omar",
    "amir",
    "yasmin",
    "fatima",
    "samira",
    "tenzin",
]
ONSETS = [
    "Al",
    "Bar",
    "Cal",
    "Dor",
    "El",
    "Fen",
    "Gar",
    "Hal",
    "Ir",
    "Jas",
    "Kel",
    "Lor",
    "Mar",
    "Nor",
    "Or",
    "Pel",
    "Quin",
    "Ros",
    "Sal",
    "Tor",
    "Ul",
    "Val",
    "Wes",
    "Yar",
    "Zel",
    "Bran",
    "Cor",
    "Dal",
    "Es",
    "Fal",
    "Gil",
    "Har",
    "Ket",
    "Lin",
    "Mor",
    "Nev",
    "Ost",
    "Pra",
    "Rad",
    "Sten",
    "Tam",
    "Ver",
    "Wil",
]
MIDDLES = ["", "a", "e", "i", "o", "en", "an", "ar"]
ENDINGS = [
    "ton",
    "ley",
    "son",
    "ford",
    "wood",
    "man",
    "ez",
    "ski",
    "berg",
    "well",
    "ridge",
    "ward",
    "by",
    "more",
    "dale",
    "ger",
    "ick",
    "ner",
    "vale",
    "croft",
    "holm",
    "stad",
    "ino",
    "ara",
    "elli",
    "ova",
    "uez",
]
STREET = [
    "candy",
    "diamond",
    "star",
    "sky",
    "honey",
    "angel",
    "ginger",
    "storm",
    "raven",
    "blaze",
    "jewel",
    "lucky",
    "sugar",
    "velvet",
    "kitty",
    "roxy",
    "lola",
    "cash",
    "ace",
    "shadow",
]


def surnames() -> list[str]:
    return [f"{o}{m}{e}" for o in ONSETS for m in MIDDLES for e in ENDINGS]


def given_names() -> list[str]:
    from safeharbor.youth.search import _group_heads

    heads = list(_group_heads().values())
    names = sorted({*heads, *GIVEN_EXTRA})
    return [n.capitalize() for n in names]


def totp_key_for(username: str) -> str:
    """The benchmark account's TOTP key (hex, 20 bytes): derived, so run.py can compute the codes."""
    return hashlib.sha256(f"shbench-totp:{username}".encode()).hexdigest()[:40]


@dataclass
class Plan:
    scale: str
    youth: int
    agencies: int
    names: int
    screenings: int
    missing: int
    referrals: int
    sessions: int
    audit: int


def plan_for(scale: str) -> Plan:
    n = SCALES[scale]
    f = n / STATE_YOUTH
    agencies = max(1, round(58 * f))
    return Plan(
        scale=scale,
        youth=n,
        agencies=agencies,
        names=round(1_000_000 * f),
        screenings=round(600_000 * f),
        missing=round(50_000 * f),
        referrals=round(20_000 * f),
        sessions=max(6 * agencies, round(2_000 * f)),
        audit=round(5_000_000 * f),
    )


def split(total: int, weights: list[float]) -> list[int]:
    """`total` split by weights, rounding so the parts add up exactly."""
    s = sum(weights)
    out, acc, prev = [], 0.0, 0
    for w in weights:
        acc += w * total / s
        cur = round(acc)
        out.append(cur - prev)
        prev = cur
    return out


def log(msg: str, t0: float) -> None:
    print(f"[{time.perf_counter() - t0:7.1f}s] {msg}", flush=True)


# --- Database ---------------------------------------------------------------------------------


def db_url(name: str) -> str:
    if not name.startswith(PREFIX):
        raise SystemExit(f"benchmark databases are named {PREFIX}*, not {name!r}")
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


TEMPLATE = f"{PREFIX}template"


def recreate_database(name: str) -> None:
    """A fresh database, cloned from a migrated template (made once, then `migrate` only adds what is
    new), since migrating from nothing takes longer than loading a small scale."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
            migrate(db_url(TEMPLATE))
        else:
            migrate(db_url(TEMPLATE))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')


def migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "SAFEHARBOR_ENV": "development", "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    safeharbor = ROOT / ".venv" / "bin" / "safeharbor"
    subprocess.run([str(safeharbor), "migrate", "--noinput", "-v", "0"], check=True, env=env, cwd=ROOT)


# --- The generator ----------------------------------------------------------------------------


class Generator:
    def __init__(self, plan: Plan, url: str, today: date, seed: int) -> None:
        self.plan = plan
        self.url = url
        self.today = today
        self.rng = random.Random(seed)
        self.seed = seed
        self.now = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
        self.t0 = time.perf_counter()
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}

    def phase(self, name: str) -> None:
        now = time.perf_counter() - self.t0
        self.timings[name] = round(now, 1)
        log(name, self.t0)

    # -- small tables through the ORM --

    def people(self) -> None:
        from django.contrib.auth.hashers import make_password
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from safeharbor.accounts.models import RoleGrant, Unit, User
        from safeharbor.accounts.roles import Role
        from safeharbor.agency.models import Agency
        from safeharbor.screening.services import indicator_catalogue_ensure
        from safeharbor.youth.models import Facility, PlacementType

        rng = self.rng
        plan = self.plan
        weights = [1 / (i + 1) ** 0.9 for i in range(plan.agencies)]
        self.agency_youth = split(plan.youth, weights)
        password = make_password(BENCH_PASSWORD)
        agencies = Agency.objects.bulk_create(
            Agency(name=f"Bench County {i + 1:02d} (fictional)", slug=f"bench-{i + 1:02d}")
            for i in range(plan.agencies)
        )
        self.agency_ids = [a.pk for a in agencies]
        users: list[User] = []
        grants: list[tuple[str, str]] = []
        self.workers: list[list[tuple[str, int]]] = []  # per agency: (username, caseload capacity)
        unit_rows: list[Unit] = []
        unit_of_worker: dict[str, tuple[int, int]] = {}
        for ai, agency in enumerate(agencies):
            n_open = round(self.agency_youth[ai] * OPEN_SHARE)
            caps: list[tuple[str, int]] = []
            total = 0
            while total < n_open or len(caps) < 2:
                cap = rng.randint(15, 25)
                caps.append((f"a{ai + 1:02d}-worker{len(caps) + 1:04d}", cap))
                total += cap
            self.workers.append(caps)
            n_units = math.ceil(len(caps) / 8)
            for u in range(n_units):
                unit_rows.append(Unit(agency=agency, name=f"Unit {u + 1:03d}"))
            for wi, (username, _cap) in enumerate(caps):
                unit_of_worker[username] = (ai, wi // 8)
            people = [(username, Role.WORKER) for username, _ in caps]
            people += [(f"a{ai + 1:02d}-sup{u + 1:03d}", Role.SUPERVISOR) for u in range(n_units)]
            people += [(f"a{ai + 1:02d}-coord{c + 1:02d}", Role.COORDINATOR) for c in range(max(1, len(caps) // 150))]
            people += [(f"a{ai + 1:02d}-auditor{c + 1:02d}", Role.AUDITOR) for c in range(max(1, len(caps) // 300))]
            people += [(f"a{ai + 1:02d}-manager01", Role.MANAGER)]
            for username, role in people:
                first = rng.choice(GIVEN_EXTRA).capitalize()
                users.append(
                    User(
                        username=username,
                        password=password,
                        agency=agency,
                        first_name=first,
                        last_name=f"Staff{len(users) + 1}",
                        email=f"{username}@bench.invalid",
                        title=str(role.label),
                    )
                )
                grants.append((username, role))
        units = Unit.objects.bulk_create(unit_rows)
        unit_index: dict[tuple[int, int], Unit] = {}
        counter: dict[int, int] = defaultdict(int)
        for unit in units:
            ai = self.agency_ids.index(unit.agency_id)
            unit_index[(ai, counter[ai])] = unit
            counter[ai] += 1
        for user in users:
            if user.username in unit_of_worker:
                user.unit = unit_index[unit_of_worker[user.username]]
        users = User.objects.bulk_create(users, batch_size=2000)
        self.user_id = {u.username: u.pk for u in users}
        RoleGrant.objects.bulk_create(
            [RoleGrant(user_id=self.user_id[name], role=role) for name, role in grants], batch_size=5000
        )
        for (ai, ui), unit in unit_index.items():
            unit.supervisor_id = self.user_id[f"a{ai + 1:02d}-sup{ui + 1:03d}"]
            unit.manager_id = self.user_id[f"a{ai + 1:02d}-manager01"]
        Unit.objects.bulk_update(list(unit_index.values()), ["supervisor", "manager"], batch_size=2000)
        TOTPDevice.objects.bulk_create(
            [
                TOTPDevice(user_id=pk, name="Authenticator app", confirmed=True, key=totp_key_for(name))
                for name, pk in self.user_id.items()
            ],
            batch_size=5000,
        )
        facilities = []
        for ai, agency in enumerate(agencies):
            for k in range(10 + self.agency_youth[ai] // 1500):
                kind = PlacementType.GROUP_HOME if k % 3 else PlacementType.SHELTER
                facilities.append(Facility(agency=agency, name=f"Residence {k + 1:03d}", kind=kind, city="Benchville"))
        facilities = Facility.objects.bulk_create(facilities)
        self.facilities: dict[int, list[int]] = defaultdict(list)
        for fac in facilities:
            self.facilities[fac.agency_id].append(fac.pk)
        for agency in agencies:
            indicator_catalogue_ensure(agency=agency)
        self.worker_ids = [[self.user_id[name] for name, _ in caps] for caps in self.workers]
        self.coordinators = [
            [pk for name, pk in self.user_id.items() if name.startswith(f"a{ai + 1:02d}-coord")]
            for ai in range(plan.agencies)
        ]
        self.counts["users"] = len(users)
        self.counts["units"] = len(units)

    # -- youth, names, assignments, placements --

    def youth(self, processes: int = 3) -> None:
        """Youth by agency, in several processes (each agency has its own random stream and id
        ranges, so the data do not depend on how agencies are shared out)."""
        import multiprocessing

        from django.db import connections

        connections.close_all()
        order = sorted(range(self.plan.agencies), key=lambda ai: -self.agency_youth[ai])
        shares = [order[k::processes] for k in range(processes)]
        shares = [s for s in shares if s]
        with multiprocessing.get_context("fork").Pool(len(shares)) as pool:
            parts = pool.map(self._youth_part, shares)
        n = self.plan.youth
        self.y_agency = [0] * n
        self.y_worker = [0] * n
        self.y_open = [False] * n
        self.y_status = [""] * n
        counts: dict[str, int] = defaultdict(int)
        for per_agency, part_counts in parts:
            for ai, (start, workers, opens, statuses) in per_agency.items():
                end = start + len(workers)
                self.y_agency[start:end] = [ai] * len(workers)
                self.y_worker[start:end] = workers
                self.y_open[start:end] = opens
                self.y_status[start:end] = statuses
            for key, value in part_counts.items():
                counts[key] += value
        self.counts.update(counts)
        self.counts["names_and_aliases"] = counts["youth"] + counts["preferred_names"] + counts["aliases"]
        self.phase("youth, names, assignments, placements loaded")

    def _youth_part(self, agencies: list[int]) -> tuple[dict[int, Any], dict[str, int]]:
        from benchmarks.copyload import NULL, CopyWriter, text
        from safeharbor.youth.models import Alias, Assignment, NameBlockKey, NameKey, Placement, Youth
        from safeharbor.youth.search import _names_of, _phonetic, block_keys_for_token, canonical_first_name

        rng = self.rng
        plan = self.plan
        now = self.now
        lasts = surnames()
        firsts = given_names()
        w_youth = CopyWriter(
            self.url,
            Youth,
            [
                "id",
                "agency_id",
                "legal_first_name",
                "legal_middle_name",
                "legal_last_name",
                "preferred_name",
                "date_of_birth",
                "dob_verified",
                "dob_verification",
                "gender",
                "state_client_id",
                "csec_status",
                "csec_status_at",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
            now,
        )
        w_alias = CopyWriter(self.url, Alias, ["id", "youth_id", "kind", "name", "created_at"], now)
        w_key = CopyWriter(
            self.url,
            NameKey,
            ["id", "youth_id", "agency_id", "source", "alias_id", "full_name", "tokens", "phonetic", "first_canonical"],
            now,
        )
        w_block = CopyWriter(self.url, NameBlockKey, ["name_key_id", "youth_id", "agency_id", "key"], now)
        w_assign = CopyWriter(self.url, Assignment, ["youth_id", "worker_id", "start", "end"], now)
        w_place = CopyWriter(self.url, Placement, ["youth_id", "placement_type", "facility_id", "start", "end"], now)
        extra_names = plan.names - plan.youth  # preferred names + aliases
        preferred_share = 0.3
        alias_total = max(0, extra_names - round(plan.youth * preferred_share))
        alias_mean = alias_total / plan.youth
        block_cache: dict[str, list[str]] = {}
        n_preferred = 0
        starts = [sum(self.agency_youth[:ai]) for ai in range(plan.agencies)]
        # What later phases need about each youth: agency -> (first index, workers, open, status).
        out: dict[int, Any] = {}
        statuses = [s for s, _ in CSEC_MIX]
        status_weights = [w for _, w in CSEC_MIX]
        genders = ["female"] * 6 + ["male"] * 3 + ["non_binary", "transgender", "unknown"]

        class _Y:
            __slots__ = ("legal_last_name", "legal_name", "preferred_name")

        class _A:
            __slots__ = ("name", "pk")

        for ai in agencies:
            agency_id = self.agency_ids[ai]
            rng = random.Random(f"{self.seed}-youth-{ai}")
            youth_id = starts[ai]
            # Id ranges per agency, wide enough for the most names a youth can get.
            alias_id = 8 * youth_id
            key_id = 12 * youth_id
            a_workers: list[int] = []
            a_open: list[bool] = []
            a_status: list[str] = []
            out[ai] = (youth_id, a_workers, a_open, a_status)
            n = self.agency_youth[ai]
            caps = self.workers[ai]
            wids = self.worker_ids[ai]
            open_slots: list[int] = []
            for wi, (_name, cap) in enumerate(caps):
                open_slots.extend([wids[wi]] * cap)
            n_open = round(n * OPEN_SHARE)
            rng.shuffle(open_slots)
            open_flags = [True] * n_open + [False] * (n - n_open)
            rng.shuffle(open_flags)
            opened = 0
            facilities = self.facilities[agency_id]
            for local in range(n):
                youth_id += 1
                first = rng.choice(firsts)
                last = rng.choice(lasts)
                middle = rng.choice(firsts) if rng.random() < 0.4 else ""
                preferred = ""
                if rng.random() < preferred_share:
                    preferred = rng.choice(firsts)
                    n_preferred += 1
                age_days = rng.randint(10 * 365, 20 * 365)
                dob = self.today - timedelta(days=age_days)
                verified = rng.random() < 0.5
                status = rng.choices(statuses, status_weights)[0]
                is_open = open_flags[local]
                if is_open:
                    worker = open_slots[opened % len(open_slots)]
                    opened += 1
                else:
                    worker = rng.choice(wids)
                created = now - timedelta(days=rng.randint(30, 2000), seconds=rng.randint(0, 86399))
                w_youth.row(
                    youth_id,
                    agency_id,
                    first,
                    middle,
                    last,
                    preferred,
                    dob,
                    verified,
                    "birth_certificate" if verified else "",
                    rng.choice(genders),
                    f"SC{agency_id:02d}{youth_id:08d}",
                    status,
                    created + timedelta(days=20) if status != "no_known_risk" else None,
                    worker,
                    created,
                    created,
                )
                a_workers.append(worker)
                a_open.append(is_open)
                a_status.append(status)
                # Assignments: the current (or last) one, and an earlier one for a third of youth.
                start = created.date()
                if rng.random() < 0.33:
                    mid = start + timedelta(days=rng.randint(5, 25))
                    w_assign.row(youth_id, rng.choice(wids), start, mid)
                    start = mid + timedelta(days=1)
                end = (
                    None
                    if is_open
                    else min(self.today - timedelta(days=1), start + timedelta(days=rng.randint(30, 600)))
                )
                if end is not None and end < start:
                    end = start
                w_assign.row(youth_id, worker, start, end)
                # Placements: one or two.
                p_start = created.date()
                for k in range(1 if rng.random() < 0.6 else 2):
                    ptype = rng.choice(["foster_family", "relative", "group_home", "shelter", "parent"])
                    fac = rng.choice(facilities) if ptype in ("group_home", "shelter") else None
                    last_one = k == 1 or rng.random() < 0.5
                    p_end = None if (is_open and last_one) else p_start + timedelta(days=rng.randint(10, 300))
                    w_place.row(youth_id, ptype, fac, p_start, p_end)
                    if p_end is None:
                        break
                    p_start = p_end + timedelta(days=1)
                # Aliases.
                aliases: list[Any] = []
                k_alias = int(alias_mean) + (1 if rng.random() < alias_mean - int(alias_mean) else 0)
                for _ in range(k_alias):
                    r = rng.random()
                    if r < 0.45:
                        kind, name = "spelling", f"{first} {_misspell(rng, last)}"
                    elif r < 0.8:
                        kind, name = "aka", f"{rng.choice(firsts)} {last}"
                    else:
                        kind, name = "street", rng.choice(STREET).capitalize()
                    alias_id += 1
                    w_alias.row(alias_id, youth_id, kind, name, created)
                    a = _A()
                    a.name, a.pk = name, alias_id
                    aliases.append(a)
                # The search keys, exactly as youth.search.youth_reindex makes them.
                y = _Y()
                y.legal_last_name = last
                y.legal_name = " ".join(p for p in (first, middle, last) if p)
                y.preferred_name = preferred
                for source, alias, tokens in _names_of(y, aliases):  # type: ignore[arg-type]
                    key_id += 1
                    full = " ".join(tokens)[:300]
                    phon = " ".join(_phonetic(t)[0] for t in tokens)[:300]
                    canon = canonical_first_name(tokens[0])[:100] if tokens else ""
                    w_key.line(
                        f"{key_id}\t{youth_id}\t{agency_id}\t{source}\t{alias.pk if alias else NULL}\t"
                        f"{text(full)}\t{text(tokens)}\t{text(phon)}\t{text(canon)}"
                    )
                    keys: set[str] = set()
                    for token in tokens:
                        cached = block_cache.get(token)
                        if cached is None:
                            cached = [k[:64] for k in block_keys_for_token(token)]
                            block_cache[token] = cached
                        keys.update(cached)
                    prefix = f"{key_id}\t{youth_id}\t{agency_id}\t"
                    for k in sorted(keys):
                        w_block.line(prefix + text(k))
            self.phase(f"youth of agency {ai + 1}/{plan.agencies} written ({n} youth)")
        counts: dict[str, int] = {"preferred_names": n_preferred}
        for label, writer in [
            ("youth", w_youth),
            ("aliases", w_alias),
            ("name_keys", w_key),
            ("name_block_keys", w_block),
            ("assignments", w_assign),
            ("placements", w_place),
        ]:
            counts[label] = writer.close()
        return out, counts

    # -- screenings --

    def screenings(self) -> None:
        from benchmarks.copyload import CopyWriter
        from safeharbor.agency.policy import AgencyPolicy
        from safeharbor.screening.codes import INDICATORS, STATUSES
        from safeharbor.screening.models import ConfirmingFact, CsecStatusChange, Screening, ScreeningIndicator
        from safeharbor.screening.rules import screening_contract

        rng = self.rng
        now = self.now
        policy = AgencyPolicy()
        # Answer patterns, each with the rule's own recommendation (reasons and next steps).
        patterns: dict[str, list[tuple[list[str], bool, dict[str, Any]]]] = defaultdict(list)
        probe = random.Random(7)
        tries = 0
        while min((len(patterns[s]) for s in STATUSES), default=0) < 6 and tries < 5000:
            tries += 1
            k = probe.choice([0, 1, 2, 3, 4, 5, 6, 8])
            yes = sorted(probe.sample(INDICATORS, k))
            fact = probe.random() < 0.15
            data = {
                "assessed_on": "2026-06-01",
                "date_of_birth": "2011-02-03",
                "age_verified": True,
                "indicators": yes,
                "facts": [{"kind": "commercial_sex_involvement", "occurred_on": "2026-05-01"}] if fact else [],
            }
            result = screening_contract(data, policy)
            if len(patterns[result["status"]]) < 6:
                patterns[result["status"]].append((yes, fact, result))
        w_s = CopyWriter(
            self.url,
            Screening,
            [
                "id",
                "agency_id",
                "youth_id",
                "kind",
                "status",
                "assessed_on",
                "recommended_status",
                "recommended_reasons",
                "recommended_next_steps",
                "determined_status",
                "when_category",
                "created_by_id",
                "finalised_by_id",
                "finalised_at",
                "created_at",
                "updated_at",
            ],
            now,
        )
        w_a = CopyWriter(self.url, ScreeningIndicator, ["screening_id", "code", "answer"], now)
        w_f = CopyWriter(self.url, ConfirmingFact, ["screening_id", "kind", "occurred_on", "source"], now)
        w_c = CopyWriter(
            self.url,
            CsecStatusChange,
            ["youth_id", "status", "previous_status", "at", "by_id", "screening_id", "reasons"],
            now,
        )
        n_youth = self.plan.youth
        per_youth = split(self.plan.screenings, [1.0] * n_youth) if n_youth <= 2_000 else None
        mean = self.plan.screenings / n_youth
        sid = 0
        self.y_screening: list[int] = [0] * n_youth  # the latest screening of each youth (0: none)
        for yi in range(n_youth):
            if per_youth is not None:
                k = per_youth[yi]
            else:
                k = int(mean) + (1 if rng.random() < mean - int(mean) else 0)
                k = max(0, k + rng.choice([-1, 0, 0, 1]))
            status_now = self.y_status[yi]
            if status_now != "no_known_risk":
                k = max(1, k)
            if k == 0:
                continue
            youth_id = yi + 1
            agency_id = self.agency_ids[self.y_agency[yi]]
            worker = self.y_worker[yi]
            day = self.today - timedelta(days=rng.randint(200, 900))
            previous = "no_known_risk"
            for j in range(k):
                sid += 1
                last = j == k - 1
                draft = last and rng.random() < 0.05 and status_now == "no_known_risk"
                determined = status_now if last else rng.choice(["no_known_risk", "at_risk"])
                choices = patterns.get(determined) or patterns["no_known_risk"]
                yes, fact, result = rng.choice(choices)
                at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=17)
                w_s.row(
                    sid,
                    agency_id,
                    youth_id,
                    "checklist",
                    "draft" if draft else "finalised",
                    day,
                    result["status"],
                    result["reasons"],
                    result["next_steps"],
                    "" if draft else determined,
                    "in_foster_care" if (not draft and determined != "no_known_risk") else "",
                    worker,
                    None if draft else worker,
                    None if draft else at,
                    at,
                    at,
                )
                for code in yes:
                    w_a.row(sid, code, "yes")
                for code in rng.sample(INDICATORS, 2):
                    if code not in yes:
                        w_a.row(sid, code, "no")
                if fact:
                    w_f.row(sid, "commercial_sex_involvement", day - timedelta(days=20), "Police report (fictional)")
                if not draft:
                    w_c.row(youth_id, determined, previous, at, worker, sid, result["reasons"])
                    previous = determined
                self.y_screening[yi] = sid
                day = min(self.today, day + timedelta(days=rng.randint(20, 200)))
        for label, writer in [
            ("screenings", w_s),
            ("screening_answers", w_a),
            ("confirming_facts", w_f),
            ("status_changes", w_c),
        ]:
            self.counts[label] = writer.close()
        self.phase("screenings loaded")

    # -- missing episodes, their reports and duties --

    def missing(self) -> None:
        from benchmarks.copyload import CopyWriter
        from safeharbor.agency.policy import NOTICES_DEFAULT
        from safeharbor.deadlines.models import Deadline
        from safeharbor.missing.models import EpisodeReport, MissingEpisode
        from safeharbor.missing.services import KIND_LAW_ENFORCEMENT, KIND_NCMEC, KIND_NOTICE_PREFIX

        rng = self.rng
        now = self.now
        w_e = CopyWriter(
            self.url,
            MissingEpisode,
            [
                "id",
                "agency_id",
                "youth_id",
                "episode_type",
                "last_seen_at",
                "discovered_at",
                "last_seen_location",
                "status",
                "window_ends_at",
                "located_at",
                "returned_at",
                "closed_at",
                "reported_by_id",
                "created_at",
                "updated_at",
            ],
            now,
        )
        w_r = CopyWriter(
            self.url,
            EpisodeReport,
            ["episode_id", "kind", "notice_code", "made_by_id", "made_at", "made_to", "reference_number"],
            now,
        )
        w_d = CopyWriter(
            self.url,
            Deadline,
            [
                "agency_id",
                "youth_id",
                "kind",
                "subject_type",
                "subject_id",
                "title",
                "due_at",
                "owner_id",
                "met_at",
                "met_by_id",
            ],
            now,
        )
        n = self.plan.missing
        open_youth: set[int] = set()
        duties = [
            (KIND_LAW_ENFORCEMENT, "law_enforcement", "", "Report the missing youth to law enforcement for NCIC entry"),
            (KIND_NCMEC, "ncmec", "", "Report the missing youth to NCMEC"),
            *[(KIND_NOTICE_PREFIX + code, "notice", code, "24-hour notice") for code in NOTICES_DEFAULT],
        ]
        for eid in range(1, n + 1):
            yi = rng.randrange(self.plan.youth)
            youth_id = yi + 1
            agency_id = self.agency_ids[self.y_agency[yi]]
            worker = self.y_worker[yi]
            active = self.y_open[yi] and youth_id not in open_youth and rng.random() < 0.02
            if active:
                open_youth.add(youth_id)
                discovered = now - timedelta(hours=rng.randint(1, 60))
            else:
                discovered = now - timedelta(days=rng.randint(4, 1500), hours=rng.randint(0, 23))
            last_seen = discovered - timedelta(hours=rng.randint(1, 20))
            window = last_seen + timedelta(hours=72)
            returned = None if active else discovered + timedelta(hours=rng.randint(2, 200))
            status = "open" if active else "closed"
            w_e.row(
                eid,
                agency_id,
                youth_id,
                rng.choice(["ran_away", "ran_away", "ran_away", "unapproved_location", "abducted"]),
                last_seen,
                discovered,
                "Near the transit center (fictional)",
                status,
                window,
                returned,
                returned,
                None if active else returned + timedelta(days=3),
                worker,
                discovered,
                discovered,
            )
            for kind, report_kind, code, title in duties:
                done = not active or rng.random() < 0.5
                made = discovered + timedelta(hours=rng.randint(1, 20))
                if done:
                    w_r.row(eid, report_kind, code, worker, made, "Fictional agency desk", f"R{eid:07d}")
                w_d.row(
                    agency_id,
                    youth_id,
                    kind,
                    "missing.missingepisode",
                    eid,
                    title,
                    discovered + timedelta(hours=24),
                    worker,
                    made if done else None,
                    worker if done else None,
                )
        for label, writer in [("missing_episodes", w_e), ("episode_reports", w_r), ("deadlines", w_d)]:
            self.counts[label] = writer.close()
        self.phase("missing episodes loaded")

    # -- MDT referrals, sessions, slots --

    def mdt(self) -> None:
        from benchmarks.copyload import CopyWriter
        from safeharbor.mdt.models import MdtSession, Referral, Slot

        rng = self.rng
        now = self.now
        w_r = CopyWriter(
            self.url,
            Referral,
            [
                "id",
                "agency_id",
                "youth_id",
                "referred_by_id",
                "status",
                "question",
                "status_at_submission",
                "key_indicators",
                "urgent",
                "submitted_at",
                "decided_by_id",
                "decided_at",
                "accepted_on",
                "decline_reason",
                "created_at",
                "updated_at",
            ],
            now,
        )
        w_s = CopyWriter(
            self.url,
            MdtSession,
            ["id", "agency_id", "date", "room", "slots", "nominal_date", "status", "created_at", "updated_at"],
            now,
        )
        w_slot = CopyWriter(self.url, Slot, ["session_id", "position", "referral_id", "scheduled_at"], now)
        candidates = [i for i, s in enumerate(self.y_status) if s != "no_known_risk"]
        mix = [
            ("closed", 0.70),
            ("scheduled", 0.05),
            ("declined", 0.08),
            ("accepted", 0.07),
            ("submitted", 0.07),
            ("more_info", 0.03),
        ]
        statuses = [s for s, _ in mix]
        weights = [w for _, w in mix]
        scheduled_by_agency: dict[int, list[int]] = defaultdict(list)
        for rid in range(1, self.plan.referrals + 1):
            yi = rng.choice(candidates) if candidates and rng.random() < 0.9 else rng.randrange(self.plan.youth)
            agency_id = self.agency_ids[self.y_agency[yi]]
            status = rng.choices(statuses, weights)[0]
            submitted = now - timedelta(days=rng.randint(1, 1000), hours=rng.randint(0, 23))
            decided = status not in ("submitted", "more_info")
            coord = self.coordinators[self.y_agency[yi]][0]
            if status == "scheduled":
                scheduled_by_agency[agency_id].append(rid)
            w_r.row(
                rid,
                agency_id,
                yi + 1,
                self.y_worker[yi],
                status,
                "Should the team plan services and a safety plan? (fictional)",
                self.y_status[yi],
                ["runaway_history", "older_partner"],
                rng.random() < 0.15,
                submitted,
                coord if decided else None,
                submitted + timedelta(days=2) if decided else None,
                (submitted + timedelta(days=2)).date() if status in ("accepted", "scheduled", "closed") else None,
                "The youth is already served by another team (fictional)." if status == "declined" else "",
                submitted,
                submitted,
            )
        per_agency = split(self.plan.sessions, [float(x) for x in self.agency_youth])
        sid = 0
        for ai, count in enumerate(per_agency):
            agency_id = self.agency_ids[ai]
            waiting = scheduled_by_agency.get(agency_id, [])
            first = self.today.replace(day=1) - timedelta(days=30 * (count - 4))
            for k in range(count):
                sid += 1
                month = date(first.year, first.month, 1) + timedelta(days=31 * k)
                day = date(month.year, month.month, 1)
                while day.weekday() != 2:
                    day += timedelta(days=1)
                future = day >= self.today
                w_s.row(
                    sid,
                    agency_id,
                    day,
                    "Conference Room B",
                    2,
                    day,
                    "planned" if future else "held",
                    now - timedelta(days=60),
                    now - timedelta(days=60),
                )
                for pos in (1, 2):
                    ref = waiting.pop() if (future and waiting) else None
                    w_slot.row(sid, pos, ref, now - timedelta(days=3) if ref else None)
        for label, writer in [("referrals", w_r), ("mdt_sessions", w_s), ("mdt_slots", w_slot)]:
            self.counts[label] = writer.close()
        self.phase("MDT referrals and sessions loaded")

    # -- the audit log: a valid hash chain continuing from the current head --

    def audit_part(self) -> int:
        """The audit log, in its own process (it needs only the agency sizes and workers)."""
        import psycopg

        with psycopg.connect(self.url) as conn:
            self.audit(conn)
        return self.counts["audit_events"]

    def audit(self, conn: Any) -> None:
        from benchmarks.copyload import NULL, CopyWriter
        from safeharbor.audit.chain import GENESIS, digest_of
        from safeharbor.audit.models import AuditEvent

        rng = self.rng
        row = conn.execute("SELECT seq, hash FROM audit_audithead WHERE id = 1").fetchone()
        seq, prev = (int(row[0]), str(row[1])) if row else (0, GENESIS)
        last_at = conn.execute("SELECT max(at) FROM audit_auditevent").fetchone()[0]
        w = CopyWriter(
            self.url,
            AuditEvent,
            [
                "seq",
                "at",
                "agency_id",
                "actor_id",
                "action",
                "object_type",
                "object_id",
                "youth_id",
                "outcome",
                "detail",
                "prev_hash",
                "hash",
            ],
            self.now,
        )
        n = self.plan.audit
        end_us = int((self.now - timedelta(hours=1)).timestamp() * 1_000_000)
        start_us = end_us - 730 * 86_400 * 1_000_000
        if last_at is not None:
            start_us = max(start_us, int(last_at.timestamp() * 1_000_000) + 1)
        step = max(1, (end_us - start_us) // max(1, n))
        import bisect

        rng = random.Random(f"{self.seed}-audit")
        n_youth = self.plan.youth
        starts = [sum(self.agency_youth[:ai]) for ai in range(self.plan.agencies)]
        worker_ids = self.worker_ids
        agency_ids = self.agency_ids
        actions = [
            ("youth.view", 60),
            ("youth.list", 15),
            ("screening.view", 8),
            ("screening.save", 4),
            ("mdt.referral_view", 4),
            ("missing.view", 3),
            ("auth.login", 5),
            ("youth.edit", 1),
        ]
        action_pool = [a for a, w_ in actions for _ in range(w_)]
        fromts = datetime.fromtimestamp
        EMPTY, SEP = "{}", (",", ":")
        at_us = start_us
        for _ in range(n):
            seq += 1
            at_us += rng.randint(1, 2 * step - 1) if step > 1 else 1
            at_iso = fromts(at_us / 1_000_000, UTC).isoformat(timespec="microseconds")
            yi = rng.randrange(n_youth)
            ai = bisect.bisect_right(starts, yi) - 1
            agency_id = agency_ids[ai]
            wids = worker_ids[ai]
            actor = wids[rng.randrange(len(wids))]
            action = action_pool[rng.randrange(len(action_pool))]
            detail: dict[str, Any]
            if action == "youth.list":
                object_type, object_id, youth_id, detail = "", "", None, {"count": 25, "page": 1}
            elif action == "auth.login":
                object_type, object_id, youth_id, detail = "accounts.user", str(actor), None, {}
            else:
                object_type, object_id, youth_id, detail = "youth.youth", str(yi + 1), yi + 1, {}
            outcome = "denied" if rng.random() < 0.01 else "ok"
            digest = digest_of(
                prev, seq, at_iso, agency_id, actor, action, object_type, object_id, youth_id, outcome, detail
            )
            w.line(
                f"{seq}\t{at_iso}\t{agency_id}\t{actor}\t{action}\t{object_type}\t{object_id}\t"
                f"{NULL if youth_id is None else youth_id}\t{outcome}\t"
                f"{EMPTY if not detail else json.dumps(detail, separators=SEP)}\t{prev}\t{digest}"
            )
            prev = digest
        self.counts["audit_events"] = w.close()
        conn.execute("DELETE FROM audit_audithead")
        conn.execute("INSERT INTO audit_audithead (id, seq, hash) VALUES (1, %s, %s)", [seq, prev])
        conn.commit()
        self.phase("audit events loaded")


def _misspell(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


BIG_TABLES = [
    "youth_youth",
    "youth_alias",
    "youth_namekey",
    "youth_nameblockkey",
    "youth_assignment",
    "youth_placement",
    "screening_screening",
    "screening_screeningindicator",
    "screening_confirmingfact",
    "screening_csecstatuschange",
    "missing_missingepisode",
    "missing_episodereport",
    "deadlines_deadline",
    "mdt_referral",
    "mdt_mdtsession",
    "mdt_slot",
    "audit_auditevent",
]


def check_keys_match_reindex(sample: int = 40) -> None:
    """The keys written here must equal what `youth_reindex` writes: rebuild a sample with it (in a
    transaction rolled back) and compare."""
    from django.db import transaction

    from safeharbor.youth.models import NameBlockKey, NameKey, Youth
    from safeharbor.youth.search import youth_reindex

    def snapshot(ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
        out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        keys = NameKey.objects.filter(youth_id__in=ids).order_by("id")
        blocks: dict[int, list[str]] = defaultdict(list)
        for nk_id, key in NameBlockKey.objects.filter(youth_id__in=ids).values_list("name_key_id", "key"):
            blocks[nk_id].append(key)
        for k in keys:
            out[k.youth_id].append(
                (k.source, k.alias_id, k.full_name, list(k.tokens), k.phonetic, k.first_canonical, sorted(blocks[k.id]))
            )
        return out

    ids = list(Youth.objects.order_by("?").values_list("id", flat=True)[:sample])
    before = snapshot(ids)
    with transaction.atomic():
        for youth in Youth.objects.filter(id__in=ids):
            youth_reindex(youth=youth)
        after = snapshot(ids)
        transaction.set_rollback(True)
    if before != after:
        bad = [i for i in ids if before.get(i) != after.get(i)]
        raise SystemExit(f"name keys differ from youth_reindex for youth {bad[:5]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="1k")
    parser.add_argument("--db", help=f"database name (default {PREFIX}<scale>)")
    parser.add_argument("--today", help="the generation day, YYYY-MM-DD (default: today, UTC)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--processes", type=int, default=3, help="processes writing youth (default 3)")
    parser.add_argument("--keep", action="store_true", help="do not recreate the database (it must be empty)")
    args = parser.parse_args(argv)
    name = args.db or f"{PREFIX}{args.scale}"
    url = db_url(name)
    today = date.fromisoformat(args.today) if args.today else datetime.now(UTC).date()
    plan = plan_for(args.scale)
    t0 = time.perf_counter()
    if args.keep:
        migrate(url)
    else:
        recreate_database(name)  # a clone of the migrated template
    log(f"database {name} migrated", t0)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SAFEHARBOR_ENV", "development")
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeharbor.settings"
    os.environ["AUDIT_DB_APPEND_ONLY"] = "0"
    import django

    django.setup()
    import psycopg

    from benchmarks.copyload import drop_secondary_indexes, reset_sequences

    gen = Generator(plan, url, today, args.seed)
    gen.t0 = t0
    gen.people()
    gen.phase("agencies, units, users, authenticators, catalogues")
    import multiprocessing

    from django.db import connections

    with psycopg.connect(url) as conn:
        restore = drop_secondary_indexes(conn, BIG_TABLES)
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(1) as audit_pool:
            audit_job = audit_pool.apply_async(gen.audit_part)
            gen.youth(processes=args.processes)
            gen.screenings()
            gen.missing()
            gen.mdt()
            gen.counts["audit_events"] = audit_job.get()
        gen.phase("audit events loaded (in parallel)")
        conn.execute("SET maintenance_work_mem = '1GB'")
        for sql in restore:
            conn.execute(sql)
        conn.commit()
        gen.phase(f"{len(restore)} indexes and unique constraints rebuilt")
        reset_sequences(conn, [t for t in BIG_TABLES if t != "audit_auditevent"] + ["audit_auditevent"])
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
        gen.phase("VACUUM ANALYZE done")
    check_keys_match_reindex()
    gen.phase("name keys match youth_reindex on a sample")
    total = time.perf_counter() - t0
    manifest = {
        "database": name,
        "plan": asdict(plan),
        "today": today.isoformat(),
        "seed": args.seed,
        "counts": gen.counts,
        "seconds": round(total, 1),
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        "phases": gen.timings,
    }
    out = ROOT / "benchmarks" / "results" / f"generate-{args.scale}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    log(f"done in {total:.0f} s: {json.dumps(gen.counts)}", t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
