"""What the buttons do, as plain methods over a searcher: testable without a browser.

Each method takes the form's values and returns the values of the outputs it is wired to
in ``ui.py``; gradio-specific updates (tab switches, dropdown choices) are built there.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.charts import recurrence_line
from app.export import export_csv, export_outline_docx, export_xlsx
from app.render import card_note, notice, render_hits, render_reply
from search import Filters, OverviewCounts, QueryError, SearcherLike, SearchHit, SearchRequest
from search.topics import TopicReport

logger = logging.getLogger(__name__)

OUTLINE_DEFAULT = 3  # precedents pre-selected for the Word outline
EXPORT_TTL_S = 3600  # exported files are kept this long on the server
# The search form's fields, by name: the page wires its components to these, and
# Handlers.search and the API take them as keyword arguments.
FORM_FIELDS = ("query", "k", "mode", "date_from", "date_to", "issuer", "kinds", "grades")


@dataclass(frozen=True)
class SearchOutcome:
    """A search as the page shows it: an inline status, the cards, and the hits behind them."""

    status: str
    cards: str
    hits: tuple[SearchHit, ...]
    error: str | None = None  # the QueryError message, for a toast
    counts: OverviewCounts | None = None  # facet counts over every match above the floor
    recurrence: str = ""  # 「类似问题出现过 N 次…」 above the cards, for a pasted message


def choices(hits: Sequence[SearchHit]) -> list[tuple[str, str]]:
    """``(label, doc_id)`` pairs for the dropdown and checkbox group listing the results."""
    return [(f"{h.rank}. {h.title}", h.doc_id) for h in hits]


class Handlers:
    """Search, read, find-similar and export, bound to one searcher and one download folder."""

    def __init__(self, searcher: SearcherLike, *, export_dir: Path | None = None) -> None:
        self.searcher = searcher
        self.export_dir = Path(export_dir or tempfile.mkdtemp(prefix="xianli-export-"))
        self.export_dir.mkdir(parents=True, exist_ok=True)

    def search(self, **form: Any) -> SearchOutcome:
        """Run a search from the form's fields; a :class:`QueryError` becomes a notice."""
        try:
            request = SearchRequest.parse(**form)
            started = time.perf_counter()
            result = self.searcher.search_with_overview(request)
        except QueryError as exc:
            return SearchOutcome(notice(str(exc), tone="warn"), "", (), error=str(exc))
        took = time.perf_counter() - started
        hits, counts = result.hits, result.counts
        logger.info(
            "search of %d characters → %d hits (%d above the floor) in %.3f s",
            len(request.query), len(hits), counts.total, took,
        )  # fmt: skip
        status = notice(f"找到 {len(hits)} 件相关答复（用时 {took:.2f} 秒）") if hits else ""
        cards = render_hits(hits, notes=self._notes(hits))
        recurrence = recurrence_line(counts, request.query)
        return SearchOutcome(status, cards, hits, counts=counts, recurrence=recurrence)

    def topics(self, date_from: str, date_to: str, **filters: Any) -> TopicReport:
        """Recurring topics of a date window (both ends required), with the form's filters."""
        window = Filters.parse(date_from, date_to)
        if not (window.date_from and window.date_to):
            raise QueryError("topic_window")
        rest = Filters.parse(**filters)
        return self.searcher.topics(window.date_from, window.date_to, rest)

    def api_search(self, **form: Any) -> list[dict[str, Any]]:
        """The JSON API: hits as dicts; raises :class:`QueryError` for input to correct."""
        return [h.to_dict() for h in self.searcher.run(SearchRequest.parse(**form))]

    def api_search_overview(self, **form: Any) -> dict[str, Any]:
        """The JSON API with counts: ``{"hits": [...], "counts": {...}}``."""
        return self.searcher.search_with_overview(SearchRequest.parse(**form)).to_dict()

    def reply(self, doc_id: str | None) -> str:
        """The reply view for ``doc_id``, or a hint to pick one."""
        if not doc_id:
            return notice("从上方选择一件答复，或在检索结果中点“查看全文”。", tone="empty")
        try:
            return render_reply(self.searcher.reply(doc_id))
        except QueryError as exc:
            return notice(str(exc), tone="warn")

    def similar(self, doc_id: str | None, k: int = 10) -> SearchOutcome:
        """Cards for the replies most like ``doc_id``."""
        if not doc_id:
            message = "请先选择一件答复，再查找相似答复。"
            return SearchOutcome(notice(message, tone="warn"), "", (), error=message)
        try:
            hits = self.searcher.similar(doc_id, k=k)
        except QueryError as exc:
            return SearchOutcome(notice(str(exc), tone="warn"), "", (), error=str(exc))
        title = self.searcher.reply(doc_id).title
        heading = f"与《{title}》相似的 {len(hits)} 件答复"
        cards = render_hits(hits, heading=heading, notes=self._notes(hits))
        return SearchOutcome("", cards, tuple(hits))

    def export_table(
        self,
        hits: Sequence[SearchHit],
        fmt: str,
        *,
        counts: OverviewCounts | None = None,
        topics: TopicReport | None = None,
    ) -> Path:
        """The results as ``xlsx`` (with an 概览 sheet of ``counts`` and ``topics``) or ``csv``
        in a fresh file under the download folder."""
        if not hits:
            raise QueryError("no_results_yet")
        path = self._new_path("results", fmt)
        if fmt == "xlsx":
            return export_xlsx(list(hits), path, counts=counts, topics=topics)
        return export_csv(list(hits), path)

    def export_outline(
        self, query: str, hits: Sequence[SearchHit], selected: Sequence[str] | None
    ) -> Path:
        """A Word outline from the selected results (all results when none are ticked)."""
        if not hits:
            raise QueryError("no_results_yet")
        chosen = [h for h in hits if h.doc_id in set(selected or ())] or list(hits)
        replies = {h.doc_id: self.searcher.reply(h.doc_id) for h in chosen}
        return export_outline_docx(query, chosen, replies, self._new_path("outline", "docx"))

    def _notes(self, hits: Sequence[SearchHit]) -> dict[str, str]:
        notes = {h.doc_id: card_note(self.searcher.reply(h.doc_id)) for h in hits}
        return {doc_id: note for doc_id, note in notes.items() if note}

    def _new_path(self, stem: str, suffix: str) -> Path:
        self._prune()
        # A folder per export, so two sessions exporting in the same second never collide.
        folder = Path(tempfile.mkdtemp(prefix=f"{stem}-", dir=self.export_dir))
        return folder / f"xianli-{stem}-{time.strftime('%Y%m%d-%H%M%S')}.{suffix}"

    def _prune(self) -> None:
        """Delete exports older than :data:`EXPORT_TTL_S`; gradio has served its own copy."""
        cutoff = time.time() - EXPORT_TTL_S
        for folder in self.export_dir.iterdir():
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
