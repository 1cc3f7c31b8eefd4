"""The build cache in `.cache/releasehall/`: parsed sources, rendered bodies, output keys and digests.

The cache is data only: one file (`build.json`) of JSON lines whose values are rebuilt by `decode`
from a closed set of shapes (numbers, strings, tuples, lists, maps, dates and the model's
dataclasses of Release Hall's own modules) — nothing in it is ever imported, called or
unpickled. Its first line carries the format, the code signature and an HMAC of the rest
(`secret`: the key never lies in the site folder), so a cache that is damaged (a flipped
bit), forged, written on another machine or with another key, or from another version of
the code, Python or time zone is ignored as a whole, with a one-line notice. Deleting it is
always safe. Sources are recognized by a digest of their bytes, not by their modification
time, and outputs by the digest of theirs, so the cache holds across a fresh checkout.
Speed (10k items: 10k sources, 10k bodies): orjson reads and writes the lines, and a source or
body this build kept as it was read is written back from its line without encoding it again.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from types import MemberDescriptorType
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from releasehall.content.load import SourceCache
from releasehall.errors import Report
from releasehall.markdown.markup import BodyCache
from releasehall.store.places import (
    CACHE_DIR,
    CACHE_FILE,
    CACHE_ROOT,
    IMAGES_FOLDER,
    OUTPUTS_FOLDER,
    SEARCH_FOLDER,
    SEARCH_PAGES,
    UNCHANGED_FILE,
)
from releasehall.store.signing import sign, signed
from releasehall.store.write import Stamp

OLD_FILES = ("build.pickle",)  # earlier formats: never read, removed
# what `.cache/releasehall/` may hold: a name -> whether it is a folder (the `.build-*` files are `save_cache`'s)
_OURS = {CACHE_FILE: False, UNCHANGED_FILE: False, OUTPUTS_FOLDER: True, SEARCH_FOLDER: True, SEARCH_PAGES: True, IMAGES_FOLDER: True,
         **{old: False for old in OLD_FILES}}
_FLAT = (OUTPUTS_FOLDER, SEARCH_FOLDER)  # folders of plain files only
FORMAT = "releasehall-cache"
VERSION = 5


def code_signature(timezone: str) -> str:
    """Changes whenever the generator's code, the Python version or the site's zone changes."""
    package = Path(__file__).parent.parent
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
    stamps: dict[str, Stamp] = field(default_factory=dict)  # output path -> stamp and digest after the last write
    search_placed: list[str] = field(default_factory=list)  # groups (`search.layout`) of the search files in the output
    search_bundles: dict[str, str] = field(default_factory=dict)  # inputs digest -> digest of `search/<digest>.zip`
    key: bytes | None = field(default=None, compare=False, repr=False)  # what it is signed with (`cache_key`)
    # what `loads` read, so that `dumps` writes an entry kept unchanged from its line: source path or body key ->
    # (record or body, problems, digest, line)
    lines: dict[Any, tuple[Any, Any, str, bytes]] = field(default_factory=dict, compare=False, repr=False)


@functools.cache
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


@functools.cache
def _fields(cls: type) -> tuple[str, tuple[str, ...], Callable[[list[Any]], Any]]:
    """A cached class's name in the cache, its fields, and how to make one from their values in order: its
    __init__ given them in order; for a record whose fields are given by name (`schema.record`), straight into
    its slots, as its __init__ would (matching every name costs a 10k hall's warm build tens of milliseconds)."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    name, names = f"{cls.__module__}:{cls.__qualname__}", tuple(f.name for f in fields)
    if all(f.init and not f.kw_only for f in fields):
        return name, names, lambda values: cls(*values)
    slots: list[Any] = [getattr(cls, field, None) for field in names]
    if hasattr(cls, "__post_init__") or not all(type(slot) is MemberDescriptorType for slot in slots):
        return name, names, lambda values: cls(**dict(zip(names, values, strict=True)))
    setters = [slot.__set__ for slot in slots]

    def fill(values: list[Any]) -> Any:
        made: Any = object.__new__(cls)
        for put, value in zip(setters, values, strict=True):
            put(made, value)
        return made

    return name, names, fill


class Refused(ValueError):
    """The cache holds something that is not one of the shapes `encode` writes."""


_PLAIN = (str, int, float, bool, type(None))


def encode(value: Any) -> Any:
    """A value as plain JSON: every array starts with a tag that says what it was; no JSON objects."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple:
        return ["t", *[encode(item) for item in value]]
    if kind is list:
        return ["l", *[encode(item) for item in value]]
    if kind is dict:
        flat: list[Any] = ["d"]
        for key, item in value.items():
            flat.append(encode(key))
            flat.append(encode(item))
        return flat
    if kind is frozenset:
        return ["f", *[encode(item) for item in value]]
    if isinstance(value, datetime):
        tz = value.tzinfo
        if isinstance(tz, ZoneInfo):
            return ["z", value.replace(tzinfo=None).isoformat(), tz.key, value.fold]
        if tz is None or isinstance(tz, timezone):
            return ["o", value.isoformat()]
        raise TypeError(f"cannot cache a datetime in {tz!r}")
    if isinstance(value, date):
        return ["D", value.isoformat()]
    if dataclasses.is_dataclass(value):
        name, names, _make = _fields(kind)  # type: ignore[arg-type]
        if _allowed(name) is kind:
            return ["c", name, *[encode(getattr(value, f)) for f in names]]
    if isinstance(value, _PLAIN):  # a subclass of str or int (an enum): kept as its plain value
        return value
    raise TypeError(f"cannot cache {kind!r}")


def decode(data: Any) -> Any:
    """The value `encode` wrote; `Refused` for anything it would not have written. A plain item (most of a record's
    values) is taken as it is, without a call (a 10k hall's sources and bodies: 0.62 → 0.42 s of CPU)."""
    kind = type(data)
    if kind in _PLAIN:
        return data
    if kind is not list or not data or type(data[0]) is not str:
        raise Refused("not a tagged value")
    tag = data[0]
    plain = _PLAIN
    if tag == "t":
        return tuple([item if type(item) in plain else decode(item) for item in data[1:]])
    if tag == "l":
        return [item if type(item) in plain else decode(item) for item in data[1:]]
    if tag == "c" and len(data) > 1 and type(data[1]) is str:
        cls = _allowed(data[1])
        if cls is None:
            raise Refused(f"unknown class {data[1]!r}")
        _name, names, make = _fields(cls)
        if len(names) != len(data) - 2:
            raise Refused(f"{data[1]} has other fields")
        return make([item if type(item) in plain else decode(item) for item in data[2:]])
    if tag == "d":
        if len(data) % 2 == 0:
            raise Refused("odd map")
        result = {}
        for index in range(1, len(data), 2):
            key = data[index]
            if type(key) is not str:
                key = decode(key)
                if not isinstance(key, str | int | tuple):
                    raise Refused("bad map key")
            if key in result:
                raise Refused("bad map key")
            item = data[index + 1]
            result[key] = item if type(item) in plain else decode(item)
        return result
    rest = data[1:]
    if tag == "f":
        return frozenset([decode(item) for item in rest])
    if tag == "z" and len(rest) == 3 and isinstance(rest[0], str) and isinstance(rest[1], str) and rest[2] in (0, 1):
        return datetime.fromisoformat(rest[0]).replace(tzinfo=ZoneInfo(rest[1]), fold=rest[2])
    if tag == "o" and len(rest) == 1 and isinstance(rest[0], str):
        return datetime.fromisoformat(rest[0])
    if tag == "D" and len(rest) == 1 and isinstance(rest[0], str):
        return date.fromisoformat(rest[0])
    raise Refused(f"unknown tag {tag!r}")


def _mac(key: bytes, signature: str, payload: bytes) -> str:
    """The cache's HMAC: over the format, the version, the code signature and the whole payload."""
    return sign(key, f"{FORMAT}|{VERSION}|{signature}\n".encode(), payload)


def _line(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except TypeError:  # an integer orjson cannot hold: the standard library writes it
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def dumps(cache: BuildCache, key: bytes) -> bytes:
    """The cache file: a header line (format, version, signature, HMAC), then one line per source, one per
    body, then the output keys, the stamps and the search bundles. A source or body the last load read and
    this build kept (the same objects) is written from the line it was read from, not encoded again."""
    lines = cache.lines
    out: list[bytes] = [_line([cache.output, len(cache.sources), len(cache.bodies)])]
    for rel, (digest, record, problems) in cache.sources.items():
        seen = lines.get(rel)
        if seen is not None and seen[0] is record and seen[1] is problems and seen[2] == digest:
            out.append(seen[3])
        else:
            out.append(_line([rel, digest, encode(record), encode(problems)]))
    for body_key, value in cache.bodies.items():
        seen = lines.get(body_key)
        if seen is not None and seen[0] is value:
            out.append(seen[3])
        else:
            out.append(_line([encode(body_key), encode(value)]))
    out.append(_line(cache.keys))
    out.append(_line({rel: list(stamp) for rel, stamp in cache.stamps.items()}))
    out.append(_line([cache.search_placed, cache.search_bundles]))
    payload = b"\n".join(out)
    header = json.dumps({"format": FORMAT, "version": VERSION, "signature": cache.signature,
                         "mac": _mac(key, cache.signature, payload)}, sort_keys=True).encode("ascii")
    return header + b"\n" + payload


def loads(data: bytes, signature: str, key: bytes) -> tuple[BuildCache | None, str]:
    """The cache in `data`, or None and why it was ignored ("foreign", "other version", "unsigned": its HMAC
    does not match, so it is damaged, altered, or was written with another key; "damaged")."""
    head, newline, payload = data.partition(b"\n")
    try:
        header = json.loads(head.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None, "foreign"
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return None, "foreign"
    if header.get("version") != VERSION or header.get("signature") != signature:
        return None, "other version"
    mac = header.get("mac")
    if not newline or not signed(key, mac, f"{FORMAT}|{VERSION}|{signature}\n".encode(), payload):
        return None, "unsigned"
    try:
        return _parse(payload.split(b"\n"), signature), ""
    except (ValueError, TypeError, LookupError, RecursionError):  # Refused and orjson's errors are ValueErrors
        return None, "damaged"


def _parse(rows: list[bytes], signature: str) -> BuildCache:
    output, nsources, nbodies = orjson.loads(rows[0])
    if not isinstance(output, str) or type(nsources) is not int or type(nbodies) is not int \
            or len(rows) != 4 + nsources + nbodies:
        raise Refused("bad layout")
    cache = BuildCache(signature, output=output)
    lines = cache.lines
    for row in rows[1:1 + nsources]:
        rel, digest, record, problems = orjson.loads(row)
        if not isinstance(rel, str) or not isinstance(digest, str) or rel in cache.sources:
            raise Refused("bad source")
        entry = cache.sources[rel] = (digest, decode(record), decode(problems))
        if not isinstance(entry[2], list):
            raise Refused("bad problems")
        lines[rel] = (entry[1], entry[2], digest, row)
    for row in rows[1 + nsources:1 + nsources + nbodies]:
        body_key, value = orjson.loads(row)
        body_key, value = decode(body_key), decode(value)
        if not isinstance(body_key, tuple) or not isinstance(value, tuple) or body_key in cache.bodies:
            raise Refused("bad body")
        cache.bodies[body_key] = value
        lines[body_key] = (value, None, "", row)
    keys, stamps, (placed, bundles) = orjson.loads(rows[-3]), orjson.loads(rows[-2]), orjson.loads(rows[-1])
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise Refused("bad keys")
    if not isinstance(stamps, dict) or not all(isinstance(v, list) and len(v) == 3 and type(v[0]) is int
                                               and type(v[1]) is int and type(v[2]) is str for v in stamps.values()):
        raise Refused("bad stamps")
    if not isinstance(placed, list) or not all(isinstance(v, str) for v in placed) or not isinstance(bundles, dict) or \
            not all(isinstance(v, str) for v in bundles.values()):
        raise Refused("bad search bundles")
    cache.keys, cache.search_placed, cache.search_bundles = keys, placed, bundles
    cache.stamps = {rel: (size, mtime, digest) for rel, (size, mtime, digest) in stamps.items()}
    return cache


_WHY = {"damaged": ("已损坏", "is damaged"), "foreign": ("不是发布厅的缓存", "is not Release Hall's"),
        "unsigned": ("未通过校验（已损坏、被改动，或由另一台机器或另一个密钥写成）",
                     "fails its check (damaged, altered, or written on another machine or with another key)"),
        "other version": ("来自其他版本（代码、Python 或时区不同）", "is from another version (code, Python or time zone)")}


def _kind(path: Path) -> int | None:
    """The file type of `path` itself (a link is a link), None when nothing is there."""
    try:
        return stat.S_IFMT(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None


def _remove(path: Path) -> None:
    """Remove `path` itself: a link or a file unlinked, a folder removed without following a link inside it."""
    if _kind(path) == stat.S_IFDIR:
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def secure(root: Path, report: Report, repair: bool = True) -> bool:
    """Make the cache folder safe to use before anything reads or writes it: `.cache/`, `.cache/releasehall/`
    and its folders are real folders, never links or files (anyone who commits to the site can put those there,
    and a build that followed them would read, write or delete outside the site), and hold only what this code
    puts there. Whatever is not is removed (`repair`; else only reported, and the cache is not usable), with a
    one-line notice; the build then goes on as with an empty cache. Links and foreign files inside the
    image entries are the readers' to refuse (`pictures`); the search pages folder older builds left is removed."""
    found: list[str] = []

    def refuse(path: Path, zh: str, en: str) -> None:
        rel = path.relative_to(root).as_posix()
        removed = False
        if repair:
            try:
                _remove(path)
                removed = True
            except OSError:
                pass
        report.warn(rel, 1, f"缓存目录中的 {rel} {zh}，{'已删除' if removed else '本次不使用缓存'}",
                    f"{rel} in the cache folder {en}; {'removed' if removed else 'the cache is not used this time'}")
        if not removed:
            found.append(rel)

    top = root / CACHE_ROOT
    for folder in (top, root / CACHE_DIR):
        kind = _kind(folder)
        if kind is None:
            return not found
        if kind != stat.S_IFDIR:
            refuse(folder, "不是文件夹（是链接或文件），从不跟随", "is not a folder (a link or a file) and is never followed")
            return not found
    try:
        children = sorted(os.scandir(root / CACHE_DIR), key=lambda entry: entry.name)
    except OSError:
        return not found
    for child in children:
        path = Path(child.path)
        is_folder = _OURS.get(child.name)
        if is_folder is None and not (child.name.startswith(".build-") and child.is_file(follow_symlinks=False)):
            refuse(path, "不是发布厅写入的", "was not put there by Release Hall")
        elif is_folder and not child.is_dir(follow_symlinks=False):
            refuse(path, "不是文件夹（是链接或文件），从不跟随", "is not a folder (a link or a file) and is never followed")
        elif is_folder is False and not child.is_file(follow_symlinks=False):
            refuse(path, "不是普通文件（是链接或文件夹），从不跟随", "is not a plain file (a link or a folder) and is never followed")
        elif child.name in _FLAT or child.name == IMAGES_FOLDER:
            want_folders = child.name == IMAGES_FOLDER
            try:
                with os.scandir(path) as inner:
                    odd = sorted(entry.name for entry in inner
                                 if (entry.is_dir(follow_symlinks=False) if want_folders
                                     else entry.is_file(follow_symlinks=False)) is False)
            except OSError:
                odd = []
            for name in odd:
                refuse(path / name, "不是发布厅写入的（链接或类型不符），从不跟随",
                       "was not put there by Release Hall (a link, or of the wrong kind) and is never followed")
    return not found


def load_cache(root: Path, signature: str, report: Report, key: bytes) -> BuildCache:
    """The last build's cache, or an empty one (with a one-line notice when a cache was there but not usable).
    The key (`secret.cache_key`) stays with the cache, which `save_cache` signs with it."""
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
        return BuildCache(signature, key=key)
    except OSError:
        data = b""
    cache, why = loads(data, signature, key)
    if cache is None:
        zh, en = _WHY.get(why, _WHY["damaged"])
        report.warn(rel, 1, f"缓存{zh}，已忽略，本次完整构建", f"the cache {en}; ignored, building in full")
        return BuildCache(signature, key=key)
    cache.key = key
    return cache


def save_cache(root: Path, cache: BuildCache) -> None:
    """Write the cache, signed with its key (none: the build had no usable key and keeps no cache)."""
    if cache.key is None:
        return
    folder = root / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    data = dumps(cache, cache.key)
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
