"""``xl-tools batch``'s output names, without running a batch (that: tests/integration/test_batch.py)."""

from __future__ import annotations

from pathlib import Path

from xl_tools.jobs.batch import output_paths, safe_stem


def test_output_names_are_safe_and_unique() -> None:
    assert safe_stem('a<b>c:d"e/f\\g|h?i*j\x01k') == "a_b_c_d_e_f_g_h_i_j_k"
    assert safe_stem("CON") == "_CON" and safe_stem("...") == "工作簿"
    assert safe_stem("长" * 300) == "长" * 66  # 198 bytes: with a counter and .xlsx under the 255-byte limit
    outs = output_paths([Path("a/单位.xlsx"), Path("b/单位.xlsx"), Path("c/单位.XLSX"), Path("d/宏.xlsm"),
                         Path("e/旧.xls")], Path("out"), reserved=[Path("out/单位_2.xlsx")])
    assert [p.name for p in outs] == ["单位.xlsx", "单位_3.xlsx", "单位_4.xlsx", "宏.xlsm", "旧.xlsx"]
