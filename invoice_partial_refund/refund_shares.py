# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A line's share of its invoice's books (`Share`) and how a discount is
taken off the shares (`holders`, `spread`). Odoo-free, as `refund_amounts`,
which builds on it: taxes keyed by the tax id as a string, as Odoo's tax
engine keys its ``manual_tax_amounts``. Why shares: a line's amounts as
*booked* differ from its own figures (rounding globally, Odoo spreads the
invoice's cents over its lines; discount lines and early payment discounts
lower what it was paid); refunds of a line add up to its share, of all
lines to what the invoice booked. `tax_rounding`: the unrounded part of
the shares' tax, handed to the engine for the company's currency."""

from dataclasses import dataclass, field

#: A reverse charge tax books its amount and the opposite (its mirror): kept
#: under the tax's key with this suffix; their sum is what the customer paid.
MIRROR = "/mirror"


def mirror_key(key):
    """The key of the mirror of the reverse charge tax ``key``."""
    return key + MIRROR


def is_mirror(key):
    return key.endswith(MIRROR)


class Taxed:
    """An untaxed amount (``untaxed``) and a tax per tax (``taxes``): their
    sum, for `Share` and `refund_amounts.CreditLine`."""

    @property
    def tax(self):
        return sum(self.taxes.values())

    @property
    def total(self):
        return self.untaxed + self.tax


@dataclass(frozen=True)
class Share(Taxed):
    """Untaxed amount and tax per tax of an invoice line: as booked on the
    invoice, refunded so far, or left to refund; ``spread``: a discount
    line's or an early payment discount's part is in it (not the line's own
    figures: a quantity refunds its part of it, not its price's)."""

    untaxed: float = 0.0
    taxes: dict = field(default_factory=dict)
    spread: bool = False
    #: rounding globally, per tax: the engine's raw tax of the line less its
    #: booked one, which Odoo converts to the company's currency unrounded
    rounding: dict = field(default_factory=dict, compare=False)
    #: per account of a discount line spread over it: its part of their
    #: untaxed amounts (in ``untaxed``, negative), booked there, not here
    apart: dict = field(default_factory=dict, compare=False)

    def part_of(self, untaxed, tax):
        """The part of this share that ``untaxed`` and ``tax`` refund: by the
        untaxed amount, else by the total (a fixed tax on a free line)."""
        if self.untaxed:
            return untaxed / self.untaxed
        return (untaxed + tax) / self.total if self.total else 1.0

    def rounding_of(self, untaxed):
        """The part of `rounding` that ``untaxed`` of this share bears."""
        if not self.untaxed:
            return {}
        return {key: raw * untaxed / self.untaxed for key, raw in self.rounding.items()}

    def within_untaxed(self, untaxed, taxes, keys, round_):
        """A tax-included refund's ``untaxed`` amount, no more than this
        share's (what is left of a line): the excess, cents its taxes capped
        at what is left of them handed it refund after refund, goes to the
        taxes ``keys`` that have some left (``taxes`` updated in place), else
        the last refund of the line would book negative revenue and positive
        tax."""
        excess = round_(untaxed - self.untaxed)
        if excess <= 0 or self.untaxed < 0:
            return untaxed
        room = {key: round_(self.taxes.get(key, 0.0) - taxes[key]) for key in keys}
        for key in sorted(keys, key=lambda key: -room[key]):
            moved = min(max(room[key], 0.0), excess)
            taxes[key] = round_(taxes[key] + moved)
            excess = round_(excess - moved)
        return round_(self.untaxed + excess)

    def minus(self, other, round_):
        """This share less ``other``, rounded by ``round_`` (the currency's)."""
        return Share(
            untaxed=round_(self.untaxed - other.untaxed),
            taxes={
                key: round_(amount - other.taxes.get(key, 0.0))
                for key, amount in self.taxes.items()
            },
            spread=self.spread,
            rounding=self.rounding,
            apart=self.apart,
        )


def holders(shares, keys, fixed):
    """Ids of the lines of ``shares`` (``{id: Share}``) bearing the taxes
    ``keys`` and no other but ``fixed`` ones (which Odoo's discounts leave
    out), reverse charges' mirrors aside: the lines a discount of those
    taxes is taken off, their credit note lines' taxes staying their base's."""
    keys = {key for key in keys if not is_mirror(key)}
    found = set()
    for line_id, share in shares.items():
        own = {key for key in share.taxes if not is_mirror(key)}
        if share.untaxed > 0 and keys <= own <= keys | fixed:
            found.add(line_id)
    return found


def spread(shares, amounts, round_, lines=None, account=None):
    """Add ``amounts`` (``{tax key: amount}``, ``None`` for an untaxed
    amount) to ``shares`` (``{id: Share}``, of ids ``lines`` only if given),
    in place: each over the lines bearing it (all for an untaxed amount) by
    their untaxed amounts, the last taking the rest, rounded by ``round_``
    (the currency's); the shares then add up, each marked ``spread``, the
    untaxed parts also kept `apart` under ``account`` if given (a discount
    line's account)."""
    weights = {line_id: share.untaxed for line_id, share in shares.items()}
    for key, amount in amounts.items():
        bearing = [
            line_id
            for line_id, share in shares.items()
            if (key is None or key in share.taxes)
            and (lines is None or line_id in lines)
        ]
        weight = sum(weights[line_id] for line_id in bearing)
        left = amount
        for index, line_id in enumerate(bearing):
            part = (
                left
                if index == len(bearing) - 1 or not weight
                else round_(amount * weights[line_id] / weight)
            )
            share = shares[line_id]
            taxes = dict(share.taxes)
            if key is not None:
                taxes[key] = round_(taxes[key] + part)
            untaxed = round_(share.untaxed + (part if key is None else 0.0))
            apart = dict(share.apart)
            if key is None and account is not None:
                apart[account] = round_(apart.get(account, 0.0) + part)
            shares[line_id] = Share(untaxed, taxes, True, share.rounding, apart)
            left -= part


def tax_rounding(credit_lines, round_):
    """``{index of a credit line: {tax key: amount}}``: what to add to the
    manual tax amounts of ``credit_lines`` (`refund_amounts.CreditLine`, one credit
    note)
    so that, rounding globally, Odoo's engine converts to the company's
    currency the unrounded tax the refunded lines bore on the invoice, as
    it did for the invoice (a refund of all of it then books its company
    amounts), the amounts booked in the invoice's currency unchanged: per
    tax, the sum of the lines' parts of the rounding, on the line of its
    largest tax, left out where it would change a rounded amount (the tax,
    the line's total, all taxes of the document: Portugal's engine rounds
    their sum)."""
    added = {}
    total_tax = sum(line.tax for line in credit_lines)
    total_raw = 0.0
    keys = {key for line in credit_lines for key in line.rounding}
    for key in sorted(keys):
        bearing = [i for i, line in enumerate(credit_lines) if key in line.taxes]
        if (
            not bearing
            or is_mirror(key)
            or any(mirror_key(key) in credit_lines[i].taxes for i in bearing)
        ):
            continue  # a reverse charge: its mirror must stay its opposite
        raw = sum(credit_lines[i].rounding.get(key, 0.0) for i in bearing)
        index = max(bearing, key=lambda i: abs(credit_lines[i].taxes[key]))
        line = credit_lines[index]
        tax = sum(credit_lines[i].taxes[key] for i in bearing)
        own = sum(added.get(index, {}).values())
        if (
            round_(tax + raw) == round_(tax)
            and round_(line.taxes[key] + raw) == round_(line.taxes[key])
            and round_(line.total + own + raw) == round_(line.total)
            and round_(total_tax + total_raw + raw) == round_(total_tax)
        ):
            added.setdefault(index, {})[key] = raw
            total_raw += raw
    return added
