"""The build cache in `.cache/releasehall/`: parsed sources, rendered bodies, output keys.

The cache is data only: one JSON file (`build.json`) whose values are rebuilt by `decode`
from a closed set of shapes (numbers, strings, tuples, lists, maps, dates and the model's
dataclasses of Release Hall's own modules) — nothing in it is ever imported, called or
unpickled. Its first line carries the format, the code signature and a digest of the rest,
so a cache that is damaged (a flipped bit), foreign (not ours) or from another version of
the code, Python or time zone is ignored as a whole, with a one-line notice. Deleting it is
always safe. Sources are recognized by a digest of their bytes, not by their modification
time, so the cache holds across a fresh checkout.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from releasehall.errors import Report
from releasehall.load import SourceCache
from releasehall.markup import BodyCache
from releasehall.write import Stamp

CACHE_DIR = Path(".cache") / "releasehall"
CACHE_FILE = "build.json"
SEARCH_FOLDER = "search"  # the search index's bundles, by digest (`search.Store`)
OLD_FILES = ("build.pickle",)  # earlier formats: never read, removed
FORMAT = "releasehall-cache"
VERSION = 3


def code_signature(timezone: str) -> str:
    """Changes whenever the generator's code, the Python version or the site's zone changes."""
    package = Path(__file__).parent
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{sys.version}|{timezone}|{VERSION}".encode())
    for path in sorted(package.rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


@dataclass(slots=True)
class BuildCache:
    signature: str = ""
    sources: SourceCache = field(default_factory=dict)
    bodies: BodyCache = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # output path -> key of what it shows
    output: str = ""  # the output folder the stamps describe
    stamps: dict[str, Stamp] = field(default_factory=dict)  # output path -> stamp after the last write
    search_placed: str = ""  # inputs digest of the search bundle in the output
    search_bundles: dict[str, str] = field(default_factory=dict)  # inputs digest -> digest of `search/<digest>.zip`


def _allowed(name: str) -> type | None:
    """The class a cache may name: a dataclass defined in one of Release Hall's own modules that is already
    loaded (`module:Class`; nothing is imported). Records gain fields and types as the code grows; the code
    signature keeps an old cache from meeting new classes."""
    module_name, _colon, class_name = name.partition(":")
    if not module_name.startswith("releasehall.") or module_name not in sys.modules:
        return None
    cls = getattr(sys.modules[module_name], class_name, None)
    if not isinstance(cls, type) or not dataclasses.is_dataclass(cls) or cls.__module__ != module_name:
        return None
    return cls


class Refused(ValueError):
    """The cache holds something that is not one of the shapes `encode` writes."""


def encode(value: Any) -> Any:
    """A value as plain JSON: every array starts with a tag that says what it was; no JSON objects."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple):
        return ["t", *map(encode, value)]
    if isinstance(value, list):
        return ["l", *map(encode, value)]
    if isinstance(value, dict):
        flat: list[Any] = ["d"]
        for key, item in value.items():
            flat.extend((encode(key), encode(item)))
        return flat
    if isinstance(value, frozenset):
        return ["f", *map(encode, value)]
    if isinstance(value, datetime):
        tz = value.tzinfo
        if isinstance(tz, ZoneInfo):
            return ["z", value.replace(tzinfo=None).isoformat(), tz.key, value.fold]
        if tz is None or isinstance(tz, timezone):
            return ["o", value.isoformat()]
        raise TypeError(f"cannot cache a datetime in {tz!r}")
    if isinstance(value, date):
        return ["D", value.isoformat()]
    name = f"{type(value).__module__}:{type(value).__qualname__}"
    if _allowed(name) is type(value):
        return ["c", name, *(encode(getattr(value, f.name)) for f in dataclasses.fields(value))]  # type: ignore[arg-type]
    raise TypeError(f"cannot cache {type(value)!r}")


