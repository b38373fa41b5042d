"""The overview on the page: charts beside the results and the 概览 (hot topics) tab.

Built from :mod:`app.page` inside its layout; the data and HTML come from :mod:`app.charts`.
Selecting bars on a chart (drag across one or more; gradio's native plots report an x
interval) narrows the form to them and searches again; a topic opens as a search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr
import pandas as pd

from app.charts import (
    CHARTS,
    COUNT,
    chart_frame,
    grade_choices,
    issuer_choices,
    kind_choices,
    narrowing,
    render_topics,
    too_few_sentence,
    topic_choices,
)
from app.handlers import Handlers, SearchOutcome
from app.render import notice
from search import QueryError, SearcherLike
from search.topics import TopicReport

FILTER_FIELDS = ("date_from", "date_to", "issuer", "kinds", "grades")


@dataclass
class Overview:
    """The overview's components: the line and charts on the search tab, the topics tab."""

    recurrence: gr.HTML
    note: gr.HTML
    plots: dict[str, gr.BarPlot]
    counts: gr.State  # the OverviewCounts of the last search, for the export
    report: gr.State  # the TopicReport shown on the topics tab, for the export
    issuers: tuple[str, ...]  # every issuer of the index, for the dropdown with counts
    window: dict[str, gr.Textbox]
    topics_btn: gr.Button
    topics: gr.HTML
    picker: gr.Dropdown
    open_btn: gr.Button


def chart_row() -> dict[str, Any]:
    """The recurrence line, the few-matches note and three bar charts (hidden until a search)."""
    parts: dict[str, Any] = {"recurrence": gr.HTML(elem_id="xl-recurrence")}
    parts["note"] = gr.HTML(elem_id="xl-chart-note")
    with gr.Row(equal_height=True):
        parts["plots"] = {
            chart: gr.BarPlot(
                x=label, y=COUNT, title=f"按{label}", height=220, visible=False,
                x_label_angle=-30 if chart != "grade" else 0,
                sort="x" if chart != "issuer" else "-y", elem_id=f"xl-chart-{chart}",
            )
            for chart, label in CHARTS.items()
        }  # fmt: skip
    return parts


def topics_tab(searcher: SearcherLike) -> dict[str, Any]:
    """The 概览 tab: a date window, the topics found in it, and a picker that opens one."""
    facets = searcher.facets()
    last = (facets.date_max or "")[:4]
    parts: dict[str, Any] = {}
    with gr.Row():
        parts["window"] = {
            "date_from": gr.Textbox(label="起始", value=f"{last}-01" if last else "", scale=1),
            "date_to": gr.Textbox(label="截止", value=f"{last}-12" if last else "", scale=1),
        }
        parts["topics_btn"] = gr.Button("分析热点", variant="primary", scale=1)
    gr.Markdown("按上方检索页的筛选条件（答复单位、类型、办理结果）统计；日期以这里为准。")
    parts["topics"] = gr.HTML(render_topics(None), elem_id="xl-topics")
    with gr.Row():
        parts["picker"] = gr.Dropdown(label="选择话题", choices=[], value=None, scale=4)
        parts["open_btn"] = gr.Button("以此检索", scale=1, min_width=120)
    return parts


def make(
    search_parts: dict[str, Any], tab_parts: dict[str, Any], issuers: tuple[str, ...]
) -> Overview:
    """The :class:`Overview` from the parts built in the two tabs."""
    parts = {**search_parts, **tab_parts}
    return Overview(counts=gr.State(None), report=gr.State(None), issuers=issuers, **parts)


def search_outputs(view: Overview, form: dict[str, Any]) -> list[Any]:
    """Components a search updates besides the cards (in :func:`search_updates` order)."""
    return [view.recurrence, view.note, *view.plots.values(), view.counts,
            form["issuer"], form["kinds"], form["grades"]]  # fmt: skip


def search_updates(outcome: SearchOutcome, view: Overview) -> list[Any]:
    """The recurrence line, the note or the charts, and filter choices with counts."""
    counts = outcome.counts
    sentence = too_few_sentence(counts) if outcome.error is None else None
    show = counts is not None and sentence is None
    frames = {chart: chart_frame(counts, chart) if show and counts else None for chart in CHARTS}
    plots = [
        gr.BarPlot(value=frame, visible=show, y_lim=_y_lim(frame)) for frame in frames.values()
    ]
    note = notice(sentence, tone="empty") if sentence and outcome.error is None else ""
    if show and counts is not None:
        note = notice(f"下列统计覆盖相关度不低于首条一半的 {counts.total} 件答复。", tone="empty")
    return [outcome.recurrence, note, *plots, counts,
            gr.Dropdown(choices=issuer_choices(view.issuers, counts)),
            gr.CheckboxGroup(choices=kind_choices(counts)),
            gr.CheckboxGroup(choices=grade_choices(counts))]  # fmt: skip


def wire(
    view: Overview,
    handlers: Handlers,
    form: dict[str, Any],
    tabs: gr.Tabs,
    search: Callable[..., Any],
) -> None:
    """Charts narrow the search; the topics tab analyses a window and opens a topic.

    ``search(event)`` chains the page's own search after an event.
    """
    narrowed = [form[name] for name in FILTER_FIELDS]
    for chart, plot in view.plots.items():
        search(plot.select(_narrow(chart), None, narrowed, api_visibility="private"))

    def analyse(start: str, stop: str, *filters: Any) -> tuple[Any, ...]:
        rest = dict(zip(("issuer", "kinds", "grades"), filters, strict=True))
        try:
            report = handlers.topics(start, stop, **rest)
        except QueryError as exc:
            return notice(str(exc), tone="warn"), None, gr.Dropdown(choices=[], value=None)
        return render_topics(report), report, gr.Dropdown(choices=topic_choices(report))

    window = [view.window["date_from"], view.window["date_to"]]
    inputs = [*window, form["issuer"], form["kinds"], form["grades"]]
    view.topics_btn.click(analyse, inputs, [view.topics, view.report, view.picker],
                          api_visibility="private")  # fmt: skip

    def open_topic(report: TopicReport | None, picked: int | None) -> tuple[Any, ...]:
        if report is None or picked is None or not 0 <= picked < len(report.topics):
            gr.Warning("请先分析热点并选择一个话题。", title="提示")
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        topic = report.topics[picked]
        return gr.Tabs(selected="search"), topic.query, report.date_from, report.date_to

    opened = view.open_btn.click(
        open_topic, [view.report, view.picker],
        [tabs, form["query"], form["date_from"], form["date_to"]], api_visibility="private",
    )  # fmt: skip
    search(opened)


def _y_lim(frame: pd.DataFrame | None) -> list[float | None]:
    """Bars grow from 0 (vega would start the axis at the smallest count)."""
    return [0, 1 if frame is None or frame.empty else max(1, int(frame[COUNT].max()))]


def _narrow(chart: str) -> Callable[[gr.SelectData], tuple[Any, ...]]:
    def narrow(evt: gr.SelectData) -> tuple[Any, ...]:
        selected = evt.value if isinstance(evt.value, list) else [evt.value]
        values = narrowing(chart, selected)
        return tuple(values.get(name, gr.skip()) for name in FILTER_FIELDS)

    return narrow
