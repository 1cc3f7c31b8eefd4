"""Side-by-side build benchmark: Release Hall vs Pelican vs Hugo on the same synthetic hall.

    python -m bench.run --sizes 1000 10000 50000 [--skip-pelican] [--skip-hugo]

For each size: generates a hall (bench/generate.py), converts it for Pelican (categories =
departments, tags = topics, per-category RSS and Atom, full-content feeds) and Hugo
(sections = departments, tags = topics, RSS per section), then times cold builds, a
rebuild after a one-file edit and a no-op rebuild, and the peak memory of each process.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.generate import generate

NOW = "2024-11-01 12:00"
PELICAN_CONF = """\
SITENAME = "基准测试发布厅"
SITEURL = "https://bench.example.gov.cn"
PATH = "content"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_PAGINATION = 20
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
RSS_FEED_SUMMARY_ONLY = False
FEED_MAX_ITEMS = 50
USE_FOLDER_AS_CATEGORY = True
LOAD_CONTENT_CACHE = False
"""
HUGO_CONF = """\
baseURL = "https://bench.example.gov.cn/"
languageCode = "zh-cn"
title = "基准测试发布厅"
[pagination]
  pagerSize = 20
[taxonomies]
  tag = "tags"
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML", "RSS"]
  taxonomy = ["HTML"]
  term = ["HTML", "RSS"]
[services.rss]
  limit = 50
