# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The checks of one requested refund of an invoice line: what is left of
the line, in which mode (full, amount, quantity), and the shapes of the
amount and quantity asked."""

from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, float_round

from .. import refund_amounts


class AccountMoveLineRefundRequestMixin(models.AbstractModel):
    """The refund request part of `account.move.line` (its only user)."""

    _name = "account.move.line.refund.request.mixin"
    _description = "Invoice Line Partial Refund Request"

    def _prepare_refund_request(self, amount=None, quantity=None, share=None):
        """Validate one requested refund of this invoice line and return what it
        refunds.

        :param amount: amount to refund on the refund basis, or None
        :param quantity: quantity to refund, or None; with neither, the line's
            whole remainder is refunded
        :param share: the line's `refund_amounts.Share`, when the caller
            looked up the shares of all the lines it refunds (see
            `_refund_shares`: one look per invoice, not one per line)
        :return: dict with ``amount`` (on the refund basis), ``quantity``
            (refunded quantity, 0 for a refund by amount), ``mode`` and
            ``final`` (True when it takes exactly the line's remainder)
        """
        self.ensure_one()
        currency = self.currency_id
        label = self.name or self.product_id.display_name or str(self.id)
        if share is None:
            share = self._refund_shares().get(self, refund_amounts.Share())
        if (
            float_compare(
                self._refund_basis_value(share=share),
                0.0,
                precision_rounding=currency.rounding,
            )
            <= 0
        ):
            raise UserError(
                _(
                    "The line “%(line)s” is a discount or a zero line: it cannot be "
                    "refunded. Refund the lines it applies to by amount instead.",
                    line=label,
                )
            )
        remaining = self._refund_remaining(share=share)
        if float_compare(remaining, 0.0, precision_rounding=currency.rounding) <= 0:
            raise UserError(
                _("The line “%(line)s” is already fully refunded.", line=label)
            )
        uom_digits = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        remaining_qty = float_round(
            self.quantity - self.refunded_quantity, precision_digits=uom_digits
        )
        if amount is None and quantity is None:
            return {
                "mode": "full",
                "amount": remaining,
                "quantity": max(remaining_qty, 0.0),
                "final": True,
            }
        if amount is not None:
            if not _is_number(amount):
                raise UserError(
                    _(
                        "The amount to refund on “%(line)s” must be a number.",
                        line=label,
                    )
                )
            if float_compare(amount, 0.0, precision_rounding=currency.rounding) <= 0:
                raise UserError(
                    _(
                        "The amount to refund on “%(line)s” must be positive.",
                        line=label,
                    )
                )
            if not _has_at_most_decimals(amount, currency.decimal_places):
                raise UserError(
                    _(
                        "The amount %(amount)s on “%(line)s” has more decimals than "
                        "%(currency)s allows (%(digits)s). Round it to the currency.",
                        amount=amount,
                        line=label,
                        currency=currency.name,
                        digits=currency.decimal_places,
                    )
                )
            if (
                float_compare(amount, remaining, precision_rounding=currency.rounding)
                > 0
            ):
                raise UserError(
                    _(
                        "You cannot refund an amount of %(amount)s on “%(line)s”: "
                        "only %(remaining)s is still refundable.",
                        amount=currency.format(amount),
                        line=label,
                        remaining=currency.format(remaining),
                    )
                )
            final = currency.is_zero(amount - remaining)
            return {
                "mode": "amount",
                "amount": currency.round(amount),
                "quantity": 0.0,
                "final": final,
            }
        if not _is_number(quantity):
            raise UserError(
                _("The quantity to refund on “%(line)s” must be a number.", line=label)
            )
        if float_compare(quantity, 0.0, precision_digits=uom_digits) <= 0:
            raise UserError(
                _("The quantity to refund on “%(line)s” must be positive.", line=label)
            )
        if not _has_at_most_decimals(quantity, uom_digits):
            raise UserError(
                _(
                    "The quantity %(quantity)s on “%(line)s” has more decimals than "
                    "the unit of measure precision allows (%(digits)s).",
                    quantity=quantity,
                    line=label,
                    digits=uom_digits,
                )
            )
        if float_compare(quantity, remaining_qty, precision_digits=uom_digits) > 0:
            raise UserError(
                _(
                    "You cannot refund a quantity of %(quantity)s on “%(line)s”: only "
                    "%(remaining)s is still refundable.",
                    quantity=quantity,
                    line=label,
                    remaining=remaining_qty,
                )
            )
        if float_compare(quantity, remaining_qty, precision_digits=uom_digits) == 0:
            amount = remaining
        else:
            amount = currency.round(
                self._refund_basis_value(share=share) * quantity / self.quantity
            )
        if float_compare(amount, remaining, precision_rounding=currency.rounding) > 0:
            raise UserError(
                _(
                    "Refunding a quantity of %(quantity)s on “%(line)s” would refund "
                    "%(amount)s, but only %(remaining)s is still refundable. Refund "
                    "an amount instead.",
                    quantity=quantity,
                    line=label,
                    amount=currency.format(amount),
                    remaining=currency.format(remaining),
                )
            )
        return {
            "mode": "quantity",
            "amount": amount,
            "quantity": quantity,
            "final": currency.is_zero(amount - remaining),
        }


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _has_at_most_decimals(value, digits):
    """True when ``value`` has no more than ``digits`` decimals (float noise
    aside)."""
    # Python's round, correctly rounded: `float_round` adds an epsilon that
    # outweighs the cents of amounts beyond about 1e12 and refused them.
    return float_is_zero(value - round(value, digits), 9)
