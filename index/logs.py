"""Logging set-up shared by the command-line entry points (library code only logs)."""

from __future__ import annotations

import logging

FORMAT = "%(levelname)s %(name)s: %(message)s"
# Libraries that set their own loggers to DEBUG, so the root level alone does not quiet them.
_SELF_VERBOSE = ("jieba", "bm25s")


def configure_logging(level: int) -> None:
    """Log to stderr at ``level``, third-party chatter included."""
    logging.basicConfig(level=level, format=FORMAT)
    for name in _SELF_VERBOSE:
        logging.getLogger(name).setLevel(level)
