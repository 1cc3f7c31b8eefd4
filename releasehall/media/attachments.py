"""Attachments (附件): the files an item lists under its body, with their type, size and, for a PDF, pages.

An item's `attachments: [{file, title}]` and every body link to a file that is not an image are
listed. A listed file must lie in the item's own department folder: another department's file
would put that department's bytes (its size, its page count) on this item's page. The PDF
library is imported, and PDFs read, only when some item lists a PDF.
"""

from __future__ import annotations

import logging
import os
import posixpath
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from releasehall.errors import Report
from releasehall.markdown.markup import Body, is_image_file
from releasehall.model.records import Entry, Question, Release
from releasehall.model.urls import Urls
from releasehall.read import filetypes
from releasehall.settings.site import Settings

KINDS = {"pdf": "PDF", "ofd": "OFD", "doc": "Word", "docx": "Word", "wps": "WPS", "xls": "Excel", "xlsx": "Excel",
         "et": "WPS 表格", "ppt": "PowerPoint", "pptx": "PowerPoint", "dps": "WPS 演示", "odt": "ODT", "ods": "ODS",
         "odp": "ODP", "rtf": "RTF", "txt": "TXT", "csv": "CSV", "zip": "ZIP", "rar": "RAR", "7z": "7Z"}


@dataclass(frozen=True, slots=True)
class File:
    """One listed attachment: where it is published, what it is called, its type, bytes and PDF pages."""

    asset: str  # path under content/
    url: str
    title: str
    kind: str  # "PDF", "Word" … (the suffix in capitals when unknown)
    size: int  # bytes
    pages: int | None  # a PDF's page count
    rel: str  # the item that lists it, and the line that names it
    line: int

    @property
    def size_text(self) -> str:
        return file_size(self.size)


