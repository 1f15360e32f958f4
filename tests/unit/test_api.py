"""The Python API's names and types, and the findings report, without a workbook (the API on the samples:
tests/integration/test_api.py)."""

from __future__ import annotations

import inspect

import pytest

import xl_tools as xt
from xl_tools.core.findings import make

from tests.helpers.paths import REPO


def test_every_public_name_resolves_and_every_function_is_typed() -> None:
    assert {"score", "validate", "run", "recompute", "new", "collect", "fill", "summary", "report", "convert",
            "email", "batch", "Result", "Findings", "XlToolsError"} <= set(xt.__all__)
    for name in xt.__all__:
        value = getattr(xt, name)
        if inspect.isfunction(value):
            signature = inspect.signature(value)
            assert signature.return_annotation is not inspect.Signature.empty, name
            assert all(p.annotation is not inspect.Parameter.empty for p in signature.parameters.values()), name
    assert (REPO / "xl_tools" / "py.typed").exists()
    with pytest.raises(AttributeError):
        xt.no_such_name  # noqa: B018


def test_the_findings_report_counts_filters_and_picks_the_one_that_matters() -> None:
    note = make("LEVELS_UNKNOWN", sheet="表1", cell="A1")
    warning = make("UNIT_MISSING", sheet="表1", cell="B5", indicator="参保人数")
    error = make("OVERSPENT", sheet="表2", cell="D7", executed=120, budget=100)
    report = xt.Findings.of([note, warning, error, warning.in_file("b.xlsx")], file="a.xlsx", rule_set="default")
    assert not report.valid and len(report) == 4
    assert report.counts() == {"error": 1, "warning": 2, "info": 1}
    assert report.tally() == "错误 1 个，警告 2 个，提示 1 个"
    assert report.most_important() is error
    assert [f.code for f in report.ordered()] == ["OVERSPENT", "UNIT_MISSING", "UNIT_MISSING", "LEVELS_UNKNOWN"]
    assert report.by_code() == [("UNIT_MISSING", 2), ("LEVELS_UNKNOWN", 1), ("OVERSPENT", 1)]
    assert list(report.filter(sheet="表1", level="warning")) == [warning, warning.in_file("b.xlsx")]
    assert list(report.filter(file="b.xlsx")) == [warning.in_file("b.xlsx")]
    assert report.filter(code=["OVERSPENT", "LEVELS_UNKNOWN"]).counts() == {"error": 1, "warning": 0, "info": 1}
    assert report.warnings.valid and list(report.notes) == [note]
    assert xt.Findings().most_important() is None and xt.Findings().valid
    frame = report.to_frame()
    assert frame.columns.tolist()[:7] == ["file", "code", "level", "sheet", "cell", "project", "message"]
    assert frame["level_label"].tolist() == ["提示", "警告", "错误", "警告"]
    assert report.to_dict()["counts"] == {"error": 1, "warning": 2, "info": 1} and report.to_dict()["valid"] is False
