"""The page: the search form, result cards, the reply view, exports and the ``/search`` API.

``build_app(searcher)`` builds the ``gr.Blocks``; ``ui.py`` is the entry point that serves it.
The form's components are kept by field name (:data:`app.handlers.FORM_FIELDS`) and reach the
handlers as keyword arguments, so adding a field never shifts the others.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from html import escape
from typing import Any

import gradio as gr

from app import overview
from app.handlers import (
    EXPORT_TTL_S,
    FORM_FIELDS,
    OUTLINE_DEFAULT,
    Handlers,
    choices,
)
from app.style import OPEN_REPLY_JS
from index.reply import GRADE_LABELS, KIND_LABELS
from search import MODE_LABELS, QueryError, SearcherLike, SearchHit

TITLE = "先例 · 答复先例检索"
K_MIN, K_MAX, K_DEFAULT = 5, 50, 10  # the page's slider; the API takes 1 to search.MAX_K


@dataclass
class Page:
    """The components the event handlers read and write."""

    form: dict[str, Any]
    export: dict[str, Any]
    tabs: gr.Tabs
    hits: gr.State  # the SearchHits behind the cards, for exports and the reply picker
    asked: gr.State  # the query those hits answer, for the outline
    status: gr.HTML
    cards: gr.HTML
    picker: gr.Dropdown
    similar_btn: gr.Button
    reply: gr.HTML
    similar: gr.HTML
    view: overview.Overview  # the charts beside the results and the 概览 tab


def build_app(searcher: SearcherLike, *, subtitle: str = "") -> gr.Blocks:
    """The search page, the reply view, exports and the ``/search`` API over ``searcher``."""
    handlers = Handlers(searcher)
    # delete_cache: gradio's copies of exported files go after an hour, like the originals.
    ttl = (EXPORT_TTL_S, EXPORT_TTL_S)
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=ttl) as demo:
        gr.HTML(_header(subtitle), elem_classes="xl-header", js_on_load=None)
        page = _layout(handlers, searcher)
        _wire_search(page, handlers)
        _wire_reply(page, handlers, searcher)
        _wire_exports(handlers, page.export, page.hits, page.asked, page.view)
        _add_api(handlers)
    return demo


def _layout(handlers: Handlers, searcher: SearcherLike) -> Page:
    hits, asked = gr.State(()), gr.State("")
    with gr.Tabs() as tabs:
        with gr.Tab("检索", id="search"):
            form = _search_form(searcher)
            status = gr.HTML(js_on_load=None)
            charts = overview.chart_row()
            cards = gr.HTML(js_on_load=OPEN_REPLY_JS, elem_id="xl-results")
            export = _export_panel()
        with gr.Tab("答复全文", id="reply"):
            with gr.Row(equal_height=False):
                picker = gr.Dropdown(label="选择答复（检索结果）", choices=[], value=None, scale=4)
                similar_btn = gr.Button("查找相似答复", variant="primary", scale=1, min_width=160)
            reply = gr.HTML(handlers.reply(None), js_on_load=None, elem_id="xl-reply")
            similar = gr.HTML(js_on_load=OPEN_REPLY_JS, elem_id="xl-similar")
        with gr.Tab("概览", id="overview"):
            view = overview.make(charts, overview.topics_tab(searcher), searcher.facets().issuers)
    return Page(
        form, export, tabs, hits, asked, status, cards, picker, similar_btn, reply, similar, view
    )


def _wire_search(page: Page, handlers: Handlers) -> None:
    by_component = {page.form[name]: name for name in FORM_FIELDS}

    def run_search(values: dict[Any, Any]) -> tuple[Any, ...]:
        form = {by_component[component]: value for component, value in values.items()}
        outcome = handlers.search(**form)  # a problem shows once, as the inline notice
        listed = choices(outcome.hits)
        default = [doc for _, doc in listed[:OUTLINE_DEFAULT]]
        picker = gr.Dropdown(choices=listed, value=None)
        selected = gr.CheckboxGroup(choices=listed, value=default)
        shown = (outcome.status, outcome.cards, outcome.hits, form["query"], picker, selected)
        return *shown, None, *overview.search_updates(outcome, page.view)

    inputs = set(by_component)  # a set: gradio passes one dict keyed by component
    outputs = [page.status, page.cards, page.hits, page.asked, page.picker,
               page.export["selected"], page.export["files"],
               *overview.search_outputs(page.view, page.form)]  # fmt: skip
    for trigger in (page.form["button"].click, page.form["query"].submit):
        trigger(run_search, inputs, outputs, api_visibility="private")

    def search_after(event: Any) -> None:
        event.then(run_search, inputs, outputs, api_visibility="private")

    overview.wire(page.view, handlers, page.form, page.tabs, search_after)


def _wire_reply(page: Page, handlers: Handlers, searcher: SearcherLike) -> None:
    def open_reply(shown: tuple[SearchHit, ...], evt: gr.EventData) -> tuple[Any, ...]:
        doc_id = getattr(evt, "doc_id", None)  # sent by OPEN_REPLY_JS from the card's button
        listed = choices(shown)
        if doc_id and doc_id not in {d for _, d in listed}:
            listed.append((searcher.reply(doc_id).title, doc_id))  # opened from a similar card
        return gr.Tabs(selected="reply"), gr.Dropdown(choices=listed, value=doc_id)

    def run_similar(doc_id: str | None) -> str:
        outcome = handlers.similar(doc_id)
        return outcome.status + outcome.cards

    for source in (page.cards, page.similar):
        source.click(open_reply, [page.hits], [page.tabs, page.picker], api_visibility="private")
    page.picker.change(handlers.reply, [page.picker], [page.reply], api_visibility="private")
    page.similar_btn.click(run_similar, [page.picker], [page.similar], api_visibility="private")


def _header(subtitle: str) -> str:
    line = f"<p>{escape(subtitle)}</p>" if subtitle else ""
    return f"<h1>{escape(TITLE)}</h1>{line}"


def _search_form(searcher: SearcherLike) -> dict[str, Any]:
    facets = searcher.facets()
    form: dict[str, Any] = {}
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            form["query"] = gr.Textbox(
                label="问题，或粘贴提案/建议/留言原文",
                lines=4,
                max_lines=16,
                placeholder="例如：中心城区建设高端制造业园区，培育专精特新企业",
                autofocus=True,
            )
        with gr.Column(scale=1, min_width=220):
            modes = [(label, mode) for mode, label in MODE_LABELS.items()]
            form["mode"] = gr.Radio(modes, value="hybrid", label="检索方式")
            form["k"] = gr.Slider(K_MIN, K_MAX, value=K_DEFAULT, step=1, label="结果条数")
            form["button"] = gr.Button("检索", variant="primary")
    date_hint = f"库内日期 {facets.date_min or '?'} 至 {facets.date_max or '?'}"
    with gr.Accordion("筛选条件", open=True), gr.Row():
        form["date_from"] = gr.Textbox(label="起始日期", placeholder="2021-01-01", info=date_hint)
        form["date_to"] = gr.Textbox(label="截止日期", placeholder="2023-12-31 或 2023")
        form["issuer"] = gr.Dropdown(
            choices=[("（不限）", ""), *[(i, i) for i in facets.issuers]],
            value="",
            allow_custom_value=True,
            label="答复单位",
            info="可选择，或输入单位名称的一部分",
        )
        form["kinds"] = gr.CheckboxGroup(
            [(label, kind) for kind, label in KIND_LABELS.items()], label="答复类型"
        )
        grades = [(label, grade) for grade, label in GRADE_LABELS.items()]
        form["grades"] = gr.CheckboxGroup(grades, label="办理结果")
    return form


def _export_panel() -> dict[str, Any]:
    panel: dict[str, Any] = {}
    with gr.Accordion("导出：Excel / CSV / Word 答复提纲", open=False):
        panel["selected"] = gr.CheckboxGroup(
            choices=[], label="答复提纲采用的先例（不选则用全部结果）"
        )
        with gr.Row():
            panel["xlsx"] = gr.Button("导出 Excel (.xlsx)", size="md")
            panel["csv"] = gr.Button("导出 CSV", size="md")
            panel["docx"] = gr.Button("生成答复提纲 (Word)", variant="primary", size="md")
        panel["files"] = gr.File(label="下载", interactive=False)
    return panel


def _wire_exports(
    handlers: Handlers,
    panel: dict[str, Any],
    hits: gr.State,
    asked: gr.State,
    view: overview.Overview,
) -> None:
    def table(fmt: str) -> Any:
        def export(shown: tuple[SearchHit, ...], counts: Any, report: Any) -> str | None:
            return _file_or_warning(
                lambda: handlers.export_table(shown, fmt, counts=counts, topics=report)
            )

        return export

    def outline(query: str, shown: tuple[SearchHit, ...], selected: list[str]) -> str | None:
        return _file_or_warning(lambda: handlers.export_outline(query, shown, selected))

    for fmt in ("xlsx", "csv"):
        panel[fmt].click(
            table(fmt), [hits, view.counts, view.report], [panel["files"]],
            api_visibility="private",
        )  # fmt: skip
    panel["docx"].click(
        outline, [asked, hits, panel["selected"]], [panel["files"]], api_visibility="private"
    )


def _file_or_warning(make: typing.Callable[[], Any]) -> str | None:
    try:
        return str(make())
    except QueryError as exc:
        # Exports have no inline status: the toast is the one notice, titled in Chinese.
        gr.Warning(escape(str(exc)), duration=6, title="提示")  # toast text is rendered as HTML
        return None


def _add_api(handlers: Handlers) -> None:
    def search(
        query: str,
        k: int = K_DEFAULT,
        mode: str = "hybrid",
        date_from: str = "",
        date_to: str = "",
        issuer: str = "",
        kinds: list[str] | None = None,
        grades: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Search the replies; returns hits as JSON (see app/API.md)."""
        values = (query, k, mode, date_from, date_to, issuer, kinds, grades)
        return _answer(handlers.api_search, values)

    def search_overview(
        query: str,
        k: int = K_DEFAULT,
        mode: str = "hybrid",
        date_from: str = "",
        date_to: str = "",
        issuer: str = "",
        kinds: list[str] | None = None,
        grades: list[str] | None = None,
    ) -> dict[str, Any]:
        """Search the replies; returns {"hits": [...], "counts": {...}} (facet counts)."""
        values = (query, k, mode, date_from, date_to, issuer, kinds, grades)
        return _answer(handlers.api_search_overview, values)

    # gr.api reads the return type from inspect.signature, which sees strings under
    # `from __future__ import annotations`; resolve them so the API schema is right.
    for endpoint in (search, search_overview):
        endpoint.__annotations__ = typing.get_type_hints(endpoint)
    gr.api(search, api_name="search")
    gr.api(search_overview, api_name="search_overview")


def _answer(handler: typing.Callable[..., Any], values: tuple[Any, ...]) -> Any:
    """Call an API handler with the form's values by field name; a bad request is a gr.Error
    with the catalogue's Chinese message (the endpoints' signatures stay explicit because
    gradio builds the API schema from them)."""
    try:
        return handler(**dict(zip(FORM_FIELDS, values, strict=True)))
    except QueryError as exc:
        raise gr.Error(str(exc), print_exception=False) from None
