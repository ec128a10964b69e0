"""Pure analyzers, no I/O: error text, logs, JWTs, ARNs, IAM-style policy evaluation, the
authorizer-cache simulation, evidence and next checks. Each takes data and returns data, so the
engine's offline probes, the commands and the tests call them alike."""
