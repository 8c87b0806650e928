"""The publish guard: a run that would lose data is rejected, and what was published survives byte for byte.


One test per class of data loss (a bad run, every row quarantined, an empty source, a mapping with no items,
fewer rows than published, a key another mapping holds), each also showing the option that publishes on purpose.
Every published state starts from the ``published`` fixture: mapping ``a``, 100 rows, row 100 quarantined.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import duckdb
import pytest

from converters.engine import run_conversion
from converters.guard import PublishGuard, judge
from converters.mapping import load_mapping
from reports.masking import mask
from spec_catalog import load_embedded
from spec_catalog.codes import Code
from spec_catalog.vocab import Sensitivity

from conftest import CliResult


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tables pin the English wording of the messages (a run in English: LANG=en_US); that they are said
    in Japanese by default is tests/converters/test_messages_language.py's."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")


Cli = Callable[..., CliResult]
TABLE = "031_住登外者宛名基本情報"
MAPPING = """name: {name}
source: {{format: csv, path: {source}, header: true}}
target: {{business: "031", group: 住登外者宛名基本情報}}
{key}items:
  atenabango: {{from: num}}
  shimei: {{from: name}}
  daihyoatenafuragu: {{from: flag}}
  sosashaid: {{from: op}}
  sosanengappi: {{from: day}}
  sosajikoku: {{from: time}}
  seinengappi_fushohyoki: {{value: 不詳}}
"""
QUARANTINE_HINT = (
    "fix the mapping or the source and run again; to read the quarantined lines, run with --accept-quarantine "
    "into a scratch --db; to publish as it is, --accept-quarantine"
)
DROP_HINT = "check that the source is the whole export; if those rows are really gone, run with --allow-drop"
EMPTY_HINT = "check that the export is complete; to empty the mapping's rows on purpose, run with --allow-empty"


def _name(n: int) -> str:
    return "森　" + str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def _csv(path: Path, numbers: Iterable[int], bad: Iterable[int] = ()) -> None:
    """One row per number; a row in ``bad`` has 代表宛名フラグ 7, outside its code list (CODE_NOT_IN_LIST)."""
    wrong = set(bad)
    lines = ["num,name,flag,op,day,time"]
    lines += [f"{n},{_name(n)},{7 if n in wrong else 0},OP1,R050401,0930" for n in numbers]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))


def _mapping(folder: Path, name: str = "a", source: str = "data.csv", key: str = "") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(MAPPING.format(name=name, source=source, key=key), encoding="utf-8")
    return path


def _run(cli: Cli, mapping: Path, *flags: str) -> tuple[CliResult, dict[str, object]]:
    result = cli("convert", "run", mapping, "--db", mapping.parent / "t.duckdb", "--json", *flags)
    return result, json.loads(result.stdout) if result.stdout else {}


def _state(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every published row (all columns, the lineage too) and every quarantine entry, in a fixed order."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(f'SELECT * FROM "{TABLE}" ORDER BY _mapping, _source_line').fetchall()
        quarantine = con.execute("SELECT * FROM fitgap_quarantine ORDER BY mapping, line, item").fetchall()
    return rows, quarantine


def _runs(db: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT status, rows_read, rows_loaded, rows_quarantined, reconciled, message FROM fitgap_runs "
            "ORDER BY started"
        ).fetchall()


def _rejected(result: CliResult, run: dict[str, object], code: Code, because: str) -> None:
    """Exit 1, the one stderr line, and the result saying the same."""
    assert result.exit_code == 1
    assert result.stderr == f"Run {run['run_id']} rejected: {because}\n"
    assert (run["status"], run["rejected_code"], run["rejected_because"]) == ("rejected", code, because)


@pytest.fixture(autouse=True)
def no_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Outside any project: the built-in 1 % threshold applies."""
    from fitgap.cli import defaults

    monkeypatch.chdir(tmp_path)
    defaults.project.cache_clear()
    yield
    defaults.project.cache_clear()


@pytest.fixture
def published(cli: Cli, tmp_path: Path) -> Path:
    """Mapping ``a`` published: 100 rows, row 100 quarantined (1.0 %: within the threshold, so it publishes)."""
    mapping = _mapping(tmp_path)
    _csv(tmp_path / "data.csv", range(1, 101), bad=[100])
    result, run = _run(cli, mapping)
    # Published, and still exit 1: rows were quarantined and --accept-quarantine was not given.
    assert (result.exit_code, result.stderr, run["status"], run["rows_loaded"]) == (1, "", "succeeded", 99)
    return mapping


