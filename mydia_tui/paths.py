"""Where mydia-tui keeps its files, following the platform's conventions."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "mydia-tui"
CONFIG_ENV = "MYDIA_TUI_CONFIG"
DB_ENV = "MYDIA_TUI_DB"
#: seconds a command waits for another process writing the SQLite database
BUSY_TIMEOUT_ENV = "MYDIA_TUI_BUSY_TIMEOUT"


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME)


def config_dir() -> Path:
    return platformdirs.user_config_path(APP_NAME)


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME)


def cache_dir() -> Path:
    return platformdirs.user_cache_path(APP_NAME)


def default_config_path() -> Path:
    return config_dir() / "config.toml"


def default_db_path() -> Path:
    return data_dir() / "library.sqlite3"


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file to use: ``--config``, then ``$MYDIA_TUI_CONFIG``, then the default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return default_config_path()
