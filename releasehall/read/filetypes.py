"""The one list of file types a department may publish as an attachment, by kind.

A file under a department folder (or content/pages/) is copied to the hall's origin as is, so
anything a browser would run there (HTML, SVG, XHTML, XML, JavaScript …) must never be one:
only document, image, audio, video and archive types are. Everything that lists or checks
attachments asks this module.
"""

from __future__ import annotations

from posixpath import splitext

KINDS: dict[str, tuple[str, ...]] = {
    "document": ("pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "ppt", "pptx", "dps", "odt", "ods",
                 "odp", "rtf", "csv", "txt"),
    "image": ("jpg", "jpeg", "png", "gif", "webp", "avif", "bmp", "tif", "tiff"),
    "audio": ("mp3", "m4a", "aac", "wav", "ogg", "oga", "flac"),
    "video": ("mp4", "m4v", "webm", "ogv", "mov"),
    "archive": ("zip", "rar", "7z", "tar", "gz", "tgz", "bz2", "xz"),
}
ALLOWED: dict[str, str] = {ext: kind for kind, exts in KINDS.items() for ext in exts}  # extension -> kind


def extension(name: str) -> str:
    """The lower-case extension of a file name, without the dot ("" for none)."""
    return splitext(name)[1].lower().removeprefix(".")


def kind_of(name: str) -> str | None:
    """"document", "image", "audio", "video" or "archive"; None for a type that may not be published."""
    return ALLOWED.get(extension(name))


# What a browser that sniffs a file's type (a host sending no or a generic Content-Type) takes for a page or an
# image it renders as a document: the WHATWG MIME Sniffing "HTML" and "XML" signatures, plus SVG and XHTML roots.
_MARKUP = (b"<!doctype html", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div", b"<font", b"<table",
           b"<a", b"<style", b"<title", b"<b", b"<body", b"<br", b"<p", b"<!--", b"<?xml", b"<svg")
SNIFF_BYTES = 512
_TAG_END = (b"", b" ", b">", b"/", b"\t", b"\n", b"\x0c", b"\r")


def markup_refusal(name: str, head: bytes) -> tuple[str, str] | None:
    """Why the file `name`, beginning with `head`, may not be published (zh, en): it is a page in disguise (an
    allowed extension over HTML, SVG or XML content that a sniffing browser would run); None when it is not."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip(b" \t\n\x0c\r").lower()
    for signature in _MARKUP:
        after = text[len(signature):len(signature) + 1]
        if text.startswith(signature) and (signature in (b"<!--", b"<?xml") or after in _TAG_END):
            return (f"附件 {name} 的内容是网页或脚本（以 “{signature.decode()}” 开头），不是 .{extension(name)} 文件；"
                    "浏览器可能把它当作网页执行，请放入真正的文档",
                    f"attachment {name} holds a web page or script (it begins with '{signature.decode()}'), not a "
                    f".{extension(name)} file; a browser could run it as a page; publish the real document")
    return None


def refusal(name: str) -> tuple[str, str] | None:
    """Why the file `name` may not be published as an attachment (zh, en); None when it may."""
    if kind_of(name) is not None:
        return None
    ext = extension(name)
    shown = f".{ext}" if ext else "（无扩展名）"
    shown_en = f".{ext}" if ext else "(no extension)"
    listed = ", ".join(ALLOWED)
    return (f"附件类型 {shown} 不允许发布（浏览器可能把它当作网页或脚本执行）；只允许：{listed}",
            f"attachments of type {shown_en} may not be published (a browser could run them as a page or script); "
            f"allowed: {listed}")
