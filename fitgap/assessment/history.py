"""Progress over time: scored assessments kept as JSON snapshots in a history directory, and the
comparison of two of them (gaps closed, opened and changed).

One snapshot per scoring, never replaced: the file name has the 基準日 (``--as-of``), the workbook and the time of
the scoring; the time is also recorded inside (:attr:`Snapshot.scored_at`), and that is what orders snapshots —
a file name or a 基準日 in the future does not."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from fitgap.assessment.scoring import TOTAL, GapItem, ScoreReport, TrendPoint
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.files import check_input_file
from spec_catalog.language import say


class Snapshot(ScoreReport):
    """A scored assessment as the history keeps it: the report, and when it was scored."""

    scored_at: dt.datetime | None = None  # None only in snapshots of an earlier fitgap


def scored_at(report: ScoreReport) -> dt.datetime | None:
    """When a snapshot was scored, with its UTC offset (a time without one is taken as local time)."""
    time = report.scored_at if isinstance(report, Snapshot) else None
    return time.astimezone() if time is not None else None


def snapshot_path(directory: Path, report: ScoreReport, scored: dt.datetime, attempt: int = 1) -> Path:
    suffix = f"_{attempt}" if attempt > 1 else ""  # after the first in name order too
    return directory / f"{report.as_of.isoformat()}_{Path(report.file).stem}_{scored:%Y%m%dT%H%M%S}{suffix}.json"


def save_snapshot(report: ScoreReport, directory: Path, *, now: dt.datetime | None = None) -> Path:
    """Keep ``report`` as a new snapshot in ``directory`` (never replacing one: two scorings, two files)."""
    scored = now or dt.datetime.now()  # microseconds too: they order two scorings of a second
    scored = scored if scored.tzinfo is not None else scored.astimezone()
    snapshot = Snapshot(**{**dict(report), "trend": (), "scored_at": scored})
    text = snapshot.model_dump_json(indent=2)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=directory, prefix=".snapshot-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as temporary:
            temporary.write(text)
        try:
            for attempt in range(1, 1000):
                path = snapshot_path(directory, report, scored, attempt)
                try:
                    os.link(name, path)  # whole or not at all, and never over an existing file
                except FileExistsError:
                    continue
                except OSError:  # no hard links here (some network shares): create it exclusively instead
                    try:
                        with path.open("x", encoding="utf-8") as out:
                            out.write(text)
                    except FileExistsError:
                        continue
                return path
        finally:
            Path(name).unlink(missing_ok=True)
    except OSError as exc:
        raise FitgapError(
            say(f"スナップショットを保存できません: {exc.strerror}", f"cannot keep the snapshot: {exc.strerror}"),
            where=directory,
        ) from None
    raise FitgapError(  # pragma: no cover
        say("1 秒間にスナップショットが 1000 件あります", "a thousand snapshots in one second"), where=directory
    )


def load_snapshot(path: Path) -> Snapshot:
    """A snapshot, or any scored assessment JSON (``fitgap assess score --json``: no scoring time then)."""
    if path.exists():
        check_input_file(path, say("スナップショット", "snapshot"))  # a FIFO or a device would hang or stream for ever
    try:
        return Snapshot.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FitgapError(
            say("スナップショットが見つかりません", "snapshot not found"),
            where=path,
            hint=say(
                "'fitgap assess score' が書いた JSON ファイルを指定してください",
                "give a JSON file written by 'fitgap assess score'",
            ),
        ) from None
    except (ValidationError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FitgapError(
            say(
                "採点済みの Fit & Gap 評価ではありません（'fitgap assess score --json' または --history の JSON）",
                "not a scored assessment (JSON of 'fitgap assess score --json' or of --history)",
            ),
            where=path,
            hint=say("調査票を採点し直して作ってください", "score the workbook again to make one"),
        ) from exc


def recorded_order(report: ScoreReport, path: Path) -> tuple[int, dt.datetime, str]:
    """Sorts snapshots by the scoring time recorded inside; those without one (an earlier fitgap) come first,
    by their file's modification time."""
    time = scored_at(report)
    if time is not None:
        return (1, time, path.name)
    return (0, dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone(), path.name)


def load_history(directory: Path) -> list[Snapshot]:
    """Every snapshot of the directory, in the order they were scored."""
    if not directory.is_dir():
        return []
    loaded = [(load_snapshot(p), p) for p in directory.glob("*.json")]
    return [s for s, _ in sorted(loaded, key=lambda pair: recorded_order(*pair))]


def open_gaps(report: ScoreReport) -> dict[str, int]:
    counts = {b.business_id: 0 for b in report.businesses}
    for gap in report.gaps:
        if gap.status != "完了" and gap.business_id in counts:
            counts[gap.business_id] += 1
    return counts


def trend(reports: Sequence[ScoreReport]) -> tuple[TrendPoint, ...]:
    """Open gaps and readiness per business for each 基準日, then those of the whole assessment (business
    ``TOTAL``: every open gap, its total readiness). Of a day's snapshots, the last scored wins: ``reports`` come in
    the order they were scored."""
    latest = {r.as_of: r for r in sorted(reports, key=lambda r: r.as_of)}  # a stable sort keeps that order
    points = []
    for as_of, report in sorted(latest.items()):
        readiness = {b.business_id: b.readiness for b in report.businesses}
        points += [
            TrendPoint(as_of=as_of, business_id=b, open_gaps=n, readiness=readiness[b])
            for b, n in open_gaps(report).items()
        ]
        everything = sum(1 for gap in report.gaps if gap.status != "完了")  # 独自機能 of no business too
        points.append(
            TrendPoint(as_of=as_of, business_id=TOTAL, open_gaps=everything, readiness=report.total.readiness)
        )
    return tuple(points)


class GapChange(FrozenModel):
    business_id: str | None
    target: str
    name: str
    old: str | None  # "decision / status" before
    new: str | None


class Comparison(FrozenModel):
    old: str
    new: str
    old_as_of: str
    new_as_of: str
    closed: tuple[GapChange, ...]
    opened: tuple[GapChange, ...]
    changed: tuple[GapChange, ...]


def _state(gap: GapItem) -> str:
    return f"{gap.decision or '未判定'} / {gap.status or '—'} / {gap.owner or '—'} / {gap.due or '—'}"


def compare(old: ScoreReport, new: ScoreReport, old_name: str, new_name: str) -> Comparison:
    """Gaps closed (open before, done or gone now), opened (open now, not before) and changed."""
    before = {(g.business_id, g.target): g for g in old.gaps}
    after = {(g.business_id, g.target): g for g in new.gaps}
    closed, opened, changed = [], [], []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[0] or "", k[1])):
        a, b = before.get(key), after.get(key)
        was_open = a is not None and a.status != "完了"
        is_open = b is not None and b.status != "完了"
        change = GapChange(
            business_id=key[0],
            target=key[1],
            name=(b or a).name,  # type: ignore[union-attr]
            old=_state(a) if a else None,
            new=_state(b) if b else None,
        )
        if was_open and not is_open:
            closed.append(change)
        elif is_open and not was_open:
            opened.append(change)
        elif a is not None and b is not None and _state(a) != _state(b):
            changed.append(change)
    return Comparison(
        old=old_name,
        new=new_name,
        old_as_of=old.as_of.isoformat(),
        new_as_of=new.as_of.isoformat(),
        closed=tuple(closed),
        opened=tuple(opened),
        changed=tuple(changed),
    )
