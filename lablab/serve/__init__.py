"""Serve the page to a class on every core: N app processes behind HAProxy. ``python -m lablab.serve``."""
