"""De-identification of aggregate tables (RULES.md §8; CalHHS Data De-identification Guidelines §4.2).

Pure: no ORM, no request. Every aggregate that leaves the system (an export, a printed county report,
the analyst role's pages) passes `deidentify`.

A table is published with its row totals, column totals and grand total. Each entry (cell or total) is
shown as its true value, or hidden:

- ``"<11"`` (``"<"`` and the threshold): *primary* suppression, the value is from 1 to threshold - 1;
- ``"*"``: *complementary* suppression, hidden only to protect another entry; it may be any size.

Zero is shown. A shown number is always the true one.

How the complements are chosen
------------------------------
The published table is a flow network: a node per row, per column, and two hub nodes, ``OUT`` and
``IN``. A cell (i, j) is the arc row i -> column j, a row total the arc OUT -> row i, a column total the
arc column j -> IN, the grand total the arc IN -> OUT. "Rows sum to their totals, columns to theirs,
totals to the grand total" is exactly flow conservation at every node. A reader who knows the shown
entries and the bounds of the hidden ones (``"<11"``: 1..threshold-1, ``"*"``: 0 and up) knows the
feasible region of that circulation; the true table is one point of it.

A hidden entry can take another value exactly when, at the true table, it lies on a cycle of the
*residual* graph of the hidden entries: an arc forward where the entry can grow, backward where it can
shrink. Pushing one unit round such a cycle gives a second integer table that agrees with everything
published, so each ``"<11"`` entry protected this way has at least two integer values (the constraint
matrix is a network matrix, so the linear-programming bounds are integers too, and max - min >= 1).

1. Primary suppression: every entry from 1 to threshold - 1.
2. For each primary entry in turn (cells row by row, then row totals, column totals, the grand total):
   if the hidden entries already give it a cycle, nothing to do; otherwise the cheapest cycle through
   it (Dijkstra over all entries; a hidden entry costs nothing, a shown one costs, in this order: one
   more hidden entry, being a zero, its value) is found and its shown entries become ``"*"``. Hiding
   more never shrinks the feasible region, so a cycle found stays a cycle.
3. Clean-up: each complement, largest first, is shown again if every primary entry whose cycle used it
   finds another; repeated until no complement can be shown. No single complement of the result can be
   shown without pinning a ``"<11"`` entry, and every hidden entry lies on a cycle, so any row or
   column (totals counted) that hides one entry hides at least two.

All-zero rows and columns take no part (their entries are shown zeros), so adding them changes nothing
else. Everything is deterministic: ties go to the entry that comes first.

Limits: with ``threshold`` 2 a ``"<2"`` entry is 1 by definition and cannot be protected; an entry
whose value the structure pins whatever is hidden (for example a 1 x 2 table ``[1, 1]`` with threshold
3, whose ``"<3"`` total forces both cells to 1) stays pinned: `DeidentifiedTable.pinned` lists them.
Runtime is a breadth-first search per primary entry plus a Dijkstra per primary entry not yet
protected: well under a second for 50 x 50 tables, about a second at the limit of 100 x 100.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from safeharbor.agency.policy import AgencyPolicy
from safeharbor.core.ruleinput import RuleInputError, get, read_int
from safeharbor.core.rules_registry import RuleContract

DEFAULT_THRESHOLD = 11
COMPLEMENT_MARK = "*"
MAX_ROWS = 100  # bounds the run time (about a second at 100 x 100); aggregate further for more
MAX_COLUMNS = 100

Entry = int | str
# Where an entry sits: ("cell", i, j), ("row", i), ("column", j) or ("grand",)
Position = tuple[Any, ...]

_SHOWN, _PRIMARY, _COMPLEMENT = 0, 1, 2
_OUT, _IN = 0, 1  # the hub nodes: row totals leave OUT, column totals enter IN, the grand total IN -> OUT


@dataclass(frozen=True)
class DeidentifiedTable:
    cells: list[list[Entry]]
    row_totals: list[Entry]
    column_totals: list[Entry]
    grand_total: Entry
    suppressed: list[tuple[int, int]]
    pinned: list[Position]  # "<t" entries the published structure pins whatever is hidden (see Limits)

    def as_json(self) -> dict[str, Any]:
        return {
            "cells": [list(row) for row in self.cells],
            "row_totals": list(self.row_totals),
            "column_totals": list(self.column_totals),
            "grand_total": self.grand_total,
            "suppressed": [[r, c] for r, c in self.suppressed],
        }


class _Network:
    """The circulation of a table without all-zero rows and columns, and which entries are hidden."""

    def __init__(self, counts: Sequence[Sequence[int]], threshold: int) -> None:
        self.threshold = threshold
        m = len(counts)
        n = len(counts[0]) if m else 0
        self.m, self.n = m, n
        self.nodes = 2 + m + n
        tails: list[int] = []
        heads: list[int] = []
        values: list[int] = []
        positions: list[Position] = []

        def add(tail: int, head: int, value: int, position: Position) -> None:
            tails.append(tail)
            heads.append(head)
            values.append(value)
            positions.append(position)

        for i in range(m):
            for j in range(n):
                add(self.row_node(i), self.column_node(j), counts[i][j], ("cell", i, j))
        row_totals = [sum(row) for row in counts]
        column_totals = [sum(counts[i][j] for i in range(m)) for j in range(n)]
        for i in range(m):
            add(_OUT, self.row_node(i), row_totals[i], ("row", i))
        for j in range(n):
            add(self.column_node(j), _IN, column_totals[j], ("column", j))
        add(_IN, _OUT, sum(row_totals), ("grand",))
        self.tails, self.heads, self.values, self.positions = tails, heads, values, positions
        self.edge_between: dict[tuple[int, int], int] = {}
        self.incident: list[list[int]] = [[] for _ in range(self.nodes)]
        for k, (a, b) in enumerate(zip(tails, heads, strict=True)):
            # One entry joins any two nodes, so a pair of nodes names its entry.
            self.edge_between[(a, b)] = k
            self.edge_between[(b, a)] = k
            self.incident[a].append(k)
            self.incident[b].append(k)
        # Larger than the sum of all values and zeros on any path (see `_cost`).
        self.unit = 2 * (sum(values) + len(values)) + 1
        self.state = [_PRIMARY if 1 <= value < threshold else _SHOWN for value in values]
        # out_mask[a] has bit b when the hidden entries give an arc a -> b of the residual graph.
        self.out_mask = [0] * self.nodes
        for k, state in enumerate(self.state):
            if state != _SHOWN:
                self._add_arcs(k)

    def row_node(self, i: int) -> int:
        return 2 + i

    def column_node(self, j: int) -> int:
        return 2 + self.m + j

    # --- Residual arcs -------------------------------------------------------------------------

    def can_grow(self, k: int) -> bool:
        if self.state[k] == _PRIMARY:
            return self.values[k] < self.threshold - 1
        return True  # "*" (or a shown entry that would become one): no upper bound

    def can_shrink(self, k: int) -> bool:
        lower = 1 if self.state[k] == _PRIMARY else 0
        return self.values[k] > lower

    def _add_arcs(self, k: int) -> None:
        a, b = self.tails[k], self.heads[k]
        if self.can_grow(k):
            self.out_mask[a] |= 1 << b
        if self.can_shrink(k):
            self.out_mask[b] |= 1 << a

    def _drop_arcs(self, k: int) -> None:
        a, b = self.tails[k], self.heads[k]
        self.out_mask[a] &= ~(1 << b)
        self.out_mask[b] &= ~(1 << a)

    def hide(self, k: int) -> None:
        self.state[k] = _COMPLEMENT
        self._add_arcs(k)

    def show(self, k: int) -> None:
        self._drop_arcs(k)
        self.state[k] = _SHOWN

    # --- Cycles --------------------------------------------------------------------------------

    def _path_edges(self, nodes: list[int]) -> list[int]:
        return [self.edge_between[(a, b)] for a, b in pairwise(nodes)]

    def _reach(self, source: int, target: int) -> list[int] | None:
        """A shortest path source -> target over the hidden entries' residual arcs (bit-set BFS)."""
        parent = {source: -1}
        visited = 1 << source
        frontier = [source]
        while frontier:
            following: list[int] = []
            for a in frontier:
                new = self.out_mask[a] & ~visited
                visited |= new
                while new:
                    low = new & -new
                    new ^= low
                    b = low.bit_length() - 1
                    parent[b] = a
                    if b == target:
                        path = [b]
                        while parent[path[-1]] != -1:
                            path.append(parent[path[-1]])
                        return path[::-1]
                    following.append(b)
            frontier = following
        return None

    def hidden_cycle(self, k: int) -> frozenset[int] | None:
        """The entries of a residual cycle through entry k made of hidden entries only, or None."""
        a, b = self.tails[k], self.heads[k]
        saved_a, saved_b = self.out_mask[a], self.out_mask[b]
        self._drop_arcs(k)
        try:
            path = None
            if self.can_grow(k):
                path = self._reach(b, a)
            if path is None and self.can_shrink(k):
                path = self._reach(a, b)
        finally:
            self.out_mask[a], self.out_mask[b] = saved_a, saved_b
        if path is None:
            return None
        return frozenset([k, *self._path_edges(path)])

    def _cost(self, k: int) -> int:
        """What hiding entry k costs: one more hidden entry, then being a zero, then its value.

        One integer, ordered like the tuple (entries, zeros, value): `self.unit` exceeds any sum of
        values and zeros along a path.
        """
        if self.state[k] != _SHOWN:
            return 0
        value = self.values[k]
        return self.unit * self.unit + (self.unit if value == 0 else 0) + value

    def _cheapest(self, source: int, target: int, skip: int) -> list[int] | None:
        """Dijkstra source -> target over every entry but `skip`, a shown one costing `_cost`."""
        best = {source: 0}
        parent = {source: -1}
        done: set[int] = set()
        heap = [(0, source)]
        tails, heads, incident = self.tails, self.heads, self.incident
        while heap:
            cost, a = heapq.heappop(heap)
            if a in done:
                continue
            if a == target:
                path = [a]
                while parent[path[-1]] != -1:
                    path.append(parent[path[-1]])
                return path[::-1]
            done.add(a)
            for k in incident[a]:
                if k == skip:
                    continue
                if tails[k] == a:
                    b = heads[k]
                    if b in done or not self.can_grow(k):
                        continue
                else:
                    b = tails[k]
                    if b in done or not self.can_shrink(k):
                        continue
                candidate = cost + self._cost(k)
                if candidate < best.get(b, candidate + 1):
                    best[b] = candidate
                    parent[b] = a
                    heapq.heappush(heap, (candidate, b))
        return None

    def cheapest_cycle(self, k: int) -> frozenset[int] | None:
        """The cheapest residual cycle through entry k when any shown entry may be hidden, or None."""
        a, b = self.tails[k], self.heads[k]
        options: list[tuple[int, list[int]]] = []
        for grows, (source, target) in ((True, (b, a)), (False, (a, b))):
            if not (self.can_grow(k) if grows else self.can_shrink(k)):
                continue
            path = self._cheapest(source, target, k)
            if path is None:
                continue
            edges = self._path_edges(path)
            options.append((sum(self._cost(edge) for edge in edges), edges))
        if not options:
            return None
        _, edges = min(options, key=lambda option: option[0])
        return frozenset([k, *edges])


