"""The overview as the page shows it: chart data, the 「类似问题出现过」 line, topic cards.

Pure functions over :class:`search.OverviewCounts` and :class:`search.topics.TopicReport`
(no gradio here): tables for gr.BarPlot, escaped HTML, and what a selected bar narrows the
search to.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from html import escape

import pandas as pd

from index.reply import GRADE_LABELS, KIND_LABELS
from search.counts import UNSTATED, FacetCount, OverviewCounts
from search.topics import OTHERS_LABEL, Topic, TopicReport

PASTED_CHARS = 60  # a query this long is a pasted message: the recurrence line shows
TOP_ISSUERS = 10  # bars of the issuer chart
COUNT = "件数"
# Inline, so the line needs nothing from the page's stylesheet.
TICK_STYLE = "display:inline-block;width:7px;margin-right:2px;background:#b22c2c;"
CHARTS: dict[str, str] = {"period": "时间", "issuer": "答复单位", "grade": "办理结果"}


def chart_frame(counts: OverviewCounts, chart: str) -> pd.DataFrame:
    """The bars of one chart (``period``, ``issuer`` or ``grade``) as a two-column table."""
    rows: Sequence[FacetCount] = {
        "period": counts.by_period,
        "issuer": counts.by_issuer[:TOP_ISSUERS],
        "grade": counts.by_grade,
    }[chart]
    return pd.DataFrame(
        {CHARTS[chart]: [c.value for c in rows], COUNT: [c.count for c in rows]}
    ).astype({CHARTS[chart]: "string", COUNT: "int64"})


def too_few_sentence(counts: OverviewCounts | None) -> str | None:
    """A sentence instead of charts when 0 or 1 record matches; None when charts are due."""
    if counts is None or counts.total == 0:
        return "没有相符的答复，暂无统计图。"
    if counts.total == 1:
        facts = "，".join(x for x in (counts.date_min, counts.top_issuer()) if x)
        where = f"（{facts}）" if facts else ""
        return f"只有 1 件相符的答复{where}，不足以画出分布图。"
    return None


def recurrence_line(counts: OverviewCounts | None, query: str) -> str:
    """「类似问题出现过 N 次（2017–2020），多由 X 答复」 with a small timeline, for a pasted
    message (≥ :data:`PASTED_CHARS` characters) with at least two matches; else ``""``."""
    if counts is None or len(query.strip()) < PASTED_CHARS or counts.total < 2:
        return ""
    years = ""
    if counts.date_min and counts.date_max:
        first, last = counts.date_min[:4], counts.date_max[:4]
        years = f"（{first}）" if first == last else f"（{first}–{last}）"
    issuer = counts.top_issuer()
    who = f"，多由{issuer}答复" if issuer else "，答复单位未注明"
    text = f"类似问题出现过 {counts.total} 次{years}{who}"
    return (
        f'<div class="xl-notice xl-recur"><strong>{escape(text)}</strong>{timeline(counts)}</div>'
    )


def timeline(counts: OverviewCounts) -> str:
    """A row of small bars, one per period, as inline HTML (no script, no image)."""
    dated = [c for c in counts.by_period if c.value != UNSTATED]
    if not dated:
        return ""
    high = max(c.count for c in dated)
    bars = "".join(
        f'<span class="xl-tick" title="{escape(c.value)}：{c.count} 件" '
        f'style="{TICK_STYLE}height:{max(2, round(24 * c.count / high))}px"></span>'
        for c in dated
    )
    span = f"{dated[0].value}–{dated[-1].value}" if len(dated) > 1 else dated[0].value
    return (
        f'<span class="xl-timeline" aria-label="{escape(span)}" style="margin-left:.8rem;'
        f'display:inline-flex;align-items:flex-end;height:24px">{bars}</span>'
    )


def narrowing(chart: str, selected: Sequence[object]) -> dict[str, object]:
    """The form values a selection on one chart narrows the search to.

    A time selection becomes a date range (its first period's first day to its last period's
    last day); an issuer selection the issuer (the first one selected); a grade selection the
    grades. The unstated bucket narrows nothing.
    """
    values = sorted(str(v) for v in selected if str(v) and str(v) != UNSTATED)
    if not values:
        return {}
    if chart == "period":
        return {"date_from": _first_day(values[0]), "date_to": _last_day(values[-1])}
    if chart == "issuer":
        return {"issuer": values[0]}
    return {"grades": [v for v in values if v in GRADE_LABELS]}


def _first_day(period: str) -> str:
    return f"{period}-01-01" if len(period) == 4 else f"{period}-01"


def _last_day(period: str) -> str:
    if len(period) == 4:
        return f"{period}-12-31"
    year, month = int(period[:4]), int(period[5:7])
    return f"{period}-{calendar.monthrange(year, month)[1]:02d}"


def labelled_choices(
    labels: dict[str, str], facet: Sequence[FacetCount] | None
) -> list[tuple[str, str]]:
    """Filter choices whose labels carry the count of matching records: 「A（12）」."""
    counts = {c.value: c.count for c in facet or ()}
    return [
        (f"{label}（{counts.get(value, 0)}）" if facet is not None else label, value)
        for value, label in labels.items()
    ]


def issuer_choices(issuers: Sequence[str], counts: OverviewCounts | None) -> list[tuple[str, str]]:
    """The issuer dropdown: 「（不限）」 then every issuer, with its count once a search ran."""
    facet = counts.by_issuer if counts else None
    return [("（不限）", ""), *labelled_choices({i: i for i in issuers}, facet)]


def kind_choices(counts: OverviewCounts | None) -> list[tuple[str, str]]:
    """The kind checkboxes, with counts once a search ran."""
    return labelled_choices(KIND_LABELS, counts.by_kind if counts else None)


def grade_choices(counts: OverviewCounts | None) -> list[tuple[str, str]]:
    """The grade checkboxes, with counts once a search ran."""
    return labelled_choices(GRADE_LABELS, counts.by_grade if counts else None)


def render_topics(report: TopicReport | None) -> str:
    """Topic cards: terms, two titles, size and trend, issuers, share with done measures."""
    if report is None:
        return '<div class="xl-notice xl-empty">选择时间范围后点“分析热点”。</div>'
    head = (
        f"{report.date_from} 至 {report.date_to}：{report.records} 件答复，"
        f"归为 {len(report.topics)} 个话题"
        + (f"，{OTHERS_LABEL} {report.others} 件" if report.others else "")
    )
    if not report.topics:
        return f'<div class="xl-notice xl-empty">{escape(head)}；没有成形的话题。</div>'
    cards = "".join(_topic_card(n, t) for n, t in enumerate(report.topics, start=1))
    return f'<div class="xl-topics"><div class="xl-count">{escape(head)}</div>{cards}</div>'


def _topic_card(n: int, topic: Topic) -> str:
    trend = "上期没有" if topic.trend is None else f"较上期 {topic.trend:+.0%}"
    issuers = "、".join(f"{c.value} {c.count}" for c in topic.issuers[:3])
    titles = "".join(f"<li>{escape(t)}</li>" for t in topic.titles)
    terms = "".join(f'<span class="xl-chip">{escape(t)}</span>' for t in topic.terms)
    facts = f"{topic.size} 件（上期 {topic.previous}，{trend}）· 已落实措施 {topic.done_share:.0%}"
    return (
        f'<article class="xl-card xl-topic"><header><span class="xl-rank">{n}</span>'
        f'<div class="xl-meta">{terms}</div></header>'
        f'<div class="xl-note">{escape(facts)} · 答复单位：{escape(issuers)}</div>'
        f"<ul>{titles}</ul></article>"
    )


def topic_choices(report: TopicReport | None) -> list[tuple[str, int]]:
    """``(label, position)`` pairs for the picker that opens a topic as a search."""
    if report is None:
        return []
    return [
        (f"{n}. {' / '.join(t.terms[:4])}（{t.size} 件）", n - 1)
        for n, t in enumerate(report.topics, start=1)
    ]
