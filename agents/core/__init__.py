"""agents/core."""
