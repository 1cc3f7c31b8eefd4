"""A/B benchmark of two revisions of Release Hall on the same synthetic hall, runs interleaved.

    python -m bench.ab REV_A REV_B [--size 1000] [--rounds 5] [--no-serve] [--search]
                       [--profile [--watch MODULE[.FUNCTION] …]]

Each revision is checked out into a git worktree under `--work` (default /tmp/rh-ab) and run from
there (`python -c` with that worktree first on sys.path, so its code is imported whatever is
installed). Both build their own copy of one generated hall (bench/generate.py). Each round times,
for A then B (B then A in every other round, so a drift in the machine's load hits both alike):
a cold build (`--no-cache`, no output), a no-op rebuild, a rebuild after appending to one release
and, unless `--no-serve`, serve's save-to-reload time (median of three saves). It prints the median
of each (wall seconds and CPU seconds, user + system of the process and its workers) and B ÷ A.

Search is left out unless `--search`: the Pagefind step (`search.staged_index`) is replaced by one
that indexes nothing, since it is the same external binary for any revision and would hide the
render path's difference. With `--profile`, one cold build and one edit rebuild of each revision run
under cProfile on one core (workers would hide their time from the profile), and the own time of
each module and of the functions only B has is printed side by side; `--watch` adds the time spent
in named code paths, callees included (a module of releasehall/, or one function of it), counted
from the calls that enter it from elsewhere.
"""

from __future__ import annotations

import argparse
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.generate import generate
from bench.run import NOW, discard, edit_one, serve_reload

# Run as `python -c RUNNER ARGS…` in a revision's worktree: its own code, search optionally off, optionally profiled.
RUNNER = """\
import os, sys
sys.path.insert(0, os.getcwd())
if os.environ.get("AB_ONE_CORE"):
    os.cpu_count = lambda: 1
import releasehall
assert releasehall.__file__.startswith(os.getcwd()), releasehall.__file__
if not os.environ.get("AB_SEARCH"):
    try:
        from releasehall.outputs import search
    except ImportError:
        search = None
    if search is not None:
        if not hasattr(search, "staged_index"):
            sys.exit("bench.ab: releasehall.outputs.search has no staged_index to leave out; run with --search")
        search.staged_index = lambda *args, **kwargs: {}  # whatever its signature in that revision
from releasehall.commands.cli import main
profile = os.environ.get("AB_PROFILE")
if profile:
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()
    code = main(sys.argv[1:])
    profiler.disable()
    profiler.dump_stats(profile)
else:
    code = main(sys.argv[1:])
sys.exit(code)
"""

STEPS = ("cold", "no-op", "edit", "serve")


@dataclass
class Run:
    wall: float
    cpu: float


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def checkout(rev: str, work: Path) -> Path:
    """A detached worktree of `rev` under `work` (made once, reused by later runs)."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    tree = work / f"src-{commit[:10]}"
    if not (tree / "releasehall").is_dir():
        git("worktree", "add", "--detach", str(tree), commit)
    return tree


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> Run:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)  # usage includes the workers it forked and reaped
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd[:2])} … {' '.join(cmd[3:])} failed in {cwd}:\n{stderr[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime)


def environment(search: bool, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AB_")}
    if search:
        env["AB_SEARCH"] = "1"
    env.update(extra)
    return env


def build_cmd(hall: Path, *extra: str) -> list[str]:
    return [sys.executable, "-c", RUNNER, "build", "--site", str(hall), "--out", str(hall / "public"),
            "--now", NOW, *extra]


def one_round(tree: Path, hall: Path, work: Path, search: bool, serve: bool) -> dict[str, Run]:
    env = environment(search)
    discard(hall / "public", work)
    runs = {"cold": timed(build_cmd(hall, "--no-cache"), tree, env)}
    runs["no-op"] = timed(build_cmd(hall), tree, env)
    edit_one(hall)
    runs["edit"] = timed(build_cmd(hall), tree, env)
    if serve:
        program = [sys.executable, "-c", RUNNER]
        runs["serve"] = Run(serve_reload(hall, tree, program=program, env=env).seconds, 0.0)
    return runs


def profile(tree: Path, hall: Path, work: Path, name: str, search: bool) -> dict[str, Path]:
    """cProfile of a cold build and of an edit rebuild, on one core."""
    files = {}
    discard(hall / "public", work)
    for step, extra in (("cold", ("--no-cache",)), ("edit", ())):
        if step == "edit":
            edit_one(hall)
        files[step] = work / f"profile-{name}-{step}.pstats"
        timed(build_cmd(hall, *extra), tree, environment(search, AB_ONE_CORE="1", AB_PROFILE=str(files[step])))
    return files


def own_times(path: Path, tree: Path) -> dict[tuple[str, str], float]:
    """Own time (tottime) of each function of the revision's package: (module, function) -> seconds."""
    stats = pstats.Stats(str(path))
    package = str(tree / "releasehall")
    result: dict[tuple[str, str], float] = {}
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if filename.startswith(package):
            key = (Path(filename).stem, function)
            result[key] = result.get(key, 0.0) + tottime
    return result


def total(path: Path) -> float:
    return pstats.Stats(str(path)).total_tt  # type: ignore[attr-defined, no-any-return]


