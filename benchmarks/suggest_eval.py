"""Precision of 'fitgap assess suggest' on the labelled evaluation set (tests/data/suggest_eval.csv).

Run: python benchmarks/suggest_eval.py   (prints the figures and the misses; docs/suggest.md records them)
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from fitgap.assessment.suggest import Matcher
from spec_catalog import load_embedded

EVAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "suggest_eval.csv"


def evaluate(path: Path = EVAL) -> dict[str, float]:
    catalog = load_embedded()
    matchers: dict[str, Matcher] = {}
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    hits1 = hits3 = 0
    misses = []
    for row in rows:
        matcher = matchers.setdefault(row["business_id"], Matcher(catalog.business(row["business_id"])))
        ranked = [c.function_id for c in matcher.rank(row["text"])]
        hits1 += ranked[0] == row["function_id"]
        hits3 += row["function_id"] in ranked
        if ranked[0] != row["function_id"]:
            misses.append(f"{row['text']} -> {ranked} (expected {row['function_id']})")
    result = {"rows": len(rows), "precision_at_1": hits1 / len(rows), "precision_at_3": hits3 / len(rows)}
    if "--misses" in sys.argv:
        print("\n".join(misses))
    return result


if __name__ == "__main__":
    figures = evaluate()
    print(
        f"rows={figures['rows']:.0f} precision@1={figures['precision_at_1']:.3f} "
        f"precision@3={figures['precision_at_3']:.3f}"
    )
