"""``doctor``: check the config, the database, the library folders, Deluge and the indexers."""

from __future__ import annotations

from ..errors import EXIT_FAILURE, EXIT_OK
from .main import Context, say
from .output import doctor_json, emit_json


def cmd_doctor(ctx: Context) -> int:
    from ..doctor import failed, run_checks

    findings = run_checks(ctx)
    if ctx.json:
        emit_json(doctor_json(findings, not failed(findings)))
    else:
        for f in findings:
            mark = "ok  " if f.ok and not f.warning else ("warn" if f.warning else "FAIL")
            say(f"[{mark}] {f.area:<9} {f.message}")
    return EXIT_FAILURE if failed(findings) else EXIT_OK
