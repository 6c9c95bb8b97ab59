from __future__ import annotations

import pytest

pytest_plugins = ["torznab_server"]


@pytest.fixture
def db(tmp_path):
    """A fresh SQLite database file, bound to the models."""
    from mydia_tui.db import open_database

    database = open_database(str(tmp_path / "mydia.sqlite"))
    yield database
    database.close()


@pytest.fixture(autouse=True)
def _fresh_indexer_state():
    """Per-process indexer throttles and parse caches do not leak between tests."""
    from mydia_tui.indexers.torznab import THROTTLE
    from mydia_tui.releases.parse import clear_memory_cache

    THROTTLE.reset()
    clear_memory_cache()
    yield
    THROTTLE.reset()
