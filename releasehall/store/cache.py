"""The build cache in `.cache/releasehall/`: parsed sources, rendered bodies, output keys and digests.

The cache is data only: one file (`build.msgpack`), a JSON header line, then one MessagePack document that msgspec
decodes straight into the types this module declares for each place (`_payload`): strings, numbers, tuples,
lists, maps, and the model's records (`RECORDS`), bodies and problems with the records they hold. The file never
names a type, nothing in it is imported, called or unpickled, and what does not fit the declared types fails the
whole decode. The header carries the format, the code signature and an HMAC of the rest (`secret`: the key never
lies in the site folder), so a cache that is damaged (a flipped bit), forged, written on another machine or with
another key, or from another version of the code, Python, msgspec or time zone is ignored as a whole, with a
one-line notice. Deleting it is always safe. Sources are recognized by a digest of their bytes, not by their
modification time, and outputs by the digest of theirs, so the cache holds across a fresh checkout.

Moments: msgspec keeps a datetime's offset, not its zone. A moment in a zone (the site's, `schema.parse_datetime`)
is written as its wall time, with the zone's name once per source (a row's `zone`), and given that zone again after
decoding (`_zoned`); a moment written with an offset keeps its offset. Each row written anew is read back first:
one that would not come back equal (two zones in one record, the later of two equal wall times, a list where a tuple
is declared) is left out, and its file is read again (its body rendered again) next time.

Speed (10k items: 10k sources, 10k bodies, 23k output stamps): msgspec decodes the 25 MB in C, about 0.1 s
(the generic decoder of tagged JSON it replaced took 1.3 s); a source or body this build kept as it was read is
written back from its bytes without encoding it again.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import json
import operator
import os
import shutil
import stat
import sys
import tempfile
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from releasehall.content.load import SourceCache
from releasehall.errors import Problem, Report
from releasehall.markdown.markup import Body, BodyCache
from releasehall.model.entry_kinds import ENTRY_KINDS
from releasehall.model.records import Department
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

OLD_FILES = ("build.pickle", "build.json")  # earlier formats: never read, removed
# what `.cache/releasehall/` may hold: a name -> whether it is a folder (the `.build-*` files are `save_cache`'s)
_OURS = {CACHE_FILE: False, UNCHANGED_FILE: False, OUTPUTS_FOLDER: True, SEARCH_FOLDER: True, SEARCH_PAGES: True, IMAGES_FOLDER: True,
         **{old: False for old in OLD_FILES}}
_FLAT = (OUTPUTS_FOLDER, SEARCH_FOLDER)  # folders of plain files only
FORMAT = "releasehall-cache"
VERSION = 6

# the records a source's entry may hold (or None: the file gave none), each in a list of its own: msgspec decodes
# a list of one declared type, never a type the file names
RECORDS: tuple[type, ...] = (Department, *(kind.record for kind in ENTRY_KINDS))
_GROUPS: tuple[type, ...] = (*RECORDS, type(None))


def distributions() -> list[str]:
    """The installed distributions as their metadata folders name them (name and version), on every import path."""
    found: list[str] = []
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        found += [f"{folder}/{name}" for name in names if name.endswith((".dist-info", ".egg-info"))]
    return sorted(found)


def code_signature(timezone: str) -> str:
    """Changes whenever the generator's code, the Python, an installed distribution (msgspec, which reads the
    cache; cmark-gfm, nh3, pypinyin, OpenCC …, whose results the cache holds) or the site's zone changes."""
    package = Path(__file__).parent.parent
    h = hashlib.blake2b(digest_size=16)
    h.update(json.dumps([sys.version, msgspec.__version__, timezone, VERSION, distributions()]).encode())
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
    # what `loads` read (and `prepare_rows` made), so that `dumps` writes an entry kept unchanged from its bytes:
    # source path or body key -> (record or body, problems, digest, its bytes in the file)
    lines: dict[Any, tuple[Any, Any, str, msgspec.Raw]] = field(default_factory=dict, compare=False, repr=False)


class Refused(ValueError):
    """The cache holds something that `dumps` never writes."""


def _source_row_type(kind: type) -> Any:
    """A source's row: its path, the digest of its bytes, its record of `kind`, its problems, and the zone of the
    moments written by their wall time ("" for none)."""
    return types.GenericAlias(tuple, (str, str, kind, list[Problem], str))


