# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def unlink(self):
        """Override of `account`: while an invoice's partial refunds stand,
        what paid it stays matched with it (see
        `account.move._check_paid_while_partly_refunded`), and a refund's
        entries stay matched with one another on the customer's account, as
        booked (see `account.move._check_not_partial_refund_entries`):
        unmatched from its payment, its credit note would be a credit the
        customer could use beside the money sent. Matches on other accounts
        stay the user's (a payment's bank reconciliation) or Odoo's (a tax on
        a reconcilable account, which **Cancel refund** unmatches), and so
        do a refund entry's matches with other entries. Every way Odoo
        unmatches comes here: the payment widgets, a payment's or an entry's
        Reset to Draft and Cancel, `remove_move_reconcile`."""
        customer = self.filtered(
            lambda partial: any(
                line.account_type in ("asset_receivable", "liability_payable")
                for line in partial.debit_move_id | partial.credit_move_id
            )
        )
        moves = (customer.debit_move_id | customer.credit_move_id).move_id
        moves._check_paid_while_partly_refunded()
        for entries in moves._get_partial_refunds_entries().values():
            kept = customer.filtered(
                lambda partial, entries=entries: (
                    partial.debit_move_id.move_id in entries
                    and partial.credit_move_id.move_id in entries
                )
            )
            (
                kept.debit_move_id | kept.credit_move_id
            ).move_id._check_not_partial_refund_entries()
        return super().unlink()
