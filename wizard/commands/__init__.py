"""Thin command adapters: parse → call a core function → print text or JSON.

Rules for every module here: import nothing heavy at module level (the CLI imports them all to
build `--help`), raise `InputError` for bad input (one line, exit 2), never print a traceback.
"""
