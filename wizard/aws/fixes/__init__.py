"""Confirmed fixes: allowlisted mutating operations, rendered as AWS CLI commands through
botocore's service model, applied only with a confirmation, verified, and rolled back.

The flow for a front end:

    plan = build_plan(fix, facts, target)          # bound operations + exact CLI lines
    snap = take_snapshot(plan, clients)            # read-only calls: the state before
    changes = describe_changes(plan, snap)         # before/after (JSON diff for policies)
    ... show plan.cli and changes, ask the user ...
    confirmation = Confirmation.for_plan(plan, by="alice", shown=plan.cli)
    result = apply_plan(plan, confirmation, clients)
    back = derive_rollback(plan, snap, result)     # inverse operations, also rendered

`driver.run_fix` does all of this in one call that cannot skip the snapshot or the question;
`wizard.investigation` decides which fixes are offered and their lifecycle state; `guidance` renders
the authorizer-code patch the wizard never applies itself.
"""
