"""The published hall: what is built as of "now", cross-referenced once and then only read.

Filters drafts and future items, decides every entry's URL (collisions are errors),
renders the Markdown bodies, resolves `related`, topics and backlinks, computes the figures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from releasehall.content.aliases import Alias, check_aliases
from releasehall.content.load import Content
from releasehall.content.slugs import slugify
from releasehall.errors import Report, unread_target
from releasehall.markdown import anchors
from releasehall.markdown.markup import Body, BodyCache, Job, Targets, render_all, resolve
from releasehall.media.attachments import File, list_attachments
from releasehall.media.pictures import Picture, publish_pictures, with_pictures
from releasehall.model.documents import Links, link
from releasehall.model.entry_kinds import ENTRY_KINDS, kind_of
from releasehall.model.entry_kinds import published as is_published
from releasehall.model.records import Asset, Department, Entry, Page, Question, Release
from releasehall.model.stats import AsOf, Stats, channel, channel_counts, compute
from releasehall.model.urls import RESERVED, Urls
from releasehall.model.variants import Variant, variants_of
from releasehall.settings.site import Dialect, Settings
from releasehall.settings.workdays import known_years


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel questions came in through, with its own listing under /qa/channels/<slug>/."""

    slug: str
    name: str
    questions: tuple[Question, ...]  # newest first by asked, as /qa/ lists them


@dataclass(frozen=True, slots=True)
class Topic:
    slug: str
    name: str


def when(entry: Entry) -> datetime:
    """The date an entry is listed under: a release's date, a question's reply (or ask) time (`EntryKind.listed_at`)."""
    return kind_of(entry).listed_at(entry)


E = TypeVar("E", bound=Release | Question | Page)


def newest_first(entries: Sequence[E]) -> list[E]:
    return sorted(entries, key=lambda e: (when(e), e.id), reverse=True)


@dataclass(frozen=True, slots=True)
class Hall:
    settings: Settings
    now: datetime
    urls: Urls
    departments: Mapping[str, Department]  # in tree order
    children: Mapping[str, tuple[str, ...]]  # "" -> top level
    releases: tuple[Release, ...]  # newest first
    questions: tuple[Question, ...]  # newest first by asked
    pages: tuple[Page, ...]
    assets: tuple[Asset, ...]
    bodies: Mapping[str, Body]  # by entry id; departments by "dept:<id>"
    by_id: Mapping[str, Entry]
    topics: Mapping[str, Topic]  # by slug, sorted by slug
    topic_of: Mapping[str, str]  # name -> slug
    backlinks: Mapping[str, tuple[str, ...]]
    related: Mapping[str, tuple[str, ...]]
    stats: Stats
    releases_of: Mapping[str, tuple[Release, ...]]  # by department, co-published included
    questions_of: Mapping[str, tuple[Question, ...]]
    replies: tuple[Question, ...]  # answered questions, newest reply first
    by_topic: Mapping[str, tuple[Release | Question, ...]]  # releases and replies by topic slug, newest first
    targets: Targets  # what links in bodies may point at
    documents: tuple[Release, ...]  # releases with `document`, newest first
    links: Links  # replacements and interpretations, both ways
    aliases: tuple[Alias, ...]  # redirect pages, by old URL
    attachments: Mapping[str, tuple[File, ...]] = field(default_factory=dict)  # by entry id: listed under the body
    pictures: Mapping[str, Picture] = field(default_factory=dict)  # published images by asset: size, variants
    channels: tuple[Channel, ...] = ()  # the questions' channels, the most questions first (`stats.channel_counts`)

    def entries(self) -> tuple[Entry, ...]:
        return (*self.releases, *self.questions, *self.pages)

    @property
    def variant(self) -> Variant:
        """The variant of the hall these records and URLs are (`in_variant`): the site as written, or the mirror."""
        return self.urls.variant or variants_of(self.settings)[0]

    def dept_releases(self, dept: str) -> tuple[Release, ...]:
        """Its releases and those it co-published, newest first."""
        return self.releases_of.get(dept, ())

    def dept_questions(self, dept: str) -> tuple[Question, ...]:
        return self.questions_of.get(dept, ())

    def ancestors(self, dept: str) -> tuple[Department, ...]:
        chain: list[Department] = []
        parent = self.departments[dept].parent
        while parent:
            chain.insert(0, self.departments[parent])
            parent = self.departments[parent].parent
        return tuple(chain)


