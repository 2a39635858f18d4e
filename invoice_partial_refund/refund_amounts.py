# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a refund request of an invoice line takes (`check_request`), and
what the credit note line refunding it books (`refund_amounts`) and shows
(`shown_line`): once per request, for the wizard's preview and the booking.
Odoo-free: the line's share of its invoice's books (`refund_shares.Share`),
the tax engine's raw figures and the currency are given."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

try:  # within the addon
    from .refund_shares import Taxed, is_mirror, mirror_key
except ImportError:  # alone, as tier 1 imports it
    from refund_shares import Taxed, is_mirror, mirror_key


@dataclass(frozen=True)
class CreditLine(Taxed):
    """The credit note line of one refund request: it books ``untaxed`` and
    ``taxes``, handed to Odoo's tax engine as the line's manual tax amounts
    (`manual_tax_amounts`), and shows ``quantity``, ``price_unit`` and
    ``discount`` (see `shown_line`)."""

    quantity: float
    price_unit: float
    discount: float
    untaxed: float
    taxes: dict
    #: each tax's base (not ``untaxed`` where it includes an earlier tax)
    bases: dict
    #: the refunded quantity is on the line: sale counts it as returned
    carries_quantity: bool
    #: rounding globally, per tax: its part of the line's `Share.rounding`
    rounding: dict = field(default_factory=dict)
    #: the part of its invoice line's share the line refunds (1 for all)
    part: float = 1.0

    def manual_tax_amounts(self, raw=None):
        """The ``manual_tax_amounts`` of the tax engine's base line for this
        credit note line; ``raw``: per tax, what to add to its tax for the
        engine's unrounded figure (see `refund_shares.tax_rounding`)."""
        raw = raw or {}
        return {
            key: {
                "tax_amount_currency": amount + raw.get(key, 0.0),
                "base_amount_currency": self.bases.get(key, self.untaxed),
            }
            for key, amount in self.taxes.items()
            # The engine books a reverse charge tax's mirror from the tax.
            if not is_mirror(key)
        }


@dataclass(frozen=True)
class LineLeft:
    """What a refund request of one invoice line is checked against, on the
    refund basis (tax excluded or included, as the invoice shows its lines)."""

    label: str  # how messages name the line
    value: float  # the line's share of its invoice's books
    remaining: float  # what is still refundable, refunds in progress counted
    quantity: float
    remaining_quantity: float
    quantity_digits: int  # the decimals of the unit of measure precision
    #: refunded whole only (a sale's down payment, see `check_request`)
    whole_only: bool = False


class RequestError(ValueError):
    """A refund request that cannot be taken; the message says why."""


def _untranslated(source, **params):
    return source % params if params else source


