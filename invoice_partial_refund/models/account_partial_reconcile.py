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
        money sent. Its payment's bank reconciliation stays the user's.
        Every way Odoo unmatches comes here: the payment widgets, a
        payment's or an entry's Reset to Draft and Cancel,
        `remove_move_reconcile`."""
        lines = self.debit_move_id | self.credit_move_id
        lines.move_id._check_paid_while_partly_refunded()
        lines.filtered(
            lambda line: line.account_type in ("asset_receivable", "liability_payable")
        ).move_id._check_not_partial_refund_entries()
        return super().unlink()
