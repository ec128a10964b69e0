"""Exit codes are an API: scripts and CI jobs branch on them. Documented in the README."""

OK = 0  # diagnosed (or the command did what it was asked)
FIX_PENDING = 1  # diagnosed, a fix is proposed and was not applied
USAGE = 2  # bad arguments, unreadable input, invalid playbook
AWS = 3  # AWS credentials, permissions or connection
INCONCLUSIVE = 4  # the walk ended without a confident cause
INTERRUPTED = 130  # Ctrl-C
