"""The project's own namespace for what is not the page itself: serving it to a class (``lablab.serve``).

A generic top-level name such as ``serve`` could shadow, or be shadowed by, an installed package of that name.
"""
