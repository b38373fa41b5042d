"""Turn what staff type into the filter form into :class:`search.hit.Filters`.

Dates are forgiving (``2021``, ``2021-3``, ``2021/03/05``, ``2021年3月5日``) because staff
type them by hand; anything else raises :class:`QueryError` with an example to copy.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence

from index.reply import GRADES, KINDS
from search.hit import MODES, Filters, QueryError

MODE_CHOICES: list[tuple[str, str]] = [("混合", "hybrid"), ("语义", "dense"), ("关键词", "keyword")]
K_MIN, K_MAX, K_DEFAULT = 5, 50, 10

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_SEPARATORS = str.maketrans({"/": "-", ".": "-", "年": "-", "月": "-", "日": None, " ": None})


def parse_date(text: str | None, *, end: bool = False) -> str | None:
    """ISO ``yyyy-mm-dd`` for a typed date; a bare year or month means its first (or last) day."""
    if text is None or not text.strip():
        return None
    match = _DATE.match(text.strip().translate(_SEPARATORS).strip("-"))
    if not match:
        raise QueryError(f"日期“{text.strip()}”无法识别，请写成 2021-03-05、2021-03 或 2021。")
    year, month, day = int(match[1]), match[2], match[3]
    m = int(month) if month else (12 if end else 1)
    if not 1 <= m <= 12:
        raise QueryError(f"日期“{text.strip()}”的月份应在 1–12 之间。")
    last = calendar.monthrange(year, m)[1]
    d = int(day) if day else (last if end else 1)
    if not 1 <= d <= last:
        raise QueryError(f"日期“{text.strip()}”的日应在 1–{last} 之间。")
    return f"{year:04d}-{m:02d}-{d:02d}"


def build_filters(
    date_from: str | None = None,
    date_to: str | None = None,
    issuer: str | None = None,
    kinds: Sequence[str] | None = None,
    grades: Sequence[str] | None = None,
) -> Filters:
    """Filters from the form's values; raises :class:`QueryError` for values it cannot use."""
    start, stop = parse_date(date_from), parse_date(date_to, end=True)
    if start and stop and start > stop:
        raise QueryError(f"起始日期 {start} 晚于截止日期 {stop}，请交换或修改。")
    unknown_kinds = [k for k in kinds or () if k not in KINDS]
    if unknown_kinds:
        raise QueryError(f"未知的答复类型 {unknown_kinds}；可选：{', '.join(KINDS)}。")
    unknown_grades = [g for g in grades or () if g not in GRADES]
    if unknown_grades:
        raise QueryError(f"未知的办理结果 {unknown_grades}；可选：{', '.join(GRADES)}。")
    return Filters(
        date_from=start,
        date_to=stop,
        issuer=(issuer or "").strip() or None,
        kinds=tuple(kinds or ()),
        grades=tuple(grades or ()),
    )


def check_k(k: float | int | None, *, low: int = K_MIN, high: int = K_MAX) -> int:
    """The number of results as an int within ``low``–``high`` (the slider's range by default)."""
    if k is None:
        return K_DEFAULT
    if isinstance(k, bool) or int(k) != k or not low <= k <= high:
        raise QueryError(f"结果条数应为 {low}–{high} 之间的整数（收到 {k}）。")
    return int(k)


def check_mode(mode: str | None) -> str:
    """A mode value, accepting the Chinese labels too (混合/语义/关键词)."""
    labels = dict(MODE_CHOICES)
    value = labels.get(mode or "", mode or "hybrid")
    if value not in MODES:
        raise QueryError(f"检索方式“{mode}”无效；可选：{', '.join(MODES)}（混合/语义/关键词）。")
    return value
