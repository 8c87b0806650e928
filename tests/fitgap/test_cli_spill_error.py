"""DuckDB's spill reaching its limit (by default the disk's free space: a 50M-row conversion spilled 33 GB) is a
full disk for temporary files, not a lack of memory: the one-line error says so, names the spill folder beside
the database and does not advise a lower memory limit, which would only spill more."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from fitgap.cli import _environment_error
from spec_catalog.language import chosen


def _spill_limit_error(tmp_path: Path) -> BaseException:
    """The error DuckDB raises when its temporary files reach ``max_temp_directory_size`` (a real one)."""
    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    con.execute("SET memory_limit = '30MB'; SET max_temp_directory_size = '8MB'; SET threads = 1")
    with pytest.raises(duckdb.Error) as raised:
        con.execute(
            "CREATE TEMP TABLE t AS SELECT md5(range::VARCHAR) AS a, md5((range + 1)::VARCHAR) AS b "
            "FROM range(2000000) ORDER BY a"
        )
    con.close()
    return raised.value


def test_the_spill_limit_is_a_full_disk_for_temporary_files(tmp_path: Path) -> None:
    error = _spill_limit_error(tmp_path)
    assert "max_temp_directory_size" in str(error)
    db = tmp_path / "target.duckdb"
    with chosen("en"):
        translated = _environment_error(error, ["convert", "run", "m.yaml", "--db", str(db)])
    assert translated is not None
    assert (translated.where, translated.message) == (
        f"{db}.tmp",
        "out of disk for the database's temporary files (where DuckDB writes what memory cannot hold)",
    )
    assert translated.hint is not None and "raise --memory-limit" in translated.hint
    assert "lower" not in translated.hint
