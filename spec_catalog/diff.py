"""Comparing two catalogs or two versions of a business: what a 新旧対照表 would list.

Functions are matched by 機能ID, data items by データ項目ID, code lists by their ID; a changed name with the
same ID is a rename.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum

from pydantic import computed_field

from spec_catalog.base import FrozenModel
from spec_catalog.models import BusinessSpec, Catalog, CodeList, DataItem, FunctionRequirement


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


def _functions(bid: str, old: tuple[FunctionRequirement, ...], new: tuple[FunctionRequirement, ...]) -> list[Change]:
    before, after = {f.function_id: f for f in old}, {f.function_id: f for f in new}
    changes: list[Change] = []
    for fid in sorted(before.keys() | after.keys()):
        a, b = before.get(fid), after.get(fid)
        if a is None and b is not None:
            changes.append(
                Change(
                    kind=ChangeKind.FUNCTION_ADDED,
                    business_id=bid,
                    target=fid,
                    name=b.name,
                    new=b.function_class.value,
                )
            )
        elif b is None and a is not None:
            changes.append(
                Change(
                    kind=ChangeKind.FUNCTION_REMOVED,
                    business_id=bid,
                    target=fid,
                    name=a.name,
                    old=a.function_class.value,
                )
            )
        elif a is not None and b is not None:
            for kind, x, y in (
                (ChangeKind.FUNCTION_RENAMED, a.name, b.name),
                (ChangeKind.FUNCTION_RECLASSIFIED, a.function_class.value, b.function_class.value),
                (ChangeKind.FUNCTION_TEXT_CHANGED, a.requirement, b.requirement),
            ):
                if x != y:
                    changes.append(Change(kind=kind, business_id=bid, target=fid, name=b.name, old=x, new=y))
    return changes


def _items(bid: str, old: BusinessSpec, new: BusinessSpec) -> list[Change]:
    changes: list[Change] = []
    old_groups, new_groups = {g.name for g in old.layouts}, {g.name for g in new.layouts}
    for name in sorted(new_groups - old_groups):
        changes.append(Change(kind=ChangeKind.GROUP_ADDED, business_id=bid, target=name, name=name))
    for name in sorted(old_groups - new_groups):
        changes.append(Change(kind=ChangeKind.GROUP_REMOVED, business_id=bid, target=name, name=name))
    before = {i.item_id: i for g in old.layouts for i in g.items}
    after = {i.item_id: i for g in new.layouts for i in g.items}
    for iid in sorted(before.keys() | after.keys()):
        a, b = before.get(iid), after.get(iid)
        if a is None and b is not None:
            changes.append(
                Change(
                    kind=ChangeKind.ITEM_ADDED,
                    business_id=bid,
                    target=iid,
                    name=b.name,
                    new=f"{b.group}: {b.type.value}({_length(b) or '-'}) {_condition(b)}",
                )
            )
        elif b is None and a is not None:
            changes.append(
                Change(
                    kind=ChangeKind.ITEM_REMOVED,
                    business_id=bid,
                    target=iid,
                    name=a.name,
                    old=f"{a.group}: {a.type.value}({_length(a) or '-'}) {_condition(a)}",
                )
            )
        elif a is not None and b is not None:
            for kind, x, y in (
                (ChangeKind.ITEM_RENAMED, f"{a.name} ({a.romanized})", f"{b.name} ({b.romanized})"),
                (ChangeKind.ITEM_MOVED, a.group, b.group),
                (ChangeKind.ITEM_TYPE_CHANGED, a.type.value, b.type.value),
                (ChangeKind.ITEM_LENGTH_CHANGED, _length(a), _length(b)),
                (ChangeKind.ITEM_CONDITION_CHANGED, _condition(a), _condition(b)),
                (ChangeKind.ITEM_KEY_CHANGED, _keys(a), _keys(b)),
                (ChangeKind.ITEM_CODE_LIST_CHANGED, a.code_list, b.code_list),
            ):
                if x != y:
                    changes.append(Change(kind=kind, business_id=bid, target=iid, name=b.name, old=x, new=y))
    return changes


def _values(code_list: CodeList) -> str:
    return "任意" if code_list.open else ", ".join(f"{v.code}:{v.label}" for v in code_list.values)


def _code_lists(bid: str, old: tuple[CodeList, ...], new: tuple[CodeList, ...]) -> list[Change]:
    before, after = {c.code_list_id: c for c in old}, {c.code_list_id: c for c in new}
    changes: list[Change] = []
    for cid in sorted(before.keys() | after.keys()):
        a, b = before.get(cid), after.get(cid)
        if a is None and b is not None:
            changes.append(
                Change(kind=ChangeKind.CODE_LIST_ADDED, business_id=bid, target=cid, name=b.name, new=_values(b))
            )
        elif b is None and a is not None:
            changes.append(
                Change(
                    kind=ChangeKind.CODE_LIST_REMOVED,
                    business_id=bid,
                    target=cid,
                    name=a.name,
                    old=_values(a),
                )
            )
        elif a is not None and b is not None and _values(a) != _values(b):
            changes.append(
                Change(
                    kind=ChangeKind.CODE_VALUES_CHANGED,
                    business_id=bid,
                    target=cid,
                    name=b.name,
                    old=_values(a),
                    new=_values(b),
                )
            )
    return changes


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
    changes += _functions(bid, old.functions, new.functions)
    changes += _items(bid, old, new)
    changes += _code_lists(bid, old.code_lists, new.code_lists)
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
