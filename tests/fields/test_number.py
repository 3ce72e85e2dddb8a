"""Number and rating fields over HTTP.

Numbers come back as decimal strings with exactly `number_decimal_places` decimals, are
refused (never rounded) when written with more, and sort numerically; ratings are integers
from 0 to `max_value` and never null.
"""

from __future__ import annotations

from decimal import Context, Decimal
from typing import Any

from hypothesis import strategies as st

from tests.conftest import Api
from tests.examples import draw
from tests.fields.scalar_support import (
    FIELD,
    assert_refused,
    assert_validation,
    column,
    convert,
    create,
    row_of,
    sorted_column,
    table_with,
    transcript_field,
    update,
    without_varying,
)

INVALID = [{"error": "A valid number is required.", "code": "invalid"}]
NOT_AN_INTEGER = [{"error": "A valid integer is required.", "code": "invalid"}]
NOT_NEGATIVE = [{"error": "Ensure this value is greater than or equal to 0.", "code": "min_value"}]
NOT_NULL = [{"error": "This field may not be null.", "code": "null"}]


def _places(count: int) -> list[dict[str, str]]:
    return [{"error": f"Ensure that there are no more than {count} decimal places.",
             "code": "max_decimal_places"}]


def _digits(count: int) -> list[dict[str, str]]:
    return [{"error": f"Ensure that there are no more than {count} digits in total.",
             "code": "max_digits"}]


def _quantized(value: Any, places: int) -> str:
    """The documented read format: the exact decimal, padded to the places, never "-0"."""
    number = Decimal(str(value).strip()).quantize(Decimal(1).scaleb(-places),
                                                  context=Context(prec=80))
    return f"{abs(number) if number.is_zero() else number:f}"


# -- field JSON --------------------------------------------------------------------------


async def test_number_field_json_matches_transcript(api: Api) -> None:
    request, expected = transcript_field("17")
    table_id, _ = await table_with(api)
    body = await api.field(table_id, **request)
    assert list(body) == list(expected)
    assert without_varying(body) == without_varying(expected)


async def test_number_props_on_create_get_and_update(api: Api) -> None:
    table_id, _ = await table_with(api)
    body = await api.field(table_id, name="Price", type="number")
    assert (body["number_decimal_places"], body["number_negative"], body["number_prefix"],
            body["number_suffix"], body["number_separator"], body["number_default"]) == (
        0, False, "", "", "", None)
    body = await api.field(table_id, name="Total", type="number", number_decimal_places=3,
                           number_negative=True, number_prefix="$", number_suffix=" USD",
                           number_separator="COMMA_PERIOD", number_default=-2.5)
    assert body["number_default"] == "-2.500"
    assert (await api.ok("GET", FIELD.format(body["id"]))) == {
        k: v for k, v in body.items() if k != "related_fields"}
    changed = await convert(api, body["id"], number_decimal_places=1, number_prefix="€")
    assert (changed["number_decimal_places"], changed["number_prefix"],
            changed["number_suffix"], changed["number_default"], changed["number_negative"]) == (
        1, "€", " USD", "-2.5", True)
    assert changed["related_fields"] == []


async def test_bad_number_props_are_refused(api: Api) -> None:
    table_id, _ = await table_with(api)
    path = f"/api/database/fields/table/{table_id}/"
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({"number_decimal_places": 11},
         {"number_decimal_places": [{"error": '"11" is not a valid choice.',
                                     "code": "invalid_choice"}]}),
        ({"number_type": "INTEGER"}, {"number_type": [{"error": (
            "The number_type option has been removed and can no longer be provided. Instead "
            "set number_decimal_places to 0 for an integer or 1-5 for a decimal."),
            "code": "invalid"}]}),
        ({"number_default": "abc"}, {"number_default": INVALID}),
        ({"number_default": "1.5"}, {"number_default": _places(0)}),
        ({"number_default": -1}, {"number_default": NOT_NEGATIVE}),
        ({"number_separator": "DOTS"}, {"number_separator": [
            {"error": '"DOTS" is not a valid choice.', "code": "invalid_choice"}]}),
    ]
    for props, detail in cases:
        response = await api.post(path, json={"name": "N", "type": "number", **props})
        assert_validation(response, detail)
    for max_value, entry in [(0, ("Ensure this value is greater than or equal to 1.", "min_value")),
                             (11, ("Ensure this value is less than or equal to 10.", "max_value"))]:
        response = await api.post(path, json={"name": "R", "type": "rating",
                                              "max_value": max_value})
        assert_validation(response, {"max_value": [{"error": entry[0], "code": entry[1]}]})
    assert [f["name"] for f in await api.fields(table_id)] == ["Name"]


