"""The write-ahead change journal: the way back survives a crash in the middle of a fix.

Before the first mutating call, `apply_plan` writes one journal file (mode 0600, under the
user's state directory, created on first use): the target, the exact operations with their
parameters, the snapshot read before them and the rollback commands they will need. Each call
is marked `started` before it is sent and `applied`/`failed`/... after it returns, each time
with fsync and an atomic rename, so after a SIGKILL the file says exactly which calls may have
happened. `apigw-wizard rollback` reads it back, undoes what is in effect and marks it
`rolled-back`; run again it finds nothing left to undo.

A call marked `started` but never finished may or may not have reached AWS. The restore reads
the current state and undoes an operation only where what it touches differs from the
snapshot, so an undo is never sent for a change that did not happen, and a second rollback
changes nothing.

The journal holds what the snapshot read, unredacted (a restored policy must be byte for byte
the old one), so it is written 0600 in a 0700 directory, like the AWS CLI's own caches.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from wizard.aws.fixes.code import PREFIX, CodeError, artifact_path, load_artifact, restore_artifact
from wizard.aws.fixes.journal_state import UNFINISHED as _UNFINISHED
from wizard.aws.fixes.plan import BoundOperation, Confirmation, FixPlan
from wizard.aws.fixes.render import CliTarget, render_argv
from wizard.aws.fixes.results import ApplyResult, StepResult
from wizard.aws.fixes.rollback import derive_rollback
from wizard.aws.fixes.snapshot import Snapshot, StateRead, read_state
from wizard.aws.fixes.state import field_at
from wizard.paths import journal_dir
from wizard.private_file import write_private

JOURNAL_FORMAT = "apigw-wizard-journal"
JOURNAL_VERSION = 1
MAX_JOURNAL_BYTES = 16 * 1024 * 1024

# applying: calls may be in flight (a crash leaves this); applied/failed: apply returned;
# rolling-back: a restore may be in flight; rolled-back: restored, nothing left to undo.
JournalState = Literal["applying", "applied", "failed", "rolling-back", "rolled-back"]

Announce = Callable[[str], object]  # told where the journal is (a line for the user)


class JournalError(Exception):
    """A journal that cannot be read or written: one line, nothing changed."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass
