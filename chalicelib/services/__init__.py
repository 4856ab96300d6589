"""One use case per module. Dependencies (adapters, now) come in as arguments."""
