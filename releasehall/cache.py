"""The build cache in `.cache/releasehall/`: parsed sources, rendered bodies, output keys.

Deleting it is always safe; a cache written by other code (another version of Release
Hall, another Python) or for another time zone is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from releasehall.load import SourceCache
from releasehall.markup import BodyCache
from releasehall.write import Stamp

CACHE_DIR = Path(".cache") / "releasehall"
CACHE_FILE = "build.pickle"


def code_signature(timezone: str) -> str:
    """Changes whenever the generator's code, the Python version or the site's zone changes."""
    package = Path(__file__).parent
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{sys.version}|{timezone}".encode())
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


def load_cache(root: Path, signature: str) -> BuildCache:
    path = root / CACHE_DIR / CACHE_FILE
    try:
        with path.open("rb") as handle:
            cache = pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return BuildCache(signature)
    if not isinstance(cache, BuildCache) or cache.signature != signature:
        return BuildCache(signature)
    return cache


def save_cache(root: Path, cache: BuildCache) -> None:
    folder = root / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".build-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(cache, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, folder / CACHE_FILE)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
