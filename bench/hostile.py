"""What hostile inputs cost: seconds and peak memory of one build over each (issue 22).

    python -m bench.hostile [--only NAME ...] [--timeout 300] [--python /path/to/python]

Each input is a small hall made here (nothing is committed): thousands of refused or missing links, image
links with queries, equal headings, topics on one item, large-dimension PNGs, a progressive JPEG with one scan
repeated, a PDF of double-Flate object streams. Each build runs as `python -m releasehall build` in its own
process (`--python` picks the checkout: a venv that imports another one measures it); the peak is the largest
resident size of that process and every process it waited for (forked workers), from getrusage.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

NOW = "2024-10-20 12:00"
SITE = "title: 基准发布厅\nbase_url: https://hall.example.gov.cn/\n"
DEPARTMENT = "name: 测试区交警大队\nlevel: district\n"


def release(body: str, extra: str = "") -> str:
    return f"---\ntitle: 说明\ndate: 2024-09-20\n{extra}---\n{body}"


def png_bomb(side: int) -> bytes:
    """A PNG of side x side one-color pixels: a few hundred KB that decode to side² bytes and more."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (side, side), 200).save(out, "PNG", optimize=True)
    return out.getvalue()


def repeated_scans(count: int) -> bytes:
    """A progressive JPEG with its smallest scan repeated `count` times: a few hundred KB, each repeat a decoder's pass
    over the whole image."""
    from PIL import Image

    rng = random.Random(4)
    noise = bytes(rng.randrange(256) for _ in range(64 * 64 * 3))
    picture = Image.frombytes("RGB", (64, 64), noise).resize((2048, 2048))
    out = io.BytesIO()
    picture.save(out, "JPEG", progressive=True, quality=90)
    data = out.getvalue()
    starts = [i for i in range(len(data) - 1) if data[i] == 0xFF and data[i + 1] == 0xDA]
    ends = [*starts[1:], len(data) - 2]
    scans = [data[a:b] for a, b in zip(starts, ends, strict=True)]
    smallest = min(scans, key=len)
    return data[:-2] + smallest * count + b"\xff\xd9"


