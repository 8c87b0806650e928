"""Items the legacy export does not hold: constants and derived items are recorded with the run and shown, and a
必須 item the mapping omits is named with the fix (every row would be quarantined)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb

from conftest import CliResult

Cli = Callable[..., CliResult]


def _without(mapping: Path, item: str) -> Path:
    lines = [line for line in mapping.read_text(encoding="utf-8").splitlines() if not line.startswith(f"  {item}:")]
    out = mapping.with_name(f"without-{item}.yaml")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_the_run_records_where_each_item_came_from(cli: Cli, residents: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    result = cli("convert", "run", residents / "mapping-csv.yaml", "--db", db, "--json", "--accept-quarantine")
    assert result.exit_code == 0, result.stderr
    origins = {o["item"]: o for o in json.loads(result.stdout)["origins"]}
    assert origins["shimeimiteikubun"]["origin"] == "constant" and origins["shimeimiteikubun"]["value"] == "0"
    assert origins["jusho_todofuken"] == {
        "item": "jusho_todofuken", "name": origins["jusho_todofuken"]["name"], "required": False,
        "origin": "constant", "columns": [], "value": "北海道",
    }  # fmt: skip
    assert origins["shimei"]["origin"] == "source" and origins["shimei"]["columns"] == ["氏名"]
    # 不詳表記 is not in the mapping, but era_date fills it with the 生年月日 that are 不詳: not "omitted"
    fushou = origins["seinengappi_fushohyoki"]
    assert (fushou["origin"], fushou["columns"]) == ("companion", ["seinengappi"])
    with duckdb.connect(str(db), read_only=True) as con:
        (recorded,) = con.execute("SELECT item_origins FROM fitgap_runs").fetchone()
    by_item = {o["item"]: o["origin"] for o in json.loads(recorded)}
    assert by_item["shimeimiteikubun"] == "constant" and by_item["shimei"] == "source"
    assert set(by_item) == set(origins)  # every item of the group, omitted ones included


def test_a_derived_item_is_recorded_with_its_columns(cli: Cli, residents: Path, tmp_path: Path) -> None:
    mapping = residents / "mapping-csv.yaml"
    text = mapping.read_text(encoding="utf-8").replace(
        "  jusho_banchigohyoki: {from: 番地}",
        '  jusho_banchigohyoki: {from: [町字, 番地], transforms: [{join: {separator: "　"}}]}',
    )
    derived = residents / "derived.yaml"
    derived.write_text(text, encoding="utf-8")
    result = cli("convert", "run", derived, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "元データの1列から作らない項目" in result.stdout
    assert "複数列から導出" in result.stdout and "町字 + 番地" in result.stdout
    assert "定数" in result.stdout


def test_an_omitted_required_item_is_named_with_the_fix(cli: Cli, residents: Path, tmp_path: Path) -> None:
    mapping = _without(residents / "mapping-csv.yaml", "sosanengappi")
    result = cli("convert", "run", mapping, "--dry-run")
    assert result.exit_code == 0, result.stderr  # a preview
    assert "必須項目 1 件がマッピングにありません" in result.stdout
    assert "value:" in result.stdout and "from: [列1, 列2]" in result.stdout
    omitted = [line for line in result.stdout.splitlines() if "sosanengappi" in line]
    assert omitted and "マッピングなし" in omitted[0] and "必須" in omitted[0]
    real = cli("convert", "run", mapping, "--db", tmp_path / "r.duckdb")
    assert real.exit_code == 1  # every row fails 必須: the guard rejects the run, and the line says what to do
    assert "必須項目 1 件がマッピングにありません" in real.stdout
