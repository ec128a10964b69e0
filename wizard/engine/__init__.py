"""The diagnosis engine, free of any UI: playbook models, loader and linter, declarative
conditions over facts, the probe interface, and the synchronous session state machine that
front ends drive and that returns plain data."""
