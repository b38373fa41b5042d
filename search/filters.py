"""Filters by date, issuer, kind and 办理结果, resolved to the replies they allow.

:class:`search.request.Filters` checks its own values; this module only applies them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.reply import Reply
from search.request import Filters


def reply_matches(reply: Reply, filters: Filters) -> bool:
    """Whether one reply passes every filter (a reply without a date fails a date filter)."""
    if filters.date_from and (reply.date is None or reply.date < filters.date_from):
        return False
    if filters.date_to and (reply.date is None or reply.date > filters.date_to):
        return False
    if filters.issuer and filters.issuer not in (reply.issuer or ""):
        return False
    if filters.kinds and reply.kind not in filters.kinds:
        return False
    return not (filters.grades and reply.result_grade not in filters.grades)


def allowed_records(filters: Filters | None, replies: Sequence[Reply]) -> np.ndarray | None:
    """Indexes of the replies that pass ``filters``; ``None`` when nothing is filtered."""
    if filters is None or filters.is_empty():
        return None
    ok = np.fromiter((reply_matches(r, filters) for r in replies), dtype=bool, count=len(replies))
    return np.flatnonzero(ok).astype(np.int64)
