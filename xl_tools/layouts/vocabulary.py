"""The words forms use for each field, as data: vocabulary.toml, plus what a user maps for their own form.

Readers ask ``words()`` for the vocabulary in force: the shipped one, or the shipped one extended by a user's
mapping (``--labels FILE`` or the 参数 sheet's ``labels.*`` rows) for the time of one read (``extended``).  Every
label is kept normalised the way readers normalise a cell (``labels.norm_label``), so a label is found whatever
line breaks, spaces, colons or bracketed notes the form adds around it.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..core.errors import XlToolsError
from .labels import norm_label

Columns = dict[str, tuple[str, ...]]


class VocabularyError(XlToolsError):
    """A label mapping names a section or field that does not exist, or is not a list of words."""


@dataclass(frozen=True)
class Vocabulary:
    sections: dict[str, Columns]

    def columns(self, section: str) -> Columns:
        """Field -> its labels, in the order fields are tried."""
        return self.sections[section]

    def labels(self, section: str, field: str) -> tuple[str, ...]:
        return self.sections[section][field]

    def extended(self, additions: Mapping[str, Mapping[str, list[str]]], source: str) -> Vocabulary:
        """This vocabulary with a user's labels added to the fields they name (checked: a wrong name is a
        message naming ``source``, never a silently ignored label)."""
        sections = {name: dict(fields) for name, fields in self.sections.items()}
        for section, fields in additions.items():
            if section not in sections:
                raise VocabularyError(f"{source} 中的「{section}」不是可映射的部分；可用：{'、'.join(sections)}")
            for field, words in fields.items():
                if field not in sections[section]:
                    raise VocabularyError(f"{source} 中的「{section}.{field}」不是可映射的字段；"
                                          f"{section} 可用：{'、'.join(sections[section])}")
                if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                    raise VocabularyError(f"{source} 中的「{section}.{field}」应为文字列表，如 [\"项目支出名称\"]")
                added = tuple(dict.fromkeys(norm_label(w) for w in words))
                sections[section][field] = added + tuple(w for w in sections[section][field] if w not in added)
        return Vocabulary(sections)


def parse(text: str, source: str) -> Vocabulary:
    """A vocabulary from TOML text: sections of fields, each a list of labels."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyError(f"{source} 不是有效的 TOML（{exc}）") from None
    sections: dict[str, Columns] = {}
    for section, fields in raw.items():
        if not isinstance(fields, dict):
            raise VocabularyError(f"{source} 中的「{section}」应为一节（[{section}]）")
        sections[section] = {}
        for field, words in fields.items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                raise VocabularyError(f"{source} 中的「{section}.{field}」应为文字列表")
            sections[section][field] = tuple(dict.fromkeys(norm_label(w) for w in words))
    return Vocabulary(sections)


@lru_cache(maxsize=1)
def shipped() -> Vocabulary:
    text = resources.files(__package__).joinpath("vocabulary.toml").read_text(encoding="utf-8")
    return parse(text, "vocabulary.toml")


_in_force: ContextVar[Vocabulary | None] = ContextVar("xl_tools_vocabulary", default=None)


LABELS_ENV = "XL_TOOLS_LABELS"
"""A user's mapping file for every read of this process and its workers (``xl-tools --labels FILE``)."""


def words() -> Vocabulary:
    """The vocabulary of the read in progress: a workbook's own mapping, else the user's file, else the shipped."""
    return _in_force.get() or _from_file(os.environ.get(LABELS_ENV) or "")


@lru_cache(maxsize=4)
def _from_file(path: str) -> Vocabulary:
    if not path:
        return shipped()
    return shipped().extended(read_mapping(Path(path)), f"标签映射文件 {Path(path).name}")


def read_mapping(path: Path) -> dict[str, dict[str, list[str]]]:
    """A mapping file: vocabulary.toml's sections, each field with the user's own words for it."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise VocabularyError(f"无法读取标签映射文件 {path}（{exc.strerror or exc}）") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise VocabularyError(f"标签映射文件 {path.name} 不是有效的 TOML（{exc}）；请对照 README 中的示例修改"
                              "（文件须存为 UTF-8）") from None
    bad = [k for k, v in raw.items() if not isinstance(v, dict)]
    if bad:
        raise VocabularyError(f"标签映射文件 {path.name} 中的「{bad[0]}」应为一节，如 [indicator_columns]")
    return raw


@contextlib.contextmanager
def extended(additions: Mapping[str, Mapping[str, list[str]]], source: str) -> Iterator[Vocabulary]:
    """The shipped vocabulary plus a user's mapping, for what runs inside the block."""
    vocabulary = words().extended(additions, source)
    token = _in_force.set(vocabulary)
    try:
        yield vocabulary
    finally:
        _in_force.reset(token)
