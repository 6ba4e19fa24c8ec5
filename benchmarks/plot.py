"""Growth: p95 of every page against the number of youth, from benchmarks/results/run-*.json.

    .venv/bin/python benchmarks/plot.py [--clients 8]

Writes benchmarks/results/growth-c<clients>.json (p95 and queries per page at each size, the 10k -> largest ratio)
and benchmarks/results/growth-p95-c<clients>.png.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def load(clients: str) -> dict[int, dict[str, Any]]:
    by_size: dict[int, dict[str, Any]] = {}
    for path in sorted(RESULTS.glob("run-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if clients not in data.get("levels", {}):
            continue
        # At one size keep the largest database's latest file (state and 300k have the same youth).
        by_size[int(data["youth"])] = data
    return dict(sorted(by_size.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", default="8")
    args = parser.parse_args(argv)
    runs = load(args.clients)
    if not runs:
        print("no results with that client count", file=sys.stderr)
        return 1
    sizes = list(runs)
    pages = [p for p in next(iter(runs.values()))["median"] if p != "floor_audit"]
    growth: dict[str, Any] = {"clients": int(args.clients), "sizes": sizes, "pages": {}}
    for page in pages:
        p95 = [runs[s]["median"].get(page, {}).get(args.clients, {}).get("p95_ms") for s in sizes]
        queries = [runs[s]["median"].get(page, {}).get(args.clients, {}).get("queries") for s in sizes]
        entry: dict[str, Any] = {"p95_ms": p95, "queries": queries}
        if 10_000 in runs and p95[sizes.index(10_000)] and p95[-1]:
            entry["ratio_largest_over_10k"] = round(p95[-1] / p95[sizes.index(10_000)], 2)
        growth["pages"][page] = entry
    (RESULTS / f"growth-c{args.clients}.json").write_text(json.dumps(growth, indent=1) + "\n", encoding="utf-8")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5.5), dpi=110)
    for page in pages:
        ys = growth["pages"][page]["p95_ms"]
        xs = [s for s, y in zip(sizes, ys, strict=True) if y is not None]
        ax.plot(
            xs, [y for y in ys if y is not None], marker="o", label=page, linestyle="--" if page == "floor" else "-"
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("youth in the database")
    ax.set_ylabel(f"p95 latency, ms ({args.clients} concurrent clients)")
    ax.set_title("SafeHarbor: p95 per page against data size (PostgreSQL, gunicorn, loopback)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    out = RESULTS / f"growth-p95-c{args.clients}.png"
    fig.savefig(out)
    print(f"wrote {out} and growth-c{args.clients}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
