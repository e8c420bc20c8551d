"""User settings: ``config.toml`` in the user config dir, or where ``GOK_TUI_CONFIG`` points."""

from __future__ import annotations

import fnmatch
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gok_tui.config.errors import ConfigError, shown
from gok_tui.config.keymap import validate_keymap
from gok_tui.config.kubeconfig import namespace_name_problem

CONFIG_ENV = "GOK_TUI_CONFIG"
APP_NAME = "gok-tui"

DEFAULT_PRODUCTION_PATTERNS = ("*prod*", "*prd*", "*live*")


@dataclass(frozen=True)
class Settings:
    theme: str = "textual-dark"
    default_namespace: str | None = None
    production_contexts: tuple[str, ...] = DEFAULT_PRODUCTION_PATTERNS
    readonly_contexts: tuple[str, ...] = ()
    log_buffer_lines: int = 100_000
    refresh_interval_ms: int = 100
    cursor_blink: bool = True  # text fields' cursors blink (off: steady, as snapshot tests need)
    # seconds between two metrics.k8s.io reads of a view on screen (metrics-server's resolution)
    metrics_interval_seconds: int = 15
    keymap: Mapping[str, str] = field(default_factory=dict)
    source: str | None = None

    def is_production(self, context: str) -> bool:
        return any(fnmatch.fnmatchcase(context, pat) for pat in self.production_contexts)

    def is_readonly_context(self, context: str) -> bool:
        return any(fnmatch.fnmatchcase(context, pat) for pat in self.readonly_contexts)


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME)


def state_dir() -> Path:
    from platformdirs import user_state_path

    return user_state_path(APP_NAME)


def audit_log_path() -> Path:
    from platformdirs import user_log_path

    return user_log_path(APP_NAME) / "audit.jsonl"


def timeline_export_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME) / "timelines"


def home_relative(path: Path, home: Path | None = None) -> str:
    """``path`` as a person writes it: under the home directory as ``~/...``."""
    home = Path.home() if home is None else home
    try:
        return f"~/{path.relative_to(home)}" if path != home else "~"
    except ValueError:
        return str(path)


def settings_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    explicit = env.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    return config_dir() / "config.toml"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the user's settings; a missing default file means defaults."""
    env = os.environ if environ is None else environ
    path = settings_path(env)
    if not path.exists():
        if env.get(CONFIG_ENV):
            raise ConfigError(path, None, f"file named by {CONFIG_ENV} does not exist")
        return Settings()
    return parse_settings(read_toml(path), str(path))


def read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read: {exc.strerror or exc}") from exc
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, "is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"invalid TOML: {exc}") from exc
    except RecursionError as exc:  # arrays or inline tables nested thousands deep
        raise ConfigError(path, None, "invalid TOML: values nested too deeply") from exc
    except ValueError as exc:  # an integer of thousands of digits (Python's int limit)
        raise ConfigError(path, None, "invalid TOML: a number has too many digits") from exc


_KNOWN_KEYS = {
    "theme",
    "default_namespace",
    "production_contexts",
    "readonly_contexts",
    "refresh_interval_ms",
    "cursor_blink",
    "logs",
    "keymap",
    "metrics_interval_seconds",
}


_KNOWN_LOG_KEYS = {"buffer_lines"}


def parse_settings(data: Mapping[str, Any], source: str | None = None) -> Settings:
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(  # TOML allows "" = 1: name it, or the message names no key
            source,
            unknown[0] or '""',
            f"unknown setting (known: {', '.join(sorted(_KNOWN_KEYS))})",
        )
    theme = _string(data, "theme", source, Settings.theme)
    namespace = _optional_string(data, "default_namespace", source)
    if namespace and (problem := namespace_name_problem(namespace)):
        raise ConfigError(source, "default_namespace", problem)
    production = _patterns(data, "production_contexts", source, DEFAULT_PRODUCTION_PATTERNS)
    readonly = _patterns(data, "readonly_contexts", source, ())
    refresh = _int(data, "refresh_interval_ms", source, 100, 20, 5_000)
    cursor_blink = data.get("cursor_blink", Settings.cursor_blink)
    if not isinstance(cursor_blink, bool):
        raise ConfigError(
            source, "cursor_blink", f"must be true or false, got {shown(cursor_blink)}"
        )
    logs = data.get("logs", {})
    if not isinstance(logs, dict):
        raise ConfigError(source, "logs", "must be a table")
    unknown = sorted(set(logs) - _KNOWN_LOG_KEYS)
    if unknown:  # a misspelt buffer_lines must not silently leave the default in place
        raise ConfigError(
            source,
            f"logs.{unknown[0]}",
            "unknown setting (known: "
            + ", ".join(f"logs.{key}" for key in sorted(_KNOWN_LOG_KEYS))
            + ")",
        )
    buffer_lines = _int(logs, "buffer_lines", source, 100_000, 1_000, 10_000_000, prefix="logs.")
    metrics_interval = _int(data, "metrics_interval_seconds", source, 15, 1, 3_600)
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        raise ConfigError(source, "keymap", "must be a table of binding id = keys")
    return Settings(
        theme=theme,
        default_namespace=namespace,
        production_contexts=production,
        readonly_contexts=readonly,
        log_buffer_lines=buffer_lines,
        refresh_interval_ms=refresh,
        cursor_blink=cursor_blink,
        metrics_interval_seconds=metrics_interval,
        keymap=validate_keymap(keymap, source),
        source=source,
    )


def _string(data: Mapping[str, Any], key: str, source: str | None, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(source, key, "must be a non-empty string")
    return value


def _optional_string(data: Mapping[str, Any], key: str, source: str | None) -> str | None:
    if key not in data:
        return None
    return _string(data, key, source, "")


def _patterns(
    data: Mapping[str, Any], key: str, source: str | None, default: tuple[str, ...]
) -> tuple[str, ...]:
    value = data.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(source, key, "must be a list of context name patterns, e.g. ['prod-*']")
    return tuple(value)


def _int(
    data: Mapping[str, Any],
    key: str,
    source: str | None,
    default: int,
    low: int,
    high: int,
    prefix: str = "",
) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(source, prefix + key, f"must be a whole number, got {shown(value)}")
    if not low <= value <= high:
        raise ConfigError(
            source, prefix + key, f"must be between {low} and {high}, got {shown(value)}"
        )
    return value
