"""What a refund request of an invoice line takes (`refund_amounts.check_request`)
and what its credit note line shows (`refund_amounts.shown_line`), without Odoo."""

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

import pytest
from refund_amounts import LineLeft, RequestError, check_request, shown_line


class Currency:
    """The part of ``res.currency`` the checks use: cents, half up."""

    name = "EUR"
    decimal_places = 2
    rounding = 0.010000000000000002  # as Odoo reads 0.01 (digits 12, 6)

    def round(self, value):
        return float(Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP))

    def is_zero(self, value):
        return self.round(value) == 0.0

    def compare_amounts(self, value, other):
        delta = self.round(value - other)
        return (delta > 0) - (delta < 0)

    def format(self, value):
        return f"€ {value:.2f}"


EUR = Currency()


def line(value=100.0, remaining=100.0, quantity=4.0, remaining_quantity=4.0):
    return LineLeft(
        label="Chair",
        value=value,
        remaining=remaining,
        quantity=quantity,
        remaining_quantity=remaining_quantity,
        quantity_digits=2,
    )


def test_without_amount_nor_quantity_the_whole_remainder_is_final():
    request = check_request(
        None, None, line(remaining=60.0, remaining_quantity=2.0), EUR
    )
    assert request == {"mode": "full", "amount": 60.0, "quantity": 2.0, "final": True}


def test_a_down_payment_is_refunded_whole_only():
    # The sale's final invoice deducts a down payment by its price.
    whole = dataclasses.replace(line(), whole_only=True)
    assert check_request(None, None, whole, EUR)["mode"] == "full"
    for amount, quantity in ((10.0, None), (None, 1.0)):
        with pytest.raises(RequestError, match="down payment: it is refunded whole"):
            check_request(amount, quantity, whole, EUR)


def test_an_amount_is_final_only_when_it_takes_the_remainder():
    assert check_request(59.99, None, line(remaining=60.0), EUR) == {
        "mode": "amount",
        "amount": 59.99,
        "quantity": 0.0,
        "final": False,
    }
    assert check_request(60.0, None, line(remaining=60.0), EUR)["final"] is True


def test_a_quantity_takes_its_share_of_the_line_and_the_last_one_the_rest():
    # 100 over 3 units: one unit is 33.33, the last of the three the rest.
    three = line(value=100.0, remaining=100.0, quantity=3.0, remaining_quantity=3.0)
    assert check_request(None, 1.0, three, EUR) == {
        "mode": "quantity",
        "amount": 33.33,
        "quantity": 1.0,
        "final": False,
    }
    last = line(value=100.0, remaining=33.34, quantity=3.0, remaining_quantity=1.0)
    assert check_request(None, 1.0, last, EUR) == {
        "mode": "quantity",
        "amount": 33.34,
        "quantity": 1.0,
        "final": True,
    }


def test_a_line_of_negative_quantity_is_refunded_by_its_units():
    # -3 units at -33.333...: 100 on the invoice. Units are typed positive;
    # the credit note line takes them with the line's sign, as Odoo's
    # reversal copies the line; its remaining quantity is signed too.
    negative = line(
        value=100.0, remaining=100.0, quantity=-3.0, remaining_quantity=-3.0
    )
    assert check_request(None, 1.0, negative, EUR) == {
        "mode": "quantity",
        "amount": 33.33,
        "quantity": -1.0,
        "final": False,
    }
    last = line(value=100.0, remaining=33.34, quantity=-3.0, remaining_quantity=-1.0)
    assert check_request(None, 1.0, last, EUR)["final"] is True
    assert check_request(None, None, last, EUR)["quantity"] == -1.0
    with pytest.raises(RequestError, match="only 1.0 is still refundable"):
        check_request(None, 2.0, last, EUR)
    for quantity in (-1.0, 0.0):
        with pytest.raises(RequestError, match="must be positive"):
            check_request(None, quantity, negative, EUR)


