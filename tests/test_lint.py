"""The tree passes ``ruff check`` (the pyflakes rules of ``[tool.ruff.lint]`` in pyproject.toml).

A test rather than a separate CI step, so that the README's one test command, and therefore
``.ci/run``, runs it: an unused import or an undefined name fails the suite with ruff's own
report. ruff is pinned in the ``test`` extra, so a new ruff release cannot fail CI by itself.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"ruff check failed:\n{result.stdout}{result.stderr}"


def test_ruff_reads_the_projects_rules():
    """A guard against the test above passing vacuously: ruff, run the same way, does find an
    unused import in a file written to break the rule."""
    source = "import os\n"
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--stdin-filename",
                             "core/_lint_probe.py", "-"], cwd=ROOT, input=source, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1 and "F401" in result.stdout, result.stdout + result.stderr
