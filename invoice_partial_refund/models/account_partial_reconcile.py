# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def unlink(self):
        """Override of `account`: while an invoice's partial refunds stand,
        what paid it stays matched with it (see
        `account.move._check_paid_while_partly_refunded`), and a refund's
        entries stay matched on the customer's account, as booked (see
        `account.move._check_not_partial_refund_entries`): unmatched, its
        credit note would be a credit the customer could use beside the
        money sent. Matches on other accounts stay the user's (a payment's
        bank reconciliation) or Odoo's (a tax on a reconcilable account,
        which **Cancel refund** unmatches). Every way Odoo unmatches comes
        here: the payment widgets, a payment's or an entry's Reset to Draft
        and Cancel, `remove_move_reconcile`."""
        customer_moves = (
            (self.debit_move_id | self.credit_move_id)
            .filtered(
                lambda line: (
                    line.account_type in ("asset_receivable", "liability_payable")
                )
            )
            .move_id
        )
        customer_moves._check_paid_while_partly_refunded()
        customer_moves._check_not_partial_refund_entries()
        return super().unlink()
