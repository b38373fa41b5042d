"""The Gradio app's helpers: rendering, exports, form parsing and start-up (see ui.py)."""

from __future__ import annotations

from app.export import export_csv, export_outline_docx, export_xlsx
from app.handlers import Handlers, SearcherLike
from app.query import build_filters, parse_date
from app.render import highlight, render_hits, render_reply

__all__ = [
    "Handlers",
    "SearcherLike",
    "build_filters",
    "export_csv",
    "export_outline_docx",
    "export_xlsx",
    "highlight",
    "parse_date",
    "render_hits",
    "render_reply",
]
