"""Write a compound file (MS-CFB version 3), the container a ``vbaProject.bin`` is.

olefile reads compound files but only overwrites a stream with data of the same
size, so a project whose modules change is written whole, here: 512-byte
sectors, streams under 4096 bytes in the mini stream, no DIFAT sectors (up to
about 6.8 MB, far more than a VBA project needs), and the same bytes for the
same streams every time (no timestamps, no class ids).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
_ENTRIES_PER_SECTOR = SECTOR // 4
_MAX_FAT_SECTORS = 109  # the header's DIFAT array; more would need DIFAT sectors
_FREE, _END_OF_CHAIN, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_BLACK = 1
_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass(eq=False)
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    sid: int = 0
    left: int = _NO_STREAM
    right: int = _NO_STREAM
    child: int = _NO_STREAM
    start: int = 0  # a storage's start sector and size stay 0
    size: int = 0


def _order(entry: _Entry) -> tuple[int, str]:
    """MS-CFB 2.6.4: siblings compare by name length first, then by upper-cased name."""
    return len(entry.name), entry.name.upper()


def _tree(siblings: list[_Entry]) -> int:
    """Link ``siblings`` as a balanced search tree in ``_order``; return the root's id.

    Every node is black: that meets the red-black rules MS-CFB asks a reader to
    rely on (black root, no red node with a red child).
    """
    ordered = sorted(siblings, key=_order)

    def link(lo: int, hi: int) -> int:
        if lo >= hi:
            return _NO_STREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        node.left, node.right = link(lo, mid), link(mid + 1, hi)
        return node.sid

    return link(0, len(ordered))


def _sectors(size: int, unit: int = SECTOR) -> int:
    return -(-size // unit)


def _chain(table: list[int], count: int) -> int:
    """Append a chain of ``count`` consecutive sectors to ``table``; return its first sector."""
    if not count:
        return _END_OF_CHAIN
    first = len(table)
    table.extend(range(first + 1, first + count))
    table.append(_END_OF_CHAIN)
    return first


def _pad(data: bytes, unit: int = SECTOR) -> bytes:
    return data + b"\0" * (-len(data) % unit)


def _directory_entry(entry: _Entry | None) -> bytes:
    if entry is None:
        return b"\0" * 64 + struct.pack("<HBB3I", 0, 0, 0, _NO_STREAM, _NO_STREAM, _NO_STREAM) + b"\0" * 36 + b"\0" * 12
    name = entry.name.encode("utf-16-le")
    if len(name) > 62:
        raise ValueError(f"compound file names have at most 31 characters: {entry.name}")
    return (name.ljust(64, b"\0") + struct.pack("<HBB3I", len(name) + 2, entry.kind, _BLACK, entry.left, entry.right,
                                                entry.child)
            + b"\0" * 36  # class id, state bits, creation and modification times
            + struct.pack("<IQ", entry.start, entry.size))


def write_cfb(streams: Mapping[str, bytes]) -> bytes:
    """A compound file holding ``streams`` ({"PROJECT": …, "VBA/dir": …}; "/" separates storages)."""
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        *storages, name = path.split("/")
        parent = root
        for storage in storages:
            parent = parent.children.setdefault(storage, _Entry(storage, _STORAGE))
        parent.children[name] = _Entry(name, _STREAM, bytes(data))

    entries, queue = [], [root]  # breadth first: the root is entry 0
    while queue:
        entry = queue.pop(0)
        entry.sid = len(entries)
        entries.append(entry)
        queue.extend(sorted(entry.children.values(), key=_order))
    for entry in entries:
        if entry.children:
            entry.child = _tree(list(entry.children.values()))

    small = [e for e in entries if e.kind == _STREAM and 0 < len(e.data) < MINI_CUTOFF]
    large = [e for e in entries if e.kind == _STREAM and len(e.data) >= MINI_CUTOFF]
    mini_fat: list[int] = []
    mini_stream = b""
    for entry in small:
        entry.start = _chain(mini_fat, _sectors(len(entry.data), MINI_SECTOR))
        entry.size = len(entry.data)
        mini_stream += _pad(entry.data, MINI_SECTOR)

    counts = [_sectors(len(entries) * 128), _sectors(len(mini_fat) * 4), _sectors(len(mini_stream)),
              *(_sectors(len(e.data)) for e in large)]
    fat_sectors = 1
    while fat_sectors * _ENTRIES_PER_SECTOR < fat_sectors + sum(counts):
        fat_sectors += 1
    if fat_sectors > _MAX_FAT_SECTORS:
        raise ValueError("the streams are too large for a compound file without DIFAT sectors")
    fat = [_FAT_SECTOR] * fat_sectors
    directory_start, mini_fat_start, mini_stream_start, *large_starts = (_chain(fat, n) for n in counts)
    for entry, start in zip(large, large_starts, strict=True):
        entry.start, entry.size = start, len(entry.data)
    root.start, root.size = mini_stream_start, len(mini_stream)
    fat += [_FREE] * (fat_sectors * _ENTRIES_PER_SECTOR - len(fat))
    mini_fat += [_FREE] * (-len(mini_fat) % _ENTRIES_PER_SECTOR)

    directory = b"".join(map(_directory_entry, entries))
    directory += _directory_entry(None) * (-len(entries) % (SECTOR // 128))
    header = (_MAGIC + b"\0" * 16
              + struct.pack("<5H6x", 0x003E, 3, 0xFFFE, 9, 6)  # minor/major version, byte order, sector shifts
              + struct.pack("<6I", 0, fat_sectors, directory_start, 0, MINI_CUTOFF, mini_fat_start)
              + struct.pack("<3I", _sectors(len(mini_fat) * 4), _END_OF_CHAIN, 0)
              + struct.pack("<109I", *range(fat_sectors), *[_FREE] * (_MAX_FAT_SECTORS - fat_sectors)))
    body = [struct.pack(f"<{len(fat)}I", *fat), directory, struct.pack(f"<{len(mini_fat)}I", *mini_fat),
            _pad(mini_stream), *(_pad(e.data) for e in large)]
    return header + b"".join(body)
