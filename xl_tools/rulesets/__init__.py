"""The rule sets shipped with the toolkit (the .toml files beside this module), and the loading of a user's own.

The files are read here and their texts handed to ``core.rules``, which checks and layers them and reads none.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..core.rules import DEFAULT_NAME, RuleSet, Shipped
from ..core.errors import RuleSetError


@lru_cache(maxsize=1)
def shipped() -> Shipped:
    files = resources.files(__name__)
    return Shipped(tuple(sorted((f.name.removesuffix(".toml"), f.read_text(encoding="utf-8"))
                                for f in files.iterdir() if f.name.endswith(".toml"))))


def builtin_names() -> list[str]:
    return [name for name, _text in shipped().texts]


def load_rule_set(name_or_path: str | Path = DEFAULT_NAME, *, builtin_only: bool = False) -> RuleSet:
    """Load a shipped rule set by name, or a user's .toml file by path.  ``builtin_only`` for a name that came
    from a workbook: never a file, not even one in the current folder that happens to bear the name."""
    ref = str(name_or_path)
    if not builtin_only and (ref.endswith(".toml") or Path(ref).exists()):
        path = Path(ref)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleSetError(f"无法读取规则集文件 {path}：{exc}") from exc
        return shipped().parse(str(path), text)
    text = shipped().text(ref)
    if text is None:
        raise RuleSetError(f"没有名为「{ref}」的规则集；内置规则集：{'、'.join(builtin_names())}")
    return shipped().parse(ref, text)
