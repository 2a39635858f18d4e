# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    @api.model
    def default_get(self, fields_list):
        """Override of `account`: refused as the wizard opens (see
        `_check_not_partial_refund_entries_paid`)."""
        res = super().default_get(fields_list)
        commands = res.get("line_ids") or ()
        line_ids = [
            id_ for command in commands if command[0] == 6 for id_ in command[2]
        ]
        self.env["account.move.line"].browse(
            line_ids
        ).move_id._check_not_partial_refund_entries_paid()
        return res

    def _create_payments(self):
        """Override of `account`: see `_check_not_partial_refund_entries_paid`."""
        self.line_ids.move_id._check_not_partial_refund_entries_paid()
        return super()._create_payments()