def check_request(amount, quantity, line, currency, _=_untranslated, fmt=str):
    """What a request of ``amount`` or ``quantity`` of an invoice line
    refunds, or `RequestError` saying why it cannot.

    :param amount: amount on the refund basis, or None
    :param quantity: quantity, or None; with neither, the line's remainder
    :param line: the `LineLeft` of the invoice line
    :param currency: the invoice's currency (``res.currency``: its
        ``compare_amounts``, ``is_zero``, ``round``, ``format``, ``name``,
        ``decimal_places`` and ``rounding``)
    :param _: the translation function (``env._``); ``fmt``: a quantity's text
    :return: dict with ``mode`` (``full``, ``amount`` or ``quantity``),
        ``amount`` (on the refund basis), ``quantity`` (0 for a refund by
        amount) and ``final`` (it takes exactly the line's remainder)
    """
    digits = line.quantity_digits
    if currency.compare_amounts(line.value, 0.0) <= 0:
        raise RequestError(
            _(
                "The line “%(line)s” is a discount or a zero line: it cannot be "
                "refunded. Refund the lines it applies to by amount instead.",
                line=line.label,
            )
        )
    remaining = line.remaining
    sign = -1 if line.quantity < 0 else 1  # a negative line: its units, signed
    if currency.compare_amounts(remaining, 0.0) <= 0:
        raise RequestError(
            _("The line “%(line)s” is already fully refunded.", line=line.label)
        )
    if amount is None and quantity is None:
        return {
            "mode": "full",
            "amount": remaining,
            "quantity": sign * max(sign * line.remaining_quantity, 0.0),
            "final": True,
        }
    if line.whole_only:  # a final invoice deducts a down payment by its price
        raise RequestError(
            _(
                "The line “%(line)s” is a down payment: it is refunded whole, "
                "without an amount or a quantity.",
                line=line.label,
            )
        )
    if amount is not None:
        return _check_amount(amount, line, remaining, currency, _)
    if not _is_number(quantity):
        raise RequestError(
            _(
                "The quantity to refund on “%(line)s” must be a number.",
                line=line.label,
            )
        )

    # Positive as typed first: a positive quantity below the precision is
    # one with too many decimals, not a negative one.
    def positive():
        return RequestError(
            _("The quantity to refund on “%(line)s” must be positive.", line=line.label)
        )

    if quantity <= 0:
        raise positive()
    if not _has_at_most_decimals(quantity, digits):
        raise RequestError(
            _(
                "The quantity %(quantity)s on “%(line)s” has more decimals than "
                "the unit of measure precision allows (%(digits)s).",
                quantity=quantity,
                line=line.label,
                digits=digits,
            )
        )
    if _compare(quantity, 0.0, digits) <= 0:  # positive by float noise only
        raise positive()
    left = _compare(quantity, sign * line.remaining_quantity, digits)
    if left > 0:
        raise RequestError(
            _(
                "You cannot refund a quantity of %(quantity)s on “%(line)s”: only "
                "%(remaining)s is still refundable.",
                quantity=fmt(quantity),
                line=line.label,
                remaining=fmt(sign * line.remaining_quantity),
            )
        )
    if left == 0:
        amount = remaining
    else:
        amount = currency.round(line.value * quantity / abs(line.quantity))
    if currency.compare_amounts(amount, remaining) > 0:
        raise RequestError(
            _(
                "Refunding a quantity of %(quantity)s on “%(line)s” would refund "
                "%(amount)s, but only %(remaining)s is still refundable. Refund "
                "an amount instead.",
                quantity=fmt(quantity),
                line=line.label,
                amount=currency.format(amount),
                remaining=currency.format(remaining),
            )
        )
    return {
        "mode": "quantity",
        "amount": amount,
        "quantity": sign * quantity,
        "final": currency.is_zero(amount - remaining),
    }


