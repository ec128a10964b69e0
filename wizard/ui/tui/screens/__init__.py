"""The wizard's screens: start, step, findings, fix confirmation, report, help."""
