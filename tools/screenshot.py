"""docs/screenshot.png: the sample hall's front page in Debian's Chromium at 1280 x 800, as README shows it.

    python tools/screenshot.py        (needs the test extra: Playwright; and /usr/bin/chromium)

The hall is copied to a temporary folder and built there (nothing is written into the checkout but the picture);
the picture is reduced to 128 colours (Pillow) to keep it small.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
NOW = "2026-11-20 18:00"
TARGET = REPO / "docs/screenshot.png"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    with tempfile.TemporaryDirectory() as temp:
        hall = Path(temp) / "hall"
        hall.mkdir()
        for name in ("site.yaml", "content", "layouts"):
            (shutil.copytree if (REPO / name).is_dir() else shutil.copy2)(REPO / name, hall / name)
        built = subprocess.run([sys.executable, "-m", "releasehall", "build", "--site", str(hall), "--now", NOW,
                                "--no-cache"], check=False)
        if built.returncode:
            return built.returncode
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(hall / "public")))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/", wait_until="networkidle")
                png = page.screenshot()
                browser.close()
        finally:
            server.shutdown()
    picture = Image.open(BytesIO(png)).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    picture.save(TARGET, optimize=True)
    print(f"{TARGET.relative_to(REPO)}: {TARGET.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
