"""The guided walk's stages as the TUI shows them (no Textual here): the progress rail, and one
stage's page — what we looked at, what it showed, what it means, what it rules out.

Everything comes from wizard.investigation.stages (the stages data and the Outcome): the
values shown are the Outcome's facts table's, the sentences the playbook's, the causes the
catalogue's titles. Nothing here decides anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from wizard.catalogue.fact_labels import label, plain
from wizard.investigation.outcome import Outcome
from wizard.investigation.stages import StageOut
from wizard.ui.tui.findings_view import value_text
from wizard.ui.tui.view import LookLine, RailStop, StagePage

RULES_OUT_SHOWN = 5


def rail(
    stages: Sequence[StageOut], running: str | None = None, viewing: str | None = None
) -> tuple[RailStop, ...]:
    """One stop per stage; `running`: the stage whose probes run now (from progress events);
    `viewing`: the stage whose page is on screen."""
    stops = []
    for stage in stages:
        status: str = stage.status
        if running is not None and stage.id == running and status != "done":
            status = "running"
        stops.append(RailStop(stage.short, status, stage.branch, stage.id == viewing))
    return tuple(stops)


def stage_page(
    stage: StageOut, stages: Sequence[StageOut], outcome: Outcome, titles: Sequence[str]
) -> StagePage:
    """`titles`: the catalogue titles of `stage.rules_out`, in order."""
    table = {fact.name: fact.value for fact in outcome.evidence}
    names = set(table) | {fact.name for fact in outcome.unknown}
    position = next((i for i, s in enumerate(stages, 1) if s.id == stage.id), 1)
    kind = "Branch" if stage.branch else "Stage"
    looked = tuple(
        LookLine(look.what, look.state, look.commands, plain(look.note, names))
        for look in stage.looked_at
    )
    showed = tuple((label(name), value_text(table[name])) for name in stage.facts if name in table)
    unread = tuple(
        (label(name), plain(why, names) or "could not be read")
        for name, why in dict(stage.unknown).items()
    )
    return StagePage(
        stage_id=stage.id,
        title=f"{kind} {position} of {len(stages)}: {stage.label}",
        looked=looked,
        showed=showed,
        unread=unread,
        means=tuple(plain(reason, names) for reason in stage.means),
        rules_out=tuple(titles[:RULES_OUT_SHOWN]),
        more_ruled_out=max(0, len(titles) - RULES_OUT_SHOWN),
        shows=stage.shows,
    )
