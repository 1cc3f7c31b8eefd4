"""Lighthouse (npm, pinned in tests/js) against Debian's Chromium on the sample hall: the front page, a
release, a question and /stats/, mobile and desktop; prints a Markdown table of the four category scores
and exits 1 if any is below 95.

    npm ci --prefix tests/js && python tools/lighthouse.py [--out DIR]

Not part of `pytest`: eight runs take about three minutes on 2 cores and the performance score moves
with the machine's load (other builds running beside it), so a failure would say more about the
machine than about the hall. README keeps the last scores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from releasehall.pipeline.build import run  # noqa: E402 - after the path is set

LIGHTHOUSE = REPO / "tests/js/node_modules/lighthouse/cli/index.js"
CATEGORIES = ("accessibility", "best-practices", "seo", "performance")
PAGES = {"front page": "/", "a release": "/jiaotong/releases/2026-09-05-gongjiao-xianlu-tiaozheng/",
         "a question": "/gongan/qa/2026-10-09-shenfenzheng-jiaji/", "/stats/": "/stats/"}
MINIMUM = 95


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def audit(url: str, form: str, report: Path) -> dict[str, int]:
    flags = ["--quiet", "--output=json", f"--output-path={report}", f"--only-categories={','.join(CATEGORIES)}",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking"]
    if form == "desktop":
        flags.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    subprocess.run(["node", str(LIGHTHOUSE), url, *flags], check=True, env=env, timeout=300)
    result = json.loads(report.read_text(encoding="utf-8"))
    return {c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep the JSON reports here")
    args = parser.parse_args()
    if not LIGHTHOUSE.is_file():
        print(f"{LIGHTHOUSE} missing: run `npm ci --prefix tests/js`", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "public"
        run(REPO, out=site, now="2026-11-20 18:00")
        reports = args.out or Path(tmp) / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        rows, low = [], []
        try:
            for name, path in PAGES.items():
                for form in ("mobile", "desktop"):
                    report = reports / f"{path.strip('/').replace('/', '_') or 'front'}-{form}.json"
                    scores = audit(origin + path, form, report)
                    rows.append(f"| {name} | {form} | " + " | ".join(str(scores[c]) for c in CATEGORIES) + " |")
                    low += [f"{name} {form} {c} {s}" for c, s in scores.items() if s < MINIMUM]
        finally:
            server.shutdown()
    print("| page | form | " + " | ".join(CATEGORIES) + " |")
    print("|---|---|" + "---|" * len(CATEGORIES))
    print("\n".join(rows))
    if low:
        print("below " + str(MINIMUM) + ": " + "; ".join(low), file=sys.stderr)
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
