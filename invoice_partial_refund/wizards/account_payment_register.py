# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models
from odoo.exceptions import UserError


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    def _create_payments(self):
        """Override of `account`: a partial refund pays back its credit note
        itself (its payment, its gateway refunds, what it books when a
        gateway refuses), and settles its other entries; a payment
        registered on them would send the money twice."""
        refund, names = self.line_ids.move_id._get_partial_refund_of_entries()
        if refund:
            raise UserError(
                _(
                    "%(moves)s belongs to the partial refund %(refund)s, which "
                    "pays the customer back itself: no payment can be registered "
                    "on it. Open the refund to follow the money.",
                    moves=names,
                    refund=refund.name,
                )
            )
        return super()._create_payments()