def _check_amount(amount, line, remaining, currency, _):
    """The request of ``amount`` of ``line`` (see `check_request`)."""
    if not _is_number(amount):
        raise RequestError(
            _("The amount to refund on “%(line)s” must be a number.", line=line.label)
        )

    # Positive as typed first: a positive amount below a cent is one with
    # too many decimals, not a negative one.
    def positive():
        return RequestError(
            _("The amount to refund on “%(line)s” must be positive.", line=line.label)
        )

    if amount <= 0:
        raise positive()
    if not _has_at_most_decimals(amount, currency.decimal_places):
        raise RequestError(
            _(
                "The amount %(amount)s on “%(line)s” has more decimals than "
                "%(currency)s allows (%(digits)s). Round it to the currency.",
                amount=amount,
                line=line.label,
                currency=currency.name,
                digits=currency.decimal_places,
            )
        )
    if currency.compare_amounts(amount, 0.0) <= 0:  # positive by float noise only
        raise positive()
    # Decimal: Odoo's rounding drifts on amounts beyond about 1e12 (see
    # `_has_at_most_decimals`), and its 0.01 may read 0.010000000000000002;
    # the amount without the float noise `_has_at_most_decimals` tolerates
    # (1.1 * 3 is 3.3000000000000003).
    step = Decimal(repr(round(currency.rounding, 10)))
    steps = Decimal(repr(round(amount, 9))) / step
    if steps != steps.to_integral_value():
        # A currency rounded to 0.05 (say): the amount typed is refunded
        # exactly, or not at all.
        rounded = steps.to_integral_value(ROUND_HALF_UP) * step
        raise RequestError(
            _(
                "The amount %(amount)s on “%(line)s” is not a multiple of "
                "the smallest amount of %(currency)s: round it (%(rounded)s).",
                amount=amount,
                line=line.label,
                currency=currency.name,
                rounded=currency.format(float(rounded)),
            )
        )
    if currency.compare_amounts(amount, remaining) > 0:
        raise RequestError(
            _(
                "You cannot refund an amount of %(amount)s on “%(line)s”: "
                "only %(remaining)s is still refundable.",
                amount=currency.format(amount),
                line=line.label,
                remaining=currency.format(remaining),
            )
        )
    return {
        "mode": "amount",
        "amount": currency.round(amount),
        "quantity": 0.0,
        "final": currency.is_zero(amount - remaining),
    }


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _has_at_most_decimals(value, digits):
    """``value`` has at most ``digits`` decimals (float noise aside)."""
    # Python's round, correctly rounded: Odoo's `float_round` adds an epsilon
    # that outweighs the cents of amounts beyond about 1e12 and refused them.
    return abs(value - round(value, digits)) < 5e-10


def _compare(value, other, digits):
    """-1, 0 or 1 as ``value`` is below, at or above ``other`` (``digits``)."""
    delta = round(value - other, digits)
    return (delta > 0) - (delta < 0)


def engine_line(request, basis, own, quantity, share, left):
    """``(price_unit, quantity, discount, special_mode)`` the tax engine runs
    ``request`` at: a quantity at the line's ``own`` price; else an amount, a
    quantity's part or the rest as that part of the line's ``share`` on its
    ``basis`` and of its ``quantity`` (a fixed tax refunds it too)."""
    if own:
        return own[0], request["quantity"], own[1], False
    part_of = request["mode"] != "full"  # an amount, a quantity's part: on the basis
    if part_of and basis == "price_total":
        amount, value, special_mode = request["amount"], share.total, "total_included"
    else:
        amount = request["amount"] if part_of else left.untaxed
        value, special_mode = share.untaxed, "total_excluded"
    part = quantity * amount / value if quantity and value and amount else 1.0
    return amount / part, part, 0.0, special_mode


def at_own_price(request, own, basis, engine, left, round_):
    """``request`` at the line's ``own`` price: a quantity (not the line's
    last refund) refunds what its units cost as Odoo's credit note of them
    books it (the engine's figures, rounded), not their part of the line's
    rounded amount (3 of 7 × 0.99, 21 % included: 2.97, not 2.98); never
    more than is ``left`` on the ``basis``."""
    if not own or request["mode"] != "quantity" or request["final"]:
        return request
    figure, cap = engine["total_excluded"], left.untaxed
    if basis == "price_total":
        figure, cap = figure + sum(engine["taxes"].values()), left.total
    return dict(request, amount=min(round_(figure), cap))


def _round(value, digits, rounding=ROUND_HALF_UP):
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding))


