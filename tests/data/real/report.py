"""What the toolkit makes of every real table of the corpus: docs/real-forms.md and the README's figures.

Usage: python tests/data/real/report.py [--write]

Each table is built (build.py), read and scored as `xl-tools validate` would; the report lists, per table, its
source, whether it was recognised, whether every hand-computed field of its manifest matched, and every finding
the toolkit raised, so the findings' precision on real forms can be reviewed.  The figures (recognised and
fully matched, by province and by layout family) go into README.md between its real-forms markers.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))  # tests.helpers

import build  # noqa: E402

from xl_tools.jobs.evaluation import evaluate_book, read_book  # noqa: E402
from xl_tools.core.findings import LEVEL_LABEL, errors_first  # noqa: E402
from xl_tools.core.errors import XlToolsError  # noqa: E402
from xl_tools.layouts.detect import detect  # noqa: E402

from tests.helpers.marked import replace_marked  # noqa: E402

DOC = REPO / "docs" / "real-forms.md"
README = REPO / "README.md"
KINDS = {"project": "项目", "department": "部门整体", "target": "目标表", "summary": "汇总表"}
TOLERANCE = 0.005
NUMBERS = ("budget", "executed", "execution_rate", "execution_score", "total", "claimed_total")


def outcome(table: dict[str, Any], path: Path) -> dict[str, Any]:
    """Recognised?  Every expected field matched?  The findings."""
    found = detect(read_book(path))
    kind = table["kind"]
    recognised = bool(found.targets if kind == "target" else found.summaries if kind == "summary"
                      else [f for f in found.forms if f.type == kind])
    findings, matched, misses = list(found.findings), None, []
    if recognised and kind in ("project", "department"):
        try:
            result = evaluate_book(read_book(path)).scored
            findings = result.all_findings()
            misses = [miss for expected in table.get("expected", []) if expected["rule_set"] == "default"
                      for miss in _misses(result, expected)]
            matched = not misses if table.get("expected") else None
        except XlToolsError as exc:
            misses, matched = [str(exc)], False
    return {"recognised": recognised, "matched": matched, "misses": misses, "findings": findings}


def _misses(result: Any, expected: dict[str, Any]) -> list[str]:
    out = []
    for want in expected.get("projects", []):
        name = want.get("name")
        named = [p for p in result.projects if name and p.name and (name in p.name or p.name in name)]
        got = (named or result.projects)[0] if (named or len(result.projects) == 1) else None
        if got is None:
            out.append(f"没有读到项目「{name}」")
            continue
        for field in NUMBERS:
            if want.get(field) is not None and (getattr(got, field) is None
                                                or abs(getattr(got, field) - want[field]) > TOLERANCE):
                out.append(f"{field}: 读出 {getattr(got, field)}，手算 {want[field]}")
        if "grade" in want and got.grade != want["grade"]:
            out.append(f"grade: 读出 {got.grade}，手算 {want['grade']}")
    codes = {f.code for f in result.all_findings()}
    out += [f"缺少应有的问题 {code}" for code in expected.get("findings", []) if code not in codes]
    return out


def figures(rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> str:
    """Recognition and full-match rates by province and by layout family, as a Markdown table."""
    groups: dict[tuple[str, str], list[tuple[dict, dict]]] = defaultdict(list)
    for table, result in rows:
        groups[("省份", table["province"])].append((table, result))
        groups[("格式", table["family"])].append((table, result))
        groups[("全部", "")].append((table, result))
    lines = ["| 分组 | 表格 | 识别 | 完整的表 | 手算结果全部一致 |", "|---|---:|---:|---:|---:|"]
    for (by, name), members in sorted(groups.items(), key=lambda kv: (kv[0][0] != "全部", kv[0][0], kv[0][1])):
        complete = [(t, r) for t, r in members if t["complete"] and t.get("expected")]
        recognised = sum(r["recognised"] for _, r in members)
        matched = sum(r["matched"] is True for _, r in complete)
        label = "全部" if by == "全部" else f"{by}：{name}"
        lines.append(f"| {label} | {len(members)} | {recognised}（{recognised / len(members):.0%}） | {len(complete)} | "
                     + (f"{matched}（{matched / len(complete):.0%}） |" if complete else "— |"))
    return "\n".join(lines)


def document(rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> str:
    lines = ["# 真实报表上的表现", "",
             "本文件由 `python tests/data/real/report.py --write` 根据 tests/data/real/ 中的真实报表生成，请勿手工修改。",
             "每张表都是各地单位公开发布的表格，逐格转录（来源见各表）；「完整」指资金、分值、指标值、完成值都在，",
             "其手算结果（金额、执行率得分、总分、等级、应有的问题）写在表的清单中。下面列出工具对每张表的识别结果、",
             "与手算是否一致，以及给出的全部问题，用来检查这些问题在真实报表上是否说得对。", "",
             figures(rows), ""]
    for table, result in rows:
        status = "已识别" if result["recognised"] else "未识别"
        if result["matched"] is not None:
            status += "，手算结果全部一致" if result["matched"] else "，与手算不一致"
        url = table["source"]["url"]
        source = f"[{table['source']['title']}]({url})" if url else f"{table['source']['title']}（页面地址未存）"
        lines += [f"## {table['id']}", "",
                  f"{table['province']} · {table['unit']} · {table['year']} · {KINDS[table['kind']]} · {table['family']} · "
                  f"{'完整' if table['complete'] else '不完整：' + (table.get('cut_short') or '页面截断')}", "",
                  f"来源：{source}", "", f"**{status}**", ""]
        lines += [f"- 不一致：{miss}" for miss in result["misses"]]
        for f in sorted(result["findings"], key=errors_first):
            where = f"{f.sheet or ''}{'!' + f.cell if f.cell else ''}"
            lines.append(f"- [{LEVEL_LABEL[f.level]}] {f.code} {where} {f.message}")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write docs/real-forms.md and the README's figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [(table, outcome(table, build.build(table, Path(tmp) / f"{path.stem}.xlsx")))
                for path, table in build.tables()]
    table = figures(rows)
    print(table)
    if args.write:
        DOC.write_text(document(rows), encoding="utf-8")
        replace_marked(README, "real-forms", table)


if __name__ == "__main__":
    main()
