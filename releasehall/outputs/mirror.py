"""The Traditional-Chinese mirror (`variants: [zh-Hant]`): every page and feed again under /zh-hant/.

The mirror is made from the finished output, so it can never drift from the simplified
site: text is converted with OpenCC, and links between pages and feeds are moved into the
mirror. Static files and attachments are shared, not copied.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import quote, unquote

from releasehall.model.urls import MIRROR, STATIC, Urls
from releasehall.outputs import qr
from releasehall.outputs.i18n import to_traditional
from releasehall.outputs.keys import Memo, digest

_PAGE_ENDINGS = (".xml", ".json", ".csv", ".html", ".xsl")  # feeds.opml has no mirrored twin; feed.xsl has
_SKIP = ("sitemap.xml", "robots.txt")


def _eligible(path: str) -> bool:
    """A page or feed path (relative to the base path) that has a mirrored twin."""
    bare = path.split("#", 1)[0].split("?", 1)[0]
    if bare.startswith((STATIC, MIRROR)):
        return False
    return bare == "" or bare.endswith("/") or bare.endswith(_PAGE_ENDINGS)


class _Mirror:
    """Rewrites one output's text for the mirror; the patterns are compiled once per build."""

    def __init__(self, urls: Urls) -> None:
        self.origin = urls.origin
        self.home = urls.home()
        base = re.escape(self.home)
        self.absolute = re.compile(re.escape(self.origin) + base + r"([^\"'<>\s]*)")
        self.rooted = re.compile(r'((?:href|src)="|http-equiv="refresh" content="0; url=)' + base + r'([^"]*)"')
        # the hreflang alternates name both versions already: they stay as they are
        self.fragment = re.compile(r'(href="[^"#]*#)([^"]*%[0-9A-Fa-f]{2}[^"]*)"')
        self.alternates = re.compile(r'<link rel="alternate" hreflang="[^"]+" href="[^"]*">\n')
        self.switch = re.compile(r'<a class="variant" hreflang="zh-Hant" lang="zh-Hant" href="'
                                 + re.escape(self.home + MIRROR) + r'([^"]*)">[^<]*</a>')

    def _move(self, path: str) -> str:
        return self.home + (MIRROR + path if _eligible(path) else path)

    def __call__(self, text: str) -> str:
        kept = self.alternates.findall(text)
        text = self.alternates.sub("<!--alternate-->", text)
        text = self.absolute.sub(lambda m: self.origin + self._move(m.group(1)), text)
        if 'class="qr-svg"' in text:
            text = qr.redraw(text)  # a page's QR code holds its address, moved into the mirror just now
        text = self.rooted.sub(lambda m: f'{m.group(1)}{self._move(m.group(2))}"', text)
        # heading ids are converted with the text, so percent-encoded fragments pointing at them are too
        text = self.fragment.sub(lambda m: f'{m.group(1)}{quote(to_traditional(unquote(m.group(2))), safe="-._~")}"',
                                 text)
        text = to_traditional(text).replace('lang="zh-CN"', 'lang="zh-Hant"')
        text = text.replace("<language>zh-CN</language>", "<language>zh-Hant</language>")
        text = text.replace('<meta property="og:locale" content="zh_CN">', '<meta property="og:locale" content="zh_TW">')
        text = text.replace('"inLanguage":"zh-CN"', '"inLanguage":"zh-Hant"')
        for link in kept:
            text = text.replace("<!--alternate-->", link, 1)
        return self.switch.sub(
            lambda m: f'<a class="variant" hreflang="zh-CN" lang="zh-CN" href="{self.home}{m.group(1)}">简体中文</a>',
            text)


def mirror(files: Mapping[str, bytes], urls: Urls, memo: Memo, previous: Callable[[str], bytes]) -> dict[str, bytes]:
    """The zh-Hant twin of every page, feed and data file whose simplified original changed."""
    changed = {rel: files[rel] if rel in files else previous(rel) for rel, key in sorted(memo.keys.items())
               if rel not in _SKIP and not rel.startswith(MIRROR) and not memo.reuse(MIRROR + rel, digest("zh-Hant", key))}
    return mirror_files(changed, urls)


def mirror_files(files: Mapping[str, bytes], urls: Urls) -> dict[str, bytes]:
    """The zh-Hant twins of these pages and feeds."""
    rewrite = _Mirror(urls)
    return {MIRROR + rel: rewrite(data.decode("utf-8")).encode("utf-8") for rel, data in files.items()
            if rel not in _SKIP and not rel.startswith(MIRROR)}