def shown_line(
    untaxed, included, quantity, own, has_tax, digits, round_amount=None, own_round=None
):
    """``(quantity, price_unit, discount)`` a credit note line booking
    ``untaxed`` (plus the taxes ``included`` in its price) shows, or None.
    With a tax, the engine books the line's manual tax amounts: the price is
    only shown, but gives the amount to the cent (``round_amount``), as a
    document's line must. Without, it books the amount: to the cent if each
    line is rounded, unrounded (None) if the engine rounds the lines' sum,
    but by ``own_round`` for the line's own figures (they book it so).
    Wherever a price gives it, the refunded ``quantity`` (0 by amount) stays,
    which sale counts as returned: the line's ``own`` price and discount; the
    amount per unit; that rounded up less the discount that brings it down
    (``digits``, a price's and a discount's decimals, may not reach it).
    Else, with a tax, the amount per unit rounded; else one unit at it."""
    price_digits, discount_digits = digits
    target = untaxed + included

    def gives(quantity_shown, price_unit, discount, round_=round_amount):
        raw = price_unit * quantity_shown * (1 - discount / 100.0)
        if round_ is None:
            return abs(raw - target) < 5e-10
        # Exact whichever way the engine's float arithmetic falls.
        return round_(raw - 1e-7) == round_(raw + 1e-7) == round_(target)

    if own and gives(quantity, *own, round_=round_amount or own_round):
        return (quantity, *own)
    if quantity > 0:
        per_unit = target / quantity
        price = _round(per_unit, price_digits)
        if gives(quantity, price, 0.0):
            return quantity, price, 0.0
        price_up = _round(per_unit, price_digits, ROUND_UP)
        discount = _round((1 - per_unit / price_up) * 100, discount_digits)
        if 0 < discount < 100 and gives(quantity, price_up, discount):
            return quantity, price_up, discount
        if has_tax:
            return quantity, price, 0.0
    price = _round(target, price_digits)
    if has_tax or gives(1.0, price, 0.0):
        return 1.0, price, 0.0
    return None


def refund_amounts(request, left, basis, engine, round_):
    """Untaxed amount and tax per tax that ``request`` refunds.

    :param request: the validated request (``mode``, ``amount`` on the
        basis, ``quantity``, ``final``), see `check_request`
    :param left: `refund_shares.Share` still refundable on the invoice line
    :param basis: ``"price_subtotal"`` (amounts typed tax excluded) or
        ``"price_total"`` (tax included)
    :param engine: the tax engine's raw figures for the request:
        ``{"total_excluded": x, "taxes": {key: amount}}``
    :param round_: the currency's rounding
    :return: ``(untaxed, taxes)``

    The last refund of a line (``final``) takes exactly what is left of its
    share, wherever earlier refunds put the rounding cents. Another refund
    is exact on the amount typed: its tax is the engine's, rounded, never
    more than what is left of each tax (a cent rounded up now would leave
    the last refund a negative tax); on the tax-included basis the rounding
    cent goes to the largest tax, so that the total is the amount typed,
    and the untaxed amount never beyond what is left (`Share.within_untaxed`).
    """
    if request["final"]:
        return left.untaxed, dict(left.taxes)
    taxes = {k: round_(a) for k, a in engine["taxes"].items() if not is_mirror(k)}
    # Reverse charge taxes: the customer pays none, their mirrors cancel them.
    mirrored = {key for key in taxes if mirror_key(key) in engine["taxes"]}
    paid = [key for key in taxes if key not in mirrored]
    if basis == "price_total":
        untaxed = round_(engine["total_excluded"])
        difference = round_(
            request["amount"] - untaxed - sum(taxes[key] for key in paid)
        )
        if difference and paid:
            largest = max(paid, key=lambda key: abs(taxes[key]))
            taxes[largest] = round_(taxes[largest] + difference)
    else:
        untaxed = round_(request["amount"])
    for key, amount in taxes.items():
        cap = left.taxes.get(key, 0.0)
        if 0.0 <= cap < amount or amount < cap <= 0.0:  # a withholding: below 0
            taxes[key] = cap
            if basis == "price_total" and key not in mirrored:
                untaxed = round_(untaxed + amount - cap)
    if basis == "price_total":  # those cents never beyond the line's revenue
        untaxed = left.within_untaxed(untaxed, taxes, paid, round_)
    for key in mirrored:
        taxes[mirror_key(key)] = -taxes[key]
    return untaxed, taxes
