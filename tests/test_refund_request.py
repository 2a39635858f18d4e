import datetime

import pytest
from refund_request import RefundRequestError, parse_refund_call, request_digest
from refund_request_values import IDEMPOTENCY_KEY_MAX_LENGTH, MAX_ID, REASON_MAX_LENGTH

LINE = {"line_id": 7}
DEFAULT = object()


def call(ids=(1,), lines=DEFAULT, **options):
    return parse_refund_call(ids, [LINE] if lines is DEFAULT else lines, options)


def test_a_valid_call_is_parsed_into_clean_values():
    invoice_id, requests, options = call(
        lines=[
            {"line_id": 7},
            {"line_id": 8, "amount": 10},
            {"line_id": 9, "quantity": 2.5},
        ],
        journal_id=3,
        reason="Damaged",
        date="2026-01-31",
    )
    assert invoice_id == 1
    assert requests == [(7, None, None), (8, 10.0, None), (9, None, 2.5)]
    assert isinstance(requests[1][1], float)
    assert options == {
        "journal_id": 3,
        "payment_method_line_id": None,
        "reason": "Damaged",
        "date": datetime.date(2026, 1, 31),
        "reversal_values": None,
        "refund_via": "gateway",
        "idempotency_key": None,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (False, None),
        (datetime.date(2026, 1, 31), datetime.date(2026, 1, 31)),
        (datetime.datetime(2026, 1, 31, 23, 59), datetime.date(2026, 1, 31)),
        ("2024-02-29", datetime.date(2024, 2, 29)),
    ],
)
def test_dates(value, expected):
    assert call(date=value)[2]["date"] == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(None, None), (False, None), ("", None)]
)
def test_empty_reasons(value, expected):
    assert call(reason=value)[2]["reason"] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "gateway"),
        (False, "gateway"),
        ("gateway", "gateway"),
        ("manual", "manual"),
    ],
)
def test_refund_via(value, expected):
    assert call(refund_via=value)[2]["refund_via"] == expected


# (arguments of `call`, the field the message names)
MALFORMED = [
    ({"ids": ()}, "Refund one invoice at a time"),
    ({"ids": (1, 2)}, "Refund one invoice at a time"),
    ({"ids": ("1",)}, "“ids” must be the id"),
    ({"ids": (0,)}, "“ids” 0 is not a valid id"),
    ({"lines": None}, "“lines” must be a list"),
    ({"lines": {"line_id": 7}}, "“lines” must be a list"),
    ({"lines": "7"}, "“lines” must be a list"),
    ({"lines": []}, "“lines” is empty"),
    ({"lines": [7]}, "dictionary with a “line_id”"),
    ({"lines": [{"amount": 5}]}, "dictionary with a “line_id”"),
    ({"lines": [{"line_id": "7"}]}, "“line_id” must be the id"),
    ({"lines": [{"line_id": 7.0}]}, "“line_id” must be the id"),
    ({"lines": [{"line_id": True}]}, "“line_id” must be the id"),
    ({"lines": [{"line_id": [7]}]}, "“line_id” must be the id"),
    ({"lines": [{"line_id": {"id": 7}}]}, "“line_id” must be the id"),
    ({"lines": [{"line_id": -7}]}, "“line_id” -7 is not a valid id"),
    ({"lines": [{"line_id": MAX_ID + 1}]}, "is not a valid id"),
    ({"lines": [{"line_id": 7, "price": 5}]}, "Unknown keys"),
    ({"lines": [{"line_id": 7, 3: 5}]}, "Unknown keys"),
    ({"lines": [{"line_id": 7, "amount": 1, "quantity": 1}]}, "not both"),
    (
        {"lines": [{"line_id": 7, "amount": None}]},
        "“amount” to refund on line 7 is empty",
    ),
    (
        {"lines": [{"line_id": 7, "quantity": None}]},
        "“quantity” to refund on line 7 is empty",
    ),
    ({"lines": [{"line_id": 7, "amount": "10"}]}, "“amount” .* must be a number"),
    ({"lines": [{"line_id": 7, "amount": True}]}, "“amount” .* must be a number"),
    ({"lines": [{"line_id": 7, "quantity": [1]}]}, "“quantity” .* must be a number"),
    ({"lines": [{"line_id": 7, "amount": float("nan")}]}, "“amount” .* finite"),
    ({"lines": [{"line_id": 7, "amount": float("inf")}]}, "“amount” .* finite"),
    ({"lines": [{"line_id": 7, "quantity": float("-inf")}]}, "“quantity” .* finite"),
    ({"lines": [{"line_id": 7, "amount": 0}]}, "“amount” .* must be positive"),
    ({"lines": [{"line_id": 7, "amount": -5.0}]}, "“amount” .* must be positive"),
    ({"lines": [{"line_id": 7, "amount": 10**400}]}, "“amount” .* too large"),
    ({"lines": [{"line_id": 7, "quantity": 1e300}]}, "“quantity” .* too large"),
    ({"lines": [{"line_id": 7, "amount": 1e15}]}, "“amount” .* too large"),
    ({"lines": [{"line_id": 7, "amount": 10**12 + 0.01}]}, "“amount” .* too large"),
    ({"lines": [LINE, {"line_id": 7, "amount": 1}]}, "line 7 is in “lines” twice"),
    ({"journal": 3}, "Unknown refund options: journal"),
    ({"journal_id": "abc"}, "“journal_id” must be the id"),
    ({"journal_id": [3]}, "“journal_id” must be the id"),
    ({"journal_id": 0}, "“journal_id” 0 is not a valid id"),
    ({"payment_method_line_id": "x"}, "“payment_method_line_id” must be the id"),
    ({"payment_method_line_id": 2**63}, "“payment_method_line_id” .* not a valid id"),
    ({"date": "2019-13-45"}, "“date” '2019-13-45' is not a date"),
    ({"date": "2023-02-29"}, "“date” '2023-02-29' is not a date"),
    ({"date": "0000-01-01"}, "“date” '0000-01-01' is not a date"),
    ({"date": "31/12/2019"}, "“date” .* is not a date"),
    ({"date": "2019-02-01 10:00:00"}, "“date” .* is not a date"),
    ({"date": 12345}, "“date” 12345 is not a date"),
    ({"date": True}, "“date” True is not a date"),
    ({"date": ""}, "“date” '' is not a date"),
    ({"refund_via": "paypal"}, "“refund_via” must be “gateway” or “manual”"),
    ({"refund_via": "Manual"}, "“refund_via” must be"),
    ({"refund_via": ["manual"]}, "“refund_via” must be"),
    ({"refund_via": 1}, "“refund_via” must be"),
    ({"reason": 5}, "“reason” must be text"),
    ({"reason": ["Damaged"]}, "“reason” must be text"),
    ({"reason": "x" * (REASON_MAX_LENGTH + 1)}, "“reason” is 501 characters long"),
    ({"reason": "Damaged\x00"}, "“reason” contains a NUL character"),
    ({"idempotency_key": ""}, "“idempotency_key” must be a non-empty text"),
    ({"idempotency_key": 42}, "“idempotency_key” must be a non-empty text"),
    ({"idempotency_key": True}, "“idempotency_key” must be a non-empty text"),
    ({"idempotency_key": ["k"]}, "“idempotency_key” must be a non-empty text"),
    (
        {"idempotency_key": "k" * (IDEMPOTENCY_KEY_MAX_LENGTH + 1)},
        "“idempotency_key” must be at most 255 printable characters",
    ),
    ({"idempotency_key": "k\n1"}, "“idempotency_key” must be at most 255 printable"),
    ({"idempotency_key": "k\x00"}, "“idempotency_key” must be at most 255 printable"),
]


