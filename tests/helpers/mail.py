"""What the ``xl-tools email`` tests share: the login used throughout, the MIME types, and a clean environment
(no setting of the machine's user leaks in)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xl_tools.mail import config, credentials


USER = "caiwu@yuzhong.example.gov.cn"
PASSWORD = "Pw-7f3a9c!kq2"  # distinctive, so a leak is found by a plain search
SENDER_NAME = "渝中区医疗保障局财务科"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ------------------------------------------------------------------ the user's side


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting of the machine's user leaks in; the config file and sent-log live in the test's folder."""
    for name in [*config.ENV_KEYS, credentials.PASSWORD_ENV, config.LOG_ENV]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(config.CONFIG_ENV, str(tmp_path / "cfg" / "email.toml"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")  # the env var or nothing
