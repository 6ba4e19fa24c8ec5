from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def anchor_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test exports chain heads to its own directory."""
    directory = tmp_path / "anchors"
    settings.AUDIT_ANCHOR_DIR = directory
    return directory