@pytest.mark.parametrize(
    ("amount", "quantity", "state", "message"),
    [
        (None, None, {"value": 0.0}, "is a discount or a zero line"),
        (None, None, {"value": -5.0}, "is a discount or a zero line"),
        (None, None, {"remaining": 0.0}, "is already fully refunded"),
        ("10", None, {}, "must be a number"),
        (True, None, {}, "must be a number"),
        (0.0, None, {}, "must be positive"),
        (-1.0, None, {}, "must be positive"),
        (10.001, None, {}, "has more decimals than EUR allows (2)"),
        (100.01, None, {}, "only € 100.00 is still refundable"),
        (None, "1", {}, "must be a number"),
        (None, 0.0, {}, "must be positive"),
        (None, -0.001, {}, "must be positive"),
        # Positive, below the precision: too many decimals, not "negative".
        (None, 0.001, {}, "more decimals than the unit of measure precision"),
        (0.004, None, {}, "has more decimals than EUR allows (2)"),
        # Positive by float noise only: zero.
        (1e-12, None, {}, "must be positive"),
        (None, 1.001, {}, "more decimals than the unit of measure precision"),
        (None, 4.01, {}, "only 4.0 is still refundable"),
        # A quantity whose amount goes beyond what amounts refunds left.
        (None, 1.0, {"remaining": 20.0}, "would refund € 25.00"),
    ],
)
def test_refused_requests_say_why(amount, quantity, state, message):
    with pytest.raises(RequestError) as error:
        check_request(amount, quantity, line(**state), EUR)
    assert message in str(error.value)
    assert "Chair" in str(error.value)


def test_messages_go_through_the_translation_given():
    calls = []

    def translate(source, **params):
        calls.append(source)
        return "traduit"

    with pytest.raises(RequestError, match="^traduit$"):
        check_request(-1.0, None, line(), EUR, _=translate)
    assert calls == ["The amount to refund on “%(line)s” must be positive."]


def test_an_amount_with_float_noise_is_the_amount_meant():
    # As an integration computes it: 1.1 * 3 is 3.3000000000000003.
    assert check_request(1.1 * 3, None, line(), EUR)["amount"] == 3.3
    assert check_request(0.1 + 0.2, None, line(), EUR)["amount"] == 0.3


def test_amounts_beyond_a_trillion_keep_their_cents():
    big = line(value=5e12, remaining=5e12)
    assert check_request(1234567890123.45, None, big, EUR)["amount"] == 1234567890123.45


CENTS = (2, 2)  # the decimals of a price and of a discount


def test_a_quantity_at_the_line_price_shows_the_line_price_and_discount():
    assert shown_line(
        90.0,
        0.0,
        2.0,
        own=(50.0, 10.0),
        has_tax=True,
        digits=CENTS,
        round_amount=EUR.round,
    ) == (2.0, 50.0, 10.0)


def test_an_amount_shows_one_unit_at_it_taxes_included_in_the_price_too():
    assert shown_line(
        10.0, 2.1, 0.0, own=None, has_tax=True, digits=CENTS, round_amount=EUR.round
    ) == (1.0, 12.1, 0.0)


@pytest.mark.parametrize("has_tax", [False, True])
def test_a_quantity_keeps_its_quantity_at_a_price_that_gives_the_amount(has_tax):
    # 10.00 over 3 units is no price of 2 decimals: 3 × 3.34 less 0.20 %
    # gives 9.99996, booked 10.00; the quantity stays (sale counts it).
    shown = shown_line(
        10.0, 0.0, 3.0, own=None, has_tax=has_tax, digits=CENTS, round_amount=EUR.round
    )
    assert shown == (3.0, 3.34, 0.2)
    # 25.00 over 3 units (the rest of 3 × 10.00 after 5.00 refunded by amount).
    assert shown_line(
        25.0, 0.0, 3.0, own=None, has_tax=has_tax, digits=CENTS, round_amount=EUR.round
    ) == (3.0, 8.34, 0.08)


def test_a_price_of_the_accuracy_needs_no_discount():
    assert shown_line(
        10.0, 0.0, 4.0, own=None, has_tax=False, digits=CENTS, round_amount=EUR.round
    ) == (4.0, 2.5, 0.0)


def test_the_line_price_that_does_not_give_the_amount_is_not_shown_without_tax():
    # 3 × 33.33 is 99.99, not the 100.00 booked: a price that gives it.
    assert shown_line(
        100.0,
        0.0,
        3.0,
        own=(33.33, 0.0),
        has_tax=False,
        digits=CENTS,
        round_amount=EUR.round,
    ) == (3.0, 33.34, 0.02)


