"""The committed samples are exactly what the builders make (byte for byte), and the build stays in its folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from xl_tools.samples import BUNDLED_SAMPLE, bundled_sample

from tests.helpers.paths import REPO
from tests.helpers.samples.build import SAMPLES, TARGETS_SAMPLE, TEMPLATE_NAME, build_all

EXPECTED = sorted(
    [Path("workbooks") / name for name in [*SAMPLES, TARGETS_SAMPLE]]
    + [Path("xl_tools") / "samples" / "data" / BUNDLED_SAMPLE, Path("templates") / TEMPLATE_NAME]
)


def _fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    repo = tmp_path_factory.mktemp("repo")
    bundled_before = _fingerprint(bundled_sample())
    written = build_all(repo)
    # building into another folder leaves the package's own copy alone
    assert _fingerprint(bundled_sample()) == bundled_before
    return repo, written


def test_build_all_writes_every_sample_inside_the_folder(rebuilt: tuple[Path, list[Path]]) -> None:
    repo, written = rebuilt
    assert sorted(p.relative_to(repo) for p in written) == EXPECTED
    on_disk = sorted(p.relative_to(repo) for p in repo.rglob("*") if p.is_file())
    assert on_disk == EXPECTED


def test_the_sample_workbooks_are_committed() -> None:
    assert sorted(SAMPLES) == sorted([
        "渝中区医疗保障局2023_一体化系统导出.xlsx",
        "长寿区医疗保障局2021_表10表11表12.xlsx",
        "渝水区医保局2022_项目自评.xlsx",
        "渝水区医保局2022_层级式自评表_单表堆叠.xlsx",
    ])
    for relative in EXPECTED:
        assert (REPO / relative).is_file(), relative


@pytest.mark.parametrize("relative", EXPECTED, ids=[str(p) for p in EXPECTED])
def test_rebuilt_bytes_equal_the_committed_file(rebuilt: tuple[Path, list[Path]], relative: Path) -> None:
    repo, _ = rebuilt
    assert (repo / relative).read_bytes() == (REPO / relative).read_bytes()


def test_rebuilding_twice_gives_the_same_bytes(rebuilt: tuple[Path, list[Path]], tmp_path: Path) -> None:
    repo, _ = rebuilt
    build_all(tmp_path)
    for relative in EXPECTED:
        assert (tmp_path / relative).read_bytes() == (repo / relative).read_bytes(), relative


def test_bundled_sample_is_the_workbooks_copy() -> None:
    assert bundled_sample().name == BUNDLED_SAMPLE
    assert bundled_sample().read_bytes() == (REPO / "workbooks" / BUNDLED_SAMPLE).read_bytes()
    # the package is installed editable (.ci/test.sh: pip install -e), so its data is the repo's file
    assert bundled_sample().resolve() == (REPO / "xl_tools" / "samples" / "data" / BUNDLED_SAMPLE).resolve()
