"""Benchmark of saving settings: :func:`mydia_tui.config.save_config` on a commented config.

    .venv/bin/python bench/settings_save.py [--indexers 50] [--runs 50]

Writes a config file with comments, a path mapping and ``--indexers`` indexers, then times
(median and worst of ``--runs``) what the settings screen's ``ctrl+s`` does in its worker:
one round trip that changes the Deluge port, one indexer's priority and a monitor interval
(read, tomlkit parse, edit, dump, re-read with tomllib, validate, atomic write), and
:func:`preview_config` alone (what "test" validates first). Prints milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mydia_tui.config import preview_config, save_config  # noqa: E402


def config_text(indexers: int) -> str:
    lines = [
        "# my settings",
        "[deluge]",
        'host = "127.0.0.1"  # the daemon',
        "port = 58846",
        'password = "secret"',
        "",
        "[[deluge.path_mappings]]",
        'remote = "/data"',
        'local = "/mnt/data"',
        "",
    ]
    for i in range(indexers):
        lines += [
            "[[indexers]]",
            f'name = "indexer-{i}"  # number {i}',
            f'url = "http://127.0.0.1:9117/api/v2.0/indexers/{i}/results/torznab"',
            'api_key = "0123456789abcdef"',
            "",
        ]
    lines += ["[monitor]", "poll_interval = 5.0", ""]
    return "\n".join(lines)


def timed(call, runs: int) -> list[float]:
    out = []
    for n in range(runs):
        started = time.perf_counter()
        call(n)
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indexers", type=int, default=50)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.toml"
        path.write_text(config_text(args.indexers))
        size = path.stat().st_size

        def save(n: int) -> None:
            save_config(
                path,
                {
                    ("deluge", "port"): 50000 + n,
                    ("indexers", args.indexers // 2, "priority"): n,
                    ("monitor", "rss_interval"): 600 + n,
                },
            )

        def preview(n: int) -> None:
            preview_config(path, {("deluge", "port"): 50000 + n})

        for name, call in (("save_config", save), ("preview_config", preview)):
            ms = timed(call, args.runs)
            print(
                f"{name:<15} {args.indexers} indexers, {size / 1024:.1f} KiB: "
                f"median {statistics.median(ms):.2f} ms, worst {max(ms):.2f} ms "
                f"({args.runs} runs)"
            )
        assert "# my settings" in path.read_text()


if __name__ == "__main__":
    main()
