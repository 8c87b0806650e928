"""Data for the Fit & Gap benchmark: a catalog of 20 businesses × 300 functions and a filled workbook."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fitgap.assessment.template import write_template  # noqa: E402
from fitgap.demo import fill_assessment  # noqa: E402
from spec_catalog import BusinessSpec, load_embedded  # noqa: E402
from spec_catalog.store import load_directory, write_business  # noqa: E402

CLASSES = ["実装必須機能"] * 7 + ["標準オプション機能"] * 2 + ["実装不可機能"]


def main(folder: Path) -> None:
    embedded = load_embedded()
    catalog_dir = folder / "catalog"
    for spec in [b for b in embedded.businesses if not b.common]:
        data = spec.summary().model_dump()
        data["functions"] = [
            {
                "function_id": f"{spec.business_id}{n:04d}",
                "name": f"機能{n}",
                "class": CLASSES[n % len(CLASSES)],
                "requirement": f"{spec.name}の機能{n}の要件。",
            }
            for n in range(1, 301)
        ]
        write_business(catalog_dir, BusinessSpec.model_validate(data))
    catalog = load_directory(catalog_dir)
    workbook = folder / "assessment.xlsx"
    write_template(workbook, catalog, list(catalog.businesses))
    fill_assessment(workbook, dt.date(2026, 11, 26))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