def entered(path: Path, tree: Path, watch: str) -> tuple[float, int]:
    """Time in the code path `watch` ("module" or "module.function" of the revision's releasehall/), callees
    included, summed over the calls that enter it from outside (so nested calls inside it count once); and
    how many such calls there were."""
    module, _dot, function = watch.partition(".")
    source = str(tree / "releasehall" / f"{module}.py")

    def inside(key: tuple[str, int, str]) -> bool:
        return key[0] == source and (not function or key[2] == function)

    seconds, calls = 0.0, 0
    for key, (_cc, _nc, _tt, _ct, callers) in pstats.Stats(str(path)).stats.items():  # type: ignore[attr-defined]
        if inside(key):
            for caller, (_c, count, _t, cumulative) in callers.items():
                if not inside(caller):
                    seconds += cumulative
                    calls += count
    return seconds, calls


def report_profiles(a: dict[str, Path], b: dict[str, Path], tree_a: Path, tree_b: Path, watch: list[str]) -> None:
    for step in a:
        ta, tb = own_times(a[step], tree_a), own_times(b[step], tree_b)
        print(f"\n### profile, {step} build on one core: total {total(a[step]):.2f} s (A) vs {total(b[step]):.2f} s (B)")
        if watch:
            print("time in watched code paths, callees included (s, calls):")
            for name in watch:
                (sa, na), (sb, nb) = entered(a[step], tree_a, name), entered(b[step], tree_b, name)
                print(f"  {name:28s} {sa:8.3f} {na:7d} {sb:8.3f} {nb:7d}  {100 * sb / total(b[step]):5.2f} % of B")
        print("own time by module of releasehall/ (s):")
        modules = sorted({m for m, _f in ta} | {m for m, _f in tb},
                         key=lambda m: -max(sum(t for (mm, _), t in ta.items() if mm == m),
                                            sum(t for (mm, _), t in tb.items() if mm == m)))
        for module in modules:
            sa = sum(t for (m, _f), t in ta.items() if m == module)
            sb = sum(t for (m, _f), t in tb.items() if m == module)
            if max(sa, sb) >= 0.005:
                print(f"  {module:14s} {sa:8.3f} {sb:8.3f} {sb - sa:+8.3f}")
        new = sorted(((t, k) for k, t in tb.items() if k not in ta), reverse=True)
        print(f"functions only B has: {sum(t for t, _k in new):.3f} s own time in {len(new)}; the largest:")
        for seconds, (module, function) in new[:12]:
            print(f"  {module + '.' + function:44s} {seconds:8.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rev_a")
    parser.add_argument("rev_b")
    parser.add_argument("--size", type=int, default=1000, help="items in the synthetic hall")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of A and B, interleaved")
    parser.add_argument("--work", type=Path, default=Path("/tmp/rh-ab"), help="worktrees, halls and profiles")
    parser.add_argument("--no-serve", action="store_true", help="leave out serve's save-to-reload time")
    parser.add_argument("--search", action="store_true", help="keep the Pagefind step in the builds")
    parser.add_argument("--profile", action="store_true", help="also profile a cold and an edit build of each")
    parser.add_argument("--watch", nargs="*", default=[], metavar="MODULE[.FUNCTION]",
                        help="code paths to time in the profiles, callees included")
    parser.add_argument("--keep", action="store_true", help="keep the worktrees and halls afterwards")
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    trees = {"A": checkout(args.rev_a, work), "B": checkout(args.rev_b, work)}
    source = work / f"hall-{args.size}"
    discard(source, work)
    generate(source, max(1, args.size // 50), 30, 20)
    halls = {}
    for name in trees:
        halls[name] = work / f"hall-{args.size}-{name}"
        discard(halls[name], work)
        shutil.copytree(source, halls[name])
    print(f"A = {args.rev_a} ({trees['A'].name[4:]}), B = {args.rev_b} ({trees['B'].name[4:]}); {args.size} items; "
          f"{os.cpu_count()} cores; search {'on' if args.search else 'off'}; load average {os.getloadavg()[0]:.1f}",
          flush=True)
    runs: dict[str, dict[str, list[Run]]] = {name: {step: [] for step in STEPS} for name in trees}
    for number in range(args.rounds):
        for name in ("A", "B") if number % 2 == 0 else ("B", "A"):
            for step, run in one_round(trees[name], halls[name], work, args.search, not args.no_serve).items():
                runs[name][step].append(run)
        print(f"round {number + 1}: " + "; ".join(
            f"{step} {runs['A'][step][-1].wall:.2f}/{runs['B'][step][-1].wall:.2f}" for step in STEPS
            if runs["A"][step]) + f" s (A/B); load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"\n## medians of {args.rounds} rounds, {args.size} items (load average now {os.getloadavg()[0]:.1f})")
    print(f"{'':8s} {'A wall':>8s} {'B wall':>8s} {'B/A':>6s}   {'A cpu':>8s} {'B cpu':>8s} {'B/A':>6s}")
    for step in STEPS:
        if not runs["A"][step]:
            continue
        wa, wb = (statistics.median(r.wall for r in runs[n][step]) for n in ("A", "B"))
        ca, cb = (statistics.median(r.cpu for r in runs[n][step]) for n in ("A", "B"))
        cpu = f"{ca:8.2f} {cb:8.2f} {cb / ca:6.3f}" if ca else ""
        print(f"{step:8s} {wa:8.2f} {wb:8.2f} {wb / wa:6.3f}   {cpu}")
    if args.profile:
        files = {name: profile(trees[name], halls[name], work, name, args.search) for name in trees}
        report_profiles(files["A"], files["B"], trees["A"], trees["B"], args.watch)
    if not args.keep:
        for tree in trees.values():
            git("worktree", "remove", "--force", str(tree))
        for hall in [source, *halls.values()]:
            discard(hall, work)
    shutil.rmtree(work / ".trash", ignore_errors=True)


if __name__ == "__main__":
    main()
