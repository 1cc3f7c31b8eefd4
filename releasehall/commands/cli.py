"""Command line: build (default), check, new, stats, serve, codeowners, init. Exit 0 ok, 1 content errors, 2 usage."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path

from releasehall import __version__
from releasehall.errors import Problem, did_you_mean
from releasehall.pipeline import build as pipeline
from releasehall.read.schema import Invalid, parse_datetime
from releasehall.settings.site import find_site

# name -> one line for `--help` and for the list an unknown command prints
COMMANDS = {
    "build": "生成网站（默认命令）/ build the site into the output folder (the default command)",
    "check": "检查全部内容与巡查规则，不写任何文件 / validate everything and audit the hall; writes nothing",
    "new": "按模板新建一条发布或留言 / write a new release or question from a template",
    "serve": "本地预览：生成、启动服务并在保存后自动刷新 / preview: build, serve, rebuild and reload on save",
    "stats": "在终端打印答复排行榜 / print the reply scoreboard",
    "codeowners": "由各部门 maintainers 生成 CODEOWNERS / print (or --write) CODEOWNERS from maintainers",
    "init": "新建一个可直接生成的发布厅 / write a new hall that builds as is",
    "import": "把 12345、留言板等渠道导出的表格导入为留言文件 / turn intake systems' exports (CSV, XLSX) into questions",
}
SITE_HELP = "站点目录（含 site.yaml；默认从当前目录向上查找）/ site folder with site.yaml (default: found upward from here)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="releasehall", description="发布厅静态网站生成器 / Release Hall static-site generator",
        epilog="退出码 / exit codes: 0 成功 ok, 1 内容错误 content errors, 2 用法错误 usage errors")
    parser.add_argument("--version", action="version", version=f"releasehall {__version__}",
                        help="显示版本号 / print the version and exit")
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    def command(name: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=COMMANDS[name], description=COMMANDS[name])

    def site_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--site", type=Path, help=SITE_HELP)
        p.add_argument("--now", help="视为“现在”的时间：YYYY-MM-DD[ HH:MM] 或 ISO 8601（默认 SOURCE_DATE_EPOCH 或当前时间）/ "
                                     "the build's 'now' (default: SOURCE_DATE_EPOCH, else the clock)")
        p.add_argument("--drafts", action="store_true", help="连草稿一起生成 / also build drafts (draft: true)")

    p = command("build")
    site_options(p)
    p.add_argument("--out", type=Path, help="输出目录（默认 site.yaml 的 output）/ output folder (default: site.yaml's output)")
    p.add_argument("--base-url", help="覆盖 site.yaml 的 base_url / override site.yaml's base_url")
    p.add_argument("--no-cache", action="store_true", help="不使用 .cache/releasehall/ / ignore the build cache")
    p = command("check")
    site_options(p)
    p.add_argument("--strict", action="store_true", help="巡查警告也算错误 / treat inspection warnings as errors")
    p.add_argument("--since", metavar="REV",
                   help="列出自 git 版本 REV 以来消失且没有 aliases 的已发布网址 / list published URLs gone since git "
                        "revision REV without an alias")
    p = command("serve")
    site_options(p)
    p.add_argument("--port", type=int, default=8000, help="端口，0 为自动选择（默认 8000）/ port, 0 picks a free one")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）/ address to listen on")
    p = command("stats")
    site_options(p)
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--month", type=_month, help="打印该月的月度通报表（YYYY-MM）/ print that month's table (YYYY-MM)")
    shown.add_argument("--overdue", action="store_true",
                       help="列出当前超期未复的留言及超期工作日 / list what is overdue now, with working days late")
    p = command("codeowners")
    p.add_argument("--site", type=Path, help=SITE_HELP)
    p.add_argument("--write", action="store_true", help="写入 .github/CODEOWNERS / write .github/CODEOWNERS under the site")
    p = command("new")
    p.add_argument("what", choices=("release", "qa"), help="release 发布 或 qa 留言 / a release or a question (qa)")
    p.add_argument("dept", metavar="DEPT",
                   help="部门标识，即 content/ 下的文件夹名，如 gongan / department id: its folder name under content/")
    p.add_argument("title", metavar="TITLE", help="标题（中文即可，文件名取拼音）/ title; the file name is its pinyin")
    p.add_argument("--site", type=Path, help=SITE_HELP)
    p.add_argument("--now", help="写入文件的日期（默认今天）/ date to write (default: now)")
    p = command("import")
    p.add_argument("files", metavar="FILE", nargs="+", type=str,
                   help="导出的 CSV 或 XLSX 文件 / an exported CSV or XLSX file")
    p.add_argument("--profile", metavar="NAME",
                   help="site.yaml 中 import.profiles 的配置名；表头只符合一个配置时可省略 / the import profile in "
                        "site.yaml (not needed when the header fits exactly one)")
    p.add_argument("--dry-run", action="store_true",
                   help="只列出将新建、更新和跳过的文件，不写入 / print what would be written, updated and skipped")
    p.add_argument("--site", type=Path, help=SITE_HELP)
    p = command("init")
    p.add_argument("dir", metavar="DIR", type=Path, help="新发布厅的目录（须不存在或为空）/ folder for the new hall (new or empty)")
    p.add_argument("--title", default="新建政务发布厅", help="发布厅名称 / the hall's title")
    p.add_argument("--now", help="示例内容的日期（默认现在）/ date of the sample items (default: now)")
    return parser


def _unknown_command(word: str) -> int:
    zh_hint, en_hint = did_you_mean(word, COMMANDS)
    listing = "\n".join(f"  {name:<11} {text}" for name, text in COMMANDS.items())
    print(f"未知命令 “{word}”{zh_hint} / unknown command '{word}'{en_hint}\n"
          f"可用命令 / commands:\n{listing}\n"
          "用 releasehall COMMAND --help 查看各命令的选项 / see releasehall COMMAND --help", file=sys.stderr)
    return 2


def _month(value: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise argparse.ArgumentTypeError(f"'{value}' is not a month; write YYYY-MM, e.g. 2026-10 / 月份应写成 YYYY-MM")
    return value


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _check_options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Reject a malformed --now or --base-url as a usage error (exit 2); the site's zone is applied by the build."""
    if getattr(args, "now", None):
        try:
            parse_datetime(args.now, UTC)
        except Invalid as exc:
            parser.error(f"--now: {exc.en} / {exc.zh}")
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        try:
            pipeline.source_date_epoch(epoch)
        except Invalid as exc:
            parser.error(f"{exc.en} / {exc.zh}")
    if getattr(args, "base_url", None):
        from releasehall.settings.site import base_url

        try:
            base_url(args.base_url)
        except Invalid as exc:
            parser.error(f"--base-url: {exc.en} / {exc.zh}")


