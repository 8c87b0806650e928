"""Progress over time: scored assessments kept as JSON snapshots in a history directory, and the
comparison of two of them (gaps closed, opened and changed)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from fitgap.assessment.scoring import GapItem, ScoreReport, TrendPoint
from spec_catalog.base import FitgapError, FrozenModel


def snapshot_path(directory: Path, report: ScoreReport) -> Path:
    # One snapshot per day and workbook: scoring again the same day replaces it.
    return directory / f"{report.as_of.isoformat()}_{Path(report.file).stem}.json"


def save_snapshot(report: ScoreReport, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = snapshot_path(directory, report.model_copy(update={"trend": ()}))
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(report.model_copy(update={"trend": ()}).model_dump_json(indent=2), encoding="utf-8")
    temporary.replace(path)
    return path


def load_snapshot(path: Path) -> ScoreReport:
    try:
        return ScoreReport.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FitgapError(
            "snapshot not found", where=path, hint="give a JSON file written by 'fitgap assess score'"
        ) from None
    except (ValidationError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FitgapError(
            "not a scored assessment (JSON of 'fitgap assess score --json' or of --history)",
            where=path,
            hint="score the workbook again to make one",
        ) from exc


def load_history(directory: Path) -> list[ScoreReport]:
    if not directory.is_dir():
        return []
    return [load_snapshot(p) for p in sorted(directory.glob("*.json"))]


def open_gaps(report: ScoreReport) -> dict[str, int]:
    counts = {b.business_id: 0 for b in report.businesses}
    for gap in report.gaps:
        if gap.status != "完了" and gap.business_id in counts:
            counts[gap.business_id] += 1
    return counts


def trend(reports: list[ScoreReport]) -> tuple[TrendPoint, ...]:
    """Open gaps and readiness per business for each snapshot date (the latest snapshot of a day wins)."""
    latest = {r.as_of: r for r in sorted(reports, key=lambda r: r.as_of)}
    points = []
    for as_of, report in sorted(latest.items()):
        readiness = {b.business_id: b.readiness for b in report.businesses}
        points += [
            TrendPoint(as_of=as_of, business_id=b, open_gaps=n, readiness=readiness[b])
            for b, n in open_gaps(report).items()
        ]
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
