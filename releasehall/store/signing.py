"""The key that signs what Release Hall keeps in `.cache/releasehall/`, and the signature itself.

Anyone who can commit into the site folder can write files under `.cache/`: a digest there
detects damage, not forgery. So everything read back from the cache is signed (HMAC-SHA256)
with a key that never lies in the site folder: `$RELEASEHALL_CACHE_KEY` when set (the
operator's CI secret), else a random key made on first use, readable by its owner only, in
the user's cache folder (`$XDG_CACHE_HOME/releasehall/key`, by default
`~/.cache/releasehall/key`). What fails its signature is ignored and made again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from releasehall.errors import Report

KEY_VARIABLE = "RELEASEHALL_CACHE_KEY"


def sign(key: bytes, *parts: bytes | memoryview) -> str:
    """HMAC-SHA256 of the parts, in order (hex)."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(part)
    return mac.hexdigest()


def signed(key: bytes, mac: object, *parts: bytes | memoryview) -> bool:
    """Whether `mac` is the signature of the parts (compared in constant time)."""
    return isinstance(mac, str) and hmac.compare_digest(mac, sign(key, *parts))


def key_file() -> Path:
    """Where this user's cache key lives: `$XDG_CACHE_HOME/releasehall/key`, else `~/.cache/releasehall/key`."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    folder = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return folder / "releasehall" / "key"


def cache_key(root: Path, report: Report) -> bytes | None:
    """The key the cache is signed with, never from the site folder: `$RELEASEHALL_CACHE_KEY` (the operator's CI
    secret), else the user's key file, made (random, 0600) on first use. None (no cache is read or written, with a
    warning) when the key file would lie inside the site folder, where an editor could commit one, or cannot be
    made."""
    secret = os.environ.get(KEY_VARIABLE, "")
    if secret:
        return secret.encode("utf-8")
    path = key_file()
    shown = str(path)
    try:
        inside = path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError) as exc:  # a link that leads to itself (RuntimeError before Python 3.13)
        reason = ("符号链接循环", "a symbolic link loop") if isinstance(exc, RuntimeError) else _reason(exc)
        _unreadable(shown, reason, report)
        return None
    if inside:
        report.warn(shown, 1, f"缓存密钥不能放在站点目录之内（可以被提交进仓库），本次不使用缓存；请设置 {KEY_VARIABLE} "
                    "或把 XDG_CACHE_HOME 指向站点之外",
                    f"the cache key must not lie inside the site folder (it could be committed), so no cache is used; "
                    f"set {KEY_VARIABLE} or point XDG_CACHE_HOME outside the site")
        return None
    try:
        return _read_or_make_key(path)
    except OSError as exc:
        _unreadable(shown, _reason(exc), report)
        return None


def _reason(exc: OSError) -> tuple[str, str]:
    reason = str(exc.strerror or exc)
    return reason, reason


def _unreadable(shown: str, reason: tuple[str, str], report: Report) -> None:
    """The key file cannot be read or made: the operator's to fix; the build goes on without the cache (a build
    without it is the same build, only slower)."""
    report.warn(shown, 1, f"无法读取或创建缓存密钥（{reason[0]}），本次不使用缓存；请修复或删除该文件（会自动生成新密钥），"
                f"或设置 {KEY_VARIABLE}",
                f"cannot read or create the cache key ({reason[1]}), so no cache is used; fix or delete that file (a "
                f"new key is made) or set {KEY_VARIABLE}")


def _read_or_make_key(path: Path) -> bytes:
    try:
        key = path.read_bytes().strip()
        if len(key) >= 32:
            return key
        path.unlink()  # empty or cut short: made again
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_hex(32).encode("ascii")
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another build made it first
        return path.read_bytes().strip()
    with os.fdopen(handle, "wb") as file:
        file.write(key + b"\n")
    return key
