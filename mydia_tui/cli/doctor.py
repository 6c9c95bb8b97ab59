"""``doctor``: check the config, the database, the library folders, Deluge and the indexers."""

from __future__ import annotations

from ..config import redact_text, secrets_of
from ..errors import EXIT_FAILURE, EXIT_OK
from .main import Context, say
from .output import doctor_json, emit_json


def cmd_doctor(ctx: Context) -> int:
    from ..doctor import CHECKS, Finding

    findings: list[Finding] = []
    for check in CHECKS:
        try:
            findings.extend(check(ctx))
        except Exception as exc:  # noqa: BLE001 - doctor reports, it does not crash
            findings.append(Finding(check.__name__.removeprefix("check_"), False, str(exc)))
    secrets = secrets_of(ctx.config)
    findings = [Finding(f.area, f.ok, redact_text(f.message, secrets), f.warning) for f in findings]
    failed = [f for f in findings if not f.ok and not f.warning]
    if ctx.json:
        emit_json(doctor_json(findings, not failed))
    else:
        for f in findings:
            mark = "ok  " if f.ok and not f.warning else ("warn" if f.warning else "FAIL")
            say(f"[{mark}] {f.area:<9} {f.message}")
    return EXIT_FAILURE if failed else EXIT_OK
