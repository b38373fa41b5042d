"""What a caller asks for: one request type, validated once, for every door.

The app, the API, the CLI and Python callers all build a :class:`SearchRequest` (or
:class:`Filters`) through :meth:`SearchRequest.parse` / :meth:`Filters.parse`, which accept
what people type — dates as ``2021``, ``2021-3``, ``2021-03-05`` or ``2021年3月5日``, kinds and
grades as a list or one string, ``k`` as ``10.0`` — and reject the rest with one catalogue of
messages (:mod:`search.errors`). The dataclasses check their invariants themselves, so a
request that exists is valid.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from index.reply import GRADES, KINDS
from search.errors import QueryError

Mode = Literal["hybrid", "dense", "keyword"]
MODES: tuple[str, ...] = ("hybrid", "dense", "keyword")
MODE_LABELS: dict[str, str] = {"hybrid": "混合", "dense": "语义", "keyword": "关键词"}
MAX_K = 100

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_SEPARATORS = str.maketrans({"/": "-", ".": "-", "年": "-", "月": "-", "日": None, " ": None})


def parse_date(text: object, *, end: bool = False) -> str | None:
    """ISO ``yyyy-mm-dd`` for a typed date; a bare year or month means its first (or last) day."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if not isinstance(text, str):
        raise QueryError("bad_date", got=text)
    typed = text.strip()
    match = _DATE.match(typed.translate(_SEPARATORS).strip("-"))
    if not match:
        raise QueryError("bad_date", got=typed)
    year, month, day = int(match[1]), match[2], match[3]
    m = int(month) if month else (12 if end else 1)
    if not 1 <= m <= 12:
        raise QueryError("bad_month", got=typed)
    last = calendar.monthrange(year, m)[1]
    d = int(day) if day else (last if end else 1)
    if not 1 <= d <= last:
        raise QueryError("bad_day", got=typed, last=last)
    return f"{year:04d}-{m:02d}-{d:02d}"


@dataclass(frozen=True)
class Filters:
    """Restrictions applied before the top k is cut. Dates are ISO ``yyyy-mm-dd``, inclusive."""

    date_from: str | None = None
    date_to: str | None = None
    issuer: str | None = None  # substring match, so 工信局 finds 焦作市工业和信息化局's 简称 too
    kinds: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for value in (self.date_from, self.date_to):
            if value is not None and not (isinstance(value, str) and _ISO_DATE.match(value)):
                raise QueryError("bad_date", got=value)
            if value is not None and parse_date(value) != value:  # e.g. 2021-13-45
                raise QueryError("bad_date", got=value)
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise QueryError("date_order", start=self.date_from, stop=self.date_to)
        if self.issuer is not None and not isinstance(self.issuer, str):
            raise QueryError("bad_issuer", got=type(self.issuer).__name__)
        _check_choices(self.kinds, KINDS, "bad_kind")
        _check_choices(self.grades, GRADES, "bad_grade")

    @classmethod
    def parse(
        cls,
        date_from: object = None,
        date_to: object = None,
        issuer: object = None,
        kinds: object = None,
        grades: object = None,
    ) -> Filters:
        """Filters from loosely typed values (a form, a JSON body, command-line options)."""
        if issuer is not None and not isinstance(issuer, str):
            raise QueryError("bad_issuer", got=type(issuer).__name__)
        return cls(
            date_from=parse_date(date_from),
            date_to=parse_date(date_to, end=True),
            issuer=(issuer or "").strip() or None,
            kinds=_as_tuple(kinds, KINDS, "bad_kind"),
            grades=_as_tuple(grades, GRADES, "bad_grade"),
        )

    def is_empty(self) -> bool:
        """True when nothing is restricted."""
        return not (self.date_from or self.date_to or self.issuer or self.kinds or self.grades)


@dataclass(frozen=True)
class SearchRequest:
    """One search: the query, how many replies, which retrieval mode, which filters."""

    query: str
    k: int = 10
    mode: str = "hybrid"
    filters: Filters = field(default_factory=Filters)

    def __post_init__(self) -> None:
        if not isinstance(self.query, str):
            raise QueryError("query_not_text", got=type(self.query).__name__)
        if not self.query.strip():
            raise QueryError("empty_query")
        if isinstance(self.k, bool) or not isinstance(self.k, int) or not 1 <= self.k <= MAX_K:
            raise QueryError("bad_k", got=self.k, high=MAX_K)
        if self.mode not in MODES:
            raise QueryError("bad_mode", got=self.mode)
        if not isinstance(self.filters, Filters):
            raise TypeError(f"filters must be search.Filters, not {type(self.filters).__name__}")

    @classmethod
    def parse(
        cls, query: object, k: object = 10, mode: object = "hybrid", **filters: Any
    ) -> SearchRequest:
        """A request from loosely typed values: ``k`` as 10.0, mode as 混合, filters as typed."""
        return cls(
            query=query,  # type: ignore[arg-type]  # checked in __post_init__
            k=_as_k(k),
            mode=_as_mode(mode),
            filters=Filters.parse(**filters),
        )


def _as_k(k: object) -> int:
    if k is None:
        return 10
    if isinstance(k, str) and k.strip().isdigit():
        return int(k)
    if isinstance(k, float) and k.is_integer():
        return int(k)
    return k  # type: ignore[return-value]  # anything else is judged by __post_init__


def _as_mode(mode: object) -> str:
    if mode is None or mode == "":
        return "hybrid"
    labels = {label: value for value, label in MODE_LABELS.items()}
    return labels.get(mode, mode) if isinstance(mode, str) else str(mode)


def _as_tuple(values: object, choices: tuple[str, ...], code: str) -> tuple[str, ...]:
    """One string (possibly comma-separated) or a list of strings, as a tuple."""
    if values is None or values == "":
        return ()
    if isinstance(values, str):
        items: Iterable[object] = (v.strip() for v in re.split(r"[,，、\s]+", values) if v.strip())
    elif isinstance(values, list | tuple):
        items = values
    else:
        raise QueryError(code, got=repr(values), choices="、".join(choices))
    return tuple(str(v) if isinstance(v, str) else repr(v) for v in items)


def _check_choices(values: tuple[str, ...], choices: tuple[str, ...], code: str) -> None:
    if not isinstance(values, tuple):
        raise QueryError(code, got=repr(values), choices="、".join(choices))
    unknown = [v for v in values if v not in choices]
    if unknown:
        raise QueryError(code, got="、".join(map(str, unknown)), choices="、".join(choices))
