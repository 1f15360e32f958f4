"""MS-OVBA's compression (2.4.1) and the records of a VBA project's ``dir`` stream (2.3.4.2).

A VBA project stores its module sources and its ``dir`` stream compressed with
this LZ77 variant; no library on PyPI with a licence this project can use both
reads and writes it, and it is short.
"""

from __future__ import annotations

import struct

CHUNK = 4096
_SIGNATURE = 0x01
_COMPRESSED = 0xB000  # chunk header: flag 1, signature 0b011
_RAW = 0x3FFF  # chunk header: flag 0, signature 0b011, size 4095 (4096 bytes copied as they are)
_PROJECT_VERSION = 0x0009  # its Size field says 4, but 6 bytes follow (MS-OVBA 2.3.4.2.1.11)


def _bit_count(position: int) -> int:
    """Bits of a copy token spent on the offset, at ``position`` bytes into the decompressed chunk (2.4.1.3.19.1)."""
    return max((position - 1).bit_length(), 4)


def decompress(data: bytes) -> bytes:
    """A CompressedContainer's decompressed bytes."""
    if not data or data[0] != _SIGNATURE:
        raise ValueError("not an MS-OVBA compressed container (signature byte is not 0x01)")
    out = bytearray()
    pos = 1
    while pos < len(data):
        (header,) = struct.unpack_from("<H", data, pos)
        if (header >> 12) & 0b111 != 0b011:
            raise ValueError(f"bad chunk signature at byte {pos}")
        end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        start = len(out)
        if not header >> 15:
            out += data[pos:pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                (token,) = struct.unpack_from("<H", data, pos)
                pos += 2
                bits = _bit_count(len(out) - start)
                length = (token & (0xFFFF >> bits)) + 3
                source = len(out) - (token >> (16 - bits)) - 1
                for i in range(length):  # byte by byte: a copy may overlap what it produces
                    out.append(out[source + i])
    return bytes(out)


def compress(data: bytes) -> bytes:
    """``data`` as a CompressedContainer (greedy longest match per chunk; any valid encoding decompresses the same)."""
    out = bytearray([_SIGNATURE])
    for i in range(0, len(data), CHUNK):
        chunk = data[i:i + CHUNK]
        packed = _compress_chunk(chunk)
        if len(packed) <= CHUNK:
            out += struct.pack("<H", _COMPRESSED | (len(packed) - 1)) + packed
        elif len(chunk) == CHUNK:
            out += struct.pack("<H", _RAW) + chunk
        else:  # a raw chunk holds exactly 4096 bytes; padding would change the text
            raise ValueError("the last chunk does not compress into 4096 bytes")
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    """One chunk's token sequences (2.4.1.3.7), without the chunk header."""
    out = bytearray()
    earlier: dict[bytes, list[int]] = {}  # 3-byte prefix -> positions where it starts, ascending
    indexed = 0
    pos = 0
    while pos < len(chunk):
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if pos >= len(chunk):
                break
            for p in range(indexed, pos):
                earlier.setdefault(chunk[p:p + 3], []).append(p)
            indexed = pos
            bits = _bit_count(pos)
            length, offset = _longest_match(chunk, pos, earlier.get(chunk[pos:pos + 3], []),
                                            max_length=(0xFFFF >> bits) + 3, max_offset=1 << bits)
            if length:
                out += struct.pack("<H", (offset - 1) << (16 - bits) | (length - 3))
                out[flag_at] |= 1 << bit
                pos += length
            else:
                out.append(chunk[pos])
                pos += 1
    return bytes(out)


def _longest_match(chunk: bytes, pos: int, candidates: list[int], *, max_length: int,
                   max_offset: int) -> tuple[int, int]:
    """(length, offset) of the longest earlier copy of the bytes at ``pos`` (length 0 when under 3 bytes)."""
    best = (0, 0)
    if pos + 3 > len(chunk):
        return best
    for start in reversed(candidates):  # nearest first
        if pos - start > max_offset:
            break
        length = 3
        while length < max_length and pos + length < len(chunk) and chunk[start + length] == chunk[pos + length]:
            length += 1
        if length > best[0]:
            best = (length, pos - start)
            if length == max_length:
                break
    return best


Record = tuple[int, bytes]
"""A ``dir`` stream record: its Id and its payload."""


def parse_dir(data: bytes) -> list[Record]:
    """The decompressed ``dir`` stream's records, up to and including the terminator (Id 0x0010)."""
    records: list[Record] = []
    pos = 0
    while pos < len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if rid == _PROJECT_VERSION:
            size = 6
        records.append((rid, data[pos:pos + size]))
        pos += size
        if rid == 0x0010:
            break
    return records


def dir_record(rid: int, payload: bytes = b"") -> bytes:
    """One ``dir`` stream record as stored (the inverse of ``parse_dir`` for each record)."""
    return struct.pack("<HI", rid, 4 if rid == _PROJECT_VERSION else len(payload)) + payload