@pytest.mark.parametrize(("arguments", "message"), MALFORMED)
def test_malformed_calls_are_refused_with_a_sentence(arguments, message):
    with pytest.raises(RefundRequestError, match=message) as error:
        call(**arguments)
    assert str(error.value).endswith(".")


def test_the_error_names_its_field():
    with pytest.raises(RefundRequestError) as error:
        call(journal_id="abc")
    assert error.value.field == "journal_id"


def test_long_values_are_shown_shortened():
    with pytest.raises(RefundRequestError) as error:
        call(date="9" * 1000)
    assert len(str(error.value)) < 200


def test_messages_go_through_the_translation_function():
    seen = []

    def translate(source, **params):
        seen.append(source)
        return "translated"

    with pytest.raises(RefundRequestError, match="^translated$"):
        parse_refund_call((1,), [{"line_id": 7, "amount": None}], {}, _=translate)
    assert seen == [
        "The “%(field)s” to refund on line %(line)s is empty: give a "
        "number, or leave “%(field)s” out to refund the whole line."
    ]


def test_reversal_values_are_a_dictionary_of_field_names():
    assert call()[2]["reversal_values"] is None
    values = {"l10n_latam_document_type_id": 5}
    assert call(reversal_values=values)[2]["reversal_values"] == values
    for bad in ([("l10n_latam_document_type_id", 5)], "x", {5: 5}):
        with pytest.raises(RefundRequestError):
            call(reversal_values=bad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (False, None),
        ("order-42/refund-1", "order-42/refund-1"),
        (" spaced key ", " spaced key "),
        ("k" * IDEMPOTENCY_KEY_MAX_LENGTH, "k" * IDEMPOTENCY_KEY_MAX_LENGTH),
    ],
)
def test_idempotency_keys_are_kept_as_sent(value, expected):
    assert call(idempotency_key=value)[2]["idempotency_key"] == expected


def digest(lines=DEFAULT, **options):
    _invoice_id, requests, parsed = call(lines=lines, **options)
    return request_digest(requests, parsed)


def test_the_digest_is_the_request_whatever_its_form_or_key():
    lines = [{"line_id": 8, "amount": 10}, {"line_id": 7}]
    first = digest(lines, journal_id=3, date="2026-01-31", idempotency_key="a")
    assert len(first) == 64
    # The lines in another order, an amount as an integer or a float, the
    # date as a date, another key: the same request.
    same = digest(
        [{"line_id": 7}, {"line_id": 8, "amount": 10.0}],
        journal_id=3,
        date=datetime.date(2026, 1, 31),
        idempotency_key="b",
    )
    assert same == first


@pytest.mark.parametrize(
    ("lines", "options"),
    [
        ([{"line_id": 8, "amount": 10.01}, {"line_id": 7}], {}),
        ([{"line_id": 8, "quantity": 10}, {"line_id": 7}], {}),
        ([{"line_id": 8, "amount": 10}], {}),
        ([{"line_id": 8}, {"line_id": 7}], {}),
        ([{"line_id": 8, "amount": 10}, {"line_id": 7}], {"journal_id": 4}),
        ([{"line_id": 8, "amount": 10}, {"line_id": 7}], {"refund_via": "manual"}),
        ([{"line_id": 8, "amount": 10}, {"line_id": 7}], {"reason": "Broken"}),
        ([{"line_id": 8, "amount": 10}, {"line_id": 7}], {"date": "2026-02-01"}),
        (
            [{"line_id": 8, "amount": 10}, {"line_id": 7}],
            {"reversal_values": {"l10n_latam_document_type_id": 5}},
        ),
    ],
)
def test_the_digest_tells_another_request(lines, options):
    first = digest([{"line_id": 8, "amount": 10}, {"line_id": 7}])
    assert digest(lines, **options) != first