def _protect(network: _Network) -> list[int]:
    """Hide complements until every primary entry lies on a hidden residual cycle; return those that cannot."""
    primaries = [k for k, state in enumerate(network.state) if state == _PRIMARY]
    witness: dict[int, frozenset[int]] = {}
    pinned: list[int] = []
    for k in primaries:
        cycle = network.hidden_cycle(k)
        if cycle is None:
            cycle = network.cheapest_cycle(k)
            if cycle is None:
                pinned.append(k)
                continue
            for edge in sorted(cycle):
                if network.state[edge] == _SHOWN:
                    network.hide(edge)
        witness[k] = cycle

    changed = True
    while changed:
        changed = False
        complements = [k for k, state in enumerate(network.state) if state == _COMPLEMENT]
        complements.sort(key=lambda k: (-network.values[k], -k))
        for c in complements:
            users = [k for k, cycle in witness.items() if c in cycle]
            network.show(c)
            rerouted: dict[int, frozenset[int]] = {}
            for k in users:
                cycle = network.hidden_cycle(k)
                if cycle is None:
                    break
                rerouted[k] = cycle
            if len(rerouted) == len(users):
                witness.update(rerouted)
                changed = True
            else:
                network.hide(c)
    return pinned


def deidentify(
    counts: Sequence[Sequence[int]], threshold: int = DEFAULT_THRESHOLD, *, width: int | None = None
) -> DeidentifiedTable:
    """Suppress a table of non-negative counts and its totals (see the module docstring).

    `counts` is a rectangular list of rows; `width`, the number of columns, is needed only when there
    are no rows. Validation of untrusted input is `deidentify_contract`'s.
    """
    if threshold < 2:
        raise ValueError("threshold must be at least 2")
    m = len(counts)
    n = len(counts[0]) if m else (width or 0)
    if any(len(row) != n for row in counts):
        raise ValueError("counts must be rectangular")
    if any(value < 0 for row in counts for value in row):
        raise ValueError("counts must be non-negative")

    keep_rows = [i for i in range(m) if any(counts[i])]
    keep_columns = [j for j in range(n) if any(counts[i][j] for i in range(m))]
    network = _Network([[counts[i][j] for j in keep_columns] for i in keep_rows], threshold)
    pinned_edges = _protect(network)

    small = f"<{threshold}"
    marks = {_PRIMARY: small, _COMPLEMENT: COMPLEMENT_MARK}
    cells: list[list[Entry]] = [list(row) for row in counts]
    row_totals: list[Entry] = [sum(row) for row in counts]
    column_totals: list[Entry] = [sum(counts[i][j] for i in range(m)) for j in range(n)]
    grand_total: Entry = sum(sum(row) for row in counts)
    pinned: list[Position] = []
    for k, state in enumerate(network.state):
        if state == _SHOWN:
            continue
        position = network.positions[k]
        if position[0] == "cell":
            cells[keep_rows[position[1]]][keep_columns[position[2]]] = marks[state]
        elif position[0] == "row":
            row_totals[keep_rows[position[1]]] = marks[state]
        elif position[0] == "column":
            column_totals[keep_columns[position[1]]] = marks[state]
        else:
            grand_total = marks[state]
    for k in pinned_edges:
        position = network.positions[k]
        if position[0] == "cell":
            pinned.append(("cell", keep_rows[position[1]], keep_columns[position[2]]))
        elif position[0] == "row":
            pinned.append(("row", keep_rows[position[1]]))
        elif position[0] == "column":
            pinned.append(("column", keep_columns[position[1]]))
        else:
            pinned.append(position)
    suppressed = [(i, j) for i in range(m) for j in range(n) if isinstance(cells[i][j], str)]
    return DeidentifiedTable(
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=grand_total,
        suppressed=suppressed,
        pinned=pinned,
    )


