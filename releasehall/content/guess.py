"""Which department a folder under content/ without a department.yaml may have meant.

An editor who misspells their department's folder (`content/jiaotongju/` for `content/jiaotong/`)
should be told where the files belong, not to add a department.yaml, which would make a
second, bogus department. A folder name is compared with each department's id and with the
pinyin of its name and short name, whole or any run of two or more of their syllables
(`jiaotongju` is near 交通运输局's `jiao-tong` … `ju`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from releasehall.content.slugs import pinyin
from releasehall.model.records import Department

NEAR = 0.75  # how alike (difflib's ratio) a folder name and a spelling must be to be suggested
_NOT_LETTER = re.compile(r"[^a-z0-9]+")


def _letters(text: str) -> str:
    """`text` as the letters a folder name would have: its pinyin, lower case, without separators."""
    return _NOT_LETTER.sub("", "".join(pinyin(text)).lower())


def _spellings(department: Department) -> Iterable[str]:
    """The id, and every run of two or more syllables of the name's and the short name's pinyin (the whole too)."""
    yield _NOT_LETTER.sub("", department.id)
    for text in (department.name, department.short_name):
        syllables = [_letters(part) for part in pinyin(text)]
        syllables = [part for part in syllables if part]
        for start in range(len(syllables)):
            for end in range(start + 2, len(syllables) + 1):
                yield "".join(syllables[start:end])


def meant(folder: str, departments: Mapping[str, Department]) -> Department | None:
    """The department whose id or name `folder` (a folder name under content/) is most like, if one is near."""
    word = _letters(folder)
    if len(word) < 3:
        return None
    best_ratio, best_id = 0.0, ""
    for dept_id in sorted(departments):
        matcher = difflib.SequenceMatcher(None, b=word)  # the folder name is compared with every spelling
        for spelling in dict.fromkeys(_spellings(departments[dept_id])):
            matcher.set_seq1(spelling)
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best_ratio, best_id = ratio, dept_id
    return departments[best_id] if best_ratio >= NEAR else None