async def test_rating_field_json(api: Api) -> None:
    table_id, _ = await table_with(api)
    body = await api.field(table_id, name="Stars", type="rating")
    assert without_varying(body) == {
        "type": "rating", "primary": False, "read_only": False, "immutable_type": False,
        "immutable_properties": False, "description": None, "db_index": False,
        "field_constraints": [], "related_fields": [], "max_value": 5, "color": "dark-orange",
        "style": "star"}
    changed = await convert(api, body["id"], max_value=10, color="red", style="heart")
    assert (changed["max_value"], changed["color"], changed["style"]) == (10, "red", "heart")


# -- values written and read back -------------------------------------------------------

PLACES = range(11)


def _decimal_text(places: int, negative: bool) -> st.SearchStrategy[str]:
    """Decimal strings within the field's limits, in the spellings clients use."""
    whole = st.integers(-(10**50) + 1 if negative else 0, 10**50 - 1)
    decimals = st.integers(0, places).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(0, 10**n - 1)))

    def spell(parts: tuple[int, tuple[int, int], str]) -> str:
        integer, (count, fraction), pad = parts
        sign = "-" if integer < 0 else ""
        text = f"{sign}{abs(integer)}" + (f".{fraction:0{count}d}" if count else "")
        return pad + text + pad

    return st.tuples(whole, decimals, st.sampled_from(["", " "])).map(spell)


