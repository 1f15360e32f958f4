"""xl-tools rules list / show: the built-in rule sets, and every setting of one (a built-in or a .toml file)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import rules as core_rules
from ..rulesets import builtin_names, load_rule_set


@dataclass(frozen=True)
class RuleSetting:
    """One setting of a rule set: its key, value and meaning, and whether the rule set sets it itself."""

    key: str
    value: Any
    label: str
    """What it means (as the 参数 sheet says)."""
    declared: bool
    """Set by this rule set (or one it extends) rather than taken from default."""

    @property
    def text(self) -> str:
        """The value as the 参数 sheet writes it ("优:90; 良:80; …", "是", "达成、完成")."""
        return core_rules.setting_to_text(self.key, self.value)


@dataclass(frozen=True)
class RuleSetInfo:
    """A rule set as ``xl-tools rules show`` shows it: name, title, digest and every setting, in the order of
    default.toml."""

    name: str
    title: str
    digest: str
    """The 校验码 a result names: a hash of the rule set's text and of what it extends."""
    settings: dict[str, RuleSetting]
    origin: str
    """The built-in name or the file it was read from."""

    @classmethod
    def of(cls, rule_set: core_rules.RuleSet) -> RuleSetInfo:
        values = copy.deepcopy(rule_set.values)  # the loaded rule set is cached and shared: hand out a copy
        settings = {key: RuleSetting(key, value, core_rules.LABELS[key], key in rule_set.declared)
                    for key, value in values.items()}
        return cls(rule_set.name, rule_set.title, rule_set.digest, settings, rule_set.origin)

    def __getitem__(self, key: str) -> Any:
        return self.settings[key].value

    @property
    def declared(self) -> list[str]:
        """The keys this rule set sets itself, sorted (none for default, the root every rule set extends)."""
        return sorted(key for key, setting in self.settings.items() if setting.declared)

    def to_dict(self) -> dict[str, Any]:
        """What ``xl-tools rules show --json`` prints."""
        return {"name": self.name, "title": self.title, "hash": self.digest,
                "settings": {key: setting.value for key, setting in self.settings.items()}}


def rules() -> list[RuleSetInfo]:
    """The rule sets shipped with the toolkit, by name."""
    return [rule_set(name) for name in builtin_names()]


def rule_set(name: str | Path = core_rules.DEFAULT_NAME) -> RuleSetInfo:
    """One rule set: a built-in one by name, or a .toml file of one's own (checked against default's keys)."""
    return RuleSetInfo.of(load_rule_set(name))
