"""`deidentify` (RULES.md §8): properties checked against a linear program built from the published
table alone, worked examples, and the contract on the CLI and the API.

The linear program here is the acceptance check's, written independently of `reports.rules`: the
hidden entries are the variables (``"<t"``: 1..t-1, ``"*"``: 0 and up), the shown entries constants,
rows sum to their totals, columns to theirs, both kinds of total to the grand total. Its constraint
matrix is a network matrix (totally unimodular), so its minimum and maximum are integers: max - min >= 1
means at least two integer tables agree with what is published.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from safeharbor.core import rules_registry
from safeharbor.core.ruleinput import RuleInputError
from safeharbor.reports.rules import deidentify

PROPERTY = settings(max_examples=200, deadline=None)


def run(counts: list[list[int]], threshold: int | None = None, columns: int | None = None) -> dict[str, Any]:
    width = columns if columns is not None else (len(counts[0]) if counts else 0)
    data: dict[str, Any] = {
        "rows": [f"r{i}" for i in range(len(counts))],
        "columns": [f"c{j}" for j in range(width)],
        "counts": counts,
    }
    if threshold is not None:
        data["threshold"] = threshold
    return rules_registry.run("deidentify", data)


# --- The published table as a linear system -----------------------------------------------------


def _entries(out: dict[str, Any]) -> list[tuple[tuple[Any, ...], Any]]:
    entries: list[tuple[tuple[Any, ...], Any]] = []
    for i, row in enumerate(out["cells"]):
        for j, value in enumerate(row):
            entries.append((("cell", i, j), value))
    entries += [(("row", i), value) for i, value in enumerate(out["row_totals"])]
    entries += [(("column", j), value) for j, value in enumerate(out["column_totals"])]
    entries.append((("grand",), out["grand_total"]))
    return entries


def feasible_ranges(
    out: dict[str, Any], threshold: int, *, also_hidden: set[tuple[Any, ...]] | None = None
) -> dict[tuple[Any, ...], tuple[float, float]]:
    """min and max of every "<t" entry over what `out` publishes (with `also_hidden` hidden as "*")."""
    small = f"<{threshold}"
    entries = _entries(out)
    hidden = [key for key, value in entries if isinstance(value, str) or key in (also_hidden or set())]
    index = {key: k for k, key in enumerate(hidden)}
    shown = {key: value for key, value in entries if key not in index}
    m, n = len(out["cells"]), len(out["column_totals"])

    equations: list[list[tuple[tuple[Any, ...], int]]] = []
    for i in range(m):
        equations.append([*((("cell", i, j), 1) for j in range(n)), (("row", i), -1)])
    for j in range(n):
        equations.append([*((("cell", i, j), 1) for i in range(m)), (("column", j), -1)])
    equations.append([*((("row", i), 1) for i in range(m)), (("grand",), -1)])
    equations.append([*((("column", j), 1) for j in range(n)), (("grand",), -1)])

    a_eq = np.zeros((len(equations), len(hidden)))
    b_eq = np.zeros(len(equations))
    for e, terms in enumerate(equations):
        for key, sign in terms:
            if key in index:
                a_eq[e, index[key]] += sign
            else:
                b_eq[e] -= sign * shown[key]
    bounds = []
    for key in hidden:
        value = dict(entries)[key]
        bounds.append((1, threshold - 1) if value == small else (0, None))

    ranges: dict[tuple[Any, ...], tuple[float, float]] = {}
    for key in hidden:
        if dict(entries)[key] != small:
            continue
        objective = np.zeros(len(hidden))
        objective[index[key]] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert low.status == 0 and high.status == 0, (key, low.message, high.message)
        ranges[key] = (low.fun, -high.fun)
    return ranges


def truth(counts: list[list[int]], width: int) -> dict[str, Any]:
    return {
        "cells": counts,
        "row_totals": [sum(row) for row in counts],
        "column_totals": [sum(row[j] for row in counts) for j in range(width)],
        "grand_total": sum(map(sum, counts)),
    }


# --- Strategies ---------------------------------------------------------------------------------

value = st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 80), st.integers(81, 5000))


@st.composite
def tables(draw: Any, max_rows: int = 6, max_columns: int = 6) -> list[list[int]]:
    m = draw(st.integers(1, max_rows))
    n = draw(st.integers(1, max_columns))
    return draw(st.lists(st.lists(value, min_size=n, max_size=n), min_size=m, max_size=m))


thresholds = st.sampled_from([11, 11, 11, 5, 3])


# --- Properties ---------------------------------------------------------------------------------


@PROPERTY
@given(counts=tables(), threshold=thresholds)
def test_shown_values_are_the_truth_and_small_values_are_never_shown(counts: list[list[int]], threshold: int):
    out = run(counts, threshold)
    true = truth(counts, len(counts[0]))
    small = f"<{threshold}"
    for (key, published), (_, real) in zip(_entries(out), _entries(true), strict=True):
        if isinstance(published, int) and not isinstance(published, bool):
            assert published == real, key
            assert not 1 <= real < threshold, key
        elif published == small:
            assert 1 <= real < threshold, key  # a "<t" entry never hides a value of t or more
        else:
            assert published == "*", key
            assert not 1 <= real < threshold, key  # a small value is "<t", never "*"
    hidden_cells = [[i, j] for i, row in enumerate(out["cells"]) for j, v in enumerate(row) if isinstance(v, str)]
    assert out["suppressed"] == hidden_cells


@PROPERTY
@given(counts=tables(), threshold=thresholds)
def test_no_small_entry_can_be_worked_out(counts: list[list[int]], threshold: int):
    out = run(counts, threshold)
    ranges = feasible_ranges(out, threshold)
    pinned = set(deidentify(counts, threshold).pinned)
    for key, (low, high) in ranges.items():
        if key in pinned:
            continue
        assert high - low >= 1 - 1e-7, (key, low, high, out)
    if threshold == 11:
        assert not pinned, out
    if pinned:
        # Only where hiding every entry would still pin it: the structure, not the choice, is at fault.
        everything = {key for key, _ in _entries(out)}
        worst = feasible_ranges(out, threshold, also_hidden=everything)
        for key in pinned:
            low, high = worst[key]
            assert high - low < 1e-7, (key, worst)


@settings(max_examples=100, deadline=None)
@given(counts=tables(max_rows=4, max_columns=4), threshold=st.sampled_from([11, 5]))
def test_no_complement_is_hidden_for_nothing(counts: list[list[int]], threshold: int):
    """Showing any one "*" entry again would let some "<t" entry be worked out."""
    out = run(counts, threshold)
    true = truth(counts, len(counts[0]))
    for key, published in _entries(out):
        if published != "*":
            continue
        reshown = json.loads(json.dumps(out))
        real = dict(_entries(true))[key]
        if key[0] == "cell":
            reshown["cells"][key[1]][key[2]] = real
        elif key[0] == "row":
            reshown["row_totals"][key[1]] = real
        elif key[0] == "column":
            reshown["column_totals"][key[1]] = real
        else:
            reshown["grand_total"] = real
        ranges = feasible_ranges(reshown, threshold)
        assert any(high - low < 1 - 1e-7 for low, high in ranges.values()), (key, out)


@PROPERTY
@given(counts=tables(), data=st.data())
def test_adding_zero_rows_and_columns_changes_nothing(counts: list[list[int]], data: Any):
    before = run(counts)
    m, n = len(counts), len(counts[0])
    new_rows = sorted(data.draw(st.lists(st.integers(0, m), max_size=3)))
    new_columns = sorted(data.draw(st.lists(st.integers(0, n), max_size=2)))
    row_map = [i + sum(1 for p in new_rows if p <= i) for i in range(m)]
    column_map = [j + sum(1 for p in new_columns if p <= j) for j in range(n)]
    width = n + len(new_columns)
    grown = [[0] * width for _ in range(m + len(new_rows))]
    for i in range(m):
        for j in range(n):
            grown[row_map[i]][column_map[j]] = counts[i][j]
    after = run(grown)
    for i in range(m):
        assert after["row_totals"][row_map[i]] == before["row_totals"][i]
        for j in range(n):
            assert after["cells"][row_map[i]][column_map[j]] == before["cells"][i][j]
    for j in range(n):
        assert after["column_totals"][column_map[j]] == before["column_totals"][j]
    assert after["grand_total"] == before["grand_total"]
    assert after["suppressed"] == [[row_map[i], column_map[j]] for i, j in before["suppressed"]]
    zero_rows = set(range(len(grown))) - set(row_map)
    zero_columns = set(range(width)) - set(column_map)
    for i in zero_rows:
        assert after["cells"][i] == [0] * width and after["row_totals"][i] == 0
    for j in zero_columns:
        assert after["column_totals"][j] == 0


@PROPERTY
@given(counts=tables(), threshold=thresholds)
def test_the_same_table_gives_the_same_answer(counts: list[list[int]], threshold: int):
    assert run(counts, threshold) == run([list(row) for row in counts], threshold)


# --- Worked examples ----------------------------------------------------------------------------


def test_one_small_cell_of_two_by_three_needs_a_rectangle_of_three_complements():
    out = run([[3, 50, 60], [40, 45, 70]])
    assert out == {
        "cells": [["<11", "*", 60], ["*", "*", 70]],
        "row_totals": [113, 155],
        "column_totals": [43, 95, 130],
        "grand_total": 268,
        "suppressed": [[0, 0], [0, 1], [1, 0], [1, 1]],
    }
    low, high = feasible_ranges(out, 11)[("cell", 0, 0)]
    assert (low, high) == (1, 10)


def test_the_complements_are_the_smallest_rectangle():
    out = run([[5, 900, 30, 800], [700, 600, 20, 500], [40, 400, 35, 300]])
    # (0,0) with (0,2), (2,0), (2,2): 30 + 40 + 35, the cheapest of the rectangles through it.
    assert out["suppressed"] == [[0, 0], [0, 2], [2, 0], [2, 2]]
    assert out["cells"][0] == ["<11", 900, "*", 800]
    assert out["row_totals"] == [1735, 1820, 775]


def test_a_table_without_small_values_is_shown_whole():
    counts = [[11, 12], [0, 40]]
    assert run(counts) == {**truth(counts, 2), "suppressed": []}


def test_all_zeros_are_shown():
    assert run([[0, 0], [0, 0]]) == {
        "cells": [[0, 0], [0, 0]],
        "row_totals": [0, 0],
        "column_totals": [0, 0],
        "grand_total": 0,
        "suppressed": [],
    }


def test_an_empty_table():
    assert run([], columns=2) == {
        "cells": [],
        "row_totals": [],
        "column_totals": [0, 0],
        "grand_total": 0,
        "suppressed": [],
    }
    assert run([[], []]) == {
        "cells": [[], []],
        "row_totals": [0, 0],
        "column_totals": [],
        "grand_total": 0,
        "suppressed": [],
    }


def test_a_one_by_one_small_table_hides_everything():
    out = run([[4]])
    assert out == {
        "cells": [["<11"]],
        "row_totals": ["<11"],
        "column_totals": ["<11"],
        "grand_total": "<11",
        "suppressed": [[0, 0]],
    }
    assert all(high - low >= 1 for low, high in feasible_ranges(out, 11).values())


def test_a_single_row_hides_a_second_cell_and_its_column_total():
    # The row total is the grand total; each column total is its cell.
    out = run([[3, 50, 60]])
    assert out == {
        "cells": [["<11", "*", 60]],
        "row_totals": [113],
        "column_totals": ["<11", "*", 60],
        "grand_total": 113,
        "suppressed": [[0, 0], [0, 1]],
    }


def test_a_small_total_is_protected_too():
    out = run([[6, 3], [100, 200]])
    assert out["row_totals"][0] == "<11"
    assert out["cells"][0] == ["<11", "<11"]
    assert all(high - low >= 1 for low, high in feasible_ranges(out, 11).values())


def test_a_total_can_be_the_complement():
    # One column: a second cell of the column must go, and with it the row total of its row.
    out = run([[3], [500]])
    assert out["cells"] == [["<11"], ["*"]]
    assert out["row_totals"] == ["<11", "*"]
    assert out["column_totals"] == [503]
    assert all(high - low >= 1 for low, high in feasible_ranges(out, 11).values())


def test_another_threshold_is_honoured():
    out = run([[3, 50], [40, 45]], threshold=5)
    assert out["cells"] == [["<5", "*"], ["*", "*"]]


def test_threshold_two_cannot_protect_a_one():
    result = deidentify([[1, 40], [40, 40]], threshold=2)
    assert result.cells[0][0] == "<2"
    assert result.pinned == [("cell", 0, 0)]


def test_fifty_by_fifty_is_quick():
    import random
    import time

    generator = random.Random(16)
    counts = [[generator.choice([0, 1, 2, 5, 9, 12, 30, 200, 4000]) for _ in range(50)] for _ in range(50)]
    started = time.perf_counter()
    result = deidentify(counts)
    assert time.perf_counter() - started < 10
    assert not result.pinned


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"rows": ["a", "b"], "columns": ["x", "y"], "counts": [[1, 2], [3]]}, "counts"),
        ({"rows": ["a"], "columns": ["x", "y"], "counts": [[1, -2]]}, "counts"),
        ({"rows": ["a"], "columns": ["x", "y"], "counts": [[1, 2.5]]}, "counts"),
        ({"rows": ["a"], "columns": ["x", "y"], "counts": [[1, 2.0]]}, "counts"),
        ({"rows": ["a"], "columns": ["x", "y"], "counts": [[1, True]]}, "counts"),
        ({"rows": ["a"], "columns": ["x", "y"], "counts": [[1, "2"]]}, "counts"),
        ({"rows": ["a"], "columns": ["x", "y"], "counts": [[1, None]]}, "counts"),
        ({"rows": ["a"], "columns": ["x", "y"], "counts": [3, 4]}, "counts"),
        ({"rows": ["a"], "columns": ["x", "y"], "counts": {"a": [3, 4]}}, "counts"),
        ({"rows": ["a"], "columns": ["x", "y"]}, "counts"),
        ({"rows": ["a", "b"], "columns": ["x", "y"], "counts": [[1, 2]]}, "rows"),
        ({"rows": [], "columns": ["x", "y"], "counts": [[1, 2]]}, "rows"),
        ({"rows": "a", "columns": ["x", "y"], "counts": [[1, 2]]}, "rows"),
        ({"rows": [["a"]], "columns": ["x", "y"], "counts": [[1, 2]]}, "rows"),
        ({"columns": ["x", "y"], "counts": [[1, 2]]}, "rows"),
        ({"rows": ["a"], "columns": ["x"], "counts": [[1, 2]]}, "columns"),
        ({"rows": ["a"], "columns": ["x", "y", "z"], "counts": [[1, 2]]}, "columns"),
        ({"rows": ["a"], "counts": [[1, 2]]}, "columns"),
        ({"rows": ["a"], "columns": ["x", "y"], "counts": [[1, 2]], "threshold": 1}, "threshold"),
        ({"rows": ["a"], "columns": ["x", "y"], "counts": [[1, 2]], "threshold": 11.0}, "threshold"),
        ({"rows": ["a"], "columns": ["x", "y"], "counts": [[1, 2]], "threshold": True}, "threshold"),
        ({"rows": ["a"], "columns": ["x", "y"], "counts": [[1, 2]], "threshold": None}, "threshold"),
    ],
)
def test_bad_input_names_the_field(data: dict[str, Any], field: str):
    with pytest.raises(RuleInputError) as caught:
        rules_registry.run("deidentify", data)
    assert caught.value.field == field


def _cli(payload: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).with_name("safeharbor"))
    return subprocess.run(
        [exe, "rules", "deidentify"], input=payload, capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_contract():
    data = {"rows": ["a", "b"], "columns": ["x", "y", "z"], "counts": [[3, 50, 60], [40, 45, 70]]}
    done = _cli(json.dumps(data))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == run(data["counts"])
    for bad, field in (
        ({**data, "counts": [[3, 50, 60], [40, 45]]}, "counts"),
        ({**data, "counts": [[3, -50, 60], [40, 45, 70]]}, "counts"),
        ({**data, "rows": ["a"]}, "rows"),
        ({**data, "columns": ["x"]}, "columns"),
        ({**data, "threshold": 1}, "threshold"),
    ):
        failed = _cli(json.dumps(bad))
        assert failed.returncode == 2, (bad, failed.stdout)
        assert failed.stdout == ""
        assert failed.stderr.startswith(f"{field}:"), failed.stderr
        assert "Traceback" not in failed.stderr


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(counts=tables(max_rows=3, max_columns=3))
def test_api_answers_like_the_cli(counts: list[list[int]], personas: Any, client: Any):
    client.force_login(personas.worker, backend="django.contrib.auth.backends.ModelBackend")
    data = {"rows": [f"r{i}" for i in range(len(counts))], "columns": list("abc")[: len(counts[0])], "counts": counts}
    response = client.post("/api/v1/rules/deidentify", data, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == run(counts)


@pytest.mark.django_db
def test_api_bad_input_is_400_naming_the_field(personas: Any, client: Any):
    client.force_login(personas.worker, backend="django.contrib.auth.backends.ModelBackend")
    url = "/api/v1/rules/deidentify"
    for bad, field in (
        ({"rows": ["a"], "columns": ["x", "y"], "counts": [[1, -1]]}, "counts"),
        ({"rows": ["a", "b"], "columns": ["x", "y"], "counts": [[1, 2], [3]]}, "counts"),
        ({"rows": ["a", "b"], "columns": ["x", "y"], "counts": [[1, 2]]}, "rows"),
        ({"rows": ["a"], "columns": ["x"], "counts": [[1, 2]]}, "columns"),
    ):
        response = client.post(url, bad, content_type="application/json")
        assert response.status_code == 400
        assert field in response.json()