def _json_number(places: int, negative: bool) -> st.SearchStrategy[int | float]:
    low = -(2**63) if negative else 0
    integers = st.integers(low, 2**63 - 1)
    if places == 0:
        return integers
    # A JSON float keeps its decimals when read (3.0 has one), so stay within the places.
    floats = st.tuples(st.integers(low // 2**40, 2**23), st.integers(1, min(places, 6))).map(
        lambda p: p[0] / 10 ** p[1])
    return integers | floats


def _value(places: int, negative: bool) -> st.SearchStrategy[Any]:
    return st.one_of(_decimal_text(places, negative), _json_number(places, negative), st.none())


_CASE = st.tuples(st.sampled_from(PLACES), st.booleans()).flatmap(
    lambda c: st.tuples(st.just(c), _value(*c), _value(*c)))
NUMBER_EXAMPLES = draw(_CASE, 60)


async def test_written_numbers_read_back(api: Api) -> None:
    table_id, created = await table_with(api, *(
        {"name": f"n{places}{'-' if negative else '+'}", "type": "number",
         "number_decimal_places": places, "number_negative": negative}
        for places in PLACES for negative in (False, True)))
    keys = {(f["number_decimal_places"], f["number_negative"]): f for f in created}

    def read(value: Any, places: int) -> str | None:
        return None if value is None else _quantized(value, places)

    for (places, negative), first, second in NUMBER_EXAMPLES:
        field = keys[(places, negative)]
        key = f"field_{field['id']}"
        row = await create(api, table_id, {key: first})
        assert row[key] == read(first, places), (places, first)
        row = await update(api, table_id, row["id"], {field["name"]: second},
                           user_field_names=True)
        assert row[field["name"]] == read(second, places), (places, second)
        assert (await row_of(api, table_id, row["id"]))[key] == read(second, places)


async def test_documented_number_formats(api: Api) -> None:
    table_id, [two, whole] = await table_with(
        api, {"name": "Two", "type": "number", "number_decimal_places": 2,
              "number_negative": True},
        {"name": "Whole", "type": "number"})
    cases = [(3.1, "3.10"), ("3.1", "3.10"), ("3.50", "3.50"), (7, "7.00"), ("-0", "0.00"),
             ("-0.5", "-0.50"), ("1e2", "100.00"), ("  12.5 ", "12.50"), (1e-2, "0.01")]
    for written, read in cases:
        row = await create(api, table_id, {"Two": written}, user_field_names=True)
        assert row["Two"] == read, written
    big = "9" * 50
    row = await create(api, table_id, {"Whole": big, "Two": big + ".99"}, user_field_names=True)
    assert (row["Whole"], row["Two"]) == (big, big + ".99")
    assert (await row_of(api, table_id, row["id"]))[f"field_{whole['id']}"] == big
    row = await create(api, table_id, {"Whole": "12345678901234567"}, user_field_names=True)
    assert row["Whole"] == "12345678901234567"
    assert two["number_decimal_places"] == 2


async def test_prefix_suffix_and_separators_are_stripped_from_text(api: Api) -> None:
    table_id, [price, euro] = await table_with(
        api, {"name": "Price", "type": "number", "number_decimal_places": 2,
              "number_prefix": "$", "number_suffix": " USD", "number_separator": "COMMA_PERIOD"},
        {"name": "Euro", "type": "number", "number_decimal_places": 2,
         "number_suffix": "€", "number_separator": "PERIOD_COMMA"})
    for written, read in [("$1,234.50 USD", "1234.50"), ("$ 5", "5.00"), ("7 USD", "7.00"),
                          ("2.5", "2.50")]:
        assert (await create(api, table_id, {"Price": written}, True))["Price"] == read
    for written, read in [("1.234,5 €", "1234.50"), ("3,25€", "3.25"), ("3.25", "3.25")]:
        assert (await create(api, table_id, {"Euro": written}, True))["Euro"] == read
    await create(api, table_id, {})
    await assert_refused(api, table_id, "Price", "€5", INVALID, user_field_names=True)
    assert price["number_prefix"] == "$" and euro["number_suffix"] == "€"


RATING_EXAMPLES = draw(st.tuples(
    st.integers(1, 10).flatmap(lambda m: st.tuples(st.just(m), st.integers(0, m))),
    st.sampled_from([int, str, float, lambda v: f" {v} ", lambda v: f"{v}.0"])), 30)


async def test_written_ratings_read_back(api: Api) -> None:
    table_id, created = await table_with(api, *(
        {"name": f"r{m}", "type": "rating", "max_value": m} for m in range(1, 11)))
    for (maximum, stars), spell in RATING_EXAMPLES:
        field = created[maximum - 1]
        key = f"field_{field['id']}"
        row = await create(api, table_id, {key: spell(stars)})
        assert row[key] == stars and isinstance(row[key], int)
        row = await update(api, table_id, row["id"], {field["name"]: spell(maximum - stars)},
                           user_field_names=True)
        assert row[field["name"]] == maximum - stars
        assert (await row_of(api, table_id, row["id"]))[key] == maximum - stars


# -- refused values ------------------------------------------------------------------------


async def test_refused_numbers_change_nothing(api: Api) -> None:
    table_id, [two, whole, signed] = await table_with(
        api, {"name": "Two", "type": "number", "number_decimal_places": 2},
        {"name": "Whole", "type": "number"},
        {"name": "Signed", "type": "number", "number_decimal_places": 1,
         "number_negative": True})
    await create(api, table_id, {"Two": "1.50", "Whole": 3, "Signed": "-2.5"}, True)
    cases: list[tuple[dict[str, Any], Any, list[dict[str, str]]]] = [
        (two, "not a number", INVALID), (two, True, INVALID), (two, [1], INVALID),
        (two, {"v": 1}, INVALID), (two, "", INVALID), (two, "NaN", INVALID),
        (two, "Infinity", INVALID), (two, "-inf", INVALID), (two, "1,5", INVALID),
        (two, "x" * 1001, [{"error": "String value too large.", "code": "max_string_length"}]),
        (two, "1.234", _places(2)), (two, 0.125, _places(2)), (two, "1e-3", _places(2)),
        (whole, "3.10", _places(0)), (whole, 0.5, _places(0)), (whole, 3.0, _places(0)),
        (signed, "3.10", _places(1)),
        (whole, "1" * 51, _digits(50)), (whole, "1e50", _digits(50)),
        (two, "1" * 51 + ".5", [{
            "error": "Ensure that there are no more than 50 digits before the decimal point.",
            "code": "max_whole_digits"}]),
        (two, "1" * 52 + ".5", _digits(52)),
        (two, "-1", NOT_NEGATIVE), (whole, -3, NOT_NEGATIVE), (two, "-0.01", NOT_NEGATIVE),
        (signed, "-1.25", _places(1)),
    ]
    for field, value, entries in cases:
        await assert_refused(api, table_id, f"field_{field['id']}", value, entries)
    await assert_refused(api, table_id, "Two", "1.001", _places(2), user_field_names=True)


TOO_PRECISE = draw(st.tuples(st.sampled_from(range(10)), st.integers(1, 3),
                             st.integers(0, 10**6), st.integers(1, 9)), 20)


async def test_more_decimals_than_places_are_refused(api: Api) -> None:
    table_id, created = await table_with(api, *(
        {"name": f"n{p}", "type": "number", "number_decimal_places": p,
         "number_negative": True} for p in range(10)))
    keys = [f"field_{f['id']}" for f in created]
    await create(api, table_id, {key: "1" for key in keys})
    for places, extra, whole, last in TOO_PRECISE:
        text = f"{whole}." + "0" * (places + extra - 1) + str(last)
        await assert_refused(api, table_id, keys[places], text, _places(places))


async def test_refused_ratings_change_nothing(api: Api) -> None:
    table_id, [stars] = await table_with(api, {"name": "Stars", "type": "rating"})
    await create(api, table_id, {"Stars": 2}, True)
    key = f"field_{stars['id']}"
    cases: list[tuple[Any, list[dict[str, str]]]] = [
        (None, NOT_NULL), (6, [{"error": "Ensure this value is less than or equal to 5.",
                                "code": "max_value"}]),
        (-1, NOT_NEGATIVE), ("abc", NOT_AN_INTEGER), (2.5, NOT_AN_INTEGER),
        ("2.5", NOT_AN_INTEGER), (True, NOT_AN_INTEGER), ([], NOT_AN_INTEGER),
        ("", NOT_AN_INTEGER), ("1e2", NOT_AN_INTEGER),
    ]
    for value, entries in cases:
        await assert_refused(api, table_id, key, value, entries)
        await assert_refused(api, table_id, "Stars", value, entries, user_field_names=True)


async def test_batch_number_errors_are_keyed_by_index(api: Api) -> None:
    table_id, [two] = await table_with(api, {"name": "Two", "type": "number",
                                             "number_decimal_places": 2})
    key = f"field_{two['id']}"
    response = await api.post(f"/api/database/rows/table/{table_id}/batch/", json={"items": [
        {key: "1.00"}, {key: "1.001"}, {key: "x"}]})
    assert_validation(response, {"items": {"1": {key: _places(2)}, "2": {key: INVALID}}})
    assert (await api.rows(table_id))["count"] == 0


# -- defaults ----------------------------------------------------------------------------


async def test_defaults_on_create(api: Api) -> None:
    table_id, [price, empty, stars] = await table_with(
        api, {"name": "Price", "type": "number", "number_decimal_places": 2,
              "number_default": "5"},
        {"name": "Empty", "type": "number"},
        {"name": "Stars", "type": "rating"})
    assert price["number_default"] == "5.00"
    row = await create(api, table_id, {})
    assert (row[f"field_{price['id']}"], row[f"field_{empty['id']}"],
            row[f"field_{stars['id']}"]) == ("5.00", None, 0)
    row = await create(api, table_id, {"Price": None, "Stars": 0}, True)
    assert (row["Price"], row["Stars"]) == (None, 0)
    row = await update(api, table_id, row["id"], {"Empty": 1}, True)
    assert row["Price"] is None
    await convert(api, price["id"], number_default=None)
    assert (await create(api, table_id, {}))[f"field_{price['id']}"] is None


# -- sorting -----------------------------------------------------------------------------


async def test_numbers_sort_numerically_with_empty_first(api: Api) -> None:
    table_id, [amount, stars] = await table_with(
        api, {"name": "Amount", "type": "number", "number_decimal_places": 2,
              "number_negative": True}, {"name": "Stars", "type": "rating"})
    values = ["10", "9", None, "-1.5", "2.25", "123456789012345678901234567890", "0.01"]
    for value, rating in zip(values, [3, 5, 0, 1, 4, 2, 0], strict=True):
        await create(api, table_id, {"Amount": value, "Stars": rating}, True)
    ascending = [None, "-1.50", "0.01", "2.25", "9.00", "10.00",
                 "123456789012345678901234567890.00"]
    key = f"field_{amount['id']}"
    assert await sorted_column(api, table_id, key, key) == ascending
    assert await sorted_column(api, table_id, key, f"-{key}") == ascending[::-1]
    assert await sorted_column(api, table_id, "Amount", "-Amount", True) == ascending[::-1]
    assert await sorted_column(api, table_id, "Stars", "Stars", True) == [0, 0, 1, 2, 3, 4, 5]
    assert await sorted_column(api, table_id, "Stars", "-Stars,Amount", True) == [
        5, 4, 3, 2, 1, 0, 0]
    assert await sorted_column(api, table_id, "Amount", "-Stars,Amount", True) == [
        "9.00", "2.25", "10.00", "123456789012345678901234567890.00", "-1.50", None, "0.01"]
    assert stars["max_value"] == 5


# -- conversions -------------------------------------------------------------------------


async def test_changing_decimal_places_rounds_stored_values(api: Api) -> None:
    table_id, [amount] = await table_with(api, {
        "name": "Amount", "type": "number", "number_decimal_places": 2, "number_negative": True})
    key = f"field_{amount['id']}"
    for value in ["1.25", "1.24", "-1.25", None, "3"]:
        await create(api, table_id, {key: value})
    await convert(api, amount["id"], number_decimal_places=3)
    assert await column(api, table_id, key) == ["1.250", "1.240", "-1.250", None, "3.000"]
    await convert(api, amount["id"], number_decimal_places=1)
    assert await column(api, table_id, key) == ["1.3", "1.2", "-1.3", None, "3.0"]
    await convert(api, amount["id"], number_decimal_places=2)
    assert await column(api, table_id, key) == ["1.30", "1.20", "-1.30", None, "3.00"]
    await convert(api, amount["id"], number_negative=False)
    assert await column(api, table_id, key) == ["1.30", "1.20", "0.00", None, "3.00"]
    await convert(api, amount["id"], number_decimal_places=0)
    assert await column(api, table_id, key) == ["1", "1", "0", None, "3"]


async def test_number_and_rating_convert_both_ways(api: Api) -> None:
    table_id, [amount, stars] = await table_with(
        api, {"name": "Amount", "type": "number", "number_decimal_places": 1,
              "number_negative": True}, {"name": "Stars", "type": "rating", "max_value": 4})
    for value, rating in [("2.5", 1), ("7", 4), ("-2", 0), (None, 3), ("1.4", 2)]:
        await create(api, table_id, {"Amount": value, "Stars": rating}, True)
    await convert(api, amount["id"], type="rating", max_value=5)
    body = await convert(api, stars["id"], type="number", number_decimal_places=2)
    assert body["number_decimal_places"] == 2 and "max_value" not in body
    rows = (await api.rows(table_id, user_field_names="true"))["results"]
    assert [r["Amount"] for r in rows] == [3, 5, 0, 0, 1]
    assert [r["Stars"] for r in rows] == ["1.00", "4.00", "0.00", "3.00", "2.00"]
    await convert(api, amount["id"], max_value=2)
    assert await column(api, table_id, f"field_{amount['id']}") == [2, 2, 0, 0, 1]
    await convert(api, amount["id"], type="number")
    assert await column(api, table_id, f"field_{amount['id']}") == ["2", "2", "0", "0", "1"]


async def test_number_to_text_keeps_the_formatted_value(api: Api) -> None:
    table_id, [amount] = await table_with(api, {
        "name": "Amount", "type": "number", "number_decimal_places": 2})
    key = f"field_{amount['id']}"
    for value in ["3.5", None, "12"]:
        await create(api, table_id, {key: value})
    await convert(api, amount["id"], type="text")
    assert await column(api, table_id, key) == ["3.50", None, "12.00"]
    await convert(api, amount["id"], type="number", number_decimal_places=1)
    assert await column(api, table_id, key) == ["3.5", None, "12.0"]
