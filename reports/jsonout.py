"""JSON rendering: exactly the models the library functions return."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import BaseModel


def to_json(value: BaseModel | Sequence[BaseModel]) -> str:
    """Pretty JSON of a model or a list of models, Japanese kept readable (no \\u escapes)."""
    data: object = (
        value.model_dump(mode="json", by_alias=True)
        if isinstance(value, BaseModel)
        else [item.model_dump(mode="json", by_alias=True) for item in value]
    )
    return json.dumps(data, ensure_ascii=False, indent=2)
