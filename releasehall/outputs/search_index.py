"""One part of the search index, made from its pages' records (`search_text.Record`): the files search.js reads
of it, and those `search.layout` joins with the other parts' into the files every query reads.

A part's pages are numbered newest first, then those without a date (departments, standalone pages),
then by address: the order results are shown in, after the pages whose title holds the query. Its files:

- `docs.gz` (gzip-compressed JSON): for each page its date (days since 1970-01-01, -1 for none), the numbers
  of its department and kind in the part's lists of names (in Simplified, and in Traditional for the zh-Hant
  mirror), its address and title (and the mirror's): all a result's list item shows but its excerpt, so the
  results are shown as soon as the postings are in; published only joined with the other parts' (`search.layout`),
  one file all parts' tables, fetched while the reader types;
- `postings.txt`, cut at the offsets in `shards.txt`: the postings of the terms whose CRC-32 (of their UTF-8)
  modulo the index's shard count (`shards`, of all parts' pages together) is n, for each n in turn, a line a
  term: `term<TAB>pages<TAB>pages whose title has it`, each list the gaps between page numbers in decimal,
  comma-separated. Published joined: shard n of every part in one file (`search.layout`), so a query fetches one
  file a term whatever the number of parts (each a request costing a slow phone more than its bytes);
- `x<n>.json`: the texts of pages `TEXTS * n` to `TEXTS * (n + 1) - 1`, a JSON list, fetched for the results shown,
  whose excerpts are filled in from them (results on consecutive pages, the newest of a department, share one; a
  file a page was 10,000 files at 10k items, which cost a cold build more to write than its pages' index took to make).

The same records give the same bytes (gzip without a time stamp).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from itertools import pairwise

from jinja2.utils import htmlsafe_json_dumps

from releasehall.outputs.search_text import Record, characters, terms

FORMAT = "releasehall-search 5"  # changes whenever the files' format does: a part made by another format is made again
CHARS = "chars.txt"  # a part's CJK characters, kept with it for the mirror's character map; never published
PAGES = "pages.txt"  # a part's pages and their digests, so the next build re-reads only those that changed; never published
DOCS = "docs.gz"  # the part's table of pages; published joined with the other parts' (`search.layout`)
POSTINGS = "postings.txt"  # the part's postings, shard after shard; published joined with the other parts' shard by shard
OFFSETS = "shards.txt"  # where each shard's lines begin in POSTINGS (and where the last ends), in bytes
KEPT = (CHARS, PAGES, DOCS, POSTINGS, OFFSETS)  # not published as they are
TEXTS = 16  # pages' texts a file (`x<n>.json`): ~8 KB at 10k items; the ten results shown fetch at most ten
_EPOCH = date(1970, 1, 1)


def shards(pages: int) -> int:
    """How many postings files an index of `pages` pages (all parts together) has: a power of two, about one per
    64 pages (256 at 10,200 pages, 2,048 at 100k), so a file, which a query fetches for each of its terms, holds
    about 10 KB of postings whatever the hall's size."""
    count = 1
    while count * 64 < pages and count < 4096:
        count *= 2
    return count


def shard_of(term: str, count: int) -> int:
    return zlib.crc32(term.encode("utf-8")) % count


def _days(day: str) -> int:
    return (date.fromisoformat(day) - _EPOCH).days if day else -1


def _gaps(numbers: list[int]) -> str:
    last, out = 0, []
    for n in numbers:
        out.append(str(n - last))
        last = n
    return ",".join(out)


