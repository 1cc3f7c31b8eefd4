"""Problems found in a site's sources: where they are and what to do, in Chinese and English.

Every stage collects problems into a `Report` instead of raising at the first one, so an
editor sees every mistake in one run.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    path: str
    line: int
    zh: str
    en: str
    warning: bool = False

    def __str__(self) -> str:
        tag = "警告 warning: " if self.warning else ""
        return printable(f"{self.path}:{self.line}: {tag}{self.zh} / {self.en}")


@dataclass(slots=True)
class Report:
    """Collects the problems of one build; `errors` decide the exit code."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, zh: str, en: str) -> None:
        self.problems.append(Problem(path, line, one_line(zh), one_line(en)))

    def warn(self, path: str, line: int, zh: str, en: str) -> None:
        self.problems.append(Problem(path, line, one_line(zh), one_line(en), warning=True))

    @property
    def errors(self) -> list[Problem]:
        return sorted({p for p in self.problems if not p.warning})

    @property
    def warnings(self) -> list[Problem]:
        return sorted({p for p in self.problems if p.warning})

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)


def one_line(text: str) -> str:
    """A message on one line, whatever a quoted value holds: every problem prints as one `path:line: …` line."""
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


# what would break a `path:line: …` line or make it read other than it is: control characters other than tab
# (a newline in a file name), line separators, and the bidirectional overrides that reorder what a terminal shows
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every character that could break or disguise a one-line message written as `\\uXXXX`."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _UNPRINTABLE.search(text) else text


def did_you_mean(word: str, choices: Iterable[str]) -> tuple[str, str]:
    """A "did you mean" suffix in Chinese and English, or empty strings."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    if not close:
        return "", ""
    return f"，是否想写 “{close[0]}”？", f"; did you mean '{close[0]}'?"


def unread_target(what: tuple[str, str], shown: str, source: str, why: str) -> tuple[str, str]:
    """A warning for a reference (`what`: link, image, related …) to `source`, which is there but was not read
    because `why` has errors (`source` itself, or its department's department.yaml). Those errors are listed at
    `why`; this one only says where to look, so one mistake is not reported as a missing file everywhere it is
    linked from."""
    if why == source:
        return (f"{what[0]} “{shown}” 指向的 {source} 本身有错误（已在该文件处列出），暂时去掉；改正该文件后自动恢复",
                f"{what[1]} '{shown}' points at {source}, which has errors of its own (listed at that file); left out "
                "until that file is fixed")
    return (f"{what[0]} “{shown}” 指向的 {source} 未能读入，因为 {why} 有错误（已在该文件处列出），暂时去掉；"
            "改正该文件后自动恢复",
            f"{what[1]} '{shown}' points at {source}, which was not read because {why} has errors (listed at that "
            "file); left out until that file is fixed")
