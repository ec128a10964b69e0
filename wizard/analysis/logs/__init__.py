"""Reading API Gateway and authorizer logs: one family of pure functions.

`scan` reads the lines (the entry point: `LogScanner`, `scan_lines`, `explain_lines`);
`prefilter` picks, in large byte chunks, the lines `scan` must parse at all; `execution`
recognises execution-log messages, `access` access-log records, `model` holds the results
and `signals` says what they mean.
"""