def _by_topic(listed: list[Release | Question], topic_of: Mapping[str, str], topics: Mapping[str, Topic]
              ) -> dict[str, tuple[Release | Question, ...]]:
    """Releases and replies by topic slug, from `listed`: all of them, newest first (`newest_first`), so that each
    topic's share keeps that order without sorting it again."""
    result: dict[str, list[Release | Question]] = {slug: [] for slug in sorted(topics)}
    for entry in listed:
        for name in entry.topics:
            slug = topic_of.get(name)
            if slug is not None:
                result[slug].append(entry)
    return {slug: tuple(entries) for slug, entries in result.items()}


def as_of(entry: E, now: datetime) -> E:
    """An item as the public may see it at `now`: a reply dated later is not shown yet (the question counts as
    unanswered until then, in pages, feeds and figures), nor a resolution dated later."""
    if not isinstance(entry, Question):
        return entry
    changes: dict[str, Any] = {}
    if entry.replied is not None and entry.replied > now:
        changes.update(replied=None, body="", satisfaction=None, resolved=None)
    elif entry.resolved is not None and entry.resolved > now:
        changes.update(resolved=None)
    return dataclasses.replace(entry, **changes) if changes else entry


def _warn_future_replies(questions: Sequence[Question], now: datetime, report: Report) -> None:
    for question in questions:
        for key in ("replied", "resolved"):
            moment = getattr(question, key)
            if moment is not None and moment > now:
                report.warn(question.rel, question.lines.get((key,), 1),
                            f"{key} 晚于现在（{moment:%Y-%m-%d %H:%M}），到时才发布；在此之前按未答复（未办结）计",
                            f"'{key}' is later than now ({moment:%Y-%m-%d %H:%M}); it is published then, and until then "
                            "the question counts as not yet answered (resolved)")


def _tree(departments: Mapping[str, Department]) -> dict[str, tuple[str, ...]]:
    children: dict[str, list[str]] = {}
    for dept in departments.values():
        parent = dept.parent if dept.parent in departments else ""
        children.setdefault(parent or "", []).append(dept.id)
    return {key: tuple(sorted(ids, key=lambda d: (departments[d].order, d))) for key, ids in children.items()}


def _tree_order(children: Mapping[str, tuple[str, ...]]) -> list[str]:
    order: list[str] = []
    seen: set[str] = set()
    stack = list(reversed(children.get("", ())))
    while stack:
        dept = stack.pop()
        if dept in seen:
            continue
        seen.add(dept)
        order.append(dept)
        stack.extend(reversed(children.get(dept, ())))
    return order


def _check_collisions(urls: Urls, content: Content, entries: list[Entry], report: Report) -> dict[str, str]:
    """Two sources at one URL are an error; returns who owns each output path (source path by output path)."""
    owners: dict[str, str] = {}

    def claim(url: str, rel: str) -> None:
        path = urls.output_path(url)
        if path in owners and owners[path] != rel:
            report.error(rel, 1, f"与 {owners[path]} 生成同一个网址 {url}，请重命名其中一个文件",
                         f"produces the same URL {url} as {owners[path]}; rename one of the files")
        else:
            owners.setdefault(path, rel)

    for dept in content.departments.values():
        claim(urls.department(dept.id), dept.rel)
    for entry in sorted(entries, key=lambda e: e.rel):
        claim(urls.entry(entry), entry.rel)
    for asset in content.assets:
        claim(urls.asset(asset.rel), f"content/{asset.rel}")
    return owners


