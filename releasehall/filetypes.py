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
