"""The printed tables of ``python -m bench.measures`` (extractor and labeller agreement)."""

from __future__ import annotations

from typing import Any

from bench.measures_score import fmt

_TABLES = (
    ("extractor against gold", "extractor", "gold  pred", "gold->pred", "stage acc"),
    (
        "labeller B against A (all items labelled twice)",
        "agreement",
        "   A     B",
        "A->B",
        "stage agr",
    ),
)


def print_report(
    result: dict[str, Any], *, split: str, min_share: float, share_of: str = "shorter"
) -> None:
    """The results as two small tables, each with its stage pairs below."""
    print(f"measure extraction, split={split}; a predicted span matches a gold span when they")
    print(f"overlap by ≥ {min_share:.0%} of the {share_of} one (one-to-one, largest overlap first)")
    for title, part, cols, arrow, stage in _TABLES:
        print(f"\n{title}\ngroup    items  {cols}  match  precision  recall  F1     {stage}")
        for g, r in result[part].items():
            print(
                f"{g:<8} {r['items']:>5} {r['gold']:>5} {r['pred']:>5} {r['matched']:>6}  "
                f"{fmt(r['precision']):>9}  {fmt(r['recall']):>6}  {fmt(r['f1']):>5}  "
                f"{fmt(r['stage_accuracy']):>9}"
            )
        for g, r in result[part].items():
            print(f"  {g}: stages ({arrow}) {r['stage_pairs'] or '{}'}; {_extra(part, r)}")


def _extra(part: str, row: dict[str, Any]) -> str:
    if part == "agreement":
        return f"stage kappa {fmt(row['stage_kappa'])}"
    h = row["handling"]
    return (
        f"actor match {fmt(row['actor_match'])}, date recall {fmt(row['date_recall'])}, "
        f"amount recall {fmt(row['amount_recall'])}, unmatched on referral/ack text "
        f"{row['pred_on_referral_or_ack']}, unlocated {row['unlocated']}; handling "
        f"(ack/referral) P {fmt(h['precision'])} R {fmt(h['recall'])} kind "
        f"{fmt(h['kind_accuracy'])}"
    )
