"""How fast does ``medoffice --help`` start, against a bare ``python -c "import click"``?

Both are measured in the same run, alternating, as the median of repeated runs, so the ratio
holds on any machine. ``--version`` is reported too. Run:

    .venv/bin/python bench/cli_startup.py --repeat 21

The ``--help`` run lists the enabled plugins' commands, so it reads the practice's plugin
choices; point ``MEDOFFICE_DB`` at a demo practice to measure the realistic case.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    python = sys.executable
    medoffice = str(Path(python).with_name("medoffice"))
    cases = {
        "python -c 'import click' (baseline)": [python, "-c", "import click"],
        "medoffice --help": [medoffice, "--help"],
        "medoffice --version": [medoffice, "--version"],
    }
    for argv in cases.values():  # warm the file cache and byte-code
        timed(argv)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeat):
        for name, argv in cases.items():
            samples[name].append(timed(argv))
    baseline = statistics.median(samples["python -c 'import click' (baseline)"])
    print("| command | median (ms) | ratio to baseline |\n|---|---:|---:|")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"| {name} | {median * 1000:.0f} | {median / baseline:.2f}x |")


if __name__ == "__main__":
    main()
