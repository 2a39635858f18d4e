# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How a refund payment in another currency than its foreign credit note's
settles it: at the payment's worth on its date, the rest an exchange
difference, in the company's currency as Odoo's payment register pays, and
in a third currency alike."""

from odoo import api, models


class AccountPartialRefundBookingCurrencyMixin(models.AbstractModel):
    """The other currencies part of `account.partial.refund.booking` (its
    only user): used by its `_reconcile_with_credit_note`."""

    _name = "account.partial.refund.booking.currency.mixin"
    _description = "Partial Refund Booking in Other Currencies"

    @api.model
    def _reconcile_in_other_currency(self, lines, settled, payment, amount):
        """Reconcile ``lines``, ``payment``'s and the ``settled`` ones, that
        ``payment`` pays ``amount`` of (in their currency) in another one."""
        booked = abs(payment.amount_company_currency_signed)
        if not booked:
            lines.reconcile()
        elif payment.currency_id == payment.company_currency_id:
            # As Odoo's register: the amount settled at the payment's rate,
            # the difference booked by the reconciliation.
            rate = amount / booked
            lines.with_context(forced_rate_from_register_payment=rate).reconcile()
        else:
            # A third currency: the lines and the payment share the company's
            # currency only, in which they match. Odoo's rate forced would be
            # taken for the payment's currency too.
            left = self._book_third_currency_worth(settled, payment, amount, booked)
            lines.reconcile()
            self._book_third_currency_rest(left, payment)

    @api.model
    def _book_third_currency_worth(self, settled, payment, amount, booked):
        """Book the difference between the company's value of ``amount`` of
        the ``settled`` lines (at their rate) and what ``payment`` is worth
        (``booked``, at its date's rate) as an exchange difference: the two
        then match in the company's currency for as much as it settles.

        :return: ``{line: what is left of it in its currency once settled}``
        """
        left, value, to_settle = {}, 0.0, amount
        for line in settled:
            # Credit lines: their residuals are negative.
            take = min(to_settle, -line.amount_residual_currency)
            value += line.amount_residual * take / line.amount_residual_currency
            left[line] = line.currency_id.round(line.amount_residual_currency + take)
            to_settle -= take
        difference = payment.company_currency_id.round(booked - value)
        # Odoo's exchange difference lowers what a line has left: the credit
        # note's when the payment is worth less, else the payment's.
        fixed = (
            settled[:1]
            if difference < 0
            else payment.move_id.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
        )
        self._book_exchange_lines(
            fixed, [{"amount_residual": difference}], payment.date
        )
        return left

    @api.model
    def _book_third_currency_rest(self, left, payment):
        """Leave each line of ``left`` (``{line: its residual in its currency
        once settled}``) that residual where ``payment`` settles part of it:
        matched in the company's currency, Odoo took its currency at its own
        rate and rounded; the match books what the payment settles of it."""
        for line, residual in left.items():
            if line.reconciled:
                continue  # settled in full: Odoo's match closes it
            delta = line.currency_id.round(residual - line.amount_residual_currency)
            if line.currency_id.is_zero(delta):
                continue
            # Credit lines, matched by the payment's debit line.
            partial = line.matched_debit_ids.filtered(
                lambda part: part.debit_move_id.move_id == payment.move_id
            )[-1:]
            # The match is Odoo's, written as superuser as Odoo writes it; the
            # residuals follow the matches, not their amounts: computed again.
            partial.sudo().credit_amount_currency += delta
            line._compute_amount_residual()

    @api.model
    def _book_exchange_lines(self, lines, amounts, date):
        """Book Odoo's exchange difference entry fixing ``lines`` by ``amounts``
        (see `account.move.line._prepare_exchange_difference_move_vals`), on
        ``date``, matched with them and reversed with the match, as Odoo's
        own (`account.partial.reconcile.unlink`)."""
        if not lines:
            return
        values = lines._prepare_exchange_difference_move_vals(
            amounts, exchange_date=date
        )
        if values and values["move_values"]["line_ids"]:
            exchange = lines._create_exchange_difference_moves([values])
            exchange_lines = exchange.line_ids
            partials = (
                exchange_lines.matched_debit_ids | exchange_lines.matched_credit_ids
            )
            partials.exchange_move_id = exchange
