"""The sent-log: one JSON line per send, so "which version did we send, to whom, when" has an answer.

Attachments are recorded by name, size and sha256 (compare with ``sha256sum`` of a file
to know whether it is the version that was sent).  No password ever reaches this file:
entries are built from the message and the server's answers only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from .message import Attachment


def entry(*, when: datetime, message_id: str, sender: str, subject: str, server: str, to: Sequence[str],
          cc: Sequence[str], accepted: Sequence[str], refused: dict[str, str], attachments: Sequence[Attachment],
          workbooks: Sequence[str], tries: int, error: str | None = None) -> dict[str, Any]:
    return {
        "time": when.isoformat(timespec="seconds"),
        "status": "sent" if accepted and not refused else "partial" if accepted else "failed",
        "message_id": message_id,
        "from": sender,
        "to": list(to),
        "cc": list(cc),
        "accepted": list(accepted),
        "refused": dict(refused),
        "subject": subject,
        "server": server,
        "tries": tries,
        "attachments": [{"name": a.name, "size": a.size, "sha256": a.sha256} for a in attachments],
        "workbooks": list(workbooks),
        **({"error": error} if error else {}),
    }


def append(path: Path, record: dict[str, Any]) -> Path:
    """Add ``record`` as one line; the folder is made when missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