_BODY_ROW = tuple[tuple[str, str, int], Body, list[Problem]]  # a body's row: its key, the body, its problems


def _payload(row: Any) -> Any:
    """The type of the cache's document, with `row` at each source and body when given: the output folder, the
    sources of each of `_GROUPS`, the bodies, the output keys, the stamps, and the search files placed and bundles
    kept."""
    def rows(of: Any) -> Any:
        return types.GenericAlias(list, row if row is not None else of)

    return types.GenericAlias(tuple, (str, *(rows(_source_row_type(kind)) for kind in _GROUPS), rows(_BODY_ROW),
                                      dict[str, str], dict[str, tuple[int, int, str]], list[str], dict[str, str]))


@functools.cache
def _decoders() -> tuple[msgspec.msgpack.Decoder[Any], msgspec.msgpack.Decoder[Any], dict[type, Any]]:
    """The typed decoder, the one that gives each source's and body's bytes (`BuildCache.lines`), and one for a
    single row of each kind of source (Body: of a body), for `dumps` to read back what it writes."""
    for kind in (*RECORDS, Body, Problem):
        _dated(kind)  # a moment where `_zoned` would not find it: refused here, before any cache is read
    one = {kind: msgspec.msgpack.Decoder(_source_row_type(kind)) for kind in _GROUPS}
    one[Body] = msgspec.msgpack.Decoder(_BODY_ROW)
    return msgspec.msgpack.Decoder(_payload(None)), msgspec.msgpack.Decoder(_payload(msgspec.Raw)), one


_ENCODER = msgspec.msgpack.Encoder()
_MINUTE = timedelta(minutes=1)


def _union(hint: Any) -> tuple[Any, ...] | None:
    """The members of a union (`X | None` included), None when `hint` is not one."""
    return typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else None


def _mentions_moment(hint: Any) -> bool:
    if hint is datetime:
        return True
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return bool(_dated(hint))
    return any(_mentions_moment(arg) for arg in typing.get_args(hint))


@functools.cache
def _dated(cls: type) -> tuple[tuple[str, str, type | None], ...]:
    """Where a record holds datetimes, directly or in the records it holds: (field, how, record held), how being
    "moment" (a datetime, or None or a bool instead), "one" (a record or None) or "many" (a tuple of records).
    A datetime anywhere else is refused (TypeError): a new field of another shape is added here first."""
    hints = typing.get_type_hints(cls)
    plan: list[tuple[str, str, type | None]] = []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        hint = hints[f.name]
        members = [arg for arg in (_union(hint) or (hint,)) if arg is not type(None)]
        args = typing.get_args(hint)
        if datetime in members and all(arg in (datetime, bool) for arg in members):
            plan.append((f.name, "moment", None))
        elif len(members) == 1 and isinstance(members[0], type) and dataclasses.is_dataclass(members[0]):
            if _dated(members[0]):
                plan.append((f.name, "one", members[0]))
        elif typing.get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis and \
                isinstance(args[0], type) and dataclasses.is_dataclass(args[0]):
            if _dated(args[0]):
                plan.append((f.name, "many", args[0]))
        elif _mentions_moment(hint):
            raise TypeError(f"cannot cache the datetimes of {cls.__qualname__}.{f.name}: {hint}")
    return tuple(plan)


def _moment(moment: Any, zone: list[str]) -> str:
    """A datetime as msgspec reads it back: its wall time when it is in `zone` (the first zone met sets it),
    with its offset when it has a fixed one; TypeError for one that would not come back exactly."""
    if type(moment) is datetime:
        tz = moment.tzinfo
        if type(tz) is ZoneInfo and tz.key and moment.fold == 0:
            if not zone:
                zone.append(tz.key)
            if zone[0] == tz.key:
                return moment.replace(tzinfo=None).isoformat()
        elif type(tz) is timezone:
            offset = tz.utcoffset(None)
            if not offset % _MINUTE and tz.tzname(None) == timezone(offset).tzname(None):
                return moment.isoformat()
    raise TypeError(f"cannot cache {moment!r} exactly")


