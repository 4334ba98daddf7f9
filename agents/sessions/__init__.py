"""agents/sessions."""
