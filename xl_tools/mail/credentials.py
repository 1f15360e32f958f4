"""The SMTP password: only from XL_TOOLS_SMTP_PASSWORD or the system keyring, never a file or an option.

A workbook is mailed around and a command line lands in shell history and process
lists, so neither may carry it.  ``Secret`` hides the value from repr() so a stray log
line or traceback shows ****** instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

PASSWORD_ENV = "XL_TOOLS_SMTP_PASSWORD"
KEYRING_SERVICE = "xl_tools-smtp"


class Secret:
    """A password that does not print itself."""

    __slots__ = ("source", "value")

    def __init__(self, value: str, source: str) -> None:
        self.value = value
        self.source = source
        """Where it was found, for --dry-run: 环境变量 … or 系统密钥环."""

    def __repr__(self) -> str:
        return f"Secret(******, {self.source!r})"

    __str__ = __repr__


def store_hint(user: str | None) -> str:
    return f"python -m keyring set {KEYRING_SERVICE} {user or '登录账号'}"


def find_password(user: str | None, environ: Mapping[str, str] | None = None) -> Secret | None:
    """The password from the environment, else from the keyring under (xl_tools-smtp, user); None if neither."""
    environ = os.environ if environ is None else environ
    if environ.get(PASSWORD_ENV):
        return Secret(environ[PASSWORD_ENV], f"环境变量 {PASSWORD_ENV}")
    if not user:
        return None
    try:
        import keyring
    except ImportError:  # keyring is a dependency; a stripped-down install still works with the env var
        return None
    try:
        value = keyring.get_password(KEYRING_SERVICE, user)
    except Exception:  # noqa: BLE001 — no backend (a server without a desktop), locked, D-Bus down: all "not found"
        return None
    return Secret(value, f"系统密钥环（{KEYRING_SERVICE} / {user}）") if value else None
