"""What a printed page shows, read back with poppler's pdftotext -bbox-layout: every word with its box, so tests
can find text printed over other text (a long name in a fixed-height row) without looking at pixels."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Word) -> float:
        """The shared area as a share of the smaller box (0: apart)."""
        dx = min(self.x1, other.x1) - max(self.x0, other.x0)
        dy = min(self.y1, other.y1) - max(self.y0, other.y0)
        if dx <= 0 or dy <= 0:
            return 0.0
        smaller = min((self.x1 - self.x0) * (self.y1 - self.y0), (other.x1 - other.x0) * (other.y1 - other.y0))
        return dx * dy / smaller if smaller > 0 else 0.0


def words(pdf: Path) -> list[Word]:
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(html, etree.XMLParser(recover=True))
    found = []
    for number, page in enumerate(root.iter(f"{_XHTML}page"), start=1):
        for word in page.iter(f"{_XHTML}word"):
            found.append(Word(number, word.text or "", *(float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))))
    return found


def overprinted(pdf: Path, at_least: float = 0.25) -> list[tuple[Word, Word]]:
    """Pairs of words printed over each other (sharing at least ``at_least`` of the smaller box)."""
    by_page: dict[int, list[Word]] = {}
    for word in words(pdf):
        by_page.setdefault(word.page, []).append(word)
    pairs = []
    for page in by_page.values():
        page.sort(key=lambda w: w.y0)
        for i, a in enumerate(page):
            for b in page[i + 1:]:
                if b.y0 >= a.y1:
                    break
                if a.overlap(b) >= at_least:
                    pairs.append((a, b))
    return pairs
