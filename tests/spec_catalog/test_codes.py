"""The code catalogue is the single source of every code: complete, and the docs' tables generated from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spec_catalog.codes import CATALOGUE, Area, Code, render_docs
from spec_catalog.findings import Finding

ROOT = Path(__file__).resolve().parents[2]
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]


def test_every_code_has_one_entry() -> None:
    assert set(CATALOGUE) == set(Code)
    for code, entry in CATALOGUE.items():
        assert entry.code is code and entry.ja and entry.en and entry.description


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_docs_tables_are_generated_from_the_catalogue(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert render_docs(text) == text, f"{path.name} is out of date: run python -m spec_catalog.codes"


def test_every_area_is_documented() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in DOCS)
    for area in Area:
        assert f"<!-- codes:{area.value} -->" in text


def test_docs_name_no_code_the_catalogue_lacks() -> None:
    """A code-shaped name in backticks in the docs is a code of the catalogue (or a gap class, a known word)."""
    words = {"FIT", "FIT_WITH_CONFIG", "GAP_OPERATION", "GAP_BPR", "GAP_OPTION_NOT_ADOPTED", "GAP_PROHIBITED"}
    words |= {
        "GAP_EXTERNAL",
        "GAP_EUC",
        "OUT_OF_SCOPE",
        "BOOLEAN_ONLY",
        "SUMMARY",
        "FITGAP_FAULT",
        "BUSINESS_GROUP",
        "TRY_CAST",
    }
    for path in DOCS:
        for name in re.findall(r"`([A-Z][A-Z0-9]*_[A-Z0-9_]+)`", path.read_text(encoding="utf-8")):
            assert name in Code.__members__ or name in words, f"{path.name} names {name}, not in the catalogue"


def test_a_finding_takes_its_severity_from_the_catalogue() -> None:
    finding = Finding(code=Code.ASSESS_MANDATORY_UNDECIDED, message="x")
    assert finding.severity == "warning"
    with pytest.raises(
        ValueError, match="ASSESS_MANDATORY_UNDECIDED の重大度はコード一覧では warning です（error ではありません）"
    ):
        Finding(code=Code.ASSESS_MANDATORY_UNDECIDED, severity="error", message="x")


def test_messages_fill_their_placeholders() -> None:
    entry = CATALOGUE[Code.READINESS_FORCED_GAPS]
    assert entry.message("ja", count=2) == "未対応の要廃止機能 2 件"
    assert entry.message("en", count=1) == "1 unresolved forced gap(s)"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("強制ギャップ", "要廃止の実装不可機能"),
        ("新規業務", "新たに行う業務"),
        ("準備度", "対応完了率"),
        ("隔離", "移行エラー"),
        ("不合格", "チェックエラー"),
    ],
)
def test_japanese_messages_use_the_glossary(old: str, new: str) -> None:
    """docs/glossary.md: the words a translation chose first are not what a user reads."""
    assert [c for c, e in CATALOGUE.items() if old in e.ja] == [], f"say {new}"
