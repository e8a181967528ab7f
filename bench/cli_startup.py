"""How fast does ``medoffice --help`` start, against a bare ``python -c "import click"``?

Both are measured in the same run, alternating, as the median of repeated runs, so the ratio
holds on any machine. ``--version`` is reported too, and ``--help`` once more with its
remembered listing deleted before each run (``medoffice.core.cli.listing``): the first
``--help`` after an install, an upgrade or a change of the practice's plugins, which imports
every command's module and the enabled plugins. Run:

    .venv/bin/python bench/cli_startup.py --repeat 21

with the Python of the environment to measure: the editable install of the development venv,
or a regular ``pip install .`` in a scratch venv (``/tmp/venv/bin/python bench/cli_startup.py``).

The ``--help`` run lists the enabled plugins' commands, so it reads the practice's plugin
choices; point ``MEDOFFICE_DB`` at a demo practice to measure the realistic case. Every
program runs with byte-code written (``PYTHONDONTWRITEBYTECODE`` unset), as an installed
medoffice runs, so the warm-up run leaves the byte-code of every module it imports.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASELINE = "python -c 'import click' (baseline)"


def timed(argv: list[str], env: dict[str, str], before: Path | None = None) -> float:
    if before is not None:
        before.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def listing_file(python: str, env: dict[str, str]) -> Path | None:
    """Where that environment's ``medoffice --help`` keeps its listing (None: a medoffice
    older than the listing)."""
    code = "from medoffice.core.cli.listing import cache_file; print(cache_file())"
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env)
    return Path(done.stdout.strip()) if done.returncode == 0 else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json-out", type=Path, help="write the samples and medians here")
    args = parser.parse_args(argv)
    python = sys.executable
    medoffice = str(Path(python).with_name("medoffice"))
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    listing = listing_file(python, env)
    cases: dict[str, tuple[list[str], Path | None]] = {
        BASELINE: ([python, "-c", "import click"], None),
        "medoffice --help": ([medoffice, "--help"], None),
        "medoffice --version": ([medoffice, "--version"], None),
    }
    if listing is not None:
        cases["medoffice --help, listing rebuilt"] = ([medoffice, "--help"], listing)
    for command, before in cases.values():  # warm the file cache and byte-code
        timed(command, env, before)
    timed(cases["medoffice --help"][0], env)  # leave the listing for the first timed --help
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeat):
        for name, (command, before) in cases.items():
            samples[name].append(timed(command, env, before))
    timed(cases["medoffice --help"][0], env)  # leave a listing behind, as a user would have
    baseline = statistics.median(samples[BASELINE])
    medians = {name: statistics.median(values) for name, values in samples.items()}
    editable = any(Path(entry).name.startswith("__editable__") for entry in sys.path) or \
        any(name.startswith("__editable__") for name in sys.modules)
    load = os.getloadavg()
    print(f"{'editable' if editable else 'regular'} install, Python {sys.version.split()[0]}, "
          f"median of {args.repeat}; load {load[0]:.2f}\n")
    print("| command | median (ms) | ratio to baseline |\n|---|---:|---:|")
    for name, median in medians.items():
        print(f"| {name} | {median * 1000:.0f} | {median / baseline:.2f}x |")
    if args.json_out:
        args.json_out.write_text(json.dumps({"editable": editable, "load": load, "medians": medians,
                                             "samples": samples}, indent=2))


if __name__ == "__main__":
    main()
