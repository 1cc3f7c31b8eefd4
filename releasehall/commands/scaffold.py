"""`init DIR`: a new hall that builds as is, from the files in `skeleton/`.

The skeleton holds one department, one release, one answered question, layouts/README,
a .gitignore and the publishing recipes (GitHub Actions, GitLab CI, a plain server). Names
starting with a dot are stored without it (package data skips dot-files) and renamed here;
`@TITLE@`, `@NOW@`, `@DAY@` and `@VERSION@` are filled in, in names and text.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from releasehall import __version__
from releasehall.read.schema import Invalid, parse_datetime

SKELETON = Path(__file__).parent.parent / "skeleton"
DOTTED = {"gitignore": ".gitignore", "github": ".github", "gitlab-ci.yml": ".gitlab-ci.yml"}
EXECUTABLE = {"publish.sh", "post-receive"}


def skeleton_files() -> dict[str, Path]:
    """Destination path (relative, with placeholders) -> skeleton file."""
    result: dict[str, Path] = {}
    for path in sorted(SKELETON.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts = list(path.relative_to(SKELETON).parts)
            parts[0] = DOTTED.get(parts[0], parts[0])
            result["/".join(parts)] = path
    return result


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def init(target: Path, title: str, now: str | None = None) -> int:
    tz = ZoneInfo("Asia/Shanghai")
    try:
        moment = parse_datetime(now, tz) if now else datetime.now(tz)
    except Invalid as exc:
        print(f"--now: {exc.zh} / {exc.en}", file=sys.stderr)
        return 2
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        print(f"{target} 已存在且不是空目录，未写入任何文件 / {target} exists and is not an empty folder; nothing written",
              file=sys.stderr)
        return 2
    names = {"TITLE": title, "NOW": f"{moment:%Y-%m-%d %H:%M}", "DAY": f"{moment:%Y-%m-%d}", "VERSION": __version__}
    texts = {**names, "TITLE": yaml.safe_dump(title, allow_unicode=True, default_style='"').strip()}
    for rel, source in skeleton_files().items():
        path = target / fill(rel, names)
        path.parent.mkdir(parents=True, exist_ok=True)
        values = texts if path.suffix == ".yaml" else names
        path.write_text(fill(source.read_text(encoding="utf-8"), values), encoding="utf-8")
        if path.name in EXECUTABLE:
            path.chmod(0o755)
    print(f"已创建发布厅 / created a new hall in {target}\n"
          f"  预览 / preview:  cd {target} && releasehall serve\n"
          f"  生成 / build:    cd {target} && releasehall build\n"
          "  发布 / publish:  先把 requirements.txt 指向 Release Hall、把 site.yaml 的 base_url 改成网站地址，"
          "再用 .github/、.gitlab-ci.yml 或 deploy/（Release Hall 的 docs/operator.md）/ first point requirements.txt "
          "at Release Hall and set base_url in site.yaml, then use .github/, .gitlab-ci.yml or deploy/ "
          "(Release Hall's docs/operator.md)")
    return 0
