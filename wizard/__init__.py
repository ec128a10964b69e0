"""apigw-wizard: from an API Gateway 403 to its root cause, the fix and an incident report."""

__version__ = "0.1.0"
