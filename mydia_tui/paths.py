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


def screenshot_dir() -> Path:
    """Where the TUI saves a screenshot: the user's Downloads folder when there is one (as
    Textual does), else ``screenshots`` in the data folder (made when saving)."""
    downloads = platformdirs.user_downloads_path()
    return downloads if downloads.is_dir() else data_dir() / "screenshots"


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


def settings_file(
    explicit: str | os.PathLike[str] | None, source: str | os.PathLike[str] | None
) -> Path:
    """The file a change of the settings is written to: ``--config`` (``explicit``), else the
    file the configuration was read from (``source``), else :func:`config_path`'s default.
    The settings screen and ``profiles remove`` write there."""
    return config_path(explicit or source)


def inside_root(root: str | os.PathLike[str], relative: str | os.PathLike[str]) -> Path | None:
    """``root/relative`` when it lies inside ``root`` once every symlink of its folders is
    resolved, else None (a ``..`` or a symlinked folder leading out of the root). The last
    component is not resolved: a symlink there is the entry itself (unlinking it never
    touches what it points to). Nothing is created; a missing path is judged by its name."""
    base = Path(os.path.realpath(root))
    rel = Path(relative)
    if rel.is_absolute() or not rel.parts:
        return None
    candidate = base / rel
    parent = Path(os.path.realpath(candidate.parent))
    if parent != base and base not in parent.parents:
        return None
    if candidate.name in ("", ".", ".."):
        return None
    return parent / candidate.name
