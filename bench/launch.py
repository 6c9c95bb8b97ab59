"""Launch time of ``mydia-tui`` in a real terminal: from the command to the first complete,
correct screen, and every frame drawn before it.

    .venv/bin/python -m pip install -e ".[bench]"     # pyte, the terminal emulator
    .venv/bin/python bench/launch.py [--items 0 50000] [--runs 7] [--size 120x36]

The app runs as a user starts it (``python -m mydia_tui --config C --db D``) in a
pseudo-terminal; what it writes is fed, as it arrives, into ``pyte`` (a VT100 emulator), and
the screen is read after each chunk. A screen is *complete* when the library's heading, its
rows (or the empty-library hint), the details of the highlighted item, the downloads' tabs and
heading, the status bar and the key hints are all drawn; it is *correct* when each heading (and
the details' title) is the one the settled app shows. A
frame with a heading that differs from the settled one (a column missing, then added) is a
*wrong frame*. Prints, per library size, the median and spread over ``--runs`` launches of:
the first complete and correct screen, the first frame of any kind, and the wrong frames.
Target (issue 18): first complete screen < 400 ms at any library size, no wrong frame.
Between the app's launches a reference app (a line of text and Textual's footer) is launched
the same way: this machine's speed varies by a third from one minute to the next, and the
reference's first frame, measured alongside, is the floor any Textual app pays here.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

try:
    import pyte
except ImportError:  # pragma: no cover - said to the person running it
    sys.exit('bench/launch.py needs pyte: .venv/bin/python -m pip install -e ".[bench]"')

from tui import ensure_db  # noqa: E402  (bench/tui.py: the generated libraries)

SETTLE_SECONDS = 1.5
#: outside a synchronized update, output that keeps arriving with gaps shorter than this is
#: one write (a frame reaches the pseudo-terminal in pieces of a few KiB, microseconds apart)
WRITE_GAP_SECONDS = 0.003
SYNC_BEGIN, SYNC_END = b"\x1b[?2026h", b"\x1b[?2026l"
SYNC_QUERY = b"\x1b[?2026$p"  # DECRQM: does the terminal apply a frame at once?


def empty_db(folder: Path) -> Path:
    from mydia_tui.db import open_database

    path = folder / "empty.sqlite3"
    open_database(str(path)).close()
    return path


#: the reference: the least a Textual app does (a line of text and the footer), launched the
#: same way; its first frame says how fast this machine is at the moment
REFERENCE_APP = """
from textual.app import App
from textual.widgets import Footer, Static

class Reference(App):
    def compose(self):
        yield Static("reference app")
        yield Footer()