def _codeowners(site: Path, write: bool) -> int:
    from releasehall.commands.codeowners import codeowners
    from releasehall.content.load import load_content
    from releasehall.errors import Report
    from releasehall.settings.site import load_settings

    report = Report()
    settings = load_settings(site.resolve(), report)
    content = load_content(settings, report)[0] if settings is not None else None
    if report.errors or content is None:
        _print_problems(report.errors)
        return 1
    assert settings is not None
    text = codeowners(content.departments.values(), settings.maintainers)
    if not settings.maintainers:
        report.warn("site.yaml", 1, "site.yaml 没有 maintainers：CODEOWNERS 缺少运维者的兜底行，请写上运维者的账号",
                    "site.yaml has no 'maintainers': CODEOWNERS has no catch-all line for the operator; add the "
                    "operator's handles")
    _print_problems(report.warnings)
    if write:
        from releasehall.read.symlinks import inside

        target = site / ".github" / "CODEOWNERS"
        if not inside(target, site):
            print(f"{target} 是指向站点目录之外的符号链接，未写入 / {target} is a symbolic link leading outside the site "
                  "folder; nothing written", file=sys.stderr)
            return 1
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
    first = args_list[0] if args_list else ""
    if first and not first.startswith("-") and first not in COMMANDS:
        return _unknown_command(first)
    if first not in (*COMMANDS, "-h", "--help", "--version"):
        args_list.insert(0, "build")
    parser = _parser()
    args = parser.parse_args(args_list)
    _check_options(args, parser)
    if args.command == "init":
        from releasehall.commands.scaffold import init

        return init(args.dir, args.title, args.now)
    site: Path = args.site if args.site is not None else find_site(Path.cwd())
    now = getattr(args, "now", None)
    if args.command in ("build", "check"):
        return _build_or_check(args, site, now)
    if args.command == "stats":
        from releasehall.commands.scoreboard import print_month, print_overdue, print_scoreboard

        outcome = pipeline.run(site, now=now, drafts=args.drafts, write=False)
        if outcome.errors or outcome.hall is None:
            _print_problems(outcome.problems)
            return 1
        if args.overdue:
            print_overdue(outcome.hall, sys.stdout)
        elif args.month:
            if not print_month(outcome.hall, args.month, sys.stdout):
                months = ", ".join(m.month for m in outcome.hall.stats.months) or "—"
                print(f"{args.month} 没有留言、答复或发布（有数据的月份：{months}） / {args.month} has no questions, "
                      f"replies or releases (months with data: {months})", file=sys.stderr)
                return 2
        else:
            print_scoreboard(outcome.hall, sys.stdout)
        return 0
    if args.command == "new":
        from releasehall.commands.newfile import new_file

        return new_file(site, args.what, args.dept, args.title, now)
    if args.command == "codeowners":
        return _codeowners(site, args.write)
    if args.command == "import":
        from releasehall.commands.importer import import_files

        return import_files(site, args.files, args.profile, args.dry_run)
    if args.command == "serve":
        from releasehall.serve.server import serve

        return serve(site, port=args.port, host=args.host, now=now, drafts=args.drafts)
    return _unknown_command(str(args.command))


