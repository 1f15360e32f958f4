"""Rule sets as data: check them against the default's shape, and layer settings.

The shipped ``default.toml`` is also the schema: a user's rule set may only
use keys the default has, with values of the same type, so a typo is reported
with the key's name instead of being silently ignored.  The texts come in from
``xl_tools.rulesets``, which reads the files: nothing here touches one.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import PurePath
from typing import Any

from .errors import RuleSetError

DEFAULT_NAME = "default"
LEAF_TABLES = {"weights.recommended_split"}
ELEMENT_SCHEMA: dict[str, dict[str, type]] = {
    "qualitative.bands": {"name": str, "low": float, "high": float, "default": float},
    "grades": {"grade": str, "min": float},
    "total.cap_by_execution_rate": {"below": float, "max": float},
}
CHOICES = {
    "execution.denominator": {"全年预算数", "年初预算数", "调整后预算数"},
    "quantitative.reverse_method": {"ratio", "linear"},
}


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and dotted not in LEAF_TABLES and dotted != "layout_defaults":
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_value(key: str, value: Any, schema: dict[str, Any], origin: str) -> Any:
    """Return ``value`` if it fits the schema's type for ``key``; raise naming the key otherwise."""
    if key not in schema:
        raise RuleSetError(f"规则集 {origin} 中的设置项「{key}」不存在；可用的设置项见 xl-tools rules show default")
    expected = schema[key]

    def bad(why: str) -> RuleSetError:
        return RuleSetError(f"规则集 {origin} 中的设置项「{key}」{why}")

    if isinstance(expected, bool):
        if not isinstance(value, bool):
            raise bad("应为 true 或 false")
    elif _is_number(expected):
        if not _is_number(value) or value != value or value in (float("inf"), float("-inf")):
            raise bad(f"应为数字，实际为「{value}」")
        if value < 0 and key != "total.missing_cost_cap":
            raise bad(f"不能为负数（{value}）")
    elif isinstance(expected, str):
        if not isinstance(value, str):
            raise bad(f"应为文字，实际为「{value}」")
        if key in CHOICES and value not in CHOICES[key]:
            raise bad(f"应为 {' / '.join(sorted(CHOICES[key]))} 之一，实际为「{value}」")
    elif isinstance(expected, dict):
        if not isinstance(value, dict) or not all(_is_number(v) for v in value.values()):
            raise bad("应为「名称 = 分值」的表")
    elif isinstance(expected, list):
        if not isinstance(value, list):
            raise bad("应为列表")
        element = ELEMENT_SCHEMA.get(key)
        for i, item in enumerate(value, 1):
            if element is None:
                if not isinstance(item, str):
                    raise bad(f"第 {i} 项应为文字")
                continue
            if not isinstance(item, dict) or set(item) != set(element):
                raise bad(f"第 {i} 项应含且只含 {', '.join(element)}")
            for sub, typ in element.items():
                ok = _is_number(item[sub]) if typ is float else isinstance(item[sub], typ)
                if not ok:
                    raise bad(f"第 {i} 项的 {sub} 类型不对（{item[sub]!r}）")
    return value


@dataclass(frozen=True)
class RuleSet:
    name: str
    title: str
    origin: str
    values: dict[str, Any]
    declared: frozenset[str]
    """Keys this rule set sets itself (through its ``extends`` chain, not the root default)."""
    layout_defaults: dict[str, dict[str, Any]]
    digest: str

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


