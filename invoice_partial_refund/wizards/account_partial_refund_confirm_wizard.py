# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountPartialRefundConfirmWizard(models.TransientModel):
    _name = "account.partial.refund.confirm.wizard"
    _description = "Mark a Manual Refund as Refunded"

    refund_id = fields.Many2one(
        comodel_name="account.partial.refund", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="refund_id.currency_id")
    amount = fields.Monetary(related="refund_id.amount_total")
    date = fields.Date(
        string="Sent On", required=True, default=fields.Date.context_today
    )
    reference = fields.Char(
        string="Transfer Reference",
        required=True,
        help="Bank transfer reference, cheque number…",
    )
    means = fields.Selection(
        selection=lambda self: (
            self.env["account.partial.refund"]._fields["manual_refund_means"].selection
        ),
        string="Sent By",
        required=True,
        default="bank_transfer",
    )

    def action_confirm(self):
        self.ensure_one()
        self.refund_id._confirm_manual_refund(self.date, self.reference, self.means)
        return {"type": "ir.actions.act_window_close"}
