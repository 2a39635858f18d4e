"""The amounts of a credit note line (`refund_amounts`), without Odoo."""

from decimal import ROUND_HALF_UP, Decimal

from refund_amounts import CreditLine, at_own_price, engine_line, refund_amounts
from refund_shares import Share, holders, mirror_key, spread, tax_rounding


def cents(value):
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def request(amount=None, final=False, mode="amount", quantity=0.0):
    return {"mode": mode, "amount": amount, "quantity": quantity, "final": final}


def test_final_takes_exactly_what_is_left():
    left = Share(untaxed=10.01, taxes={"1": 2.11, "2": 0.6})
    untaxed, taxes = refund_amounts(
        request(final=True, mode="full"), left, "price_subtotal", None, cents
    )
    assert (untaxed, taxes) == (10.01, {"1": 2.11, "2": 0.6})


def test_amount_tax_excluded_is_exact_tax_rounded():
    left = Share(untaxed=100.0, taxes={"1": 21.0})
    engine = {"total_excluded": 12.34, "taxes": {"1": 2.5914}}
    assert refund_amounts(request(12.34), left, "price_subtotal", engine, cents) == (
        12.34,
        {"1": 2.59},
    )


def test_amount_tax_included_total_is_the_amount_typed():
    # 4.13 tax included at 21 %: 3.4132 + 0.7168, rounded 3.41 + 0.72.
    left = Share(untaxed=10.0, taxes={"1": 2.1})
    engine = {"total_excluded": 4.13 / 1.21, "taxes": {"1": 4.13 / 1.21 * 0.21}}
    untaxed, taxes = refund_amounts(request(4.13), left, "price_total", engine, cents)
    assert untaxed == 3.41
    assert cents(untaxed + sum(taxes.values())) == 4.13


def test_rounding_cent_goes_to_the_largest_tax():
    # Two taxes whose rounded sum misses the total typed by a cent.
    left = Share(untaxed=100.0, taxes={"21": 21.0, "6": 6.0})
    engine = {"total_excluded": 7.8740, "taxes": {"21": 1.65354, "6": 0.47244}}
    untaxed, taxes = refund_amounts(request(10.0), left, "price_total", engine, cents)
    assert untaxed == 7.87
    assert taxes == {"21": 1.66, "6": 0.47}
    assert cents(untaxed + sum(taxes.values())) == 10.0


def test_tax_never_more_than_what_is_left():
    # Global rounding gave the line 0.20 of tax where 0.2079 is its own:
    # an early refund rounding up would leave the last one a negative tax.
    left = Share(untaxed=0.99, taxes={"1": 0.20})
    engine = {"total_excluded": 0.98, "taxes": {"1": 0.2058}}
    assert refund_amounts(request(0.98), left, "price_subtotal", engine, cents) == (
        0.98,
        {"1": 0.2},
    )


def test_withholding_never_more_than_what_is_left():
    # A withholding tax (-15 %) rounded away from zero by earlier refunds
    # (-0.495 as -0.50, three times) took all of the line's -1.50: a
    # refund of 0.05 more takes none, never the invoice's sign.
    left = Share(untaxed=0.10, taxes={"vat": 0.03, "wht": 0.0})
    engine = {"total_excluded": 0.05, "taxes": {"vat": 0.0105, "wht": -0.0075}}
    assert refund_amounts(request(0.05), left, "price_subtotal", engine, cents) == (
        0.05,
        {"vat": 0.01, "wht": 0.0},
    )
    # Tax included, the total stays the amount typed.
    untaxed, taxes = refund_amounts(request(0.05), left, "price_total", engine, cents)
    assert taxes["wht"] == 0.0
    assert cents(untaxed + sum(taxes.values())) == 0.05
    left = Share(untaxed=0.10, taxes={"vat": 0.03, "wht": -0.02})
    assert refund_amounts(request(0.05), left, "price_subtotal", engine, cents) == (
        0.05,
        {"vat": 0.01, "wht": -0.01},
    )


