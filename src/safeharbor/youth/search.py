"""Name search and duplicate detection across legal names, preferred names and aliases."""

from __future__ import annotations

from safeharbor.youth.models import Youth


def youth_reindex(*, youth: Youth) -> None:
    """Refresh the search keys of one youth (legal, preferred and alias names)."""
    return None
