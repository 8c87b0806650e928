"""Comparing two catalogs or two versions of a business: what a 新旧対照表 would list.

Functions are matched by 機能ID, data items by データ項目ID, code lists by their ID; a changed name with the
same ID is a rename.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from pydantic import computed_field

from spec_catalog.base import FrozenModel
from spec_catalog.models import BusinessSpec, Catalog, CodeList, DataGroup, DataItem, FunctionRequirement


class ChangeKind(StrEnum):
    BUSINESS_ADDED = "business_added"
    BUSINESS_REMOVED = "business_removed"
    VERSION_CHANGED = "version_changed"
    FUNCTION_ADDED = "function_added"
    FUNCTION_REMOVED = "function_removed"
    FUNCTION_RENAMED = "function_renamed"
    FUNCTION_RECLASSIFIED = "function_reclassified"
    FUNCTION_TEXT_CHANGED = "function_text_changed"
    GROUP_ADDED = "group_added"
    GROUP_REMOVED = "group_removed"
    ITEM_ADDED = "item_added"
    ITEM_REMOVED = "item_removed"
    ITEM_RENAMED = "item_renamed"
    ITEM_MOVED = "item_moved"
    ITEM_TYPE_CHANGED = "item_type_changed"
    ITEM_LENGTH_CHANGED = "item_length_changed"
    ITEM_CONDITION_CHANGED = "item_condition_changed"
    ITEM_KEY_CHANGED = "item_key_changed"
    ITEM_CODE_LIST_CHANGED = "item_code_list_changed"
    CODE_LIST_ADDED = "code_list_added"
    CODE_LIST_REMOVED = "code_list_removed"
    CODE_VALUES_CHANGED = "code_values_changed"


class Change(FrozenModel):
    kind: ChangeKind
    business_id: str
    target: str  # the 機能ID, データ項目ID, group name or code-list ID concerned
    name: str
    old: str | None = None
    new: str | None = None


class CatalogDiff(FrozenModel):
    old: str
    new: str
    changes: tuple[Change, ...]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def counts(self) -> dict[str, int]:
        """Number of changes of each kind, in the order of :class:`ChangeKind`."""
        found = Counter(change.kind for change in self.changes)
        return {kind.value: found[kind] for kind in ChangeKind if found[kind]}


def _length(item: DataItem) -> str | None:
    if item.length is None:
        return None
    return f"{item.length},{item.fraction_digits}" if item.fraction_digits is not None else str(item.length)


def _condition(item: DataItem) -> str:
    return f"{item.output_condition.value}（{item.condition}）" if item.condition else item.output_condition.value


def _keys(item: DataItem) -> str:
    return "+".join(k for k, on in (("PK", item.primary_key), ("FK", item.foreign_key)) if on) or "-"


Named = TypeVar("Named", FunctionRequirement, DataItem, CodeList, DataGroup)


def _keyed(
    bid: str,
    before: dict[str, Named],
    after: dict[str, Named],
    added: ChangeKind,
    removed: ChangeKind,
    summary: Callable[[Named], str | None],
    fields: list[tuple[ChangeKind, Callable[[Named], str | None]]],
) -> list[Change]:
    """Added, removed and changed entries of two ID-keyed collections, in ID order."""
    changes: list[Change] = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a is None and b is not None:
            changes.append(Change(kind=added, business_id=bid, target=key, name=b.name, new=summary(b)))
        elif b is None and a is not None:
            changes.append(Change(kind=removed, business_id=bid, target=key, name=a.name, old=summary(a)))
        elif a is not None and b is not None:
            for kind, value in fields:
                if (old := value(a)) != (new := value(b)):
                    changes.append(Change(kind=kind, business_id=bid, target=key, name=b.name, old=old, new=new))
    return changes


def _item_summary(item: DataItem) -> str:
    return f"{item.group}: {item.type.value}({_length(item) or '-'}) {_condition(item)}"


def _values(code_list: CodeList) -> str:
    return "任意" if code_list.open else ", ".join(f"{v.code}:{v.label}" for v in code_list.values)


def diff_business(old: BusinessSpec, new: BusinessSpec) -> list[Change]:
    """Every difference between two versions of one business."""
    bid = new.business_id
    changes: list[Change] = []
    if old.spec_version != new.spec_version:
        changes.append(
            Change(
                kind=ChangeKind.VERSION_CHANGED,
                business_id=bid,
                target=bid,
                name=new.name,
                old=old.spec_version,
                new=new.spec_version,
            )
        )
    changes += _keyed(
        bid,
        {f.function_id: f for f in old.functions},
        {f.function_id: f for f in new.functions},
        ChangeKind.FUNCTION_ADDED,
        ChangeKind.FUNCTION_REMOVED,
        lambda f: f.function_class.value,
        [
            (ChangeKind.FUNCTION_RENAMED, lambda f: f.name),
            (ChangeKind.FUNCTION_RECLASSIFIED, lambda f: f.function_class.value),
            (ChangeKind.FUNCTION_TEXT_CHANGED, lambda f: f.requirement),
        ],
    )
    changes += _keyed(
        bid,
        {g.name: g for g in old.layouts},
        {g.name: g for g in new.layouts},
        ChangeKind.GROUP_ADDED,
        ChangeKind.GROUP_REMOVED,
        lambda g: None,
        [],
    )
    changes += _keyed(
        bid,
        {i.item_id: i for g in old.layouts for i in g.items},
        {i.item_id: i for g in new.layouts for i in g.items},
        ChangeKind.ITEM_ADDED,
        ChangeKind.ITEM_REMOVED,
        _item_summary,
        [
            (ChangeKind.ITEM_RENAMED, lambda i: f"{i.name} ({i.romanized})"),
            (ChangeKind.ITEM_MOVED, lambda i: i.group),
            (ChangeKind.ITEM_TYPE_CHANGED, lambda i: i.type.value),
            (ChangeKind.ITEM_LENGTH_CHANGED, _length),
            (ChangeKind.ITEM_CONDITION_CHANGED, _condition),
            (ChangeKind.ITEM_KEY_CHANGED, _keys),
            (ChangeKind.ITEM_CODE_LIST_CHANGED, lambda i: i.code_list),
        ],
    )
    changes += _keyed(
        bid,
        {c.code_list_id: c for c in old.code_lists},
        {c.code_list_id: c for c in new.code_lists},
        ChangeKind.CODE_LIST_ADDED,
        ChangeKind.CODE_LIST_REMOVED,
        _values,
        [(ChangeKind.CODE_VALUES_CHANGED, _values)],
    )
    return changes


def diff_catalogs(old: Catalog, new: Catalog, business_ids: list[str] | None = None) -> CatalogDiff:
    """The changes from ``old`` to ``new``, optionally for some businesses only."""

    def wanted(business: BusinessSpec) -> bool:
        return not business_ids or any(i in business.ids for i in business_ids)

    before = {b.business_id: b for b in old.businesses if wanted(b)}
    after = {b.business_id: b for b in new.businesses if wanted(b)}
    changes: list[Change] = []
    for bid in sorted(before.keys() | after.keys()):
        a, b = before.get(bid), after.get(bid)
        if a is None and b is not None:
            changes.append(
                Change(
                    kind=ChangeKind.BUSINESS_ADDED,
                    business_id=bid,
                    target=bid,
                    name=b.name,
                    new=b.spec_version,
                )
            )
        elif b is None and a is not None:
            changes.append(
                Change(
                    kind=ChangeKind.BUSINESS_REMOVED,
                    business_id=bid,
                    target=bid,
                    name=a.name,
                    old=a.spec_version,
                )
            )
        elif a is not None and b is not None:
            changes += diff_business(a, b)
    return CatalogDiff(old=old.name, new=new.name, changes=tuple(changes))


def diff_sources(old: str, new: str, businesses: list[str] | None = None) -> CatalogDiff:
    """``fitgap catalog diff``: two catalogs ('embedded', a catalog directory, ``DIRECTORY@VERSION`` or a
    business file), compared. ``DIRECTORY@VERSION`` picks one version of the businesses a directory holds side by
    side (``catalog@第2.0版``, ``catalog@unversioned``), so two versions of one business compare in place.

    With a single business on either side and no ``businesses``, that business alone is compared."""
    from spec_catalog.store import load_any

    before, after = load_any(old), load_any(new)
    ids = list(businesses or [])
    if not ids and (len(before.businesses) == 1 or len(after.businesses) == 1):
        single = before if len(before.businesses) == 1 else after
        ids = [single.businesses[0].business_id]
    return diff_catalogs(before, after, ids or None)
