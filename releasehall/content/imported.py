"""The question files an import writes: their text, the digest that recognizes one nobody has edited since,
and finding the file a channel's work order was written to.

The text is fixed by the row alone (same row, same bytes). The reply becomes HTML paragraphs whose text is
escaped: a body of Markdown would read `[x](javascript:…)`, `<script>`, `**`, a leading `#` or an e-mail
address (cmark-gfm links those even when escaped) as markup; `<p>` lines with `&lt;` are read by both
Markdown engines as the text they show. `import_digest` is the digest of the file's text without its own
line: a file whose text still has it was not edited by hand since it was written.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import yaml

from releasehall.content.intake import Incoming
from releasehall.errors import Report
from releasehall.read.cells import written
from releasehall.read.sources import split_front_matter
from releasehall.read.symlinks import inside

DIGEST_KEY = "import_digest"
_DIGEST_LINE = re.compile(rf"^{DIGEST_KEY}: ([0-9a-f]{{16}})\n", re.M)


_BASE_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present


class _Dumper(_BASE_DUMPER):  # type: ignore[misc, valid-type]
    """Block scalars for text of several lines, as a person would write them."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


class _Quoted(_BASE_DUMPER):  # type: ignore[misc, valid-type]
    """Text of several lines double-quoted on one line: for a question whose lines a block scalar cannot carry (a
    line `---` would end the front matter, `QQ：` at a line's start reads as a key with a full-width colon)."""


_Quoted.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style='"' if "\n" in value else None))
# dates written plainly (`asked: 2024-10-20`), as people write them: the hall reads every timestamp as text
for _dumper in (_Dumper, _Quoted):
    _dumper.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
    }


def front(row: Incoming) -> dict[str, Any]:
    """The front matter a row becomes, in the order a person reads it."""
    data: dict[str, Any] = {"title": row.title, "asked": written(row.asked), "category": row.category,
                            "channel": row.channel, "source": {"channel": row.channel, "id": row.id},
                            "question": row.question}
    if row.reply and row.replied is not None:
        data["replied"] = written(row.replied)
    return data


def body(reply: str) -> str:
    """The reply as escaped HTML paragraphs, one per line of text, blank lines between them."""
    paragraphs = [line.strip() for line in reply.split("\n") if line.strip()]
    return "".join(f"\n<p>{escape(paragraph, quote=False)}</p>\n" for paragraph in paragraphs)


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def text_of(row: Incoming) -> str:
    """The whole file, its digest line last in the front matter."""
    data = front(row)
    for dumper in (_Dumper, _Quoted):
        fields = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1 << 30)
        without = f"---\n{fields}---\n{body(row.reply)}"
        if reads_back(without, data):
            return f"---\n{fields}{DIGEST_KEY}: {digest(without)}\n---\n{body(row.reply)}"
    raise Unwritable(row)


class Unwritable(Exception):
    """A row whose text no front matter carries so that the build reads it back as it is."""

    def __init__(self, row: Incoming) -> None:
        super().__init__(f"{row.rel}:{row.row}")
        self.row = row


def reads_back(text: str, data: dict[str, Any]) -> bool:
    """Whether the build's own reader (not PyYAML's) reads `text`'s front matter as `data`."""
    document = split_front_matter(text, "", Report())
    return document is not None and document.data == data


def untouched(text: str) -> bool:
    """Whether `text` is what an import wrote: its digest line is there and matches the rest."""
    match = _DIGEST_LINE.search(text)
    return match is not None and digest(text[:match.start()] + text[match.end():]) == match.group(1)


@dataclass(frozen=True, slots=True)
class Existing:
    """A question file that names its source."""

    rel: str  # content/<dept>/qa/….md
    path: Path
    text: str
    data: dict[str, Any]
    body: str


def source_of(data: dict[str, Any]) -> tuple[str, str] | None:
    source = data.get("source")
    if not isinstance(source, dict) or not isinstance(source.get("channel"), str | int):
        return None
    ident = source.get("id")
    return (str(source["channel"]), str(ident)) if isinstance(ident, str | int) else None


def existing(site: Path) -> dict[tuple[str, str], Existing]:
    """Every question file under content/*/qa/ that names a `source`, by (channel, id); files that are
    symbolic links or that do not read are left out (the build reports them)."""
    found: dict[tuple[str, str], Existing] = {}
    content = site / "content"
    for path in sorted(content.glob("*/qa/**/*.md")):
        if path.is_symlink() or not path.is_file() or not inside(path, content / path.relative_to(content).parts[0]):
            continue  # a link, or a file reached through one that leads out of its department's folder
        try:
            text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        except (OSError, UnicodeDecodeError):
            continue
        if "source:" not in text:
            continue
        document = split_front_matter(text, "", Report())
        if document is None:
            continue
        key = source_of(document.data)
        if key is not None and key not in found:
            rel = path.relative_to(site).as_posix()
            found[key] = Existing(rel, path, text, document.data, document.body)
    return found


def differences(old: Existing, row: Incoming, dept: str) -> list[str]:
    """The fields in which a file differs from what the row would write (the body called 正文/body)."""
    wanted = front(row)
    names = [key for key in ("title", "asked", "category", "channel", "question", "replied")
             if str(old.data.get(key, "")) != str(wanted.get(key, ""))]
    if old.body.strip() != body(row.reply).strip():
        names.append("正文 body")
    if old.rel.split("/")[1] != dept:
        names.append("承办部门 department")
    return names
