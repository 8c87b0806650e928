"""The embedded 031 and 032 are official content: marked so, labelled with the document they were processed
from, their 出典 shown with their functions; and reports name a sub-business with the business it belongs to."""

from __future__ import annotations

import pytest

from reports.catalog import businesses_table, catalog_document, functions_table, items_table, source_label
from spec_catalog import Source, load_embedded
from spec_catalog.language import chosen
from spec_catalog.models import BusinessSpec, Catalog
from spec_catalog.vocab import business_label

FUNCTIONS_SOURCE = "出典: デジタル庁「地方公共団体情報システム共通機能標準仕様書【第2.1版】」(PDL 1.0) を加工して作成"
LAYOUT_SOURCE = (
    "データ項目・コード一覧の出典: デジタル庁「地方公共団体情報システム共通機能標準仕様書」別紙 "
    "項目定義書（住登外者宛名番号管理）2023-09-29 (PDL 1.0) を加工して作成"
)


@pytest.mark.parametrize("business_id", ["031", "032"])
def test_the_real_common_functions_are_official_with_their_version(business_id: str) -> None:
    spec = load_embedded().business(business_id)
    assert (spec.source, spec.spec_version, spec.sample_parts) == (Source.OFFICIAL, "第2.1版", None)


def test_every_other_embedded_business_is_still_a_sample() -> None:
    sources = {b.business_id: b.source for b in load_embedded().businesses}
    assert {i for i, s in sources.items() if s is not Source.SAMPLE} == {"031", "032"}


@pytest.mark.parametrize(
    ("business_id", "note"),
    [("031", f"{FUNCTIONS_SOURCE} / {LAYOUT_SOURCE}"), ("032", FUNCTIONS_SOURCE)],
)
def test_the_functions_table_of_official_content_carries_its_attribution(business_id: str, note: str) -> None:
    assert functions_table(load_embedded().business(business_id)).note == note


def test_the_functions_table_of_a_sample_carries_the_sample_label_alone() -> None:
    with chosen("en"):
        note = functions_table(load_embedded().business("001")).note
    assert note == (
        "SAMPLE: this catalog includes fitgap's sample content (function lists, some layouts), not the official "
        "specification; import the official files with 'fitgap catalog import'."
    )


def test_the_exported_function_table_says_which_functions_are_sample_and_where_the_others_come_from() -> None:
    catalog = load_embedded()
    chosen_businesses = [catalog.business("001"), catalog.business("031"), catalog.business("032")]
    with chosen("ja"):
        document = catalog_document(catalog, chosen_businesses)
    functions = next(t for t in document.tables if t.title == "機能要件")
    assert functions.note == (
        "サンプル: このカタログには fitgap のサンプル内容（機能一覧、一部のデータレイアウト）が含まれ、公式の標準仕様書では"
        f"ありません。公式のファイルは fitgap catalog import で取り込んでください。 / {FUNCTIONS_SOURCE} / "
        f"{LAYOUT_SOURCE}"
    )


@pytest.mark.parametrize(
    ("business_id", "label"),
    [
        ("001", "001 住民基本台帳"),
        ("005", "005 選挙（共通）"),  # the name says it already
        ("007", "007 期日前・不在者投票管理（選挙）"),
        ("008", "008 当日投票管理（選挙）"),
        ("009", "009 在外選挙管理"),  # 選挙 is in the name
        ("014", "014 収納管理（税）"),
        ("015", "015 滞納管理（税）"),
        ("016", "016 地方税（共通）"),
        ("018", "018 就学援助"),
        ("038", "038 人口動態調査（戸籍）"),  # no family: the business it is part of
        ("031", "031 住登外者宛名番号管理"),
        ("099", "099"),  # not of the scheme: the ID alone
    ],
)
def test_a_sub_business_is_labelled_with_its_parent(business_id: str, label: str) -> None:
    assert business_label(business_id) == label


def test_report_tables_label_a_sub_business_with_its_parent() -> None:
    base = load_embedded().business("001")
    items = [i.model_copy(update={"item_id": "014" + i.item_id[3:]}) for g in base.layouts[:1] for i in g.items[:1]]
    spec = BusinessSpec.model_validate(
        {
            **base.summary().model_dump(exclude={"sample_parts"}),
            "business_id": "014",
            "name": "収納管理",
            "functions": [],
            "layouts": [{"name": items[0].group, "items": items}],
            "code_lists": [],
        }
    )
    with chosen("ja"):
        assert items_table(spec).title == "データ項目 — 014 収納管理（税）"
        assert functions_table(spec).title == "機能要件 — 014 収納管理（税）"


@pytest.mark.parametrize(
    ("source", "business_id", "version", "ja", "en"),
    [
        (Source.SAMPLE, "001", None, "サンプル", "sample"),
        (
            Source.OFFICIAL,
            "031",
            "第2.1版",
            "公式（共通機能標準仕様書 第2.1版を加工して作成）",
            "official (processed from 共通機能標準仕様書 第2.1版)",
        ),
        (Source.IMPORTED, "014", "第2.1版", "公式ファイルから取込", "official import"),
    ],
    ids=["sample", "official", "imported"],
)
def test_the_source_in_words(source: Source, business_id: str, version: str | None, ja: str, en: str) -> None:
    with chosen("ja"):
        assert source_label(source, business_id, version) == ja
    with chosen("en"):
        assert source_label(source, business_id, version) == en


def test_the_overview_of_an_export_says_official_for_031() -> None:
    catalog = load_embedded()
    with chosen("ja"):
        table = businesses_table(Catalog(name=catalog.name, businesses=(catalog.business("031"),)))
    assert table.rows[0][-1] == "公式（共通機能標準仕様書 第2.1版を加工して作成）"
