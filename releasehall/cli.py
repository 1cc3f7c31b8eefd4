"""Command line: build (default), check, new, stats, serve. Exit 0 ok, 1 content errors, 2 usage."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path

from releasehall import build as pipeline
from releasehall.errors import Problem
from releasehall.schema import Invalid, parse_datetime

COMMANDS = ("build", "check", "new", "stats", "serve", "codeowners")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="releasehall", description="Release Hall (发布厅) static-site generator")
    sub = parser.add_subparsers(dest="command")

    def site_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--site", type=Path, default=Path("."), help="site folder (with site.yaml)")
        p.add_argument("--now", help="the build's 'now': YYYY-MM-DD[ HH:MM] or ISO 8601")
        p.add_argument("--drafts", action="store_true", help="also build drafts")

    for name, text in (("build", "build the site"), ("serve", "build, serve and rebuild on change")):
        p = sub.add_parser(name, help=text)
        site_options(p)
        if name == "build":
            p.add_argument("--out", type=Path, help="output folder (default: site.yaml's output)")
            p.add_argument("--base-url", help="override site.yaml's base_url")
            p.add_argument("--no-cache", action="store_true", help="ignore .cache/releasehall/")
        else:
            p.add_argument("--port", type=int, default=8000)
            p.add_argument("--host", default="127.0.0.1")
    p = sub.add_parser("check", help="validate everything, build nothing")
    site_options(p)
    p.add_argument("--strict", action="store_true", help="treat inspection warnings as errors")
    p = sub.add_parser("stats", help="print the reply scoreboard")
    site_options(p)
    p = sub.add_parser("codeowners", help="print (or --write) .github/CODEOWNERS from departments' maintainers")
    p.add_argument("--site", type=Path, default=Path("."))
    p.add_argument("--write", action="store_true", help="write .github/CODEOWNERS under the site folder")
    p = sub.add_parser("new", help="write a new release or question from a template")
    p.add_argument("what", choices=("release", "qa"))
    p.add_argument("dept")
    p.add_argument("title")
    p.add_argument("--site", type=Path, default=Path("."))
    p.add_argument("--now", help="date to write (default: today)")
    return parser


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _check_now(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Reject a malformed --now as a usage error; the site's zone is applied by the build."""
    if getattr(args, "now", None):
        try:
            parse_datetime(args.now, UTC)
        except Invalid as exc:
            parser.error(f"--now: {exc.en} / {exc.zh}")


def _codeowners(site: Path, write: bool) -> int:
    from releasehall.codeowners import codeowners
    from releasehall.config import load_settings
    from releasehall.errors import Report
    from releasehall.load import load_content

    report = Report()
    settings = load_settings(site.resolve(), report)
    content = load_content(settings, report)[0] if settings is not None else None
    if report.errors or content is None:
        _print_problems(report.errors)
        return 1
    text = codeowners(content.departments.values())
    if write:
        target = site / ".github" / "CODEOWNERS"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"已写入 / wrote {target}")
    else:
        print(text, end="")
    return 0


def entry() -> None:
    """The console script: run, then leave without tearing down the build's objects one by one
    (half a second at 10k items); every file is closed and the output streams are flushed first."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in (*COMMANDS, "-h", "--help"):
        args_list.insert(0, "build")
    parser = _parser()
    args = parser.parse_args(args_list)
    _check_now(args, parser)
    now = getattr(args, "now", None)
    if args.command in ("build", "check"):
        outcome = pipeline.run(args.site, out=getattr(args, "out", None), base_url=getattr(args, "base_url", None),
                               now=now, drafts=args.drafts, write=args.command == "build",
                               use_cache=not getattr(args, "no_cache", False))
        problems = outcome.problems
        if args.command == "check" and outcome.hall is not None:
            from releasehall.audit import audit

            problems = [*problems, *audit(outcome.hall, strict=args.strict)]
        _print_problems(problems)
        errors = [p for p in problems if not p.warning]
        if errors:
            print(f"构建失败：{len(errors)} 个错误，输出目录未改动 / build failed: {len(errors)} error(s); "
                  "the output folder was not touched", file=sys.stderr)
            return 1
        if args.command == "build":
            hall = outcome.hall
            assert hall is not None
            print(f"已生成 / built {hall.settings.output}: {len(outcome.rendered)} rendered, "
                  f"{outcome.written} files written, {outcome.kept} unchanged")
        else:
            print("检查通过 / check passed")
        return 0
    if args.command == "stats":
        from releasehall.scoreboard import print_scoreboard

        outcome = pipeline.run(args.site, now=now, drafts=args.drafts, write=False)
        if outcome.errors or outcome.hall is None:
            _print_problems(outcome.problems)
            return 1
        print_scoreboard(outcome.hall, sys.stdout)
        return 0
    if args.command == "new":
        from releasehall.newfile import new_file

        return new_file(args.site, args.what, args.dept, args.title, now)
    if args.command == "codeowners":
        return _codeowners(args.site, args.write)
    if args.command == "serve":
        from releasehall.serve import serve

        return serve(args.site, port=args.port, host=args.host, now=now, drafts=args.drafts)
    parser.error("unknown command")
    return 2
