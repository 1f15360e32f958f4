"""Decrypt a password-protected workbook in memory with msoffcrypto-tool.

The plain content never touches the disk here, and no message built here
contains the password or the library's own error text (which could quote it).
"""

from __future__ import annotations

import io
from pathlib import Path
from collections.abc import Callable
from typing import Any

from ..core.errors import PasswordRequired, WorkbookReadError, WrongPassword

PASSWORD_ENV = "XL_TOOLS_PASSWORD"
# Excel encrypts an .xls whose workbook is only protected (no open password) with this default
# password (MS-XLS 2.2.10); such a file opens in Excel without asking, so it must here too.
EXCEL_DEFAULT_PASSWORD = "VelvetSweatshop"


class _WrongPassword(Exception):
    pass


def decrypt(path: Path, password: str | None) -> bytes:
    """The decrypted file: an .xlsx package or an .xls compound file."""
    try:
        return _decrypt(path, EXCEL_DEFAULT_PASSWORD)
    except _WrongPassword:
        pass
    if not password:
        raise PasswordRequired(
            f"{path.name} 设有打开密码；请用 --password 提供密码（或设置环境变量 {PASSWORD_ENV}）后再试")
    try:
        return _decrypt(path, password)
    except _WrongPassword:
        raise WrongPassword(f"{path.name} 的打开密码不正确；请核对后再试（注意大小写和全角/半角）") from None


def opens_without_password(path: Path) -> bool:
    """Whether the default password opens the file (checks the key only, decrypts nothing)."""
    try:
        _with_key(path, EXCEL_DEFAULT_PASSWORD, lambda office: None)
    except _WrongPassword:
        return False
    return True


def _decrypt(path: Path, password: str) -> bytes:
    out = io.BytesIO()
    _with_key(path, password, lambda office: office.decrypt(out))
    return out.getvalue()


def _with_key(path: Path, password: str, action: Callable[[Any], None]) -> None:
    import msoffcrypto
    from msoffcrypto.exceptions import InvalidKeyError

    try:
        with open(path, "rb") as fh:
            office = msoffcrypto.OfficeFile(fh)
            if office.format == "ooxml":  # only the OOXML reader takes the keyword; the .xls one always verifies
                office.load_key(password=password, verify_password=True)
            else:
                office.load_key(password=password)
            action(office)
    except InvalidKeyError:
        raise _WrongPassword from None
    except Exception:  # noqa: BLE001 — assorted types on odd encryption; their text may quote the password
        raise WorkbookReadError(
            f"{path.name} 设有打开密码，但其加密方式无法解密；请在 Excel/WPS 中取消打开密码后另存，再试") from None
