"""The application layer: ONE investigation between the engine and every front end.

It opens an investigation from a failing request (`open_investigation`), loads the playbook
with one lint policy, builds the probe registry once, prefills answers from the start evidence,
drives the walk over an answer source (scripted, questionary, TUI), owns the fix lifecycle
(proposed → declined | applied → verified | failed → rolled back) and the exit code, and
returns one `Outcome` (pydantic) that the TUI, prompt mode, headless, the report and the MCP
server render. See docs/investigation.md.

Modules: `request` (the failing request → inputs, prefill), `playbook` (the one lint policy),
`probes` (the registry), `answers` (the answer-source protocol, scripted answers),
`lifecycle` (fix states), `fixes` (a proposed fix made concrete), `investigation` (the walk and
its fixes), `outcome` (the model, now in wizard.outcome below the report), `outcome_build`
(session → Outcome), `outcome_analysis` (the analyzers' answers the views show), `exit` (exit
codes), `errors`.
"""

from wizard.investigation.answers import (
    BACK,
    QUIT,
    WAIT,
    AnswerSource,
    BadAnswer,
    Control,
    MissingAnswer,
    ScriptedAnswers,
    check_answer_keys,
)
from wizard.investigation.errors import AwsUnavailable, InvestigationError
from wizard.investigation.exit import exit_code
from wizard.investigation.investigation import (
    Investigation,
    open_investigation,
    resume_investigation,
)
from wizard.investigation.lifecycle import FixState
from wizard.investigation.request import FailingRequest
from wizard.outcome.model import FixOut, Outcome, RankedCause

__all__ = [
    "BACK",
    "QUIT",
    "WAIT",
    "AnswerSource",
    "AwsUnavailable",
    "BadAnswer",
    "Control",
    "FailingRequest",
    "FixOut",
    "FixState",
    "Investigation",
    "InvestigationError",
    "MissingAnswer",
    "Outcome",
    "RankedCause",
    "ScriptedAnswers",
    "check_answer_keys",
    "exit_code",
    "open_investigation",
    "resume_investigation",
]
