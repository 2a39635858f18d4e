# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The checks of a refund request that need the database: the lines are
product lines of the invoice, the invoice and its lines are locked, the date
is allowed."""

import psycopg2

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class AccountPartialRefundRequestMixin(models.AbstractModel):
    """The request checks of `account.partial.refund` (its only user)."""

    _name = "account.partial.refund.request.mixin"
    _description = "Partial Refund Request Checks"

    @api.model
    def _parse_requests(self, invoice, requests):
        """Check that the requested lines are product lines of ``invoice``.

        :param requests: ``(line_id, amount, quantity)`` tuples, type-checked
            by `refund_request.parse_lines`
        :return: ``requests``
        """
        product_lines = invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        for line_id, _amount, _quantity in requests:
            if line_id not in product_lines.ids:
                raise UserError(
                    _(
                        "The line %(line)s (“line_id”) is not a product line of "
                        "invoice %(invoice)s: pass the id of one of its product "
                        "lines (not a section, a note, a tax line or a line of "
                        "another invoice).",
                        line=line_id,
                        invoice=invoice._get_partial_refund_label(),
                    )
                )
        return requests

    @api.model
    def _lock_invoice(self, invoice, invoice_lines):
        """Serialize the refunds of one invoice until the transaction ends.

        A concurrent refund of the same invoice fails at once with a clear
        error instead of waiting. The invoice row is also rewritten (its
        write date): a refund that committed after this transaction started
        has done the same, so PostgreSQL refuses the lock with a
        serialization failure and Odoo retries the whole request, which then
        sees the new remainders and what is left of each gateway payment.
        The refunded lines are locked likewise (their refunded totals are
        written by the refund).
        """
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM account_move WHERE id = %s "
                    "FOR NO KEY UPDATE NOWAIT",
                    [invoice.id],
                )
                self.env.cr.execute(
                    "SELECT id FROM account_move_line WHERE id IN %s "
                    "FOR NO KEY UPDATE NOWAIT",
                    [tuple(invoice_lines.ids)],
                )
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                _(
                    "Another refund of this invoice is being recorded right now. "
                    "Wait a moment and try again."
                )
            ) from None
        self.env.cr.execute(
            "UPDATE account_move SET write_date = now() at time zone 'UTC' "
            "WHERE id = %s",
            [invoice.id],
        )
        invoice_lines.invalidate_recordset(
            ["refunded_price_subtotal", "refunded_price_total", "refunded_quantity"]
        )

    @api.model
    def _check_refund_date(self, invoice, payment_journal, date):
        if invoice.invoice_date and date < invoice.invoice_date:
            raise UserError(
                _(
                    "The refund date %(date)s is before the invoice date "
                    "%(invoice_date)s: choose a “date” on or after it.",
                    date=format_date(self.env, date),
                    invoice_date=format_date(self.env, invoice.invoice_date),
                )
            )
        company = invoice.company_id
        for journal, has_tax in ((invoice.journal_id, True), (payment_journal, False)):
            violated = company._get_violated_lock_dates(date, has_tax, journal)
            if violated:
                raise UserError(
                    _(
                        "The refund date %(date)s is in a locked period "
                        "(%(locks)s). Choose a later “date”.",
                        date=format_date(self.env, date),
                        # The lock dates by their labels, as Odoo's own
                        # messages name them ("Global Lock Date (…)").
                        locks=company._format_lock_dates(violated),
                    )
                )
