"""`contains` filters and searches fold case as PostgreSQL's lower() does, on both backends.

On SQLite an ASCII term is matched by SQLite's own LIKE, which folds ASCII letters only
(`sql_functions.icontains`); two characters outside ASCII fold to ASCII letters ("İ" to
"i", the Kelvin sign "K" to "k"), so terms with an i or a k must still find them. The
answers over HTTP are compared with `fold` (each character lower-cased on its own) for
hand-picked and generated cells and terms.
"""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import strategies as st

from gridbase.storage.sql_functions import fold_case
from tests.conftest import Api
from tests.examples import draw
from tests.query.reference_cells import fold

# Capital I with a dot, dotless i, the Kelvin sign, sharp s, capital and small sigmas
ALPHABET = "aAiI\u0130\u0131kK\u212asS\u00df\u03a3\u03c3\u03c2 \u00e9\u00c9%_\\"
CELLS = ["\u0130stanbul", "ISTANBUL", "\u0131stanbul", "Kelvin \u212a", "kelvin k",
         "Stra\u00dfe", "STRASSE", "\u039f\u0394\u039f\u03a3", "\u03bf\u03b4\u03bf\u03c2",
         "river", "R\u0130VER", "ri\u212a", "100%", "a_b", "back\\slash", "", "plain"]
# An ASCII term without i or k first: SQLite matches it with its own LIKE, and terms
# after it must not reuse that statement (its cached compilation) where they need lower().
TERMS = ["ss", "\u03c3", "\u00c9", "i", "I", "\u0130", "\u0131", "k", "K", "\u212a",
         "kelvin k", "ist", "\u0130ST",
         "\u00df", "ss", "STRA\u00dfE", "\u03c3", "\u03a3", "\u03c2", "\u03bf\u03b4\u03bf\u03c3",
         "river", "RIVER", "ver", "rik", "%", "_", "\\", "0%", "a_", "e", "plain"]


def _values() -> tuple[list[str], list[str]]:
    cells = CELLS + draw(st.text(ALPHABET, max_size=6), count=60)
    terms = TERMS + [t for t in draw(st.text(ALPHABET, min_size=1, max_size=3), count=60)
                     if t.strip()]
    return cells, terms


def test_reference_is_fold_case() -> None:
    """The reference folds as gridbase does."""
    cells, terms = _values()
    for text in cells + terms:
        assert fold(text) == fold_case(text)


async def _table(api: Api, cells: list[str]) -> tuple[int, dict[int, str]]:
    table = await api.table(data=[["Name"], *[[cell] for cell in cells]])
    rows = (await api.rows(table["id"], user_field_names="true", size=200))["results"]
    assert len(rows) == len(cells)
    return table["id"], {row["id"]: row["Name"] or "" for row in rows}


async def _ids(api: Api, table_id: int, **params: Any) -> list[int]:
    body = await api.rows(table_id, user_field_names="true", size=200, **params)
    ids = [row["id"] for row in body["results"]]
    assert body["count"] == len(ids)
    return sorted(ids)


async def test_contains_folds_like_lower(api: Api) -> None:
    cells, terms = _values()
    table_id, names = await _table(api, cells)
    for term in terms:
        wanted = sorted(i for i, name in names.items() if fold(term) in fold(name))
        assert await _ids(api, table_id, filter__Name__contains=term) == wanted, term
        assert await _ids(api, table_id, filter__Name__contains_not=term) == sorted(
            set(names) - set(wanted)), term


async def test_search_folds_like_lower(api: Api) -> None:
    cells, terms = _values()
    table_id, names = await _table(api, cells)
    for term in terms:
        words = term.split()
        wanted = sorted(i for i, name in names.items()
                        if all(fold(word) in fold(name) for word in words))
        assert await _ids(api, table_id, search=term) == wanted, term
        whole = fold(term.strip())
        assert await _ids(api, table_id, search=term, search_mode="compat") == sorted(
            i for i, name in names.items() if whole in fold(name)), term


async def test_contains_on_computed_text(api: Api) -> None:
    """Text the database computes (a single select's option) folds alike too."""
    table = await api.table(data=[["Name"], ["one"], ["two"], ["three"]])
    field = await api.field(table["id"], name="Tag", type="single_select", select_options=[
        {"value": value, "color": "blue"} for value in ("\u0130nk", "\u212aite", "link")])
    options = {o["value"]: o["id"] for o in field["select_options"]}
    for row_id, value in zip((1, 2, 3), ("\u0130nk", "\u212aite", "link"), strict=True):
        await api.ok("PATCH", f"/api/database/rows/table/{table['id']}/{row_id}/",
                     json={f"field_{field['id']}": options[value]})
    for term, wanted in (("ink", [1, 3]), ("KIT", [2]), ("k", [1, 2, 3]), ("in", [1, 3]),
                         ("\u0130", [1, 2, 3]), ("li", [3])):
        assert await _ids(api, table["id"], filter__Tag__contains=term) == wanted, term


def _text_order(descending: bool) -> Any:
    """The reference order of (id, text) pairs: the folded text, then the text itself the
    other way, then the id."""
    def compare(a: tuple[int, str], b: tuple[int, str]) -> int:
        (id_a, text_a), (id_b, text_b) = a, b
        first = (fold(text_a) > fold(text_b)) - (fold(text_a) < fold(text_b))
        result = first or (text_a < text_b) - (text_a > text_b)
        if result:
            return -result if descending else result
        return id_a - id_b
    return functools.cmp_to_key(compare)


async def test_text_sorts_by_folded_text(api: Api) -> None:
    """Sorting by text orders by the folded text, then the text itself the other way; on
    SQLite text of printable ASCII alone sorts without lower()."""
    cells, _ = _values()
    cells = [cell for cell in cells if cell] + [
        "Zebra", "zebra", "ZEBRA", "apple", "Apple", "_under", "[bracket", "~tilde",
        "tab\there", "\u00c9clair", "eclair", "\u0130\u0130", "ii", "\u212a", "k"]
    table_id, names = await _table(api, cells)
    for descending in (False, True):
        want = [i for i, _ in sorted(names.items(), key=_text_order(descending))]
        order = "-Name" if descending else "Name"
        body = await api.rows(table_id, user_field_names="true", size=200, order_by=order)
        assert [row["id"] for row in body["results"]] == want, order
