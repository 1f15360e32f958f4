"""Hypothesis strategies for cell values as forms hold them: numbers, texts with units, error literals, formats."""

from __future__ import annotations

import datetime

from hypothesis import strategies as st

from xl_tools.core.values import EXCEL_ERRORS


ERRORS = sorted(EXCEL_ERRORS)
FORMATS = ["General", "0%", "0.00%", "yyyy-mm-dd", "#,##0.00", '"￥"#,##0.00', "[Red]0.00", "h:mm", "@"]
TEXTS = ["≥95%", "23.45万人", "2023年10月31日前", "10月底前", "10分", "　\n　　30分", "达成预期指标", "约52万",
         "十分", "满分", "—", "/", "按时完成", "60元/人/年*当年度城乡居民参保人数", "=100%", "≥1000人", "合规",
         "1,000,000.00", "52万元", "阳宏15808027144", "产出指标（50分）", "效益指标\n（30分）", "", "　"]
CELL = st.one_of(
    st.none(),
    st.sampled_from(TEXTS),
    st.sampled_from(ERRORS),
    st.integers(-10**6, 10**16),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 1, 1)),
    st.booleans(),
    st.text(max_size=12),
)