def test_share_minus_and_credit_line():
    share = Share(untaxed=30.0, taxes={"1": 6.3})
    left = share.minus(Share(untaxed=10.0, taxes={"1": 2.1}), cents)
    assert left == Share(untaxed=20.0, taxes={"1": 4.2})
    line = CreditLine(
        quantity=1.0,
        price_unit=20.0,
        discount=0.0,
        untaxed=20.0,
        taxes={"1": 4.2},
        bases={},
        carries_quantity=False,
    )
    assert cents(line.total) == 24.2
    assert line.manual_tax_amounts() == {
        "1": {"tax_amount_currency": 4.2, "base_amount_currency": 20.0}
    }


def test_reverse_charge_tax_is_booked_but_not_paid():
    # 21 % reverse charge: the engine books 2.10 and its mirror -2.10; the
    # customer paid the untaxed amount only.
    left = Share(untaxed=100.0, taxes={"1": 21.0, "1/mirror": -21.0})
    engine = {"total_excluded": 10.0, "taxes": {"1": 2.1, "1/mirror": -2.1}}
    untaxed, taxes = refund_amounts(
        request(10.0), left, "price_subtotal", engine, cents
    )
    assert (untaxed, taxes) == (10.0, {"1": 2.1, "1/mirror": -2.1})
    line = CreditLine(
        quantity=1.0,
        price_unit=10.0,
        discount=0.0,
        untaxed=untaxed,
        taxes=taxes,
        bases={},
        carries_quantity=False,
    )
    assert line.total == 10.0
    # The engine is handed the tax; it books the mirror itself.
    assert line.manual_tax_amounts() == {
        "1": {"tax_amount_currency": 2.1, "base_amount_currency": 10.0}
    }


def test_reverse_charge_tax_included_total_is_the_amount_typed():
    # A paid 6 % tax and a 21 % reverse charge tax, 10.60 typed tax included:
    # the rounding cent never goes to the reverse charge tax, whose mirror
    # stays its exact opposite.
    left = Share(untaxed=100.0, taxes={"6": 6.0, "21": 21.0, "21/mirror": -21.0})
    engine = {
        "total_excluded": 10.0,
        "taxes": {"6": 0.6, "21": 2.1049, "21/mirror": -2.1049},
    }
    untaxed, taxes = refund_amounts(request(10.6), left, "price_total", engine, cents)
    assert untaxed == 10.0
    assert taxes == {"6": 0.6, "21": 2.1, "21/mirror": -2.1}
    assert cents(untaxed + sum(taxes.values())) == 10.6


def test_engine_line_an_amount_is_its_part_of_the_line_quantity():
    # 2 units of 3.99 with a fixed tax of 2.50 each (7.98 untaxed, 12.98 in
    # all): 0.01 refunded stands for 0.01 / 7.98 of the 2 units, so that the
    # engine's fixed tax is that part of the line's 5.00, not a unit's 2.50.
    share = Share(untaxed=7.98, taxes={"1": 5.0})
    price, quantity, discount, mode = engine_line(
        request(0.01), "price_subtotal", None, 2.0, share, share
    )
    assert quantity == 2.0 * 0.01 / 7.98
    assert (discount, mode) == (0.0, "total_excluded")
    assert abs(price * quantity - 0.01) < 1e-12
    assert cents(2.5 * quantity) == 0.01


def test_engine_line_tax_included_amount_is_its_part_of_the_line_total():
    share = Share(untaxed=7.98, taxes={"1": 5.0})
    price, quantity, _discount, mode = engine_line(
        request(0.5), "price_total", None, 2.0, share, share
    )
    assert mode == "total_included"
    assert quantity == 2.0 * 0.5 / 12.98
    assert abs(price * quantity - 0.5) < 1e-12


def test_engine_line_the_rest_after_amounts_is_its_part_too():
    share = Share(untaxed=30.0, taxes={"1": 7.5})
    left = Share(untaxed=24.45, taxes={"1": 5.0})
    price, quantity, _discount, mode = engine_line(
        request(mode="full", final=True, quantity=3.0),
        "price_total",
        None,
        3.0,
        share,
        left,
    )
    assert mode == "total_excluded"
    assert quantity == 3.0 * 24.45 / 30.0
    assert abs(price * quantity - 24.45) < 1e-12