def _plain(value: Any, cls: type, zone: list[str]) -> Any:
    """A record as msgspec writes it, its datetimes as `_moment` writes them (a map of its fields)."""
    plan = _dated(cls)
    if type(value) is not cls:
        raise TypeError(f"cannot cache {type(value)!r} as {cls!r}")
    if not plan:
        return value
    out = {f.name: getattr(value, f.name) for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    for name, how, held in plan:
        item = out[name]
        if how == "moment":
            if isinstance(item, datetime):
                out[name] = _moment(item, zone)
            elif item is not None and type(item) is not bool:
                raise TypeError(f"cannot cache {item!r} as a datetime")
        elif item is not None:
            assert held is not None
            out[name] = _plain(item, held, zone) if how == "one" else [_plain(one, held, zone) for one in item]
    return out


@functools.cache
def _zoning(cls: type) -> tuple[tuple[str, ...], Callable[[Any], Any], tuple[tuple[str, str, type | None], ...]]:
    """`_dated` cut for `_zoned`: the names of the moments, a getter of their values (a tuple), the records held."""
    plan = _dated(cls)
    names = tuple(name for name, how, _held in plan if how == "moment")
    get = operator.attrgetter(*names, "__class__")  # a tuple, whatever the count (the class last, not read)
    return names, get, tuple(step for step in plan if step[1] != "moment")


def _zoned(value: Any, cls: type, zone: tzinfo | None) -> None:
    """Give the datetimes `_moment` wrote by their wall time their zone again (in place: `value` was just decoded)."""
    names, get, held_records = _zoning(cls)
    for name, item in zip(names, get(value), strict=False):
        if type(item) is datetime and item.tzinfo is None:
            if zone is None:
                raise Refused("a moment without its zone")
            object.__setattr__(value, name, item.replace(tzinfo=zone))
    for name, how, held in held_records:
        item = getattr(value, name)
        if item is not None:
            assert held is not None
            for one in ((item,) if how == "one" else item):
                _zoned(one, held, zone)


def _zone(name: str, zones: dict[str, tzinfo | None]) -> tzinfo | None:
    """The zone a row names ("": none), each made once per load."""
    zone = zones.get(name)
    if zone is None and name:
        zone = zones[name] = ZoneInfo(name)
    return zone


def _source_row(rel: str, digest: str, record: Any, problems: Any) -> msgspec.Raw | None:
    """A source's row, None when it would not be read back exactly as it is (`_moment`; a value not of its declared
    type, a list where a tuple is declared): it is not kept, and its file is read again next time."""
    zone: list[str] = []
    kind: type = type(record)
    try:
        plain = None if record is None else _plain(record, kind, zone)
        data = _ENCODER.encode((rel, digest, plain, problems, zone[0] if zone else ""))
        back = _decoders()[2][kind].decode(data)
        if record is not None and _dated(kind):
            _zoned(back[2], kind, _zone(back[4], {}))
    except (msgspec.MsgspecError, TypeError, ValueError, OverflowError, LookupError):
        return None
    return msgspec.Raw(data) if back[:4] == (rel, digest, record, problems) else None


def _body_row(body_key: Any, value: Any) -> msgspec.Raw | None:
    """A body's row, None when it would not be read back exactly as it is (then it is rendered again next time)."""
    if type(value) is not tuple or len(value) != 2:
        return None
    try:
        data = _ENCODER.encode((body_key, *value))
        back = _decoders()[2][Body].decode(data)
    except (msgspec.MsgspecError, TypeError, ValueError, OverflowError):
        return None
    return msgspec.Raw(data) if back == (body_key, *value) else None


def _mac(key: bytes, signature: str, payload: bytes | memoryview) -> str:
    """The cache's HMAC: over the format, the version, the code signature and the whole payload."""
    return sign(key, f"{FORMAT}|{VERSION}|{signature}\n".encode(), payload)


def _kept_source_row(lines: dict[Any, tuple[Any, Any, str, msgspec.Raw]], rel: str, digest: str, record: Any,
                     problems: Any) -> msgspec.Raw | None:
    """A source's row: its bytes in `lines` when they were made of these very objects, else made (`_source_row`)."""
    seen = lines.get(rel)
    if seen is not None and seen[0] is record and seen[1] is problems and seen[2] == digest:
        return seen[3]
    return _source_row(rel, digest, record, problems)


def _kept_body_row(lines: dict[Any, tuple[Any, Any, str, msgspec.Raw]], body_key: Any, value: Any
                   ) -> msgspec.Raw | None:
    """A body's row: its bytes in `lines` when they were made of this very value, else made (`_body_row`)."""
    seen = lines.get(body_key)
    return seen[3] if seen is not None and seen[0] is value else _body_row(body_key, value)


def prepare_rows(cache: BuildCache) -> None:
    """Make now the rows `dumps` would make of the sources and bodies the cache holds (all of a cold build's), and
    keep them in `lines` beside what they were made of: `dumps` then writes each from its bytes while it still holds
    the same objects. A build calls it while its pages are made on both cores, when the main process waits."""
    lines = cache.lines
    for rel, (digest, record, problems) in cache.sources.items():
        if type(record) in _GROUPS and (row := _kept_source_row(lines, rel, digest, record, problems)) is not None:
            lines[rel] = (record, problems, digest, row)
    for body_key, value in cache.bodies.items():
        if (row := _kept_body_row(lines, body_key, value)) is not None:
            lines[body_key] = (value, None, "", row)


def dumps(cache: BuildCache, key: bytes) -> bytes:
    """The cache file: a header line (format, version, signature, HMAC), then the document `_payload` declares. A
    source or body the last load read and this build kept (the same objects) is written from its bytes."""
    lines = cache.lines
    groups: dict[type, list[msgspec.Raw]] = {kind: [] for kind in _GROUPS}
    for rel, (digest, record, problems) in cache.sources.items():
        group = groups.get(type(record))
        if group is None:
            continue  # not a record the cache keeps: read again next time
        if (row := _kept_source_row(lines, rel, digest, record, problems)) is not None:
            group.append(row)
    bodies: list[msgspec.Raw] = []
    for body_key, value in cache.bodies.items():
        if (row := _kept_body_row(lines, body_key, value)) is not None:
            bodies.append(row)
    payload = _ENCODER.encode((cache.output, *groups.values(), bodies, cache.keys, cache.stamps, cache.search_placed,
                               cache.search_bundles))
    header = json.dumps({"format": FORMAT, "version": VERSION, "signature": cache.signature,
                         "mac": _mac(key, cache.signature, payload)}, sort_keys=True).encode("ascii")
    return header + b"\n" + payload


def loads(data: bytes, signature: str, key: bytes) -> tuple[BuildCache | None, str]:
    """The cache in `data`, or None and why it was ignored ("foreign", "other version", "unsigned": its HMAC
    does not match, so it is damaged, altered, or was written with another key; "damaged")."""
    end = data.find(b"\n")
    try:
        header = json.loads(data[:end if end >= 0 else len(data)].decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None, "foreign"
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return None, "foreign"
    if header.get("version") != VERSION or header.get("signature") != signature:
        return None, "other version"
    payload = memoryview(data)[end + 1:]
    if end < 0 or not signed(key, header.get("mac"), f"{FORMAT}|{VERSION}|{signature}\n".encode(), payload):
        return None, "unsigned"
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of new objects, all kept: collecting them as they come costs more than decoding
    try:
        return _parse(payload, signature), ""
    except (msgspec.MsgspecError, ValueError, TypeError, LookupError, RecursionError):  # Refused is a ValueError
        return None, "damaged"
    finally:
        if collecting:
            gc.enable()


def _parse(payload: memoryview, signature: str) -> BuildCache:
    typed, raw, _one = _decoders()
    output, *groups, bodies, keys, stamps, placed, bundles = typed.decode(payload)
    _output, *raw_groups, raw_bodies, _keys, _stamps, _placed, _bundles = raw.decode(payload)
    cache = BuildCache(signature, output=output, keys=keys, stamps=stamps, search_placed=placed,
                       search_bundles=bundles)
    sources, lines = cache.sources, cache.lines
    zones: dict[str, tzinfo | None] = {}
    rows = 0
    for kind, group, raw_group in zip(_GROUPS, groups, raw_groups, strict=True):
        dated = kind is not type(None) and bool(_dated(kind))
        rows += len(group)
        for (rel, digest, record, problems, zone), row in zip(group, raw_group, strict=True):
            if dated:
                _zoned(record, kind, zones[zone] if zone in zones else _zone(zone, zones))
            sources[rel] = (digest, record, problems)
            lines[rel] = (record, problems, digest, row)
    if len(sources) != rows:
        raise Refused("a source twice")
    for (body_key, body, problems), row in zip(bodies, raw_bodies, strict=True):
        value = cache.bodies[body_key] = (body, problems)
        lines[body_key] = (value, None, "", row)
    if len(cache.bodies) != len(bodies):
        raise Refused("a body twice")
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