def test_a_bad_run_is_rejected_and_the_published_rows_stay(cli: Cli, published: Path, tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    before = _state(db)
    _csv(tmp_path / "data.csv", range(1, 101), bad=range(66, 101))
    result, run = _run(cli, published)
    message = "quarantined 35 of 100 rows (35.0%, threshold 1.0%), by reason CODE_NOT_IN_LIST 35: nothing was published"
    _rejected(result, run, Code.RUN_QUARANTINE_OVER_THRESHOLD, f"{message} — {QUARANTINE_HINT}")
    # The result keeps what the run found: the counts it would have published and its reasons.
    assert (run["rows_read"], run["rows_loaded"], run["rows_quarantined"], run["reconciled"]) == (100, 65, 35, True)
    assert run["quarantine_by_reason"] == {"CODE_NOT_IN_LIST": 35}
    assert _state(db) == before
    assert _runs(db)[-1] == ("rejected", 100, 65, 35, True, f"RUN_QUARANTINE_OVER_THRESHOLD: {message}")


def test_a_run_that_quarantines_every_row_is_rejected(cli: Cli, published: Path, tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    before = _state(db)
    _csv(tmp_path / "data.csv", range(1, 101), bad=range(1, 101))
    result, run = _run(cli, published)
    message = (
        "quarantined 100 of 100 rows (100.0%, threshold 1.0%), by reason CODE_NOT_IN_LIST 100: nothing was published"
    )
    _rejected(result, run, Code.RUN_QUARANTINE_OVER_THRESHOLD, f"{message} — {QUARANTINE_HINT}")
    assert _state(db) == before
    # Accepting the quarantine is not enough: the run would still drop every published row.
    result, run = _run(cli, published, "--accept-quarantine")
    message = "the run would load 0 rows where the mapping has 99 published: 99 rows would go, nothing was published"
    _rejected(result, run, Code.RUN_DROPS_ROWS, f"{message} — {DROP_HINT}")
    assert _state(db) == before
    assert [r[0] for r in _runs(db)] == ["succeeded", "rejected", "rejected"]


def test_an_empty_source_is_rejected_unless_allowed(cli: Cli, published: Path, tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    before = _state(db)
    _csv(tmp_path / "data.csv", [])  # the header alone
    result, run = _run(cli, published)
    message = "the source has no data rows (99 rows published by the mapping): nothing was published"
    _rejected(result, run, Code.RUN_EMPTY_SOURCE, f"{message} — {EMPTY_HINT}")
    assert _state(db) == before
    assert _runs(db)[-1] == ("rejected", 0, 0, 0, True, f"RUN_EMPTY_SOURCE: {message}")
    result, run = _run(cli, published, "--allow-empty")  # on purpose: the mapping's rows go
    assert (result.exit_code, result.stderr, run["status"], run["rejected_because"]) == (0, "", "succeeded", None)
    assert _state(db) == ([], [])


def test_a_mapping_without_items_is_refused_when_loaded(cli: Cli, published: Path, tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    before, runs = _state(db), _runs(db)
    text = published.read_text(encoding="utf-8")
    published.write_text(text[: text.index("items:")] + "items: {}\n", encoding="utf-8")
    result = cli("convert", "run", published, "--db", db)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: {published}:4: the mapping maps no item of 住登外者宛名基本情報 — name each item and its source "
        "column under items: (fitgap convert init writes a start)\n"
    )
    assert (_state(db), _runs(db)) == (before, runs)  # refused before any run started


def test_a_run_with_fewer_rows_than_published_is_rejected_unless_allowed(
    cli: Cli, published: Path, tmp_path: Path
) -> None:
    db = tmp_path / "t.duckdb"
    before = _state(db)
    _csv(tmp_path / "data.csv", range(1, 91))  # a truncated export: no row is bad, 9 published rows are missing
    result, run = _run(cli, published)
    message = "the run would load 90 rows where the mapping has 99 published: 9 rows would go, nothing was published"
    _rejected(result, run, Code.RUN_DROPS_ROWS, f"{message} — {DROP_HINT}")
    assert _state(db) == before
    result, run = _run(cli, published, "--allow-drop")
    assert (result.exit_code, run["status"], run["rows_loaded"]) == (0, "succeeded", 90)
    rows, quarantine = _state(db)
    assert (len(rows), quarantine) == (90, [])


def test_accept_quarantine_publishes_any_rate(cli: Cli, published: Path, tmp_path: Path) -> None:
    _csv(tmp_path / "data.csv", range(1, 136), bad=range(101, 136))  # 35 of 135 quarantined, 100 load (≥ 99)
    result, run = _run(cli, published, "--accept-quarantine")
    assert (result.exit_code, result.stderr, run["status"], run["rows_loaded"]) == (0, "", "succeeded", 100)
    rows, quarantine = _state(tmp_path / "t.duckdb")
    assert (len(rows), len(quarantine)) == (100, 35)


def test_the_projects_threshold_applies(cli: Cli, published: Path, tmp_path: Path) -> None:
    from fitgap.cli import defaults

    (tmp_path / "fitgap.yaml").write_text(
        "municipality: '013455'\nname: 森町\nbusinesses: ['031']\nwelfare_office: false\n"
        "thresholds: {max_quarantine_rate: 0.5}\n",
        encoding="utf-8",
    )
    defaults.project.cache_clear()
    _csv(tmp_path / "data.csv", range(1, 136), bad=range(101, 136))  # 25.9 %: within the project's 50 %
    result, run = _run(cli, published)
    assert (result.exit_code, result.stderr, run["status"]) == (1, "", "succeeded")  # quarantined: exit 1
    assert len(_state(tmp_path / "t.duckdb")[0]) == 100


def test_the_library_default_is_the_safe_guard(published: Path, tmp_path: Path) -> None:
    assert PublishGuard() == PublishGuard(
        max_quarantine_rate=0.01, accept_quarantine=False, allow_drop=False, allow_empty=False
    )
    db = tmp_path / "t.duckdb"
    before = _state(db)
    _csv(tmp_path / "data.csv", range(1, 91))
    mapping = load_mapping(published, load_embedded())
    result = run_conversion(mapping, db)
    assert (result.status, result.rejected_code) == ("rejected", Code.RUN_DROPS_ROWS)
    assert _state(db) == before
    result = run_conversion(mapping, db, guard=PublishGuard(allow_drop=True))
    assert (result.status, result.rows_loaded, len(_state(db)[0])) == ("succeeded", 90, 90)


def test_a_key_another_mapping_published_is_quarantined(cli: Cli, published: Path, tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    before = _state(db)
    other = _mapping(tmp_path, "b", "b.csv")
    _csv(tmp_path / "b.csv", range(90, 110))  # 90–99 are a's published keys; a's row 100 was quarantined
    result, run = _run(cli, other)
    message = (
        "quarantined 10 of 20 rows (50.0%, threshold 1.0%), by reason KEY_IN_OTHER_MAPPING 10: nothing was published"
    )
    _rejected(result, run, Code.RUN_QUARANTINE_OVER_THRESHOLD, f"{message} — {QUARANTINE_HINT}")
    assert _state(db) == before
    result, run = _run(cli, other, "--accept-quarantine")
    assert (result.exit_code, run["rows_loaded"], run["quarantine_by_reason"]) == (0, 10, {"KEY_IN_OTHER_MAPPING": 10})
    rows, quarantine = _state(db)
    assert [r for r in rows if r[-1] == "a"] == before[0]  # a's rows, byte for byte
    assert [q for q in quarantine if q[1] == "a"] == before[1]
    with duckdb.connect(str(db), read_only=True) as con:
        repeated = con.execute(f'SELECT atenabango FROM "{TABLE}" GROUP BY 1 HAVING count(*) > 1').fetchall()
        entries = con.execute(
            "SELECT line, item, reason, rule, value FROM fitgap_quarantine WHERE mapping = 'b' ORDER BY line"
        ).fetchall()
    assert repeated == []  # the key is unique over the whole table
    assert entries == [
        # 宛名番号 identifies a person: masked by its item's flag
        (
            line,
            "atenabango",
            "KEY_IN_OTHER_MAPPING",
            f"{TABLE}.atenabango.primary_key",
            mask(str(line + 88), Sensitivity.PERSONAL),
        )
        for line in range(2, 12)
    ]


def test_a_personal_key_held_by_another_mapping_is_masked_as_a_duplicate_is(cli: Cli, tmp_path: Path) -> None:
    first, second = _mapping(tmp_path, "a", key="key: [shimei]\n"), _mapping(tmp_path, "b", "b.csv", "key: [shimei]\n")
    _csv(tmp_path / "data.csv", [1, 2])
    _csv(tmp_path / "b.csv", [2, 3, 3])  # 2: a holds it; the second 3 repeats the first
    assert _run(cli, first)[0].exit_code == 0
    result, run = _run(cli, second, "--accept-quarantine")
    assert (result.exit_code, run["quarantine_by_reason"]) == (0, {"KEY_DUPLICATE": 1, "KEY_IN_OTHER_MAPPING": 1})
    with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as con:
        entries = con.execute(
            "SELECT line, reason, value FROM fitgap_quarantine WHERE mapping = 'b' ORDER BY line"
        ).fetchall()
    assert entries == [
        (2, "KEY_IN_OTHER_MAPPING", mask(_name(2), Sensitivity.PERSONAL)),
        (4, "KEY_DUPLICATE", mask(_name(3), Sensitivity.PERSONAL)),
    ]
    assert _name(2) not in str(entries) and _name(3) not in str(entries)


@pytest.mark.parametrize(
    ("quarantined", "reasons", "expected"),
    [
        (100, {"A": 100}, None),  # exactly the threshold: within it
        (
            104,
            {"A": 50, "B": 30, "C": 20, "D": 4},
            "quarantined 104 of 10,000 rows (1.04%, threshold 1.00%), by reason A 50, B 30, C 20 and 1 more reason: "
            "nothing was published",
        ),
    ],
    ids=["at-threshold", "just-over"],
)
def test_the_rate_is_shown_precisely_enough_and_every_reason_is_counted(
    quarantined: int, reasons: dict[str, int], expected: str | None
) -> None:
    rejection = judge(
        PublishGuard(),
        rows_read=10_000,
        rows_loaded=10_000 - quarantined,
        rows_quarantined=quarantined,
        published=0,
        by_reason=reasons,
    )
    assert (rejection.message if rejection else None) == expected