def test_engine_line_a_quantity_at_the_line_price_and_a_line_of_nothing():
    share = Share(untaxed=30.0, taxes={})
    own = (10.0, 5.0)
    assert engine_line(
        request(mode="quantity", quantity=2.0), "price_subtotal", own, 3.0, share, share
    ) == (10.0, 2.0, 5.0, False)
    # No quantity to take a part of: one unit at the amount.
    assert engine_line(request(4.0), "price_subtotal", None, 0.0, share, share) == (
        4.0,
        1.0,
        0.0,
        "total_excluded",
    )


def test_a_discount_is_held_by_the_lines_of_its_very_taxes():
    shares = {
        1: Share(100.0, {"21": 21.0}),
        2: Share(50.0, {"21": 10.5, "6": 3.0}),
        3: Share(30.0, {"21": 6.3, "eco": 2.1}),  # a fixed tax besides
        4: Share(20.0, {}),
        5: Share(-10.0, {"21": -2.1}),  # the discount itself
        6: Share(10.0, {"rc": 2.1, mirror_key("rc"): -2.1}),  # a reverse charge
    }
    assert holders(shares, {"21"}, {"eco"}) == {1, 3}
    assert holders(shares, {"21", "6"}, {"eco"}) == {2}
    # A voucher without tax: the untaxed lines only, not the taxed ones.
    assert holders(shares, set(), {"eco"}) == {4}
    assert holders(shares, {"rc", mirror_key("rc")}, set()) == {6}
    assert holders(shares, {"rc"}, set()) == {6}


def test_spread_adds_up_to_the_amount_the_last_taking_the_rest():
    shares = {
        1: Share(100.0, {"21": 21.0}),
        2: Share(50.0, {"21": 10.5}),
        3: Share(1.0),
    }
    spread(shares, {None: -10.0, "21": -2.1}, cents, lines={1, 2})
    assert shares[1] == Share(93.33, {"21": 19.6}, spread=True)
    assert shares[2] == Share(46.67, {"21": 9.8}, spread=True)
    assert shares[3] == Share(1.0)
    assert cents(shares[1].total + shares[2].total) == cents(181.5 - 12.1)
    assert shares[1].apart == shares[2].apart == {}


def test_part_of_a_share_by_untaxed_else_by_total():
    """The part a refund takes of a line's share: by the untaxed amount, by
    the total for a line without one (a free item bearing a fixed tax)."""
    assert Share(200.0, {"21": 42.0}).part_of(50.0, 10.5) == 0.25
    assert Share(0.0, {"eco": 3.0}).part_of(0.0, 1.5) == 0.5
    assert Share().part_of(0.0, 0.0) == 1.0


def test_spread_keeps_the_untaxed_parts_of_a_discount_on_its_account():
    """A discount line on an account of its own: each line's part of its
    untaxed amount is kept under that account, the parts adding up to it;
    another discount on the same account adds to them."""
    shares = {1: Share(100.0, {"21": 21.0}), 2: Share(50.0, {"21": 10.5})}
    spread(shares, {None: -10.0, "21": -2.1}, cents, account=7)
    assert shares[1].apart == {7: -6.67}
    assert shares[2].apart == {7: -3.33}
    spread(shares, {None: -3.0}, cents, account=7)
    spread(shares, {None: -1.0}, cents)  # the lines' own account
    assert shares[1].apart == {7: cents(-6.67 - 2.0)}
    assert cents(shares[1].apart[7] + shares[2].apart[7]) == -13.0
    # What is left of a share keeps them (the refunds' parts are of them).
    assert shares[1].minus(Share(10.0, {"21": 2.1}), cents).apart == shares[1].apart


def _credit(untaxed, taxes, rounding):
    return CreditLine(
        quantity=1.0,
        price_unit=untaxed,
        discount=0.0,
        untaxed=untaxed,
        taxes=taxes,
        bases={},
        carries_quantity=False,
        rounding=rounding,
    )