def decode(data: Any) -> Any:
    """The value `encode` wrote; `Refused` for anything it would not have written."""
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if not isinstance(data, list) or not data or not isinstance(data[0], str):
        raise Refused("not a tagged value")
    tag, rest = data[0], data[1:]
    if tag == "t":
        return tuple(map(decode, rest))
    if tag == "l":
        return list(map(decode, rest))
    if tag == "d":
        if len(rest) % 2:
            raise Refused("odd map")
        result = {}
        for index in range(0, len(rest), 2):
            key = decode(rest[index])
            if not isinstance(key, str | int | tuple) or key in result:
                raise Refused("bad map key")
            result[key] = decode(rest[index + 1])
        return result
    if tag == "f":
        return frozenset(map(decode, rest))
    if tag == "z" and len(rest) == 3 and isinstance(rest[0], str) and isinstance(rest[1], str) and rest[2] in (0, 1):
        return datetime.fromisoformat(rest[0]).replace(tzinfo=ZoneInfo(rest[1]), fold=rest[2])
    if tag == "o" and len(rest) == 1 and isinstance(rest[0], str):
        return datetime.fromisoformat(rest[0])
    if tag == "D" and len(rest) == 1 and isinstance(rest[0], str):
        return date.fromisoformat(rest[0])
    cls = _allowed(rest[0]) if tag == "c" and rest and isinstance(rest[0], str) else None
    if cls is not None:
        names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        if len(names) != len(rest) - 1:
            raise Refused(f"{rest[0]} has other fields")
        return cls(**dict(zip(names, map(decode, rest[1:]), strict=True)))
    raise Refused(f"unknown tag {tag!r}")


def _digest(payload: bytes) -> str:
    return hashlib.blake2b(payload, digest_size=32).hexdigest()


def dumps(cache: BuildCache) -> bytes:
    payload = json.dumps([encode(cache.sources), encode(cache.bodies), encode(cache.keys), cache.output,
                          encode(cache.stamps), cache.search_placed, encode(cache.search_bundles)], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    header = json.dumps({"format": FORMAT, "version": VERSION, "signature": cache.signature,
                         "digest": _digest(payload)}, sort_keys=True).encode("ascii")
    return header + b"\n" + payload


def loads(data: bytes, signature: str) -> tuple[BuildCache | None, str]:
    """The cache in `data`, or None and why it was ignored ("damaged", "foreign", "other version")."""
    head, newline, payload = data.partition(b"\n")
    try:
        header = json.loads(head.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None, "foreign"
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return None, "foreign"
    if header.get("version") != VERSION or header.get("signature") != signature:
        return None, "other version"
    if not newline or header.get("digest") != _digest(payload):
        return None, "damaged"
    try:
        sources, bodies, keys, output, stamps, placed, bundles = json.loads(payload.decode("utf-8"))
        cache = BuildCache(signature, decode(sources), decode(bodies), decode(keys), output, decode(stamps),
                           placed, decode(bundles))
    except (ValueError, TypeError, LookupError, RecursionError):  # Refused is a ValueError
        return None, "damaged"
    if not all(isinstance(part, dict) for part in (cache.sources, cache.bodies, cache.keys, cache.stamps,
                                                   cache.search_bundles)) \
            or not isinstance(cache.output, str) or not isinstance(cache.search_placed, str):
        return None, "damaged"
    return cache, ""


_WHY = {"damaged": ("已损坏", "is damaged"), "foreign": ("不是发布厅的缓存", "is not Release Hall's"),
        "other version": ("来自其他版本（代码、Python 或时区不同）", "is from another version (code, Python or time zone)")}


def load_cache(root: Path, signature: str, report: Report) -> BuildCache:
    """The last build's cache, or an empty one (with a one-line notice when a cache was there but not usable)."""
    folder = root / CACHE_DIR
    rel = (CACHE_DIR / CACHE_FILE).as_posix()
    for old in OLD_FILES:
        if (folder / old).is_file() or (folder / old).is_symlink():
            (folder / old).unlink()
            report.warn((CACHE_DIR / old).as_posix(), 1, "旧格式的缓存从不读取，已删除",
                        "a cache in the old format is never read and was removed")
    path = folder / CACHE_FILE
    try:
        if path.is_symlink():
            raise OSError("a link")
        data = path.read_bytes()
    except FileNotFoundError:
        return BuildCache(signature)
    except OSError:
        data = b""
    cache, why = loads(data, signature)
    if cache is None:
        zh, en = _WHY.get(why, _WHY["damaged"])
        report.warn(rel, 1, f"缓存{zh}，已忽略，本次完整构建", f"the cache {en}; ignored, building in full")
        return BuildCache(signature)
    return cache


def save_cache(root: Path, cache: BuildCache) -> None:
    folder = root / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    data = dumps(cache)
    for dead in folder.glob(".build-*"):  # left by a build killed while saving
        dead.unlink(missing_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".build-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, folder / CACHE_FILE)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
