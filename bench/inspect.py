"""`stats` and `check` against `build` on one synthetic hall: they read and assemble it, and render nothing.

    python -m bench.inspect --size 10000 [--dir bench/out/inspect]

Times (wall, whole process, one run each on the same machine): a cold build, then `stats` and `check` with the
cache that build left, then both again on a fresh checkout (no `.cache/`), and the peak memory of each.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import generate

NOW = "2024-11-01 12:00"


def timed(args: list[str]) -> tuple[float, float]:
    """Seconds and peak MiB of one `releasehall` process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "releasehall", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000, help="items: 50 releases + questions per department")
    parser.add_argument("--dir", type=Path, default=Path("bench/out/inspect"))
    args = parser.parse_args(argv)
    site = args.dir / f"hall-{args.size}"
    if site.exists():
        shutil.rmtree(site)
    departments = max(1, args.size // 50)
    generate(site, departments, 30, 20)
    common = ["--site", str(site), "--now", NOW]
    rows = [("build (cold)", timed(["build", *common, "--no-cache"]))]
    rows.append(("stats (cache kept)", timed(["stats", *common])))
    rows.append(("check (cache kept)", timed(["check", *common])))
    shutil.rmtree(site / ".cache")
    rows.append(("stats (fresh checkout)", timed(["stats", *common])))
    rows.append(("check (fresh checkout)", timed(["check", *common])))
    print(f"{args.size} items ({departments} departments), --now {NOW}")
    for name, (seconds, _peak) in rows:
        print(f"  {name:24} {seconds:7.1f} s")
    print(f"  peak of any one process: {rows[-1][1][1]:.0f} MiB (RUSAGE_CHILDREN)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
