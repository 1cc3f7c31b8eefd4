"""The versions of the hall a reader can switch between: the site as written (simplified Chinese) and, with
`variants: [zh-Hant]`, its Traditional-Chinese mirror under /zh-hant/.

A variant is data: its language code, its folder, its og:locale, the name a link to it shows, and how its text
is written (the mirror's is the simplified text converted by OpenCC). Which variants a hall has is decided by
its settings (`variants_of`); where each variant's pages live is decided by `model/urls` (`Urls.folder`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, unquote

import opencc

from releasehall.settings.site import TRADITIONAL as TRADITIONAL_CODE
from releasehall.settings.site import Settings


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


# OpenCC's phrase table gives 發佈 in some words (發佈廳, 信息發佈) and 發布 in others (最新發布);
# Taiwan's standard form is 發布, so the mirror spells the hall's name one way throughout.
_TW_SPELLING = (("發佈", "發布"),)


def to_traditional(text: str) -> str:
    """Simplified -> Traditional Chinese (Taiwan standard characters)."""
    text = _converter("s2tw").convert(text)
    for variant, standard in _TW_SPELLING:
        text = text.replace(variant, standard)
    return text


@dataclass(frozen=True, slots=True)
class Variant:
    """One version of every page, feed and data file of the hall."""

    lang: str  # the language its pages declare (html lang, feeds' language, JSON-LD inLanguage)
    hreflang: str  # what links to it say it is (the alternates' hreflang, the switch's hreflang and lang)
    script: str  # "zh-CN" or "zh-Hant": how its fixed Chinese text is written (the feed stylesheet's lang)
    locale: str  # og:locale
    folder: str  # "" or "zh-hant/": where its pages, feeds and data are under the base path
    name: str  # the name a link to it shows, in its own script: "简体中文", "繁體中文"

    @property
    def traditional(self) -> bool:
        """Its text is the simplified text converted to Traditional characters."""
        return self.script == TRADITIONAL_CODE

    def text(self, text: str) -> str:
        """`text` (a rendered page, feed or data file of the hall) as this variant writes it. The names of the
        variants stay in their own script: the mirror's link back says 简体中文."""
        if not self.traditional:
            return text
        return SIMPLIFIED_NAME.join(to_traditional(part) for part in text.split(SIMPLIFIED_NAME))

    def encoded(self, data: bytes) -> bytes:
        """A rendered output (UTF-8) as this variant writes it (`text`)."""
        return self.text(data.decode("utf-8")).encode("utf-8") if self.traditional else data

    def fragment(self, fragment: str) -> str:
        """A percent-encoded `#fragment` of a link to another page, naming a heading id as this variant writes it
        (ids are converted with the text, and a percent-encoded one is not text)."""
        if not self.traditional or "%" not in fragment:
            return fragment
        return quote(to_traditional(unquote(fragment)), safe="-._~")


SIMPLIFIED_NAME = "简体中文"
MIRROR_FOLDER = "zh-hant/"  # the Traditional-Chinese mirror's folder


def variants_of(settings: Settings) -> tuple[Variant, ...]:
    """The hall's variants, the site as written first. The mirror's pages say zh-Hant (og:locale zh_TW); a hall
    whose interface is English or already Traditional (`language: en`, `zh-TW`) keeps its language there too."""
    language = settings.language
    written = Variant(language, language, "zh-CN", language.replace("-", "_"), "", SIMPLIFIED_NAME)
    if not settings.mirrored:
        return (written,)
    simplified = language == "zh-CN"
    mirror = Variant(TRADITIONAL_CODE if simplified else language, TRADITIONAL_CODE, TRADITIONAL_CODE,
                     "zh_TW" if simplified else written.locale, MIRROR_FOLDER, "繁體中文")
    return written, mirror
