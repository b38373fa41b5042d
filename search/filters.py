"""Filters by date, issuer, kind and 办理结果, resolved to the passages they allow."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from index.reply import GRADES, KINDS, Reply
from search.hit import Filters, QueryError

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def validate_filters(filters: Filters) -> None:
    """Raise :class:`QueryError` for a malformed date or an unknown kind or grade."""
    for name in ("date_from", "date_to"):
        value = getattr(filters, name)
        if value is not None and not _ISO_DATE.match(value):
            raise QueryError(f"{name} must be a date written yyyy-mm-dd, got {value!r}.")
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise QueryError(f"date_from {filters.date_from} is after date_to {filters.date_to}.")
    unknown = [k for k in filters.kinds if k not in KINDS]
    if unknown:
        raise QueryError(f"Unknown kind {unknown}; choose from {', '.join(KINDS)}.")
    bad = [g for g in filters.grades if g not in GRADES]
    if bad:
        raise QueryError(f"Unknown 办理结果 {bad}; choose from {', '.join(GRADES)}.")


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


def allowed_passages(
    filters: Filters | None, replies: Sequence[Reply], passage_reply: np.ndarray
) -> np.ndarray | None:
    """Ids of the passages whose reply passes ``filters``; ``None`` when nothing is filtered."""
    if filters is None or filters.is_empty():
        return None
    validate_filters(filters)
    ok = np.fromiter((reply_matches(r, filters) for r in replies), dtype=bool, count=len(replies))
    return np.flatnonzero(ok[passage_reply]).astype(np.int64)
