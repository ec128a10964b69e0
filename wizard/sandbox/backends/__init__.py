"""Backend Lambda sources for scenarios that need a real integration (standard library only)."""