def test_rounded_globally_the_price_must_give_the_amount_unrounded():
    # Odoo rounds the sum of the lines: 3 x 8.34 less 0.08 % is 24.999984,
    # not 25.00, and the cents of several such lines add up. Without tax,
    # one unit at the amount.
    assert shown_line(
        25.0, 0.0, 3.0, own=None, has_tax=False, digits=CENTS, round_amount=None
    ) == (1.0, 25.0, 0.0)
    assert shown_line(
        10.0, 0.0, 4.0, own=None, has_tax=False, digits=CENTS, round_amount=None
    ) == (4.0, 2.5, 0.0)


def test_with_a_tax_the_price_shown_gives_the_amount_to_the_cent():
    # The manual amounts book 4.40 (the rest of 100 x 0.05 after 0.60
    # refunded): 95 x 0.05 showed 4.75; less 7.37 % it shows 4.40.
    assert shown_line(
        4.4, 0.0, 95.0, own=None, has_tax=True, digits=CENTS, round_amount=EUR.round
    ) == (95.0, 0.05, 7.37)


def test_rounded_globally_the_line_own_figures_give_their_amount():
    # 3 x 0.33 less 3.3 % is 0.95733, booked 0.957 on the invoice line in a
    # 3-decimal currency: its own figures book the whole line again, which
    # no other price of 2 decimals gives.
    def fils(value):
        return float(Decimal(repr(value)).quantize(Decimal("0.001"), ROUND_HALF_UP))

    line = {"has_tax": False, "digits": CENTS, "round_amount": None}
    assert shown_line(0.957, 0.0, 3.0, own=(0.33, 3.3), **line, own_round=fils) == (
        3.0,
        0.33,
        3.3,
    )
    assert shown_line(0.957, 0.0, 3.0, own=(0.33, 3.3), **line) is None
    # An amount: exact at a price of the accuracy, or refused.
    assert shown_line(0.95, 0.0, 0.0, own=None, **line, own_round=fils) == (
        1.0,
        0.95,
        0.0,
    )
    assert shown_line(0.007, 0.0, 0.0, own=None, **line, own_round=fils) is None


def test_without_tax_no_discount_of_the_accuracy_gives_the_amount():
    # A discount of whole percents cannot bring 3 × 3.34 to 10.00: one unit.
    assert shown_line(
        10.0, 0.0, 3.0, own=None, has_tax=False, digits=(2, 0), round_amount=EUR.round
    ) == (1.0, 10.0, 0.0)
    # With a tax the engine books the manual amounts: the price is shown only.
    assert shown_line(
        10.0, 0.0, 3.0, own=None, has_tax=True, digits=(2, 0), round_amount=EUR.round
    ) == (3.0, 3.33, 0.0)


def test_without_tax_an_amount_no_price_gives_is_refused():
    # A price of whole units cannot show 10.50 on any quantity.
    assert (
        shown_line(
            10.5,
            0.0,
            0.0,
            own=None,
            has_tax=False,
            digits=(0, 2),
            round_amount=EUR.round,
        )
        is None
    )


def test_with_a_tax_the_line_price_that_does_not_give_the_amount_is_not_shown():
    # The last of 3 x 1.01 less 50 %: 1.52 booked, 0.51 twice refunded, 0.50
    # left; 1.01 less 50 % shows 0.51.
    assert shown_line(
        0.5,
        0.0,
        1.0,
        own=(1.01, 50.0),
        has_tax=True,
        digits=CENTS,
        round_amount=EUR.round,
    ) == (1.0, 0.5, 0.0)


class Rappen(Currency):
    """A currency rounded to 0.05 with 2 decimals (e.g. cash in CHF)."""

    name = "CHR"
    rounding = 0.05

    def round(self, value):
        return float(
            (Decimal(repr(value)) / Decimal("0.05")).quantize(
                Decimal("1"), ROUND_HALF_UP
            )
            * Decimal("0.05")
        )


def test_an_amount_between_two_units_of_the_currency_is_refused():
    # Typed 10.03 is refunded as typed or not at all, never as 10.05.
    with pytest.raises(RequestError, match="not a multiple of the smallest amount"):
        check_request(10.03, None, line(), Rappen())
    assert check_request(10.05, None, line(), Rappen())["amount"] == 10.05
    assert check_request(10.03, None, line(), EUR)["amount"] == 10.03
    with pytest.raises(RequestError, match=r"round it \(€ 10.05\)"):
        check_request(10.04, None, line(), Rappen())
    # Beyond a trillion, cents of a currency with cents are multiples of it.
    big = line(value=5e12, remaining=5e12)
    assert check_request(1234567890123.45, None, big, EUR)["amount"] == 1234567890123.45
