"""What a row listing should return, computed in plain Python from the rows' JSON.

Written from the contract (baserow-contract.md sections 5, 13 and 14), one small function
per filter type, never from gridbase's SQL: the differential test compares the two.
A filter builds a predicate over a row, or None when it filters nothing (an empty
value); a group ignores such filters, as Baserow does.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tests.query.reference_cells import (
    NOTHING,
    Field,
    Predicate,
    Row,
    fold,
    instant,
    is_empty,
    parse_int,
    text_of,
)
from tests.query.reference_dates import legacy_exact, legacy_relative, multi_step

__all__ = ["FILTERS", "Field", "Group", "Leaf", "group_predicate", "search_predicate",
           "sort_rows"]


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _truthy(text: str) -> bool:
    return text.strip().lower() in {"1", "t", "y", "yes", "true", "on", "checked"}


def _cell(field: Field) -> Callable[[Row], Any]:
    return lambda row: row[field.name]


def _negate(build: Callable[..., Predicate | None], keep_empty: bool = True
            ) -> Callable[..., Predicate | None]:
    """The negated filter: same reading of the value; rows it would keep are dropped and
    empty rows are always kept."""

    def negated(field: Field, value: str, now: datetime) -> Predicate | None:
        positive = build(field, value, now)
        if positive is None:
            return None
        return lambda row: (not positive(row)) or (
            keep_empty and row[field.name] in (None, []))
    return negated


# -- text, numbers, booleans ------------------------------------------------------------

NUMERIC = {"number", "rating", "autonumber", "duration"}


def equal(field: Field, value: str, now: datetime) -> Predicate | None:
    if value == "":
        return None
    cell = _cell(field)
    if field.type in NUMERIC:
        number = _number(value)
        if number is None:
            return NOTHING
        return lambda row: cell(row) is not None and Decimal(str(cell(row))) == number
    if field.type == "boolean":
        wanted = _truthy(value)
        return lambda row: cell(row) is wanted
    return lambda row: cell(row) == value


def contains(field: Field, value: str, now: datetime) -> Predicate | None:
    if value == "":
        return None
    needle = fold(value)

    def found(row: Row) -> bool:
        text = text_of(field, row[field.name])
        return text is not None and needle in fold(text)
    return found


def _has_word(text: str | None, word: str) -> bool:
    """`word` stands alone: no letter or digit right before or after it, and it starts
    and ends with one (so "-a" is never a whole word)."""
    if text is None or not (re.match(r"\w", word) and re.search(r"\w$", word)):
        return False
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def contains_word(field: Field, value: str, now: datetime) -> Predicate | None:
    word = value.strip()
    if word == "":
        return None
    return lambda row: _has_word(text_of(field, row[field.name]), word)


def length_is_lower_than(field: Field, value: str, now: datetime) -> Predicate | None:
    if value.strip() == "":
        return None
    limit = parse_int(value)
    if limit is None:
        return NOTHING
    return lambda row: row[field.name] is not None and len(row[field.name]) < limit


def empty(field: Field, value: str, now: datetime) -> Predicate | None:
    return lambda row: is_empty(field, row[field.name])


def not_empty(field: Field, value: str, now: datetime) -> Predicate | None:
    return lambda row: not is_empty(field, row[field.name])


def _compare(test: Callable[[Decimal, Decimal], bool]) -> Callable[..., Predicate | None]:
    def build(field: Field, value: str, now: datetime) -> Predicate | None:
        if value.strip() == "":
            return None
        number = _number(value)
        if number is None:
            return NOTHING
        return lambda row: row[field.name] is not None and test(
            Decimal(str(row[field.name])), number)
    return build


def is_even_and_whole(field: Field, value: str, now: datetime) -> Predicate | None:
    if not _truthy(value):
        return None

    def even(row: Row) -> bool:
        cell = row[field.name]
        return cell is not None and Decimal(str(cell)) % 2 == 0
    return even


def boolean(field: Field, value: str, now: datetime) -> Predicate | None:
    wanted = _truthy(value)
    return lambda row: row[field.name] is wanted


# -- selects and links -------------------------------------------------------------------


def _one_id(value: str) -> int | None:
    return parse_int(value.strip())


def single_select_equal(field: Field, value: str, now: datetime) -> Predicate | None:
    wanted = _one_id(value)
    if wanted is None:
        return None
    return lambda row: row[field.name] is not None and row[field.name]["id"] == wanted


def single_select_is_any_of(field: Field, value: str, now: datetime) -> Predicate | None:
    if value.strip() == "":
        return None
    ids = {int(p) for p in value.strip().split(",") if re.fullmatch(r"[0-9]+", p)}
    if not ids:
        return NOTHING
    return lambda row: row[field.name] is not None and row[field.name]["id"] in ids


def single_select_is_none_of(field: Field, value: str, now: datetime) -> Predicate | None:
    if not any(re.fullmatch(r"[0-9]+", p) for p in value.strip().split(",")):
        return None
    return _negate(single_select_is_any_of)(field, value, now)


def has_item(field: Field, value: str, now: datetime) -> Predicate | None:
    """`multiple_select_has` (option id) and `link_row_has` (row id)."""
    wanted = _one_id(value)
    if wanted is None:
        return None
    return lambda row: any(item["id"] == wanted for item in row[field.name] or [])


def link_row_contains(field: Field, value: str, now: datetime) -> Predicate | None:
    if value == "":
        return None
    needle = fold(value)
    return lambda row: any(needle in fold(str(item["value"])) for item in row[field.name])


# -- the registry: filter type -> (field types, build) -------------------------------------

TEXT = {"text", "long_text", "url", "email", "phone_number"}
DATES = {"date", "last_modified", "created_on"}
SELECTS = {"single_select", "multiple_select"}

FILTERS: dict[str, tuple[set[str], Callable[..., Predicate | None]]] = {
    "equal": (TEXT | NUMERIC | {"boolean", "uuid"}, equal),
    "not_equal": (TEXT | NUMERIC | {"boolean", "uuid"}, _negate(equal)),
    "contains": (TEXT | DATES | SELECTS | {"number", "autonumber"}, contains),
    "contains_not": (TEXT | DATES | SELECTS | {"number", "autonumber"}, _negate(contains)),
    "contains_word": (TEXT - {"phone_number"} | SELECTS, contains_word),
    "doesnt_contain_word": (TEXT - {"phone_number"} | SELECTS,
                            _negate(contains_word)),
    "length_is_lower_than": (TEXT, length_is_lower_than),
    "empty": (TEXT | NUMERIC - {"autonumber"} | DATES | SELECTS | {"boolean", "link_row"},
              empty),
    "not_empty": (TEXT | NUMERIC - {"autonumber"} | DATES | SELECTS | {"boolean", "link_row"},
                  not_empty),
    "higher_than": (NUMERIC, _compare(lambda a, b: a > b)),
    "higher_than_or_equal": (NUMERIC, _compare(lambda a, b: a >= b)),
    "lower_than": (NUMERIC, _compare(lambda a, b: a < b)),
    "lower_than_or_equal": (NUMERIC, _compare(lambda a, b: a <= b)),
    "is_even_and_whole": ({"number", "autonumber"}, is_even_and_whole),
    "boolean": ({"boolean"}, boolean),
    "single_select_equal": ({"single_select"}, single_select_equal),
    "single_select_not_equal": ({"single_select"}, _negate(single_select_equal)),
    "single_select_is_any_of": ({"single_select"}, single_select_is_any_of),
    "single_select_is_none_of": ({"single_select"}, single_select_is_none_of),
    "multiple_select_has": ({"multiple_select"}, has_item),
    "multiple_select_has_not": ({"multiple_select"}, _negate(has_item)),
    "link_row_has": ({"link_row"}, has_item),
    "link_row_has_not": ({"link_row"}, _negate(has_item)),
    "link_row_contains": ({"link_row"}, link_row_contains),
    "link_row_not_contains": ({"link_row"}, _negate(link_row_contains)),
}
for _kind in ("date_is", "date_is_not", "date_is_before", "date_is_on_or_before",
              "date_is_after", "date_is_on_or_after", "date_is_within"):
    FILTERS[_kind] = (DATES, multi_step(_kind))
for _kind in ("date_equal", "date_not_equal", "date_before", "date_before_or_equal",
              "date_after", "date_after_or_equal"):
    FILTERS[_kind] = (DATES, legacy_exact(_kind))
for _kind in ("date_after_days_ago", "date_equals_today", "date_before_today",
              "date_after_today", "date_equals_week", "date_equals_month", "date_equals_year",
              "date_within_days", "date_within_weeks", "date_within_months",
              "date_equals_days_ago", "date_equals_months_ago", "date_equals_years_ago",
              "date_equals_day_of_month"):
    FILTERS[_kind] = (DATES, legacy_relative(_kind))


# -- a whole listing ----------------------------------------------------------------------------


@dataclass
class Leaf:
    field: Field
    type: str
    value: str


@dataclass
class Group:
    filter_type: str
    filters: list[Leaf]
    groups: list[Group]


def group_predicate(group: Group, now: datetime) -> Predicate | None:
    parts = [p for leaf in group.filters
             if (p := FILTERS[leaf.type][1](leaf.field, leaf.value, now)) is not None]
    parts += [p for sub in group.groups if (p := group_predicate(sub, now)) is not None]
    if not parts:
        return None
    if group.filter_type == "OR":
        return lambda row: any(p(row) for p in parts)
    return lambda row: all(p(row) for p in parts)


SEARCHABLE_SKIP = {"boolean"}


def search_predicate(fields: list[Field], text: str, compat: bool) -> Predicate | None:
    """Compat: the whole text inside one cell; otherwise every word inside some cell (or
    a number that is the row id)."""
    text = text.strip()
    if not text:
        return None
    terms = [text] if compat else text.split()
    searchable = [f for f in fields if f.type not in SEARCHABLE_SKIP]

    def matches(row: Row, term: str) -> bool:
        needle = fold(term)
        if re.fullmatch(r"[0-9]{1,9}", term) and row["id"] == int(term):
            return True
        texts = (text_of(f, row[f.name]) for f in searchable)
        return any(text is not None and needle in fold(text) for text in texts)
    return lambda row: all(matches(row, term) for term in terms)


def _text_order(a: str, b: str) -> int:
    """Case-insensitive; on a tie the lower case text first."""
    if a.lower() != b.lower():
        return -1 if a.lower() < b.lower() else 1
    return 0 if a == b else (-1 if a > b else 1)


def _sort_key(field: Field, cell: Any) -> Any:
    """A comparable value, or None for an empty cell (first when ascending)."""
    if field.type in TEXT:
        return cell
    if field.type in ("number",):
        return None if cell is None else Decimal(cell)
    if field.type in ("rating", "boolean"):
        return cell
    if field.type in DATES:
        return None if cell is None else (cell if len(cell) == 10 else instant(cell))
    if field.type == "single_select":
        if cell is None:
            return None
        options: list[dict[str, Any]] = field.props["select_options"]

        def by_value(a: dict[str, Any], b: dict[str, Any]) -> int:
            return _text_order(a["value"], b["value"]) or int(a["id"] - b["id"])
        ranked = sorted(options, key=functools.cmp_to_key(by_value))
        return [o["id"] for o in ranked].index(cell["id"])
    return text_of(field, cell)


def _compare_cells(field: Field, a: Any, b: Any) -> int:
    if a is None or b is None:
        return (a is not None) - (b is not None)
    if isinstance(a, str):
        return _text_order(a, b)
    return int(a > b) - int(a < b)


def sort_rows(rows: list[Row], fields: list[Field], order: list[tuple[Field, bool]]
              ) -> list[Row]:
    """`order` is (field, descending) pairs; the default order (order, id) comes last."""

    def compare(x: Row, y: Row) -> int:
        for field, descending in order:
            result = _compare_cells(field, _sort_key(field, x[field.name]),
                                    _sort_key(field, y[field.name]))
            if result:
                return -result if descending else result
        return -1 if (Decimal(x["order"]), x["id"]) < (Decimal(y["order"]), y["id"]) else 1
    return sorted(rows, key=functools.cmp_to_key(compare))
