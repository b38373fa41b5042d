"""The Gradio app: page layout, handlers, rendering, exports and start-up (see ui.py)."""

from app.export import export_csv, export_outline_docx, export_xlsx
from app.handlers import Handlers
from app.page import build_app
from app.render import highlight, render_hits, render_reply

__all__ = [
    "Handlers",
    "build_app",
    "export_csv",
    "export_outline_docx",
    "export_xlsx",
    "highlight",
    "render_hits",
    "render_reply",
]
