"""When a run may replace what its mapping has published: the publish guard.

A run that reconciles can still be wrong as a whole: a mapping that reads the wrong column quarantines most
rows, a truncated export loads a fraction of them, an export that came out empty has none. Publishing such a
run would replace good rows with fewer or none, so the run is ``rejected`` instead: the published rows and the
quarantine stay as they were, and the run record says why. Each check can be waived on purpose.
"""

from __future__ import annotations

from pydantic import Field

from spec_catalog.base import FrozenModel
from spec_catalog.codes import Code, info
from spec_catalog.language import current, say

DEFAULT_MAX_QUARANTINE_RATE = 0.01  # the same default as a project's thresholds.max_quarantine_rate
_REASONS_SHOWN = 3


class PublishGuard(FrozenModel):
    """What a run must meet to publish. The defaults are the safe ones: each waiver is asked for by name."""

    max_quarantine_rate: float = Field(default=DEFAULT_MAX_QUARANTINE_RATE, ge=0, le=1)  # quarantined ÷ read
    accept_quarantine: bool = False  # publish whatever share of rows is quarantined
    allow_drop: bool = False  # publish even when fewer rows load than the mapping has published
    allow_empty: bool = False  # publish a source with no data rows (the mapping's rows become none)


class Rejection(FrozenModel):
    """Why a run was not published: a code, what happened and how to go on (counts and codes, never a value), in
    the run's language."""

    code: Code
    message: str
    hint: str

    def one_line(self) -> str:
        return f"{self.message} — {self.hint}"


def judge(
    guard: PublishGuard,
    *,
    rows_read: int,
    rows_loaded: int,
    rows_quarantined: int,
    published: int,
    by_reason: dict[str, int],
) -> Rejection | None:
    """The first reason the run may not publish, or ``None``. ``published``: the mapping's rows in the table now."""
    if rows_read != rows_loaded + rows_quarantined:
        return Rejection(
            code=Code.RUN_NOT_RECONCILED,
            message=say(
                f"件数が一致しません: 読込 {rows_read} ≠ 登録 {rows_loaded} + 移行エラー {rows_quarantined}",
                f"reconciliation failed: {rows_read} read ≠ {rows_loaded} + {rows_quarantined}",
            ),
            hint=say(
                "何も公開していません。行が失われたか二重に数えられています。fitgap の不具合ですので報告してください",
                "nothing was published; a row was lost or counted twice, which is a fault of fitgap: report it",
            ),
        )
    if rows_read == 0:
        if guard.allow_empty:
            return None  # asked for by name: the published rows go, whatever allow_drop says
        return Rejection(
            code=Code.RUN_EMPTY_SOURCE,
            message=info(Code.RUN_EMPTY_SOURCE).message(current(), published=f"{published:,}"),
            hint=say(
                "出力ファイルが完全か確かめてください。マッピングの行を意図して空にするなら --allow-empty を付けて"
                "実行してください",
                "check that the export is complete; to empty the mapping's rows on purpose, run with --allow-empty",
            ),
        )
    rate = rows_quarantined / rows_read
    if rate > guard.max_quarantine_rate and not guard.accept_quarantine:
        shown, threshold = _percentages(rate, guard.max_quarantine_rate)
        reasons = _top(by_reason)
        message = info(Code.RUN_QUARANTINE_OVER_THRESHOLD).message(
            current(),
            quarantined=f"{rows_quarantined:,}",
            read=f"{rows_read:,}",
            rate=shown,
            threshold=threshold,
            reasons=reasons,
        )
        return Rejection(
            code=Code.RUN_QUARANTINE_OVER_THRESHOLD,
            # The Japanese template has no place for the reasons: they follow it.
            message=say(f"{message}（理由別: {reasons}）", message),
            hint=say(
                "マッピングか元データを直して再実行してください。移行エラーの行を見るには、作業用の --db に "
                "--accept-quarantine を付けて実行してください。このまま公開するなら --accept-quarantine です",
                "fix the mapping or the source and run again; to read the quarantined lines, run with "
                "--accept-quarantine into a scratch --db; to publish as it is, --accept-quarantine",
            ),
        )
    if published > rows_loaded and not guard.allow_drop:
        return Rejection(
            code=Code.RUN_DROPS_ROWS,
            message=info(Code.RUN_DROPS_ROWS).message(
                current(),
                loaded=f"{rows_loaded:,}",
                published=f"{published:,}",
                dropped=f"{published - rows_loaded:,}",
            ),
            hint=say(
                "元データが出力の全体か確かめてください。その行が本当になくなったのなら --allow-drop を付けて実行して"
                "ください",
                "check that the source is the whole export; if those rows are really gone, run with --allow-drop",
            ),
        )
    return None


def _top(by_reason: dict[str, int]) -> str:
    """The most frequent reasons with their counts; the rest stated as a number, never dropped silently."""
    ranked = sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{reason} {count:,}" for reason, count in ranked[:_REASONS_SHOWN])
    rest = len(ranked) - _REASONS_SHOWN
    if rest <= 0:
        return text
    return say(f"{text} ほか {rest} 種類", f"{text} and {rest} more reason{'s' if rest > 1 else ''}")


def _percentages(rate: float, threshold: float) -> tuple[str, str]:
    """Both as percentages, with as many decimals as it takes for a rate over the threshold to look so."""
    digits = 1
    while digits < 4 and f"{rate:.{digits}%}" == f"{threshold:.{digits}%}":
        digits += 1
    return f"{rate:.{digits}%}", f"{threshold:.{digits}%}"
