"""Everything that talks to AWS through boto3: the session and target, read-only probes
(`probes/`), the reproduced request, required permissions, and the allowlisted fix operations
(`fixes/`). A botocore error inside a probe becomes a classified ProbeError with a manual path
(`errors.py`), never a traceback."""
