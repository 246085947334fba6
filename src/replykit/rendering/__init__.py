"""Turning a scenario and its values into a reply: the Jinja2 sandbox and the locale-aware filters."""
