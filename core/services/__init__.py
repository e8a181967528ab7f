"""The core's services: the one place rules about shared records live.

The CLI, the TUI and plugins call these functions with a :class:`~medoffice.core.Context`;
each checks its permission first, validates, writes in the context's unit of work, audits,
fires hooks, and returns records.
"""