def test_tax_rounding_hands_the_engine_the_raw_tax_of_the_invoice():
    # Rounding globally, 3 x 0.03 at 15 %: raw 0.0045 each, 0.0135 in all,
    # booked 0.01 on the first line (Odoo's cent), 0.00 on the others.
    share = Share(untaxed=0.03, taxes={"15": 0.01}, rounding={"15": -0.0055})
    assert share.rounding_of(0.03) == {"15": -0.0055}
    assert Share().rounding_of(1.0) == {}
    lines = [
        _credit(0.03, {"15": 0.01}, {"15": -0.0055}),
        _credit(0.03, {"15": 0.0}, {"15": 0.0045}),
        _credit(0.03, {"15": 0.0}, {"15": 0.0045}),
    ]
    added = tax_rounding(lines, cents)
    # All of it on the line of the largest tax: raw 0.0135, booked 0.01.
    assert list(added) == [0]
    assert round(added[0]["15"], 6) == 0.0035
    assert (
        round(lines[0].manual_tax_amounts(added[0])["15"]["tax_amount_currency"], 6)
        == 0.0135
    )


def test_tax_rounding_never_changes_a_rounded_amount():
    # Half a refund's lines: their raw sum would round to another cent.
    lines = [
        _credit(10.0, {"1": 1.5}, {"1": 0.0049}),
        _credit(10.0, {"1": 1.5}, {"1": 0.0049}),
    ]
    assert tax_rounding(lines, cents) == {}
    # A reverse charge keeps its mirror the tax's opposite.
    # Neither it nor its mirror gets any; the other taxes of the line keep
    # its total (3 taxes of +0.004: a cent on 11.50 if all were added).
    mirrored = _credit(
        10.0,
        {"1": 2.1, "1/mirror": -2.1, "2": 1.0, "3": 0.5},
        {"1": 0.004, "1/mirror": -0.004, "2": 0.004, "3": 0.004},
    )
    added = tax_rounding([mirrored], cents)
    assert set(added[0]) <= {"2", "3"}
    assert cents(mirrored.total + sum(added[0].values())) == cents(mirrored.total)
    # Two taxes on two lines whose unrounded sum would round the document's
    # total tax to another cent: the second is left out.
    lines = [
        _credit(10.0, {"1": 1.0}, {"1": 0.003}),
        _credit(10.0, {"2": 1.0}, {"2": 0.003}),
    ]
    assert tax_rounding(lines, cents) == {0: {"1": 0.003}}
    # Rounding per line: no rounding on the shares, nothing added.
    assert tax_rounding([_credit(10.0, {"1": 1.5}, {})], cents) == {}


def test_units_at_the_line_price_refund_what_they_cost():
    # 3 of 7 x 0.99, 21 % included in the price (the line: 5.73 + 1.20):
    # their part of the line's rounded amount would be 2.46 + 0.52.
    left = Share(untaxed=5.73, taxes={"1": 1.20})
    engine = {"total_excluded": 2.97 / 1.21, "taxes": {"1": 2.97 - 2.97 / 1.21}}
    units = request(2.46, mode="quantity", quantity=3.0)
    own = (0.99, 0.0)
    taken = at_own_price(units, own, "price_subtotal", engine, left, cents)
    assert taken["amount"] == 2.45
    assert refund_amounts(taken, left, "price_subtotal", engine, cents) == (
        2.45,
        {"1": 0.52},
    )
    # Shown tax included: the units' total.
    total = at_own_price(
        request(2.98, mode="quantity", quantity=3.0),
        own,
        "price_total",
        engine,
        left,
        cents,
    )
    assert total["amount"] == 2.97
    # Never more than is left.
    small = Share(untaxed=2.40, taxes={"1": 0.50})
    assert (
        at_own_price(units, own, "price_subtotal", engine, small, cents)["amount"]
        == 2.40
    )
    # Not a quantity at the line's price, or the line's last refund: as asked.
    assert at_own_price(units, None, "price_subtotal", engine, left, cents) is units
    for other in (request(2.46), request(2.46, final=True, mode="quantity")):
        assert at_own_price(other, own, "price_subtotal", engine, left, cents) is other