class Journal:
    path: Path
    data: dict[str, Any]

    # ----------------------------------------------------------------- writing

    @classmethod
    def begin(
        cls,
        plan: Any,
        snapshot: Any,
        confirmation: Any,
        *,
        directory: Path | None = None,
    ) -> Journal:
        """Write the journal of `plan` before any of its calls runs."""

        try:
            planned = list(derive_rollback(plan, snapshot).cli)
        except Exception:  # an undo that cannot be derived is recorded as such, not fatal
            planned = []
        started = _now()
        directory = directory or journal_dir()
        name = f"{started[:19].replace(':', '').replace('-', '')}-{plan.digest[:12]}.json"
        data = {
            "format": JOURNAL_FORMAT,
            "version": JOURNAL_VERSION,
            "state": "applying",
            "created_at": started,
            "updated_at": started,
            "pid": os.getpid(),
            "plan": {
                "fix_id": plan.fix_id,
                "title": plan.title,
                "kind": plan.kind,
                "digest": plan.digest,
                "target": {
                    "region": plan.target.region,
                    "profile": plan.target.profile,
                    "endpoint_url": plan.target.endpoint_url,
                },
                "operations": [
                    {"service": o.service, "operation": o.operation, "params": o.params}
                    for o in plan.operations
                ],
            },
            "confirmation": confirmation.to_dict() if confirmation is not None else None,
            "snapshot": _raw_snapshot(snapshot),
            "code": _previous_code(plan, snapshot),
            "rollback_if_all_applied": planned,
            "steps": [{"cli": o.cli, "status": "planned"} for o in plan.operations],
            "restores": [],
        }
        journal = cls(directory / name, data)
        journal.write()
        return journal

    def write(self) -> None:
        self.data["updated_at"] = _now()
        text = json.dumps(self.data, indent=2, default=str) + "\n"
        try:
            write_private(self.path, text)
        except OSError as exc:
            raise JournalError(f"cannot write the change journal {self.path}: {exc}") from exc

    def step_started(self, index: int) -> None:
        self.data["steps"][index]["status"] = "started"
        self.data["steps"][index]["started_at"] = _now()
        self.write()

    def step_done(self, index: int, step: Any) -> None:
        entry = self.data["steps"][index]
        entry.update(
            status=step.status,
            message=step.message,
            response=step.response,
            finished_at=_now(),
        )
        self.write()

    def finish(self, state: JournalState) -> None:
        self.data["state"] = state
        self.write()

    # ----------------------------------------------------------------- reading

    @classmethod
    def load(cls, path: str | Path) -> Journal:
        target = Path(path)
        try:
            with target.open("rb") as fh:
                raw = fh.read(MAX_JOURNAL_BYTES + 1)
        except OSError as exc:
            raise JournalError(f"cannot read journal {target}: {exc.strerror or exc}") from None
        if len(raw) > MAX_JOURNAL_BYTES:
            raise JournalError(f"{target} is larger than a journal can be")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise JournalError(f"{target} is not a readable journal (damaged JSON)") from None
        if not isinstance(data, dict) or data.get("format") != JOURNAL_FORMAT:
            raise JournalError(f"{target} is not an apigw-wizard change journal")
        if data.get("version") != JOURNAL_VERSION:
            raise JournalError(f"{target}: journal version {data.get('version')!r} is unknown")
        return cls(target, data)

    @property
    def state(self) -> str:
        return str(self.data.get("state"))

    @property
    def unfinished(self) -> bool:
        """Interrupted: calls (or a restore) were in flight when the process stopped."""
        return self.state in _UNFINISHED

    @property
    def may_have_changed(self) -> bool:
        return any(s.get("status") in ("started", "applied") for s in self.data["steps"])

    def summary(self) -> str:
        plan = self.data["plan"]
        done = sum(1 for s in self.data["steps"] if s.get("status") == "applied")
        return (
            f"{self.path}: {plan['title']} ({plan['fix_id']}), {self.state}, "
            f"{done}/{len(self.data['steps'])} call(s) applied, started {self.data['created_at']}"
        )

    # ----------------------------------------------------------------- restoring

    def plan(self) -> Any:
        """The plan as journaled (the same operations, parameters and target)."""

        plan = self.data["plan"]
        target = CliTarget(**plan["target"])
        ops = tuple(
            BoundOperation(
                o["service"],
                o["operation"],
                dict(o["params"]),
                tuple(render_argv(o["service"], o["operation"], o["params"], target)),
            )
            for o in plan["operations"]
        )
        return FixPlan(plan["fix_id"], plan["title"], ops, target, plan["kind"])

    def snapshot(self, plan: Any) -> Any:

        snap = self.data["snapshot"]
        reads = tuple(
            None
            if r is None
            else StateRead(r["call"], r["state"], bool(r.get("absent")), r.get("error"))
            for r in snap["reads"]
        )
        return Snapshot(plan.digest, snap["taken_at"], reads)

    def restore_plan(self, clients: Any) -> Any:
        """The rollback of what is in effect now: the journaled plan's undo, limited to the
        calls that were (or may have been) sent and whose change is still there."""

        _restore_code(self.data)
        plan = self.plan()
        snapshot = self.snapshot(plan)
        steps = []
        for i, (op, entry) in enumerate(zip(plan.operations, self.data["steps"], strict=True)):
            status = entry.get("status")
            sent = status in ("applied", "started")
            if sent and not _in_effect(op, snapshot.reads[i], clients):
                sent = False
            steps.append(
                StepResult(
                    op.cli,
                    "applied" if sent else "skipped",
                    response=entry.get("response") if isinstance(entry, Mapping) else None,
                )
            )
        confirmation = Confirmation(plan.digest, "journal", self.data["created_at"], plan.cli)
        result = ApplyResult(
            plan.digest, plan.kind, confirmation, self.data["created_at"], tuple(steps)
        )
        return derive_rollback(plan, snapshot, result)

    def restore_recorder(self) -> RestoreRecorder:
        return RestoreRecorder(self)


