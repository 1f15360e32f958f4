"""新余市渝水区医保局 2022 (seed 004) in the toolkit's template: nine projects from the report.

The report gives each indicator as "名称 ≥ 目标，实际完成 X，得分 Y 分"; the points
are the indicator weights (every project claims full marks).  Qualitative
indicators the report only names ("服务及时性提高，得分20分") get the target
and actual "达成预期指标".  Two projects list points adding up to 100 instead
of 90 — a mistake of the real document, kept on purpose.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from openpyxl import Workbook

from xl_tools.core.values import parse_value
from xl_tools.rulesets import load_rule_set
from xl_tools.workbook.save import save_stable
from xl_tools.core.sheets.params import params_sheet
from xl_tools.workbook.sheet_writer import add_sheet
from xl_tools.workbook.template import ProjectSpec, add_project_sheet

DEPARTMENT = "新余市渝水区医疗保障局"
QUALITATIVE = "达成预期指标"

# (project, budget = executed in 万元, [(indicator, target, actual, points)])
PROJECTS: list[tuple[str, float, list[tuple[str, str, str, float]]]] = [
    ("医疗救助补助资金", 1546.43, [
        ("住院救助人次", "≥30000", "30000人次", 20), ("资助参保人数", "≥20000", "20000人", 20),
        ("门诊救助人次", "≥10000", "10000人次", 10), ("住院医疗费用救助比例", "≥70%", "75%", 10),
        ("门诊医疗费用救助比例", "≥70%", "75%", 10), ("一站式结算率", "≥90%", "100%", 10),
        ("政策知晓率", "≥95%", "96%", 5), ("救助对象满意度", "≥95%", "96%", 5)]),
    ("社会保险基金征缴激励经费", 80, [
        ("社会保险参保人数", "≥50万人", "50万人", 20), ("参保面", "≥95%", "96%", 20),
        ("服务及时性提高", QUALITATIVE, QUALITATIVE, 20), ("医保服务能力明显提升", QUALITATIVE, QUALITATIVE, 10),
        ("医保基金使用比率", "≥85%", "85%", 10), ("群众满意度", "≥95%", "96%", 10)]),
    ("医疗服务与保障能力提升补助资金", 83, [
        ("召开新闻发布会", "≥1次", "1次", 10), ("政策信息公开", "=100%", "100%", 10),
        ("信息系统正常运行率", "≥90%", "100%", 5), ("信息系统验收合格率", "≥90%", "100%", 5),
        ("医保人才合格率", "≥90%", "100%", 10), ("医保信息系统重大案例事故响应时间", "≤60分钟", "30分钟", 5),
        ("医保支付方式改革逐步推进", QUALITATIVE, QUALITATIVE, 10), ("检查覆盖率", "=100%", "100%", 10),
        ("DIP改革运行", QUALITATIVE, QUALITATIVE, 5), ("异地就医直接结算率", "逐年提高", "100%", 10),
        ("群众满意度", "≥90%", "96%", 5), ("政策知晓度", "≥90%", "96%", 5)]),
    ("乡村振兴帮扶资金", 3, [
        ("公路修缮里程", "≥1公里", "1公里", 20), ("项目验收合格率", "=100%", "100%", 20),
        ("项目完成及时率", "=100%", "100%", 10), ("单个项目成本", "≤3万元", "3万元", 20),
        ("帮扶效果明显", QUALITATIVE, QUALITATIVE, 10), ("群众满意度", "≥95%", "96%", 10)]),
    ("政府购买服务", 7.17, [
        ("参保人数", "≥50万人", "50万人", 20), ("结算准确率", "=100%", "100%", 20),
        ("及时结算医疗费用", QUALITATIVE, QUALITATIVE, 20), ("医保基金可持续发展", QUALITATIVE, QUALITATIVE, 10),
        ("群众满意度", "≥95%", "96%", 20)]),
    ("宣传印刷费", 5, [
        ("宣传品数量", "≥5万份", "5万份", 20), ("媒体宣传质量达标率", "=100%", "100%", 20),
        ("配送完成率", "=100%", "100%", 20), ("宣传知晓率", "≥95%", "96%", 20), ("群众满意度", "≥95%", "96%", 10)]),
    ("软件维护费", 5, [
        ("提供运维服务数量", "≥1套", "1套", 20), ("系统正常运行率", "=100%", "100%", 20),
        ("故障响应率", "=100%", "100%", 20), ("系统正常运转率", "≥95%", "100%", 10), ("群众满意度", "≥95%", "96%", 20)]),
    ("三联单印刷费", 3.4, [
        ("印制数量", "≥10万份", "10万份", 20), ("合格率", "=100%", "100%", 20), ("及时率", "=100%", "100%", 20),
        ("参保证日常工作需要", QUALITATIVE, QUALITATIVE, 20), ("群众满意度", "≥95%", "96%", 20)]),
    ("IC卡制作费", 2, [
        ("制作临时用卡数量", "≥2000张", "2000张", 20), ("制卡合格率", "=100%", "100%", 20),
        ("配送到位率", "=100%", "100%", 20), ("单卡成本", "≤10元", "10元", 20),
        ("能保证群众用卡需要", QUALITATIVE, QUALITATIVE, 10), ("群众满意度", "≥95%", "96%", 10)]),
]


def unit_of(actual: str) -> str | None:
    """The report writes units only with the actual value ("实际完成30000人次")."""
    return parse_value(actual).unit


def build_yushui_2022(path: str | PathLike[str]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, amount, indicators in PROJECTS:
        spec = ProjectSpec(
            name=f"{name}项目", department=DEPARTMENT, unit=DEPARTMENT, year=2022,
            funds={"年度资金总额": (amount, amount, amount), "其中：当年财政拨款": (amount, amount, amount)},
            indicators=[{"name": n, "target": t, "actual": a, "weight": w, "score": w, "unit": unit_of(a)}
                        for n, t, a, w in indicators],
            claimed_total=100,
        )
        add_project_sheet(wb, name[:31], spec)
    add_sheet(wb, params_sheet(load_rule_set("jiangxi_yushui")))
    return save_stable(wb, path, creator="xl_tools samples")
