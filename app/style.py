"""The page's stylesheet and theme: readable Chinese text, cards that scan quickly."""

from __future__ import annotations

import gradio as gr

# System CJK faces first: the app must look right offline, so no web fonts are fetched.
FONTS: tuple[str, ...] = (
    "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
    "WenQuanYi Micro Hei", "system-ui", "sans-serif",
)  # fmt: skip


def theme() -> gr.themes.Base:
    """Gradio's default theme with a CJK font stack."""
    return gr.themes.Default(primary_hue="red", font=list(FONTS))


CSS = """
.xl-header h1 { margin: 0; font-size: 1.6rem; }
.xl-header p { margin: .2rem 0 0; color: #666; font-size: .9rem; }
.xl-notice { padding: .6rem .9rem; border-radius: 6px; margin: .3rem 0; background: #f3f6fb;
  border-left: 4px solid #6b8cc7; }
.xl-notice.xl-warn { background: #fff7e6; border-left-color: #e6a23c; }
.xl-notice.xl-empty { background: #f7f7f7; border-left-color: #bbb; color: #555; }
.xl-count { font-weight: 600; margin: .4rem 0; }
.xl-card { border: 1px solid #e3e3e3; border-radius: 8px; padding: .8rem 1rem; margin: .7rem 0;
  background: #fff; }
.xl-card header { display: flex; align-items: baseline; gap: .6rem; }
.xl-rank { color: #fff; background: #b22c2c; border-radius: 4px; padding: 0 .45rem;
  font-size: .85rem; }
.xl-title { margin: 0; font-size: 1.1rem; flex: 1; line-height: 1.5; }
.xl-score { color: #888; font-size: .85rem; white-space: nowrap; }
.xl-meta { margin: .4rem 0; display: flex; flex-wrap: wrap; gap: .35rem; }
.xl-chip { background: #f2f2f2; border-radius: 4px; padding: .05rem .5rem; font-size: .85rem; }
.xl-dup { background: #fdeceb; color: #a33; }
.xl-passage { margin: .5rem 0; padding: .4rem .8rem; border-left: 3px solid #d9d9d9;
  color: #333; line-height: 1.75; }
.xl-passage p { margin: 0; }
.xl-question { border-left-color: #8fb3d9; background: #f5f9fd; }
.xl-heading { font-size: .85rem; color: #777; }
mark { background: #ffe58f; color: inherit; padding: 0 1px; border-radius: 2px; }
.xl-measures { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
  gap: .6rem; margin-top: .4rem; }
.xl-stage h4 { margin: .2rem 0; font-size: .95rem; }
.xl-done h4 { color: #2f7d32; }
.xl-planned h4 { color: #1f5fa8; }
.xl-stage ul { margin: 0; padding-left: 1.2rem; line-height: 1.6; font-size: .92rem; }
.xl-cites { margin-top: .15rem; }
.xl-policy, .xl-amount { display: inline-block; font-size: .8rem; margin-right: .4rem;
  color: #555; background: #f5f0e6; border-radius: 3px; padding: 0 .3rem; }
.xl-amount { background: #eef5ee; }
.xl-facts { display: inline-block; font-size: .8rem; margin-right: .4rem; color: #555; }
.xl-actions { margin-top: .5rem; text-align: right; }
.xl-open { border: 1px solid #b22c2c; color: #b22c2c; background: #fff; border-radius: 4px;
  padding: .15rem .8rem; cursor: pointer; }
.xl-open:hover { background: #b22c2c; color: #fff; }
.xl-reply h2 { font-size: 1.3rem; }
.xl-fields { border-collapse: collapse; margin: .5rem 0 1rem; width: auto; }
/* gradio's prose styles box every table cell; a field list reads better without the grid */
.xl-fields, .xl-fields tr, .xl-fields th, .xl-fields td { border: 0 !important; }
.xl-fields th, .xl-fields td { border-bottom: 1px solid #eee !important; background: none;
  padding: .3rem 1.2rem .3rem 0; text-align: left; vertical-align: top; }
.xl-fields th { color: #777; font-weight: normal; white-space: nowrap; }
.xl-body { line-height: 1.8; background: #fafafa; padding: .8rem 1rem; border-radius: 6px; }
.xl-note { color: #555; margin: .25rem 0 0 2rem; font-size: .95rem; }
.xl-fold > summary { cursor: pointer; color: #444; font-size: .92rem; margin: .4rem 0 .2rem; }
"""

# Cards carry "查看全文" buttons; a click anywhere in the component is delegated to them,
# so cards added by later searches work without re-binding.
OPEN_REPLY_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('[data-open]');
  if (button) { trigger('click', {doc_id: button.dataset.open}); }
});
"""
