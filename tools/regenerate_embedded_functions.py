"""Regenerate the function lists of the embedded catalog (spec_catalog/data/NNN.yaml).

- 031 and 032: the real functions, read from the Digital Agency 共通機能標準仕様書 (Word) by the importer,
  with the real 031 layout read from its 項目定義書; marked ``official`` with the document's version.
- Every other business (sample content): its function IDs move to the sequence range 9001–9999
  (0010001 → 0019001), which the published lists never use (docs/catalog.md says why), so a sample ID
  can never be taken for a real function. Already moved IDs stay as they are: running this again changes
  nothing.

Run from the repository root: ``.venv/bin/python tools/regenerate_embedded_functions.py``. Outside the
package on purpose: it reads the shared fixtures, which are not shipped.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from spec_catalog.importers import import_workbook
from spec_catalog.importers.docx import read_docx
from spec_catalog.models import BusinessSpec
from spec_catalog.store import EMBEDDED_DIR, MANIFEST, dump_business, load_business_file, load_directory
from spec_catalog.vocab import Source

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures" / "digital-agency"
SPEC_DOCUMENT = FIXTURES / "common-feature-spec-v2.1.docx"
ITEM_DEFINITION = FIXTURES / "jutogai-atena-item-definition.xlsx"

FUNCTIONS_SOURCE = "出典: デジタル庁「地方公共団体情報システム共通機能標準仕様書【第2.1版】」(PDL 1.0) を加工して作成"
LAYOUT_SOURCE = (
    "データ項目・コード一覧の出典: デジタル庁「地方公共団体情報システム共通機能標準仕様書」別紙 "
    "項目定義書（住登外者宛名番号管理）2023-09-29 (PDL 1.0) を加工して作成"
)
COMMON_FROM_DOCUMENT = ("031", "032")
SAMPLE_SEQUENCE_START = 9000  # sample sequences are 9001-9999: 0010001 -> 0019001


def sample_id(function_id: str) -> str:
    """The ID of a sample function in the sample range; an ID already in it is returned as it is."""
    business, sequence = function_id[:3], int(function_id[3:])
    if sequence > SAMPLE_SEQUENCE_START:
        return function_id
    if sequence >= 1000:
        raise SystemExit(f"sample function {function_id}: sequence too large for the sample range")
    return f"{business}{SAMPLE_SEQUENCE_START + sequence:04d}"


def renumber_sample(spec: BusinessSpec) -> BusinessSpec:
    moved = {f.function_id: sample_id(f.function_id) for f in spec.functions}
    functions = [f.model_copy(update={"function_id": moved[f.function_id]}) for f in spec.functions]
    layouts = [
        group.model_copy(
            update={
                "items": tuple(
                    item.model_copy(
                        update={"related_functions": tuple(moved.get(r, r) for r in item.related_functions)}
                    )
                    for item in group.items
                )
            }
        )
        for group in spec.layouts
    ]
    return BusinessSpec.model_validate({**spec.model_dump(by_alias=True), "functions": functions, "layouts": layouts})


def common_from_document(spec: BusinessSpec, layout_from: BusinessSpec | None) -> BusinessSpec:
    document = read_docx(SPEC_DOCUMENT)
    functions = [f for f in document.functions if f.function_id[:3] in spec.ids]
    attribution = " / ".join([FUNCTIONS_SOURCE, *([LAYOUT_SOURCE] if layout_from else [])])
    return BusinessSpec.model_validate(
        {
            **spec.summary().model_dump(),
            "functions": functions,
            "layouts": layout_from.layouts if layout_from else (),
            "code_lists": layout_from.code_lists if layout_from else (),
            "spec_version": document.spec_version,
            "source": Source.OFFICIAL,
            "attribution": attribution,
        }
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        import_workbook(ITEM_DEFINITION, Path(scratch))
        layout_031 = load_directory(Path(scratch)).business("031")
    for path in sorted(p for p in EMBEDDED_DIR.glob("*.yaml") if p.name != MANIFEST):
        spec = load_business_file(path)
        if spec.business_id in COMMON_FROM_DOCUMENT:
            spec = common_from_document(spec, layout_031 if spec.business_id == "031" else None)
        elif spec.source is Source.SAMPLE:
            spec = renumber_sample(spec)
        text = dump_business(spec)
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"rewrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
