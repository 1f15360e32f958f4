"""Where the mail settings live: the email.toml file, the environment, and the sent-log beside them."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from .settings import Layer, MailSettingsError

CONFIG_ENV = "XL_TOOLS_EMAIL_CONFIG"
LOG_ENV = "XL_TOOLS_EMAIL_LOG"
CONFIG_NAME = "email.toml"
LOG_NAME = "sent.log"
ENV_KEYS = {
    "XL_TOOLS_SMTP_HOST": "host",
    "XL_TOOLS_SMTP_PORT": "port",
    "XL_TOOLS_SMTP_TLS": "tls",
    "XL_TOOLS_SMTP_USER": "user",
    "XL_TOOLS_SMTP_CA_FILE": "ca_file",
    "XL_TOOLS_SENDER": "sender",
    "XL_TOOLS_SENDER_NAME": "sender_name",
}


def config_path(environ: Mapping[str, str] | None = None, *, windows: bool | None = None,
                home: Path | None = None) -> Path:
    """%APPDATA%\\xl_tools\\email.toml on Windows, $XDG_CONFIG_HOME or ~/.config elsewhere; the env var wins."""
    environ = os.environ if environ is None else environ
    windows = os.name == "nt" if windows is None else windows
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV]).expanduser()
    home = Path.home() if home is None else home
    if windows:
        base = Path(environ["APPDATA"]) if environ.get("APPDATA") else home / "AppData" / "Roaming"
    else:
        base = Path(environ["XDG_CONFIG_HOME"]) if environ.get("XDG_CONFIG_HOME") else home / ".config"
    return base / "xl_tools" / CONFIG_NAME


def log_path(environ: Mapping[str, str] | None = None, config: Path | None = None) -> Path:
    """The sent-log: ``XL_TOOLS_EMAIL_LOG``, else sent.log beside the config file."""
    environ = os.environ if environ is None else environ
    if environ.get(LOG_ENV):
        return Path(environ[LOG_ENV]).expanduser()
    return (config or config_path(environ)).with_name(LOG_NAME)


def file_layer(path: Path, *, required: bool = False) -> Layer:
    """The settings in ``path`` (flat TOML keys); a missing file is an empty layer unless ``required``."""
    source = f"配置文件 {path}"
    if not path.exists():
        if required:
            raise MailSettingsError(f"{CONFIG_ENV} 指向的配置文件 {path} 不存在")
        return Layer(source, {})
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MailSettingsError(f"{source} 不是有效的 TOML（{exc}）；请对照 README 中的示例修改（文件须存为 UTF-8）") from None
    except OSError as exc:
        raise MailSettingsError(f"无法读取{source}（{exc.strerror or exc}）") from None
    nested = [k for k, v in values.items() if isinstance(v, dict)]
    if nested:
        raise MailSettingsError(f"{source} 中的 [{nested[0]}] 不是可用的分节；设置项直接写在文件顶层（如 host = \"…\"）")
    return Layer(source, values)


def env_layers(environ: Mapping[str, str] | None = None) -> list[Layer]:
    """The XL_TOOLS_SMTP_* / XL_TOOLS_SENDER* variables that are set and not blank, one layer each
    (so a bad value is reported with the variable's name)."""
    environ = os.environ if environ is None else environ
    return [Layer(f"环境变量 {name}", {key: environ[name]}) for name, key in ENV_KEYS.items()
            if environ.get(name, "").strip()]