Reference().run()
"""


def spawn(
    db: Path, config: Path, size: tuple[int, int], command: list[str] | None = None
) -> tuple[subprocess.Popen, int]:
    """Start the app (or ``command``) in a new pseudo-terminal of ``size`` (columns, rows),
    as a user starts it; the process and the terminal's other end, to read and to close. The
    terminal is not the process's controlling terminal: closing it sends no SIGHUP."""
    import fcntl
    import struct
    import termios

    cols, rows = size
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {
        # as an installed program runs: with its modules' bytecode cached (pip compiles it on
        # install; an editable checkout writes __pycache__ on first import). Without it every
        # launch compiles mydia_tui from source (~100 ms here).
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "TERM": "xterm-256color",
        "COLUMNS": str(cols),
        "LINES": str(rows),
        "MYDIA_TUI_CONFIG": str(config),
        "XDG_STATE_HOME": str(config.parent / "state"),
    }
    proc = subprocess.Popen(
        command or [sys.executable, "-m", "mydia_tui", "--config", str(config), "--db", str(db)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=REPO,
        start_new_session=True,
    )
    os.close(slave)
    return proc, master


def launch(
    db: Path,
    config: Path,
    size: tuple[int, int],
    write_gap: float = WRITE_GAP_SECONDS,
    command: list[str] | None = None,
) -> tuple[float, list[tuple[float, list[str]]]]:
    """Run the app once; the frames it drew (seconds since the launch, the screen's lines)
    until it settled, then quit it with ``q``. ``write_gap`` (seconds): outside synchronized
    output, chunks closer than this are one frame. ``command``: another program to run
    instead (the reference app)."""
    cols, rows = size
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    start = time.perf_counter()
    proc, master = spawn(db, config, size, command)
    frames: list[tuple[float, list[str]]] = []
    last_change = time.perf_counter()
    in_sync = False

    def take(now: float) -> None:
        nonlocal last_change
        lines = list(screen.display)
        if not frames or frames[-1][1] != lines:
            frames.append((now - start, lines))
            last_change = now

    def burst() -> list[tuple[float, bytes]]:
        """The output that has arrived, each piece with its arrival time, read before any is
        parsed (parsing takes the emulator tens of milliseconds per frame: what arrives
        meanwhile must not be timed late): the pieces that keep coming less than
        ``write_gap`` apart."""
        pieces: list[tuple[float, bytes]] = []
        while select.select([master], [], [], write_gap if pieces else 0.05)[0]:
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            pieces.append((time.perf_counter(), chunk))
            if SYNC_QUERY in chunk:
                # answer as a terminal with synchronized output does (kitty, WezTerm, foot,
                # iTerm2, Windows Terminal): "supported, currently off"; Textual then wraps
                # each frame in it
                os.write(master, b"\x1b[?2026;2$y")
        return pieces

    def drawn() -> bool:
        return any(any(line.strip() for line in lines) for _, lines in frames)

    # settled: SETTLE_SECONDS without a change once something is drawn; before that, the app
    # is waited for (a loaded machine may take longer than SETTLE_SECONDS to draw at all)
    while time.perf_counter() - last_change < SETTLE_SECONDS or not drawn():
        pieces = burst()
        if not pieces:
            if time.perf_counter() - start > 60:
                break
            continue
        # a frame is what the terminal shows at the end of a synchronized update (DEC mode
        # 2026, which Textual wraps each frame in once the terminal has said it has it, and
        # which terminals apply at once), or, outside one, at the end of a write (the pieces
        # of one write arrive less than `write_gap` apart; a terminal reads what is there
        # before it repaints). A frame split over several reads is not seen half-drawn
        for now, chunk in pieces:
            for piece in re.split(rb"(\x1b\[\?2026[hl])", chunk):
                if piece == SYNC_BEGIN:
                    in_sync = True
                elif piece == SYNC_END:
                    in_sync = False
                    take(now)
                elif piece:
                    stream.feed(piece)
        if not in_sync:
            take(pieces[-1][0])
    os.write(master, b"q")
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    # drain, then close
    while select.select([master], [], [], 0.05)[0]:
        try:
            if not os.read(master, 1 << 16):
                break
        except OSError:
            break
    os.close(master)
    return start, frames


def parts(lines: list[str]) -> dict[str, str]:
    """The lines of the screen that make it complete, by what they are ("" when not drawn)."""
    found = {
        "library": "",
        "rows": "",
        "details": "",
        "tabs": "",
        "downloads": "",
        "status": "",
        "keys": "",
    }
    for index, line in enumerate(lines):
        if "─ Details" in line and not found["details"]:
            # the details pane's title: "Details · <the highlighted item>", or "Details"
            title = line.split("─ Details", 1)[1].split(" ─", 1)[0]
            found["details"] = "Details" + title.rstrip("─╮")
        if "Title" in line and "Status" in line and not found["library"]:
            found["library"] = " ".join(line.split("│")[1].split()) if "│" in line else line
            for below in lines[index + 1 : index + 3]:  # a row, or the hint under a blank line
                cell = below.split("│")[1] if "│" in below else below
                found["rows"] = found["rows"] or cell.strip()
        elif "Name" in line and "State" in line:
            found["downloads"] = " ".join(line.strip("│ ").split())
        elif line.lstrip("│ ").startswith("all "):
            found["tabs"] = " ".join(line.strip("│ ").split())
        elif "Deluge" in line and ("monitor" in line or "idle" in line or "cycle" in line):
            found["status"] = line.strip()
        elif "palette" in line:
            found["keys"] = line.strip()
    return found


def judge(frames: list[tuple[float, list[str]]]) -> tuple[float | None, float | None, int]:
    """(first complete and correct screen, first frame, wrong frames) of one launch."""
    if not frames:
        return None, None, 0
    final = parts(frames[-1][1])
    complete_at = None
    wrong = 0
    for at, lines in frames:
        seen = parts(lines)
        for key in ("library", "downloads"):
            if seen[key] and seen[key] != final[key]:
                wrong += 1
                break
        if complete_at is None and all(seen.values()):
            if all(seen[key] == final[key] for key in ("library", "downloads", "details")):
                complete_at = at
    return complete_at, frames[0][0], wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[0, 50_000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size", default="120x36")
    args = parser.parse_args()
    cols, rows = (int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "config.toml"
        config.write_text("")
        script = folder / "reference.py"
        script.write_text(REFERENCE_APP)
        reference = [sys.executable, str(script)]
        for items in args.items:
            if items:
                db = ensure_db(items, items * 4, 2_000)
            else:
                db = empty_db(folder)
            firsts, completes, wrongs, references = [], [], [], []
            launch(db, config, (cols, rows))  # not counted: writes the bytecode, warms the caches
            for _ in range(args.runs):
                _, frames = launch(db, config, (cols, rows))
                _, seen = launch(db, config, (cols, rows), command=reference)
                drawn = [at for at, lines in seen if any("reference app" in line for line in lines)]
                if drawn:
                    references.append(drawn[0])
                complete, first, wrong = judge(frames)
                if first is not None:
                    firsts.append(first)
                if complete is not None:
                    completes.append(complete)
                wrongs.append(wrong)
            label = f"{items:,} items" if items else "empty library"
            if completes:
                print(
                    f"{label:>14}: first complete screen median {statistics.median(completes) * 1000:5.0f} ms "
                    f"(min {min(completes) * 1000:.0f}, max {max(completes) * 1000:.0f}); "
                    f"first frame median {statistics.median(firsts) * 1000:5.0f} ms; "
                    f"wrong frames {sum(wrongs)} in {args.runs} launches   (target < 400 ms, 0)"
                )
            if references:
                print(
                    f"{'':>14}  reference (a Textual app of one line and a footer, launched "
                    f"between them): first frame median {statistics.median(references) * 1000:5.0f} ms"
                )
            else:
                print(f"{label:>14}: never a complete screen in {args.runs} launches")


if __name__ == "__main__":
    main()
