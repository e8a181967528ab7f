"""How a benchmark prints its results: one aligned ``name  value`` line each, and, when asked,
the same as JSON in a file (for comparing runs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def report(results: dict[str, Any], json_out: Path | None = None) -> None:
    """Print ``results`` one per line; also write them as JSON to ``json_out`` if given."""
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    if json_out:
        json_out.write_text(json.dumps(results, indent=2) + "\n")