def object_stream_pdf(pages: int, inflated: int) -> bytes:
    """A PDF whose page objects each sit in an object stream compressed twice (Flate over Flate) that inflates
    to `inflated` bytes of padding."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>",
                            b"<< /Type /Pages /Kids [" + b" ".join(f"{3 + i} 0 R".encode() for i in range(pages))
                            + f"] /Count {pages} >>".encode()]
    body = io.BytesIO()
    body.write(b"%PDF-1.5\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(body.tell())
        body.write(f"{number} 0 obj\n".encode() + obj + b"\nendobj\n")
    streams = []
    for index in range(pages):
        page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 60 80] >>"
        padding = b" " * inflated
        raw = b"%d 0 " % (3 + index) + page + padding
        packed = zlib.compress(zlib.compress(raw, 9), 9)
        number = 3 + pages + index
        streams.append(number)
        offsets.append(body.tell())
        body.write(f"{number} 0 obj\n<< /Type /ObjStm /N 1 /First {len(b'%d 0 ' % (3 + index))} /Length {len(packed)} "
                   "/Filter [/FlateDecode /FlateDecode] >>\nstream\n".encode() + packed + b"\nendstream\nendobj\n")
    # a cross-reference stream names each page object as the first object of its stream
    rows = [(0, 0, 65535)] + [(1, offset, 0) for offset in offsets[:2]]
    rows += [(2, streams[i], 0) for i in range(pages)]
    rows += [(1, offsets[2 + i], 0) for i in range(pages)]
    xref_number = len(rows)
    xref_offset = body.tell()
    rows.append((1, xref_offset, 0))
    table = b"".join(kind.to_bytes(1, "big") + value.to_bytes(4, "big") + gen.to_bytes(2, "big")
                     for kind, value, gen in rows)
    body.write(f"{xref_number} 0 obj\n<< /Type /XRef /Size {len(rows)} /W [1 4 2] /Root 1 0 R /Length {len(table)} "
               ">>\nstream\n".encode() + table + b"\nendstream\nendobj\n")
    body.write(f"startxref\n{xref_offset}\n%%EOF\n".encode())
    return body.getvalue()


def _files(body: str, **extra: bytes | str) -> dict[str, bytes | str]:
    return {"site.yaml": SITE, "content/traffic/department.yaml": DEPARTMENT,
            "content/traffic/releases/x.md": body, **{f"content/traffic/releases/{k}": v for k, v in extra.items()}}


CASES: dict[str, Callable[[], dict[str, bytes | str]]] = {
    "baseline": lambda: _files(release("正文。\n")),  # what any build costs here: the rest is the input's
    "refused-links-4000": lambda: _files(release("".join(f"[链接{n}](javascript:alert({n}))\n\n" for n in range(4000)))),
    "image-queries-4000": lambda: _files(release("".join(f"![图](img/a.png?{n})\n\n" for n in range(4000))),
                                         **{"img/a.png": png_bomb(40)}),
    "headings-40000": lambda: _files(release("## 同一标题\n\n" * 40000)),
    "missing-links-5000": lambda: _files(release("".join(f"见[第{n}号](missing-{n}.md)。\n\n" for n in range(5000)))),
    "topics-1000": lambda: _files(release("正文。\n", "topics: [" + ", ".join(f"话题{n}" for n in range(1000)) + "]\n")),
    "topics-3000": lambda: _files(release("正文。\n", "topics: [" + ", ".join(f"话题{n}" for n in range(3000)) + "]\n")),
    "png-9400-x6": lambda: _files(release("".join(f"![图](img/{n}.png)\n\n" for n in range(6))),
                                  **{f"img/{n}.png": png_bomb(9400) for n in range(6)}),
    "jpeg-3000-scans": lambda: _files(release("![图](img/scans.jpg)\n"), **{"img/scans.jpg": repeated_scans(3000)}),
    "jpeg-3000-scans-unshown": lambda: _files(release("正文。\n"), **{"img/scans.jpg": repeated_scans(3000)}),
    "pdf-object-streams": lambda: _files(release("[全文](files/a.pdf)\n"),
                                         **{"files/a.pdf": object_stream_pdf(30, 74_000_000)}),
}


def one(site: Path, python: str, timeout: float) -> dict[str, object]:
    """Build `site` in a child process: seconds, peak MB (the child and the workers it waited for), exit code."""
    script = ("import resource, subprocess, sys, time, json\n"
              "t = time.perf_counter()\n"
              "try:\n"
              f"    p = subprocess.run([sys.executable, '-m', 'releasehall', 'build', '--site', {str(site)!r}, "
              f"'--out', {str(site / 'out')!r}, '--now', {NOW!r}], capture_output=True, timeout={timeout})\n"
              "    code, err = p.returncode, p.stderr.decode('utf-8', 'replace')\n"
              "except subprocess.TimeoutExpired:\n"
              "    code, err = 'timeout', ''\n"
              "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
              "print(json.dumps({'seconds': round(time.perf_counter() - t, 1), 'peak_mb': round(peak), "
              "'exit': code, 'last': err.strip().splitlines()[-1:] }))\n")
    done = subprocess.run([python, "-c", script], capture_output=True, text=True, check=True, cwd=site.parent)
    result = json.loads(done.stdout)
    out = site / "out"
    result["output_mb"] = round(sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20, 1) \
        if out.is_dir() else 0
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), help="these inputs only")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a build is stopped")
    parser.add_argument("--python", default=sys.executable, help="the interpreter (and so the checkout) to measure")
    args = parser.parse_args(argv)
    names = args.only or list(CASES)
    print(f"{'input':<26} {'seconds':>8} {'peak MB':>8} {'out MB':>7}  exit  last line")
    for name in names:
        with tempfile.TemporaryDirectory(prefix="hostile-") as temp:
            site = Path(temp) / "site"
            for rel, value in CASES[name]().items():
                path = site / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(value if isinstance(value, bytes) else value.encode("utf-8"))
            result = one(site, args.python, args.timeout)
            last = (result["last"] or [""])[0][:90]  # type: ignore[index]
            print(f"{name:<26} {result['seconds']:>8} {result['peak_mb']:>8} {result['output_mb']:>7}  "
                  f"{result['exit']!s:<5} {last}", flush=True)
            shutil.rmtree(site, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