def _gz(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def _json(value: object) -> str:
    """JSON whose text holds no markup: `<`, `>`, `&` and `'` written as escapes by Jinja's `htmlsafe_json_dumps`
    (a citizen's words are in the texts; a host that sniffs a .json file as HTML finds no tag in it), the same
    strings once parsed."""
    return str(htmlsafe_json_dumps(value, ensure_ascii=False, separators=(",", ":")))


def build(records: Iterable[Record], traditional: Callable[[str], str] | None,
          pages: Iterable[tuple[str, str]] = (), count: int = 1) -> dict[str, bytes]:
    """A part's files (name -> bytes) of its pages' records, its postings cut into `count` shards (`shards` of
    the whole index's pages); `traditional` (the mirror's conversion, or None without a mirror) gives the
    Traditional titles and names the mirror shows; `pages` (output path, digest of its bytes) are kept with them
    (`PAGES`) for `reusable`."""
    docs = sorted(records, key=lambda r: (r.date == "", -_days(r.date), r.url))
    postings: dict[str, list[int]] = {}
    titled: dict[str, list[int]] = {}
    departments: dict[str, int] = {}
    kinds: dict[str, int] = {}
    files: dict[str, bytes] = {}
    titles_t: list[str] = []
    for n, doc in enumerate(docs):
        title = terms(doc.title)
        for term in title | terms(doc.text):
            postings.setdefault(term, []).append(n)
        for term in title:
            titled.setdefault(term, []).append(n)
        departments.setdefault(doc.department, len(departments))
        kinds.setdefault(doc.kind, len(kinds))
        if traditional is not None:
            titles_t.append(traditional(doc.title))
    for first in range(0, len(docs), TEXTS):
        files[text_file(first)] = _json([doc.text for doc in docs[first:first + TEXTS]]).encode("utf-8")
    names = list(departments), list(kinds)
    table: dict[str, object] = {
        "n": len(docs), "departments": names[0], "kinds": names[1],
        "date": [_days(doc.date) for doc in docs], "department": [departments[doc.department] for doc in docs],
        "kind": [kinds[doc.kind] for doc in docs], "url": [doc.url for doc in docs], "title": [doc.title for doc in docs]}
    if traditional is not None:
        table["departments_t"] = [traditional(name) for name in names[0]]
        table["kinds_t"] = [traditional(name) for name in names[1]]
        table["title_t"] = titles_t
    files[DOCS] = _gz(_json(table))
    lines: list[list[str]] = [[] for _ in range(count)]
    for term in sorted(postings):
        lines[shard_of(term, count)].append(f"{term}\t{_gaps(postings[term])}\t{_gaps(titled.get(term, []))}\n")
    shard_bytes = ["".join(shard).encode("utf-8") for shard in lines]
    offsets = [0]
    for data in shard_bytes:
        offsets.append(offsets[-1] + len(data))
    files[POSTINGS] = b"".join(shard_bytes)
    files[OFFSETS] = " ".join(map(str, offsets)).encode("ascii")
    files[CHARS] = "".join(sorted(characters(postings))).encode("utf-8")
    files[PAGES] = "".join(f"{path}\t{digest}\n" for path, digest in sorted(pages)).encode("utf-8")
    return files


def text_file(page: int) -> str:
    """The name of the file that holds the text of a part's page number `page` (`build`)."""
    return f"x{page // TEXTS}.json"


def reusable(files: Mapping[str, bytes]) -> dict[str, tuple[str, Record]]:
    """The records a part's files (`build`) were made of, by page (output path -> (digest of the page's bytes then,
    its record)): a page whose bytes have that digest still has that record, and is not read again."""
    if PAGES not in files:
        return {}
    table = json.loads(gzip.decompress(files[DOCS]))
    texts: list[str] = []
    for first in range(0, table["n"], TEXTS):
        texts += json.loads(files[text_file(first)])
    by_url: dict[str, Record] = {}
    for n in range(table["n"]):
        days = table["date"][n]
        by_url[table["url"][n]] = Record(
            table["url"][n], table["title"][n], table["departments"][table["department"][n]],
            table["kinds"][table["kind"][n]], (_EPOCH + timedelta(days=days)).isoformat() if days >= 0 else "", texts[n])
    found: dict[str, tuple[str, Record]] = {}
    for line in files[PAGES].decode("utf-8").splitlines():
        path, _, digest = line.partition("\t")
        kept = by_url.get(path.removesuffix("index.html"))
        if kept is not None:
            found[path] = digest, kept
    return found


def postings_shards(files: Mapping[str, bytes]) -> list[bytes]:
    """A part's postings (`build`), shard by shard."""
    data, offsets = files[POSTINGS], [int(n) for n in files[OFFSETS].split()]
    return [data[start:end] for start, end in pairwise(offsets)]


def joined(parts: list[Mapping[str, bytes]]) -> dict[str, bytes]:
    """The files every query reads, of the parts' files (`build`, all cut into the same number of shards), in the
    order of the manifest's parts: `docs.gz`, their tables as one JSON list, and `t<n>.txt` for each shard n, the
    lines of shard n of each part that has any after a line `#<the part's place in that order>`."""
    tables = b",".join(gzip.decompress(files[DOCS]) for files in parts)
    # level 6: made again whenever a part changes; 1.5 % larger than level 9 at 10k items, in a third of the time
    joined_files = {DOCS: gzip.compress(b"[" + tables + b"]", compresslevel=6, mtime=0)}
    shards_of = [postings_shards(files) for files in parts]
    counts = {len(shards) for shards in shards_of}
    if len(counts) > 1:
        raise ValueError(f"parts cut into different numbers of shards: {sorted(counts)}")
    for n in range(counts.pop() if counts else 0):
        joined_files[f"t{n}.txt"] = b"".join(b"#%d\n" % rank + shards[n] for rank, shards in enumerate(shards_of)
                                             if shards[n])
    return joined_files


def character_map(chars: Iterable[str], traditional: Callable[[str], str]) -> bytes:
    """The zh-Hant mirror's character map: each Simplified character of the index followed by its Traditional form,
    for those that differ, as one JSON string ("简繁…"). search.js turns a Traditional query into the index's
    Simplified with it and shows the pages' texts in Traditional. Where two Simplified characters share a
    Traditional form, the query maps to the first."""
    pairs = []
    for char in sorted(set(chars)):
        converted = traditional(char)
        if converted != char and len(converted) == 1:
            pairs.append(char + converted)
    return _json("".join(pairs)).encode("utf-8")
