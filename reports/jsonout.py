"""JSON rendering: exactly the models the library functions return, every text masked by value (a check-digit-
valid 個人番号 anywhere in it shows its last four digits: reports/masking.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import BaseModel

from reports.masking import mask_text


def _masked(data: object, unmask: bool) -> object:
    if isinstance(data, str):
        return mask_text(data, unmask=unmask)
    if isinstance(data, dict):
        return {key: _masked(value, unmask) for key, value in data.items()}
    if isinstance(data, list):
        return [_masked(value, unmask) for value in data]
    return data


def to_json(value: BaseModel | Sequence[BaseModel], *, unmask: bool = False) -> str:
    """Pretty JSON of a model or a list of models, Japanese kept readable (no \\u escapes)."""
    data: object = (
        value.model_dump(mode="json", by_alias=True)
        if isinstance(value, BaseModel)
        else [item.model_dump(mode="json", by_alias=True) for item in value]
    )
    return json.dumps(_masked(data, unmask), ensure_ascii=False, indent=2)
