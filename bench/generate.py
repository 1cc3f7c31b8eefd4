"""Synthetic halls for benchmarks: N departments x releases x questions, Chinese text with tables and lists.

    python -m bench.generate DIR --departments 200 --releases 30 --questions 20

Deterministic: the same arguments give the same files.
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta
from pathlib import Path

WORDS = ("政务", "公开", "交通", "出行", "医疗", "教育", "社区", "服务", "办理", "通知", "群众", "留言", "答复",
         "改造", "安全", "环境", "治理", "政策", "解读", "活动", "网络", "发布", "民生", "就业", "住房", "养老")
TOPICS = ("公共交通", "老旧小区改造", "医疗服务", "教育", "就业", "养老", "垃圾分类", "停车", "防汛", "消防安全",
          "政务公开", "网络问政", "户政服务", "物业管理", "城市管理", "志愿服务", "网络谣言", "节假日出行")
KINDS = ("news", "notice", "policy", "emergency", "rumor", "interview", "survey", "event")
LEVELS = ("municipal", "district", "street", "community")


def sentence(rng: random.Random, length: int = 18) -> str:
    return "".join(rng.choice(WORDS) for _ in range(length // 2)) + "。"


def body(rng: random.Random, links: list[str]) -> str:
    parts = [sentence(rng, 40) + sentence(rng, 30), "## " + sentence(rng, 8).rstrip("。")]
    parts.append("\n".join(f"- {sentence(rng, 12)}" for _ in range(4)))
    parts.append("| 项目 | 数量 | 说明 |\n|---|---|---|\n" + "\n".join(
        f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} | {sentence(rng, 10)} |" for _ in range(4)))
    parts.append(sentence(rng, 60))
    if links:
        parts.append(f"相关内容见[此前发布]({rng.choice(links)})。")
    return "\n\n".join(parts) + "\n"


def generate(root: Path, departments: int, releases: int, questions: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 9, 0)
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(
        "title: 基准测试发布厅\nbase_url: https://bench.example.gov.cn/\npaginate: 20\nfeed_items: 50\n",
        encoding="utf-8")
    count = 0
    for d in range(departments):
        dept = f"d{d:04d}"
        folder = root / "content" / dept
        (folder / "releases").mkdir(parents=True, exist_ok=True)
        (folder / "qa").mkdir(parents=True, exist_ok=True)
        parent = f"\nparent: d{(d - 1) // 10:04d}" if d else ""
        level = LEVELS[min(3, 0 if d == 0 else 1 + (d > 10) + (d > 110))]
        (folder / "department.yaml").write_text(
            f"name: 第{d}号单位{parent}\nlevel: {level}\nspokesperson:\n  name: 发言人{d}\n", encoding="utf-8")
        previous: list[str] = []
        for r in range(releases):
            when = start + timedelta(hours=rng.randint(0, 24 * 290))
            kind = KINDS[rng.randrange(len(KINDS))]
            claim = f"\nclaim: 网传{sentence(rng, 10)}" if kind == "rumor" else ""
            topics = ", ".join(rng.sample(TOPICS, 2))
            name = f"r{r:03d}.md"
            text = (f"---\ntitle: {sentence(rng, 12).rstrip('。')}\ndate: {when:%Y-%m-%d %H:%M}\nkind: {kind}{claim}\n"
                    f"topics: [{topics}]\n---\n\n{body(rng, previous)}")
            (folder / "releases" / name).write_text(text, encoding="utf-8")
            previous.append(name)
            count += 1
        for q in range(questions):
            asked = start + timedelta(hours=rng.randint(0, 24 * 290))
            reply = ""
            replied = ""
            if rng.random() < 0.8:
                replied = f"\nreplied: {asked + timedelta(hours=rng.randint(2, 24 * 12)):%Y-%m-%d %H:%M}"
                reply = "\n" + sentence(rng, 40) + "\n\n" + sentence(rng, 30) + "\n"
            text = (f"---\ntitle: {sentence(rng, 10).rstrip('。')}？\nasked: {asked:%Y-%m-%d %H:%M}\n"
                    f"question: {sentence(rng, 40)}\ncategory: consultation\n"
                    f"topics: [{rng.choice(TOPICS)}]{replied}\n---\n{reply}")
            (folder / "qa" / f"q{q:03d}.md").write_text(text, encoding="utf-8")
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--departments", type=int, default=200)
    parser.add_argument("--releases", type=int, default=30)
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args()
    print(generate(args.root, args.departments, args.releases, args.questions))


if __name__ == "__main__":
    main()