def _withheld_assets(every: list[Entry], entries: list[Entry], bodies: Mapping[str, Body], targets: Targets,
                     body_cache: BodyCache | None, new_body_cache: BodyCache, dialect: Dialect) -> frozenset[str]:
    """Files that only unpublished items (drafts, future dates) or replies dated later use: not copied until one of
    them is published, so a scheduled release's attachment never leaks before the release. Their bodies are rendered for their links only
    (what is wrong in them is reported once they are published); files nothing uses are still copied."""
    shown = {e.id: e.body for e in entries}
    waiting = [Job(e.id, e.rel, e.body, e.body_line) for e in sorted(every, key=lambda e: e.id)
               if e.body and shown.get(e.id) != e.body]  # unpublished, or a reply dated later
    if not waiting:
        return frozenset()
    unpublished, kept = render_all(waiting, targets, Report(), body_cache, dialect)
    new_body_cache.update(kept)
    used = {asset for body in bodies.values() for asset in body.assets}
    return frozenset(asset for body in unpublished.values() for asset in body.assets if asset not in used)


def build_hall(settings: Settings, content: Content, now: datetime, drafts: bool, report: Report,
               body_cache: BodyCache | None = None, store_images: bool = True, secret: bytes | None = None
               ) -> tuple[Hall, BodyCache]:
    """The published hall, and the rendered-body cache for the next build. `secret` signs the image cache
    (`secret.cache_key`; None: the image cache is neither read nor written)."""
    urls = Urls(settings.base_path, settings.origin, variants_of(settings)[0])
    written: list[Entry] = [*content.releases, *content.questions, *content.pages]
    every: list[Entry] = [as_of(e, now) for e in written]
    entries = [e for e in every if is_published(e, now, drafts)]
    _warn_future_replies([q for q in content.questions if is_published(q, now, drafts)], now, report)
    published = frozenset(e.id for e in entries)
    aliases = _aliases(urls, content, every, entries, published, report)
    targets = _targets(urls, content, every, published)
    jobs = _body_jobs(content, entries)
    crossed: dict[str, Any] = {}  # made by the main process while the bodies render on both cores
    bodies, new_body_cache = render_all(
        jobs, targets, report, body_cache, settings.markdown,
        meanwhile=lambda: crossed.update(_cross_references(settings, content, every, entries, published, now, report)))
    anchors.check(bodies, jobs, report)
    withheld = _withheld_assets(written, entries, bodies, targets, body_cache, new_body_cache, settings.markdown)
    attachments = list_attachments(settings, entries, bodies, targets.assets, urls, report)
    published_assets = [a for a in content.assets if a.rel not in withheld]
    pictures = publish_pictures(settings, published_assets, bodies, {job.key: job.rel for job in jobs}, report,
                                store=store_images, secret=secret)
    if pictures:
        bodies = with_pictures(bodies, pictures, urls, settings.images_max_width)
    return Hall(
        settings=settings, now=now, urls=urls,
        assets=tuple(published_assets), bodies=bodies,
        backlinks=_backlinks(bodies),
        targets=targets,
        aliases=aliases,
        attachments=attachments,
        pictures=pictures,
        **crossed,
    ), new_body_cache