@dataclass
class RestoreRecorder:
    """Records a restore's calls in the journal it restores (not in a journal of its own).
    The journal turns `rolling-back` at the first call, so a declined restore leaves it as
    it was."""

    journal: Journal
    began: bool = False

    def _steps(self) -> list[dict[str, Any]]:
        if not self.began:
            self.began = True
            self.journal.data["state"] = "rolling-back"
            self.journal.data["restores"].append({"started_at": _now(), "steps": []})
        steps: list[dict[str, Any]] = self.journal.data["restores"][-1]["steps"]
        return steps

    def step_started(self, index: int) -> None:
        steps = self._steps()
        while len(steps) <= index:
            steps.append({"status": "planned"})
        steps[index]["status"] = "started"
        self.journal.write()

    def step_done(self, index: int, step: Any) -> None:
        self._steps()[index].update(cli=step.cli, status=step.status, message=step.message)
        self.journal.write()

    def finish(self, ok: bool) -> None:
        """After the restore's calls: `rolled-back` when every one succeeded (a failed one
        leaves the journal unfinished, to be run again)."""
        if self.began or ok:
            self.journal.data["state"] = "rolled-back" if ok else "rolling-back"
            self.journal.write()


def _previous_code(plan: Any, snapshot: Any) -> dict[str, str]:
    """CodeSha256 → base64 of the zip, for each function a code fix replaces: the journal
    holds the way back even when the code artifact is gone (bounded: code.MAX_ZIP_BYTES)."""

    out: dict[str, str] = {}
    for op, read in zip(plan.operations, snapshot.reads, strict=True):
        if (op.service, op.operation) != ("lambda", "UpdateFunctionCode") or read is None:
            continue
        sha = str((read.state or {}).get("CodeSha256"))
        try:
            out[sha] = base64.b64encode(load_artifact(PREFIX + str(artifact_path(sha)))).decode()
        except CodeError:
            continue  # the snapshot refused the fix already: nothing runs without it
    return out


def _restore_code(data: Mapping[str, Any]) -> None:
    """Write back the code artifacts a restore needs from the journal's copies."""

    for sha, blob in (data.get("code") or {}).items():
        try:
            if not artifact_path(sha).is_file():
                restore_artifact(sha, blob)
        except (CodeError, ValueError, OSError) as exc:
            raise JournalError(f"the journal's copy of the code {sha} is unusable: {exc}") from None


def _raw_snapshot(snapshot: Any) -> dict[str, Any]:
    return {
        "taken_at": snapshot.taken_at,
        "reads": [
            None
            if r is None
            else {"call": r.call, "state": r.state, "absent": r.absent, "error": r.error}
            for r in snapshot.reads
        ],
    }


def _in_effect(op: Any, before: Any, clients: Any) -> bool:
    """Whether `op`'s change is visible now. True when it cannot be told (the undo is then
    sent: restoring a value to what it was is harmless if it already is)."""

    if before is None or before.state is None:
        return True
    now = read_state(op, clients)
    if now is None or now.state is None:
        return True
    if "patchOperations" in op.params:
        paths = {str(p.get("path")) for p in op.params["patchOperations"] if isinstance(p, dict)}
        return any(field_at(now.state, p) != field_at(before.state, p) for p in paths)
    if op.operation == "CreateDeployment":
        key = "DeploymentId" if op.service == "apigatewayv2" else "deploymentId"
        return bool(now.state.get(key) != before.state.get(key))
    if op.operation == "UpdateWebACL":  # its LockToken moves on every update, changed or not
        return bool(now.state.get("WebACL") != before.state.get("WebACL"))
    if op.operation == "UpdateFunctionCode":
        return bool(now.state.get("CodeSha256") != before.state.get("CodeSha256"))
    return bool(now.state != before.state)


def find_journals(directory: Path | None = None) -> list[Journal]:
    """Every readable journal, newest first (a damaged file is skipped, not fatal)."""
    directory = directory or journal_dir()
    try:
        paths = sorted(directory.glob("*.json"), reverse=True)
    except OSError:
        return []
    out = []
    for path in paths:
        try:
            out.append(Journal.load(path))
        except JournalError:
            continue
    return out


def unfinished_journals(directory: Path | None = None) -> list[Journal]:
    """The journals of fixes (or restores) interrupted in the middle: what `rollback` offers."""
    return [j for j in find_journals(directory) if j.unfinished]


def interrupted_notice(directory: Path | None = None) -> str | None:
    """The line a front end shows on start when an earlier apply was interrupted, else None."""
    found = unfinished_journals(directory)
    if not found:
        return None
    first = found[0]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return (
        f"an earlier fix was interrupted before it finished: {first.summary()}{more}. "
        f"Run `apigw-wizard rollback` to restore what it changed."
    )