def _build_or_check(args: argparse.Namespace, site: Path, now: str | None) -> int:
    from releasehall.store.write import OutputRefused

    checking = args.command == "check"
    try:
        outcome = pipeline.run(site, out=getattr(args, "out", None), base_url=getattr(args, "base_url", None),
                               now=now, drafts=args.drafts, write=not checking,
                               use_cache=not getattr(args, "no_cache", False))
    except OutputRefused as exc:
        print(f"releasehall: {exc}", file=sys.stderr)
        return 2
    problems = outcome.problems
    if checking and outcome.hall is not None:
        from releasehall.commands.audit import audit

        problems = [*problems, *audit(outcome.hall, strict=args.strict)]
        if args.since and not outcome.errors:
            from releasehall.commands.moved import SinceError, disappeared

            hall_now = outcome.hall.now.isoformat()
            try:
                problems += disappeared(outcome.hall, args.since, lambda folder: pipeline.run(
                    folder, now=hall_now, drafts=args.drafts, write=False).hall, strict=args.strict)
            except SinceError as exc:
                _print_problems(problems)
                print(f"--since {args.since}: {exc}", file=sys.stderr)
                return 2
    _print_problems(problems)
    errors = [p for p in problems if not p.warning]
    if errors:
        if checking:
            print(f"检查未通过：{len(errors)} 个错误 / check failed: {len(errors)} error(s)", file=sys.stderr)
        else:
            print(f"构建失败：{len(errors)} 个错误，输出目录未改动 / build failed: {len(errors)} error(s); "
                  "the output folder was not touched", file=sys.stderr)
        return 1
    if not checking:
        print(f"已生成 / built {outcome.output}: {len(outcome.rendered)} rendered, "
              f"{outcome.written} files written, {outcome.kept} unchanged")
        return 0
    hall = outcome.hall
    assert hall is not None
    from releasehall.content.withheld import held_back

    if outcome.content is not None:
        for line in held_back(outcome.content, hall.now, args.drafts):
            print(f"未发布 / not published: {line}")
    print("检查通过 / check passed")
    return 0