def _read_toml(origin: str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(f"规则集 {origin} 不是有效的 TOML：{exc}") from exc


@dataclass(frozen=True)
class Shipped:
    """The rule sets shipped with the toolkit, as (name, TOML text) pairs: the default one is the schema every
    rule set is checked against, and ``extends`` may name only these."""

    texts: tuple[tuple[str, str], ...]

    def text(self, name: str) -> str | None:
        return dict(self.texts).get(name)

    @cached_property
    def schema(self) -> dict[str, Any]:
        """Every key a rule set may set, with the default's value (whose type a setting must have)."""
        raw = _read_toml(DEFAULT_NAME, self.text(DEFAULT_NAME) or "")
        for meta in ("name", "title", "layout_defaults"):
            raw.pop(meta, None)
        return _flatten(raw)

    def parse(self, origin: str, text: str) -> RuleSet:
        """The rule set a text gives (a shipped one's or a user's file's), layered over what it extends."""
        return _build(self, origin, text, seen=())


@lru_cache(maxsize=64)
def _build(shipped: Shipped, origin: str, text: str, seen: tuple[str, ...]) -> RuleSet:
    """Cached on the text itself, so a batch parses each rule set once and an edited file is read anew."""
    raw = _read_toml(origin, text)
    schema = shipped.schema
    name = raw.pop("name", PurePath(origin).stem)
    title = raw.pop("title", name)
    parent_name = raw.pop("extends", None if name == DEFAULT_NAME and origin == DEFAULT_NAME else DEFAULT_NAME)
    layout_defaults = raw.pop("layout_defaults", {})
    own = _flatten(raw)
    for key, value in own.items():
        check_value(key, value, schema, origin)
    for layout, table in layout_defaults.items():
        for key, value in table.items():
            check_value(key, value, schema, f"{origin} [layout_defaults.{layout}]")
    digest_src = text
    if parent_name is None:
        values = dict(own)
        declared: frozenset[str] = frozenset()
        missing = set(schema) - set(values)
        if missing:
            raise RuleSetError(f"默认规则集缺少设置项：{', '.join(sorted(missing))}")
        merged_layouts = layout_defaults
    else:
        if parent_name in seen + (origin,):
            raise RuleSetError(f"规则集 {origin} 的 extends 形成循环：{' → '.join(seen + (origin, parent_name))}")
        parent_text = shipped.text(parent_name)
        if parent_text is None:
            raise RuleSetError(f"规则集 {origin} 的 extends = 「{parent_name}」不存在")
        parent = _build(shipped, parent_name, parent_text, seen + (origin,))
        values = {**parent.values, **own}
        declared = parent.declared | frozenset(own)
        merged_layouts = {k: dict(v) for k, v in parent.layout_defaults.items()}
        for layout, table in layout_defaults.items():
            merged_layouts.setdefault(layout, {}).update(table)
        digest_src = parent.digest + text
    digest = hashlib.sha256(digest_src.encode("utf-8")).hexdigest()[:16]
    return RuleSet(name=name, title=title, origin=origin, values=values, declared=declared,
                   layout_defaults=merged_layouts, digest=digest)


@dataclass
class Settings:
    """Resolved settings with where each came from (shown to the user and in JSON)."""

    rule_set: RuleSet
    values: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def derive(self, layers: list[dict[str, tuple[Any, str]]]) -> "Settings":
        """Apply layers of ``key -> (value, source)``, weakest first."""
        values = dict(self.values)
        sources = dict(self.sources)
        for layer in layers:
            for key, (value, source) in layer.items():
                values[key] = value
                sources[key] = source
        return Settings(self.rule_set, values, sources)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {k: {"value": self.values[k], "source": self.sources[k]} for k in sorted(self.values)}


def resolve_settings(rule_set: RuleSet, *, explicit: bool, named_in_params: bool = False,
                     params: dict[str, tuple[Any, str]] | None = None) -> Settings:
    """File-level settings: rule set, then the 参数 sheet, then the user's explicit choice.

    A rule set the 参数 sheet names counts as part of that sheet.  Per-table
    layers (layout default, what the form states) are added with ``for_table``
    and yield to both.
    """
    base = Settings(rule_set, dict(rule_set.values),
                    {k: f"规则集 {rule_set.name}" for k in rule_set.values})
    layers = []
    if named_in_params:
        layers.append({k: (rule_set.values[k], f"参数表（规则集 {rule_set.name}）") for k in rule_set.declared})
    layers.append(params or {})
    if explicit:
        layers.append({k: (rule_set.values[k], f"规则集 {rule_set.name}（用户指定）") for k in rule_set.declared})
    return base.derive(layers)


def for_table(file_settings: Settings, layout: str, stated: dict[str, tuple[Any, str]]) -> Settings:
    """Settings for one table: layout default < form-stated < 参数 sheet < explicit rule set."""
    layout_layer = {k: (v, f"表格式默认（{layout}）")
                    for k, v in file_settings.rule_set.layout_defaults.get(layout, {}).items()}
    strong = {k: (file_settings.values[k], s) for k, s in file_settings.sources.items()
              if s.startswith("参数表") or s.endswith("（用户指定）")}
    return file_settings.derive([layout_layer, stated, strong])


def setting_to_text(key: str, value: Any) -> str:
    """Compact text for the 参数 sheet ("优:90; 良:80"); ``setting_from_text`` reads it back."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in ELEMENT_SCHEMA:
        return "; ".join(":".join(_fmt(item[f]) for f in ELEMENT_SCHEMA[key]) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}:{_fmt(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(value)
    return _fmt(value)


def _fmt(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _num(text: str) -> float:
    n = float(text)
    return int(n) if n.is_integer() else n


def setting_from_text(key: str, text: Any, origin: str, schema: dict[str, Any]) -> Any:
    """Parse a 参数-sheet cell back to a typed setting (``Shipped.schema`` gives its type); raises RuleSetError
    naming the key."""
    if key not in schema:
        raise RuleSetError(f"{origin}：设置项「{key}」不存在")
    expected = schema[key]
    raw = "" if text is None else str(text).strip()
    try:
        if isinstance(expected, bool):
            if raw in ("是", "true", "True", "TRUE", "1"):
                value: Any = True
            elif raw in ("否", "false", "False", "FALSE", "0"):
                value = False
            else:
                raise ValueError(raw)
        elif _is_number(expected):
            value = _num(raw) if not _is_number(text) else text
        elif isinstance(expected, str):
            value = raw
        elif key in ELEMENT_SCHEMA:
            fields = ELEMENT_SCHEMA[key]
            value = []
            for chunk in filter(None, (c.strip() for c in raw.replace("；", ";").split(";"))):
                parts = [p.strip() for p in chunk.replace("：", ":").split(":")]
                if len(parts) != len(fields):
                    raise ValueError(chunk)
                value.append({f: (_num(p) if t is float else p) for (f, t), p in zip(fields.items(), parts)})
        elif isinstance(expected, dict):
            value = {}
            for chunk in filter(None, (c.strip() for c in raw.replace("；", ";").split(";"))):
                name, _, num = chunk.replace("：", ":").partition(":")
                value[name.strip()] = _num(num)
        else:
            value = [w for w in (p.strip() for p in raw.replace(",", "、").replace("，", "、").split("、")) if w]
    except ValueError as exc:
        raise RuleSetError(f"{origin}：设置项「{key}」的值「{raw}」格式不对（示例：{setting_to_text(key, expected)}）") from exc
    return check_value(key, value, schema, origin)


LABELS: dict[str, str] = {
    "total.points": "满分",
    "total.cap_by_execution_rate": "按执行率封顶（执行率低于:总分上限）",
    "total.rescale_not_applicable": "不适用指标剔除并折算权重",
    "total.not_applicable_words": "表示不适用的完成值",
    "total.missing_cost_cap": "缺少成本指标时总分上限（-1 不封顶）",
    "execution.weight": "预算执行率分值",
    "execution.denominator": "执行率分母",
    "execution.cap": "执行率得分不超过分值",
    "execution.overspend_tolerance": "执行数超预算容差（万元）",
    "weights.required_level1": "必须具备的一级指标",
    "weights.satisfaction_exempt": "满意度指标可缺",
    "weights.recommended_split": "一级指标建议分值",
    "quantitative.reverse_method": "反向指标计分（ratio 比值 / linear 线性）",
    "quantitative.cost_default_reverse": "成本指标未写方向时按 ≤",
    "qualitative.achieved_words": "表示达成的完成值用语",
    "qualitative.partial_words": "表示部分达成的用语",
    "qualitative.failed_words": "表示未达成的用语",
    "qualitative.bands": "定性指标档次（名称:下限%:上限%:默认%）",
    "deadline.late_ratio": "逾期完成得分（占权重 %）",
    "deadline.on_time_words": "表示按时的用语",
    "explanation.beat_threshold_percent": "超出目标须说明的偏离度（%）",
    "penalty.target_too_low_threshold_percent": "目标偏低扣分的偏离度（%）",
    "penalty.target_too_low_points": "目标偏低扣分（分）",
    "grades": "评价等级（等级:最低分）",
    "claims.tolerance": "填报得分差异容差（分）",
}