# --- The contract: `safeharbor rules deidentify`, POST /api/v1/rules/deidentify ---------------


def _labels(data: Mapping[str, Any], field: str) -> list[Any]:
    value = get(data, field)
    if not isinstance(value, list):
        raise RuleInputError(field, f"must be a list of labels, got {type(value).__name__}")
    for index, label in enumerate(value):
        if isinstance(label, bool) or not isinstance(label, str | int | float):
            raise RuleInputError(field, f"label {index} must be a string or a number, got {label!r}")
    return value


def read_counts(data: Mapping[str, Any]) -> tuple[list[Any], list[Any], list[list[int]]]:
    """The `rows`, `columns` and `counts` of a table, checked against each other."""
    rows = _labels(data, "rows")
    columns = _labels(data, "columns")
    counts = get(data, "counts")
    if not isinstance(counts, list):
        raise RuleInputError("counts", f"must be a list of rows, got {type(counts).__name__}")
    for i, row in enumerate(counts):
        if not isinstance(row, list):
            raise RuleInputError("counts", f"row {i} must be a list of counts, got {type(row).__name__}")
    if counts:
        width = len(counts[0])
        for i, row in enumerate(counts):
            if len(row) != width:
                raise RuleInputError("counts", f"rows are ragged: row 0 has {width} counts, row {i} has {len(row)}")
    for i, row in enumerate(counts):
        for j, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, int):
                raise RuleInputError("counts", f"row {i}, column {j}: must be a whole number, got {value!r}")
            if value < 0:
                raise RuleInputError("counts", f"row {i}, column {j}: must not be negative, got {value}")
    if len(rows) != len(counts):
        raise RuleInputError("rows", f"{len(rows)} labels for {len(counts)} rows of counts")
    if len(rows) > MAX_ROWS:
        raise RuleInputError("rows", f"at most {MAX_ROWS} rows, got {len(rows)}")
    if counts and len(columns) != len(counts[0]):
        raise RuleInputError("columns", f"{len(columns)} labels for {len(counts[0])} counts in each row")
    if len(columns) > MAX_COLUMNS:
        raise RuleInputError("columns", f"at most {MAX_COLUMNS} columns, got {len(columns)}")
    return rows, columns, counts


def read_threshold(data: Mapping[str, Any]) -> int:
    if "threshold" not in data:
        return DEFAULT_THRESHOLD
    threshold = read_int(data, "threshold", minimum=2)
    assert threshold is not None
    return threshold


def deidentify_contract(data: Mapping[str, Any], policy: AgencyPolicy) -> dict[str, Any]:
    """{"rows": [label], "columns": [label], "counts": [[int]], "threshold": int (optional, 11)}."""
    _, columns, counts = read_counts(data)
    threshold = read_threshold(data)
    return deidentify(counts, threshold, width=len(columns)).as_json()


DEIDENTIFY_CONTRACT = RuleContract(
    name="deidentify",
    summary='De-identify a table of counts: "<11" below the threshold, "*" for complementary suppression.',
    handler=deidentify_contract,
)
