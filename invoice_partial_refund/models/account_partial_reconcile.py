# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def unlink(self):
        """Override of `account`: what paid a partly refunded invoice stays
        matched with it while its refunds stand (see
        `account.move._check_paid_while_partly_refunded`). Every way Odoo
        unmatches comes here: the invoice's payment widget, a payment's or a
        credit note's Reset to Draft and Cancel, `remove_move_reconcile`."""
        matched = self.debit_move_id.move_id | self.credit_move_id.move_id
        matched._check_paid_while_partly_refunded()
        return super().unlink()