def _cross_references(settings: Settings, content: Content, every: list[Entry], entries: list[Entry],
                      published: frozenset[str], now: datetime, report: Report) -> dict[str, Any]:
    """The parts of the hall made of the records alone, not of their rendered bodies (`Hall`'s fields by name): the
    entries by kind, id, department and topic, the department tree, the documents' links, `related`, the figures,
    the channels."""
    every_id = _every_id(every)
    topic_of, topics = _topics(entries, report)
    of_kind: dict[str, list[Any]] = {kind.name: [] for kind in ENTRY_KINDS}
    for entry in entries:
        of_kind[kind_of(entry).name].append(entry)
    releases: list[Release] = sorted(of_kind["release"], key=lambda r: (r.date, r.id), reverse=True)
    questions: list[Question] = sorted(of_kind["question"], key=lambda q: (q.asked, q.id), reverse=True)
    pages: list[Page] = sorted(of_kind["page"], key=lambda p: (p.order, p.slug))
    children = _tree(content.departments)
    order = _tree_order(children)
    unread = _unread_ids(content.broken)
    links = link(releases, every_id, published, content.departments, report, unread)
    releases_of, questions_of = _by_department(releases, questions)
    replied: list[Release | Question] = [*releases, *(q for q in questions if q.replied is not None)]
    listed = newest_first(replied)  # as topic pages list them
    return {
        "departments": {d: content.departments[d] for d in order},
        "children": children,
        "releases": tuple(releases), "questions": tuple(questions), "pages": tuple(pages),
        "by_id": {e.id: e for e in entries},
        "topics": dict(sorted(topics.items())), "topic_of": topic_of,
        "related": _related(every_id, entries, published, report, unread),
        "stats": _figures(settings, questions, releases, releases_of, order, now, report),
        "releases_of": releases_of,
        "questions_of": questions_of,
        "replies": tuple(e for e in listed if isinstance(e, Question)),
        "by_topic": _by_topic(listed, topic_of, topics),
        "documents": tuple(r for r in releases if r.document is not None),
        "links": links,
        "channels": _channels(questions),
    }


def _channels(questions: list[Question]) -> tuple[Channel, ...]:
    """Each channel with its questions; its slug is its name's pinyin (`-2`, `-3` … after one already taken)."""
    grouped: dict[str, list[Question]] = {}
    for question in questions:
        grouped.setdefault(channel(question), []).append(question)
    taken: set[str] = set()
    result = []
    for name, _count in channel_counts(questions):
        base = slug = slugify(name) or "channel"
        number = 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        result.append(Channel(slug, name, tuple(grouped[name])))
    return tuple(result)


def _aliases(urls: Urls, content: Content, every: list[Entry], entries: list[Entry], published: frozenset[str],
             report: Report) -> tuple[Alias, ...]:
    """URL collisions between sources are errors; then the `aliases` redirects, which may take no URL a source
    has or will have once published."""
    owners = _check_collisions(urls, content, entries, report)
    if not any(d.aliases for d in content.departments.values()) and not any(e.aliases for e in every):
        return ()  # no redirects: nothing more to check
    for entry in every:  # an alias must not take the URL of an item that is published later either
        owners.setdefault(urls.output_path(urls.entry(entry)), entry.rel)
    return check_aliases(urls, content.departments, every, published, owners, RESERVED, report)


def _targets(urls: Urls, content: Content, every: list[Entry], published: frozenset[str]) -> Targets:
    """What links in bodies may point at: every source (to tell unpublished from missing) and what is published."""
    return Targets(
        entries={e.rel: e for e in every},
        published=published,
        departments=frozenset(content.departments),
        assets=frozenset(a.rel for a in content.assets),
        urls=urls,
        broken=content.broken,
    )


def _body_jobs(content: Content, entries: list[Entry]) -> list[Job]:
    """The Markdown to render: the published entries' bodies and the departments' descriptions (`dept:<id>`)."""
    jobs = [Job(e.id, e.rel, e.body, e.body_line) for e in sorted(entries, key=lambda e: e.id)]
    jobs += [Job(f"dept:{d.id}", d.rel, d.description, d.lines.get(("description",), 1))
             for d in content.departments.values()]
    return jobs


def _every_id(every: list[Entry]) -> dict[str, Entry]:
    """Every source by content id and by its path without `.md`: the two ways `related` and links name one."""
    every_id = {e.id: e for e in every}
    every_id.update({e.rel.removeprefix("content/").removesuffix(".md"): e for e in every})
    return every_id


