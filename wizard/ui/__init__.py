"""Front ends that drive the engine: headless (flags and JSON), prompt mode (questionary) and the
full-screen Textual app (`tui/`). Each is imported lazily, only when chosen."""
