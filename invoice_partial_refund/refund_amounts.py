# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a credit note line refunding (part of) an invoice line books.

Computed once per refund request and used both by the wizard's preview and
by the booking, so that the amounts shown are the amounts booked.

Odoo-free: the invoice line's share of its invoice's books, the tax engine's
raw figures and the currency's rounding are given; nothing is read here.
Taxes are keyed by the tax id as a string, as Odoo's tax engine keys its
``manual_tax_amounts``.

Why shares: with "Round globally", an invoice rounds its tax per tax over all
its lines and Odoo's tax engine spreads the rounding cents over the lines
(``account.tax._round_base_lines_tax_details``). A line's untaxed amount and
tax as *booked* (its share) may differ by a cent from the line's own rounded
figures. Refunds of a line add up to its share, so that refunding every line
of an invoice gives back exactly the invoice: untaxed, tax per tax, total.
"""

from dataclasses import dataclass, field

#: A reverse charge tax books its amount and the opposite (its mirror), and
#: the customer pays neither: the mirror is kept under the tax's key with
#: this suffix, so that the tax of a line (the sum of its taxes) is what the
#: customer paid, while the engine is handed the tax's own amount.
MIRROR = "/mirror"


def mirror_key(key):
    """The key of the mirror of the reverse charge tax ``key``."""
    return key + MIRROR


def is_mirror(key):
    return key.endswith(MIRROR)


@dataclass(frozen=True)
class Share:
    """Untaxed amount and tax per tax of an invoice line: as booked on the
    invoice, refunded so far, or left to refund."""

    untaxed: float = 0.0
    taxes: dict = field(default_factory=dict)

    @property
    def tax(self):
        return sum(self.taxes.values())

    @property
    def total(self):
        return self.untaxed + self.tax

    def minus(self, other, round_):
        """This share less ``other``, rounded with ``round_`` (the
        currency's rounding)."""
        return Share(
            untaxed=round_(self.untaxed - other.untaxed),
            taxes={
                key: round_(amount - other.taxes.get(key, 0.0))
                for key, amount in self.taxes.items()
            },
        )


@dataclass(frozen=True)
class CreditLine:
    """The credit note line of one refund request.

    ``untaxed`` and ``taxes`` are what it books; ``quantity``, ``price_unit``
    and ``discount`` what it shows. The booked amounts are handed to Odoo's
    tax engine as the line's manual tax amounts (see `manual_tax_amounts`),
    so the credit note books them whatever the engine's own rounding of
    ``quantity × price_unit`` would be.
    """

    quantity: float
    price_unit: float
    discount: float
    untaxed: float
    taxes: dict
    #: the tax base of each tax (differs from ``untaxed`` for a tax whose base
    #: includes an earlier tax)
    bases: dict
    #: the refunded quantity is on the line: sale counts it as returned
    carries_quantity: bool

    @property
    def tax(self):
        return sum(self.taxes.values())

    @property
    def total(self):
        return self.untaxed + self.tax

    def as_share(self):
        return Share(untaxed=self.untaxed, taxes=dict(self.taxes))

    def manual_tax_amounts(self):
        """The ``manual_tax_amounts`` of the tax engine's base line for this
        credit note line."""
        return {
            key: {
                "tax_amount_currency": amount,
                "base_amount_currency": self.bases.get(key, self.untaxed),
            }
            for key, amount in self.taxes.items()
            # The engine books a reverse charge tax's mirror from the tax.
            if not is_mirror(key)
        }


def refund_amounts(request, left, basis, engine, round_):
    """Untaxed amount and tax per tax that ``request`` refunds.

    :param request: the validated request (``mode``, ``amount`` on the
        basis, ``quantity``, ``final``), see
        ``account.move.line._prepare_refund_request``
    :param left: `Share` still refundable on the invoice line
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
    cent goes to the largest tax, so that the total is the amount typed.
    """
    if request["final"]:
        return left.untaxed, dict(left.taxes)
    taxes = {
        key: round_(amount)
        for key, amount in engine["taxes"].items()
        if not is_mirror(key)
    }
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
        if 0.0 <= cap < amount:
            taxes[key] = cap
            if basis == "price_total" and key not in mirrored:
                untaxed = round_(untaxed + amount - cap)
    for key in mirrored:
        taxes[mirror_key(key)] = -taxes[key]
    return untaxed, taxes