def _unread_ids(broken: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """The sources that are there but were not read (`Content.broken`), by the two names `_every_id` knows them by:
    name -> (source path, the file whose errors explain it)."""
    unread: dict[str, tuple[str, str]] = {}
    for rel, why in broken.items():
        parts = rel.split("/")
        if not rel.endswith(".md") or len(parts) not in (3, 4):
            continue
        unread[rel.removeprefix("content/").removesuffix(".md")] = (rel, why)
        slug = slugify(parts[-1][:-3])
        if slug:
            unread["/".join([*parts[1:-1], slug])] = (rel, why)
    return unread


def _related(every_id: Mapping[str, Entry], entries: list[Entry], published: frozenset[str], report: Report,
             unread: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """`related` resolved both ways between published entries; a name that names nothing is an error, one that
    names a source with errors of its own a warning (its errors are listed there), an unpublished one a warning
    (left out, so a scheduled item never leaks)."""
    related: dict[str, list[str]] = {e.id: [] for e in entries}
    for entry in entries:
        for index, name in enumerate(entry.related):
            key = name.strip("/").removesuffix(".md")
            target = every_id.get(key)
            line = entry.lines.get(("related", index), entry.lines.get(("related",), 1))
            if target is None and key in unread:
                report.warn(entry.rel, line, *unread_target(("related 中的", "related item"), name, *unread[key]))
            elif target is None:
                report.error(entry.rel, line, f"related 中的 “{name}” 不存在，应写成 部门/releases/文件名 或 部门/qa/文件名",
                             f"related id '{name}' names nothing; write dept/releases/slug or dept/qa/slug")
            elif target.id not in published:
                report.warn(entry.rel, line, f"related 中的 “{name}” 尚未发布，已略去",
                            f"related item '{name}' is not published; left out")
            elif target.id != entry.id:
                for a, b in ((entry.id, target.id), (target.id, entry.id)):
                    if b not in related[a]:
                        related[a].append(b)
    return {k: tuple(v) for k, v in related.items()}


@dataclass(slots=True)
class _Spelling:
    """One way a topic is written: the departments and items that use it, and where each file first does."""

    departments: set[str] = field(default_factory=set)
    items: int = 0
    places: list[tuple[str, int]] = field(default_factory=list)  # (source path, line), one per file


def topic_label(spellings: Mapping[str, _Spelling]) -> tuple[str, frozenset[str]]:
    """The name of a topic page whose slug several spellings share, and the spellings it takes, decided so that no
    single department can rename a topic that others use: the spelling used by the most departments; among spellings
    used by as many departments, the same departments' own choice (most items, then code-point order) when they are
    the same departments, and otherwise all of them side by side ("公共交通 / 攻共骄恸")."""
    most = max(len(s.departments) for s in spellings.values())
    tied = sorted(name for name, s in spellings.items() if len(s.departments) == most)
    if len({frozenset(spellings[name].departments) for name in tied}) == 1:
        chosen = min(tied, key=lambda name: (-spellings[name].items, name))
        return chosen, frozenset([chosen])
    return " / ".join(tied), frozenset(tied)


def _topics(entries: list[Entry], report: Report) -> tuple[dict[str, str], dict[str, Topic]]:
    """Topic name -> slug, and the topics by slug. Spellings that give one slug ("Traffic" and "traffic",
    homophones) share one topic page, named by `topic_label`; each item still shows the topic as it wrote it, and a
    warning lands at each file whose spelling is not the page's name."""
    topic_of: dict[str, str] = {}
    spelled: dict[str, _Spelling] = {}  # by name
    spellings: dict[str, dict[str, _Spelling]] = {}
    for entry in sorted((e for e in entries if e.topics), key=lambda e: e.rel):
        lines = entry.lines
        for index, name in enumerate(entry.topics):
            line = lines.get(("topics", index))
            if line is None:
                line = lines.get(("topics",), 1)
            spelling = spelled.get(name)
            if spelling is None:
                slug = topic_of.get(name)
                if slug is None:
                    slug = slugify(name)
                    if not slug:
                        report.error(entry.rel, line, f"话题 “{name}” 无法生成网址，请改用汉字、字母或数字",
                                     f"topic '{name}' gives no URL; use Chinese, letters or digits")
                        continue
                    topic_of[name] = slug
                spelling = spelled[name] = spellings.setdefault(slug, {}).setdefault(name, _Spelling())
            spelling.departments.add(entry.dept)
            spelling.items += 1
            if not spelling.places or spelling.places[-1][0] != entry.rel:
                spelling.places.append((entry.rel, line))
    topics: dict[str, Topic] = {}
    for slug, written in spellings.items():
        label, taken = topic_label(written) if len(written) > 1 else (next(iter(written)), frozenset(written))
        topics[slug] = Topic(slug, label)
        for name, spelling in written.items():
            if name in taken and len(taken) == 1:
                continue
            others = [other for other in sorted(written) if other != name]
            zh_others = "、".join(f"“{other}”" for other in others)
            en_others = ", ".join(f"'{other}'" for other in others)
            for rel, line in spelling.places:
                report.warn(rel, line, f"话题 “{name}” 与 {zh_others} 的网址相同（{slug}），共用一个话题页，页名为 “{label}”；"
                            "本条仍显示本部门的写法。建议与其他部门统一写法",
                            f"topic '{name}' has the same URL ({slug}) as {en_others}"
                            f"; they share one topic page, named '{label}'; this item still shows its own spelling. "
                            "Agree on one spelling with the other departments")
    return topic_of, topics


def _backlinks(bodies: Mapping[str, Body]) -> dict[str, tuple[str, ...]]:
    """For each entry, the entries whose bodies link to it (departments' descriptions do not count)."""
    backlinks: dict[str, list[str]] = {}
    for entry_id in sorted(bodies):
        for linked in bodies[entry_id].links:
            if linked != entry_id and not entry_id.startswith("dept:"):
                backlinks.setdefault(linked, []).append(entry_id)
    return {k: tuple(v) for k, v in backlinks.items()}


def _by_department(releases: list[Release], questions: list[Question]
                   ) -> tuple[dict[str, tuple[Release, ...]], dict[str, tuple[Question, ...]]]:
    """Each department's releases (co-published ones included) and questions, in the order given."""
    releases_of: dict[str, list[Release]] = {}
    for release in releases:
        for dept in (release.dept, *release.co_publishers):
            releases_of.setdefault(dept, []).append(release)
    questions_of: dict[str, list[Question]] = {}
    for question in questions:
        questions_of.setdefault(question.dept, []).append(question)
    return {d: tuple(v) for d, v in releases_of.items()}, {d: tuple(v) for d, v in questions_of.items()}


def _figures(settings: Settings, questions: list[Question], releases: list[Release],
             releases_of: Mapping[str, tuple[Release, ...]], order: list[str], now: datetime, report: Report) -> Stats:
    """The reply figures; a warning for every year the working-day calendar does not know: at site.yaml for the years
    the hall has reached since the library's last schedule (the operator adds them), else at the date that brought
    the year in, once per question (a question dated 1900 is one warning at its line, not one per year since)."""
    stats, unknown_years = compute(questions, releases, {d: list(r) for d, r in releases_of.items()}, order,
                                   AsOf.of(settings, now))
    if not unknown_years:
        return stats
    span = known_years()
    reached = {year for year in unknown_years if span.stop <= year <= now.year + 1}
    for year in sorted(reached):
        report.warn("site.yaml", 1,
                    f"{year} 年的法定节假日安排尚未收录（已收录 {span.start}–{span.stop - 1} 年），只按周末计算；"
                    f"请在 site.yaml 的 calendar.holidays 和 calendar.workdays 中补充该年的放假和调休日期",
                    f"no official holiday schedule for {year} (known: {span.start}-{span.stop - 1}); only weekends "
                    f"are off. Add that year's days off and make-up days under calendar.holidays/workdays in site.yaml")
    for question in questions:
        far = _far_date(question, settings, span, reached)
        if far is not None:
            at, day = far
            key = f"{at[0]}.{at[-1]}" if len(at) > 1 else str(at[0])  # the line tells which pause
            report.warn(question.rel, question.lines.get(at, 1),
                        f"{key} 的日期 {day} 在 {day.year} 年，该年没有法定节假日数据（已收录 {span.start}–"
                        f"{span.stop - 1} 年），期限和工作日只按周末计算；请核对日期是否写错",
                        f"'{key}' {day} is in {day.year}, a year with no official holiday schedule (known: "
                        f"{span.start}-{span.stop - 1}), so its deadline and working days count weekends only; check "
                        "the date")
    return stats


def _far_date(question: Question, settings: Settings, span: range, reached: set[int]
              ) -> tuple[tuple[str | int, ...], date] | None:
    """The first date of `question` that the reply clock counts from or to (asked, replied, withdrawn, pauses) in a
    year the calendar does not know and the hall has not reached: where it is and the day."""
    dates: list[tuple[tuple[str | int, ...], datetime | None]] = [
        (("asked",), question.asked), (("replied",), question.replied), (("withdrawn",), question.withdrawn)]
    for index, pause in enumerate(question.paused):
        dates += [(("paused", index, "from"), pause.start), (("paused", index, "to"), pause.end)]
    for at, moment in dates:
        if moment is None:
            continue
        day = moment.astimezone(settings.tz).date()
        if day.year not in span and day.year not in reached:
            return at, day
    return None


def in_variant(hall: Hall, variant: Variant, body_cache: BodyCache | None = None, kept: BodyCache | None = None
               ) -> Hall:
    """The hall as `variant` shows it (`model/variants`): its URLs, its redirects, and bodies whose links point
    into it (rendered bodies reused from `body_cache`; those used are added to `kept`). The records, figures and
    everything else are the same: the same families render it."""
    urls = hall.urls.of(variant)
    return dataclasses.replace(
        hall, urls=urls, targets=dataclasses.replace(hall.targets, urls=urls),
        bodies={**hall.bodies, **variant_bodies(hall, urls, body_cache=body_cache, kept=kept)},
        aliases=tuple(Alias(hall.urls.alternate(a.url, urls), hall.urls.alternate(a.target, urls), a.title)
                      for a in hall.aliases))


def variant_bodies(hall: Hall, urls: Urls, jobs: Sequence[Job] | None = None, body_cache: BodyCache | None = None,
                   kept: BodyCache | None = None) -> dict[str, Body]:
    """The bodies of `hall` (those of `jobs`, else every one) that differ in the variant of `urls`: those whose
    links lead to a page of the hall are rendered again (or found in `body_cache`), with that variant's URLs, so
    that they lead into it. A body whose every link resolves the same (to a file, outside, or nowhere) is the
    hall's own."""
    targets = dataclasses.replace(hall.targets, urls=urls)
    if jobs is None:
        jobs = [*(Job(e.id, e.rel, e.body, e.body_line) for e in hall.entries()),
                *(Job(f"dept:{d.id}", d.rel, d.description, d.lines.get(("description",), 1))
                  for d in hall.departments.values())]
    todo = [job for job in jobs if not all(resolve(target, job.rel, image, targets) == was
                                           for target, image, was in hall.bodies[job.key].deps)]
    if not todo:
        return {}
    settings = hall.settings
    bodies, used = render_all(todo, targets, Report(), body_cache, settings.markdown)  # problems: the hall's own
    if kept is not None:
        kept.update(used)
    if hall.pictures:
        bodies = with_pictures(bodies, hall.pictures, urls, settings.images_max_width)
    return bodies