"""
HUGO_LAYOUTS = {
    "baseof.html": '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
                   "<body><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
    "single.html": '{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }}</p>{{ .Content }}'
                   '{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}{{ end }}\n',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}{{ range $p.Pages }}'
                 '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}'
                 '{{ template "_internal/pagination.html" . }}{{ end }}\n',
}


@dataclass
class Timing:
    seconds: float
    peak_mib: float


def measure(cmd: list[str], cwd: Path) -> Timing:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{stderr[-2000:]}")
    return Timing(seconds, usage.ru_maxrss / 1024)


@dataclass
class Item:
    """One release or question of the synthetic hall, as the other generators need it."""

    dept: str
    name: str  # "<section>-<file name>"
    title: str
    date: str  # "YYYY-MM-DD HH:MM"
    topics: list[str]
    body: str  # a question's text first, then its reply


def items(hall: Path) -> list[Item]:
    result = []
    for path in sorted((hall / "content").glob("*/*/*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        data = yaml.safe_load(front)
        dept, section = path.parts[-3], path.parts[-2]
        if section == "qa":
            body = f"{data['question']}\n\n{body}"
        result.append(Item(dept, f"{section}-{path.name}", data["title"], str(data.get("date") or data["asked"]),
                           data.get("topics", []), body))
    return result


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def to_pelican(hall: Path, target: Path) -> None:
    for item in items(hall):
        slug = f"{item.dept}-{Path(item.name).stem}"
        write(target / "content" / item.dept / item.name,
              f"Title: {item.title}\nDate: {item.date}\nTags: {', '.join(item.topics)}\nSlug: {slug}\n\n{item.body}")
    write(target / "pelicanconf.py", PELICAN_CONF)


def to_hugo(hall: Path, target: Path) -> None:
    for item in items(hall):
        front = {"title": item.title, "date": item.date.replace(" ", "T") + ":00+08:00", "tags": item.topics}
        write(target / "content" / item.dept / item.name,
              f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n{item.body}")
    for dept in (hall / "content").iterdir():
        if dept.is_dir():
            write(target / "content" / dept.name / "_index.md", f"---\ntitle: {dept.name}\n---\n")
    write(target / "hugo.toml", HUGO_CONF)
    for name, text in HUGO_LAYOUTS.items():
        write(target / "layouts" / "_default" / name, text)


def edit_one(hall: Path) -> None:
    path = sorted((hall / "content").glob("*/releases/*.md"))[len(list((hall / "content").iterdir())) // 2]
    path.write_text(path.read_text(encoding="utf-8") + "\n补充说明：本条已更新。\n", encoding="utf-8")


def edit_and_delete(hall: Path) -> None:
    """A word added to one release and another release (of another department, linked by none) deleted."""
    releases = sorted((hall / "content").glob("*/releases/*.md"))
    path = releases[len(releases) // 3]
    path.write_text(path.read_text(encoding="utf-8") + "\n新增词：穿山甲保护。\n", encoding="utf-8")
    releases[-1].unlink()  # the last release of the last department: no release links to a later one


def serve_reload(hall: Path, work: Path, program: list[str] | None = None, env: dict[str, str] | None = None
                 ) -> Timing:
    """Median time from saving a file to the reload event of a running `serve` (three edits). `program` runs
    Release Hall (default: the installed one, `python -m releasehall`) from `work`."""
    program = program or [sys.executable, "-m", "releasehall"]
    proc = subprocess.Popen([*program, "serve", "--site", str(hall), "--port", "0", "--now", NOW], cwd=work, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = ""
        while "serving at" not in line:
            line = proc.stdout.readline() if proc.stdout else ""
            if not line:
                raise SystemExit("serve did not start")
        host, port = re.search(r"http://([^:/]+):(\d+)/", line).groups()  # type: ignore[union-attr]
        events = http.client.HTTPConnection(host, int(port), timeout=60)
        events.request("GET", "/__releasehall/events")
        stream = events.getresponse()
        stream.fp.readline()
        stream.fp.readline()
        path = sorted((hall / "content").glob("*/releases/*.md"))[7]
        times = []
        for n in range(3):
            start = time.perf_counter()
            path.write_text(path.read_text(encoding="utf-8") + f"\n第{n}次补充。\n", encoding="utf-8")
            while not stream.fp.readline().startswith(b"data: "):
                pass
            times.append(time.perf_counter() - start)
            time.sleep(0.3)
        return Timing(statistics.median(times), 0.0)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def fresh_checkout(hall: Path, target: Path, output: bool) -> None:
    """What a CI runner has after a clone with the platform's cache restored: the sources with new modification
    times, `.cache/releasehall/` as the last build left it, the output folder restored too (with new times) when
    `output`, else none; then one file changed, as a one-file push."""
    def copy(src: str, dst: str) -> None:
        shutil.copyfile(src, dst)  # new modification times, as a checkout gives

    for name in ("content", "layouts"):
        if (hall / name).is_dir():
            shutil.copytree(hall / name, target / name, copy_function=copy)
    shutil.copyfile(hall / "site.yaml", target / "site.yaml")
    shutil.copytree(hall / ".cache", target / ".cache")
    if output:
        shutil.copytree(hall / "public", target / "public", copy_function=copy)
    edit_one(target)


def discard(path: Path, work: Path) -> None:
    """Move an old folder out of the way; it is deleted after the last measurement.

    Deleting tens of thousands of files right before a timed build would slow that build
    down for reasons of the file system's, not the tool's: ext4 will not reuse an inode
    freed in the last minutes, and scans past each one (`recently_deleted`) when creating
    a file, so every file created soon after a large delete costs far more system time.
    """
    if path.exists():
        trash = work / ".trash"
        trash.mkdir(exist_ok=True)
        path.rename(trash / f"{path.name}-{time.time_ns()}")


def bench(size: int, work: Path, pelican: bool, hugo: bool, departments: int | None = None,
          checkout: bool = True, serve: bool = True) -> dict[str, Timing]:
    """`departments` (default size/50, 30 releases + 20 questions each) share the items 60:40 when given."""
    if departments:
        releases = round(size * 0.6 / departments)
        shape = (departments, releases, size // departments - releases)
    else:
        shape = (max(1, size // 50), 30, 20)
    hall = work / f"hall-{size}"
    discard(hall, work)
    generate(hall, *shape)
    ours = [sys.executable, "-m", "releasehall", "build", "--site", str(hall), "--out", str(hall / "public"),
            "--now", NOW]
    results = {"releasehall cold": measure([*ours, "--no-cache"], work)}
    results["releasehall no-op rebuild"] = measure(ours, work)
    edit_one(hall)
    results["releasehall one-file edit"] = measure(ours, work)
    edit_and_delete(hall)
    results["releasehall edit + deletion"] = measure(ours, work)
    if checkout:
        local = work / f"hall-{size}-local"
        discard(local, work)
        hall.rename(local)
        for output in (True, False):  # issue 10: the cache survives a fresh checkout (at the same path, as on CI)
            discard(hall, work)
            fresh_checkout(local, hall, output)
            label = "restored output" if output else "empty output"
            results[f"releasehall fresh checkout, {label}"] = measure(ours, work)
    if serve:
        results["releasehall serve: save to reload"] = serve_reload(hall, work)
    if pelican:
        site = work / f"pelican-{size}"
        discard(site, work)
        to_pelican(hall, site)
        results["pelican cold"] = measure(["pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"], site)
    if hugo:
        site = work / f"hugo-{size}"
        discard(site, work)
        to_hugo(hall, site)
        results["hugo cold"] = measure(["hugo", "--quiet", "--destination", "public"], site)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--work", type=Path, default=Path("bench/out"))
    parser.add_argument("--skip-pelican", action="store_true")
    parser.add_argument("--skip-hugo", action="store_true")
    parser.add_argument("--skip-checkout", action="store_true", help="no fresh-checkout builds")
    parser.add_argument("--skip-serve", action="store_true", help="no serve save → reload")
    parser.add_argument("--departments", type=int, help="this many departments (default: one per 50 items)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load {os.getloadavg()[0]:.1f}")
    for size in args.sizes:
        results = bench(size, args.work.resolve(), not args.skip_pelican, not args.skip_hugo, args.departments,
                        not args.skip_checkout, not args.skip_serve)
        print(f"load after: {os.getloadavg()[0]:.1f}")
        print(f"\n## {size} items")
        for name, timing in results.items():
            print(f"{name:40s} {timing.seconds:8.2f} s  {timing.peak_mib:8.0f} MiB")
        if "pelican cold" in results:
            ratio = results["pelican cold"].seconds / results["releasehall cold"].seconds
            print(f"{'pelican / releasehall cold':40s} {ratio:8.1f} x")
        for label in ("restored output", "empty output") if not args.skip_checkout else ():
            ratio = results[f"releasehall fresh checkout, {label}"].seconds / \
                results["releasehall one-file edit"].seconds
            print(f"{'fresh checkout (' + label + ') / edit':40s} {ratio:8.2f} x")
        if "hugo cold" in results:
            ratio = results["releasehall one-file edit"].seconds / results["hugo cold"].seconds
            print(f"{'releasehall edit / hugo cold':40s} {ratio:8.2f} x")
            ratio = results["releasehall edit + deletion"].seconds / results["hugo cold"].seconds
            print(f"{'releasehall edit + deletion / hugo cold':40s} {ratio:8.2f} x")
        sys.stdout.flush()
    shutil.rmtree(args.work / ".trash", ignore_errors=True)


if __name__ == "__main__":
    main()
