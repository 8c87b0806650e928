"""When a report says it was made: Asia/Tokyo wall-clock time, the same in every renderer."""

from __future__ import annotations

import datetime as dt

JST = dt.timezone(dt.timedelta(hours=9), "JST")  # Japan keeps no summer time: a fixed +09:00 is Asia/Tokyo


def local_time(moment: dt.datetime | None = None) -> dt.datetime:
    """``moment`` (now when None) as Asia/Tokyo wall-clock time without a zone, to the minute: Excel keeps no
    zone, and a report says when it was made in the municipality's time. A naive moment is taken as local."""
    moment = moment or dt.datetime.now(JST)
    if moment.tzinfo is not None:
        moment = moment.astimezone(JST).replace(tzinfo=None)
    return moment.replace(second=0, microsecond=0)