def file_size(size: int) -> str:
    """Bytes as people read them on a download link: "512 B", "34.5 KB", "1.2 MB" (1 KB = 1024 B)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    if size < 1024 ** 3:
        return f"{size / 1024 ** 2:.1f} MB"
    return f"{size / 1024 ** 3:.1f} GB"


def kind_of(path: str) -> str:
    suffix = posixpath.splitext(path)[1].lstrip(".").lower()
    return KINDS.get(suffix, suffix.upper() or "FILE")


class Unreadable(Exception):
    """A PDF the library cannot read."""


MAX_PDF_DEPTH = 64  # nested page-tree levels a PDF may have before it is refused (real ones have 2-4)
PDF_STREAM_BYTES = 8_000_000  # inflated bytes of one stream read to count pages (object streams, the xref stream)
PDF_SECONDS = 3.0  # processor time one PDF may take to count its pages
COSTLY = "over its decoding budget"


def pdf_pages(path: Path) -> int:
    """The page count of the PDF at `path` (pypdf). Raises Unreadable for a damaged or hostile file.

    Work is bounded: only files within `attachments.max_mb` are opened (the caller checks), pypdf
    caps how much a stream may inflate, and a page tree deeper than MAX_PDF_DEPTH or one that
    loops is refused rather than followed.
    """
    from pypdf import PdfReader, apply_configuration  # only when a PDF is listed

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # damage is reported at the item's line instead
    # counting pages needs no page content: no stream it reads is large in an honest file (a page object in a
    # double-Flate object stream of 74 MB, thirty times over, took 240 s and 2.4 GB)
    with apply_configuration(zlib_maximum_output_length=PDF_STREAM_BYTES, lzw_maximum_output_length=PDF_STREAM_BYTES,
                             run_length_maximum_output_length=PDF_STREAM_BYTES,
                             brotli_maximum_output_length=PDF_STREAM_BYTES,
                             array_based_stream_maximum_output_length=PDF_STREAM_BYTES,
                             stream_decoding_work_maximum_length=2 * PDF_STREAM_BYTES):
        return _pages(PdfReader, path, time.process_time() + PDF_SECONDS)


def _pages(reader_class: Any, path: Path, deadline: float) -> int:
    try:
        reader = reader_class(path, strict=False)
        trailer: Any = reader.trailer
        if reader.is_encrypted:
            count = trailer["/Root"]["/Pages"]["/Count"]
            if not isinstance(count, int) or count < 0:
                raise Unreadable("encrypted, no page count")
            return int(count)
        root = trailer["/Root"].get_object()["/Pages"].get_object()
        return _count(root, 0, set(), deadline)
    except Unreadable:
        raise
    except (Exception, RecursionError) as exc:  # pypdf raises many kinds on damaged files
        raise Unreadable(COSTLY if type(exc).__name__ == "LimitReachedError" else type(exc).__name__) from None


def _count(node: Any, depth: int, seen: set[int], deadline: float) -> int:
    """Leaves of a page tree, each node visited once, to a bounded depth, within the processor time left."""
    if not isinstance(node, dict) or depth > MAX_PDF_DEPTH or id(node) in seen:
        raise Unreadable("bad page tree")
    if time.process_time() > deadline:
        raise Unreadable(COSTLY)
    seen.add(id(node))
    if node.get("/Type") == "/Page" or "/Kids" not in node:
        return 1
    return sum(_count(kid.get_object(), depth + 1, seen, deadline) for kid in node["/Kids"])


def list_attachments(settings: Settings, entries: Iterable[Entry], bodies: Mapping[str, Body],
                     assets: frozenset[str], urls: Urls, report: Report) -> dict[str, tuple[File, ...]]:
    """The attachments of every published release and reply, by entry id (items without any left out)."""
    result: dict[str, tuple[File, ...]] = {}
    root = settings.root / "content"
    limit = settings.attachments_max_mb * 1024 * 1024
    for entry in entries:
        if not isinstance(entry, Release | Question):
            continue
        body = bodies[entry.id]
        if not entry.attachments and not body.files:
            continue
        named: dict[str, tuple[str, int]] = {}  # asset -> (title, line)
        here = posixpath.dirname(entry.rel.removeprefix("content/"))
        folder = f"{entry.dept}/"
        for attachment in entry.attachments:
            target = unquote(attachment.file)
            asset = posixpath.normpath(posixpath.join(here, target.lstrip("/")) if not target.startswith("/")
                                       else target.lstrip("/"))
            if urlsplit(attachment.file).scheme or not asset.startswith(folder) or asset.endswith(".md"):
                report.error(entry.rel, attachment.line,
                             f"附件 “{attachment.file}” 必须是本部门目录 content/{folder} 下的文件（按相对本文件的路径填写）",
                             f"attachment '{attachment.file}' must be a file in this department's folder "
                             f"content/{folder} (a path relative to this file)")
                continue
            refused = filetypes.refusal(asset)
            if refused is not None:
                report.error(entry.rel, attachment.line, refused[0], refused[1])
                continue
            if asset not in assets:
                report.error(entry.rel, attachment.line,
                             f"附件 “{attachment.file}” 不存在（content/{asset}），请检查路径或补上文件",
                             f"attachment '{attachment.file}' does not exist (content/{asset}); check the path "
                             "or add the file")
                continue
            named.setdefault(asset, (attachment.title or posixpath.basename(asset), attachment.line))
        for asset, text, line in body.files:
            if asset.startswith(folder) and not is_image_file(asset):
                named.setdefault(asset, (text, line))
        files: list[File] = []
        for asset, (title, line) in named.items():
            path = root / asset
            try:
                size = os.stat(path).st_size
            except OSError:
                report.error(entry.rel, line, f"附件 content/{asset} 无法读取", f"attachment content/{asset} cannot be read")
                continue
            pages = None
            if asset.lower().endswith(".pdf") and size <= limit:
                try:
                    pages = pdf_pages(path)
                except Unreadable as exc:
                    if str(exc) == COSTLY:
                        report.error(entry.rel, line,
                                     f"附件 content/{asset} 解压后过大或读取太费时（超过每个数据流 {PDF_STREAM_BYTES // 1_000_000} MB "
                                     f"或 {PDF_SECONDS:g} 秒），疑似“解压炸弹”；请重新导出后再放入",
                                     f"attachment content/{asset} inflates too far or takes too long to read (over "
                                     f"{PDF_STREAM_BYTES // 1_000_000} MB a stream or {PDF_SECONDS:g} s), a possible "
                                     "decompression bomb; export it again")
                        continue
                    report.error(entry.rel, line,
                                 f"附件 content/{asset} 不是可以打开的 PDF（文件已损坏或格式不对），请重新导出后再放入",
                                 f"attachment content/{asset} is not a PDF that opens (damaged or not a PDF); "
                                 "export it again")
                    continue
            files.append(File(asset, urls.asset(asset), title, kind_of(asset), size, pages, entry.rel, line))
        if files:
            result[entry.id] = tuple(files)
    return result


def oversized(attachments: Mapping[str, tuple[File, ...]], max_mb: int) -> list[File]:
    """Attachments over `attachments.max_mb`, for `check`'s audit (the inspection downloads every one)."""
    limit = max_mb * 1024 * 1024
    return [f for files in attachments.values() for f in files if f.size > limit]
