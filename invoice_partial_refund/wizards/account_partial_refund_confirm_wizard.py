# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..refund_request_values import MAX_NUMBER


class AccountPartialRefundConfirmWizard(models.TransientModel):
    _name = "account.partial.refund.confirm.wizard"
    _description = "Mark a Manual Refund as Refunded"

    refund_id = fields.Many2one(
        comodel_name="account.partial.refund", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="refund_id.currency_id")
    # Kept as shown (read-only in the form, saved with it): confirmed only if
    # the refund still owes it by hand when the user clicks (a gateway may
    # answer meanwhile, see `_confirm_manual_refund`).
    amount = fields.Monetary(
        string="Amount to Send",
        compute="_compute_amount",
        store=True,
        readonly=False,
    )
    date = fields.Date(
        string="Sent On", required=True, default=fields.Date.context_today
    )
    reference = fields.Char(
        string="Transfer Reference",
        required=True,
        help="Bank transfer reference, cheque number…",
    )
    means = fields.Selection(
        # The refund's choices, labelled in the user's language (a callable
        # selection is not translated by Odoo).
        selection=lambda self: (
            self.env["account.partial.refund"]
            ._fields["manual_refund_means"]
            ._description_selection(self.env)
        ),
        string="Sent By",
        required=True,
        default="bank_transfer",
    )

    @api.depends("refund_id")
    def _compute_amount(self):
        for wizard in self:
            # What is owed by hand now (a gateway's part may have come back):
            # read as the refund's business code, the refund checked first.
            refund = wizard.refund_id.sudo()
            wizard.amount = refund._manual_amount() if refund else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        # Before the records exist: their amount reads the refund as
        # superuser.
        default = self.env.context.get("default_refund_id")
        self._check_refunds([vals.get("refund_id", default) for vals in vals_list])
        for vals in vals_list:
            self._check_amount(vals)
        return super().create(vals_list)

    def write(self, vals):
        if "refund_id" in vals:
            self._check_refunds([vals["refund_id"]])
        self._check_amount(vals)
        return super().write(vals)

    @api.model
    def default_get(self, fields_list):
        # A new wizard's defaults (the context's, the user's own
        # `ir.default`) are values of it, which the web client's onchange
        # reads: the refund checked as the user before its amount is read
        # as superuser, the amount as a typed one.
        defaults = super().default_get(fields_list)
        if defaults.get("refund_id"):
            self.sudo(False)._check_refunds([defaults["refund_id"]])
        self._check_amount(defaults)
        return defaults

    def onchange(self, values, field_names, fields_spec):
        # As create: the amount shown is read from the refund as superuser.
        refund_id = values.get("refund_id") or self.env.context.get("default_refund_id")
        if refund_id:
            self._check_refunds([refund_id])
        self._check_amount(values)
        return super().onchange(values, field_names, fields_spec)

    @api.model
    def _check_amount(self, vals):
        """The amount is a number (JSON-RPC can send NaN and infinities, which
        the ORM would fail on), no larger than the API takes."""
        amount = vals.get("amount")
        if isinstance(amount, float) and not math.isfinite(amount):
            raise ValidationError(
                _("The amount sent must be a number, not %(value)s.", value=amount)
            )
        if isinstance(amount, int | float) and abs(amount) > MAX_NUMBER:
            raise ValidationError(
                _("The amount sent is too large: at most %(max)s.", max=MAX_NUMBER)
            )

    @api.model
    def _check_refunds(self, refund_ids):
        """Refuse refunds the user may not confirm: the refund group, then
        write access on each (access rights, record rules, company)."""
        if not all(
            isinstance(refund_id, int) and refund_id for refund_id in refund_ids
        ):
            raise UserError(_("Choose the refund to mark as refunded."))
        refunds = self.env["account.partial.refund"].browse(refund_ids)
        if len(refunds.exists()) != len(refunds):
            raise UserError(_("The refund to mark as refunded does not exist."))
        refunds._check_refund_access()

    def action_confirm(self):
        self.ensure_one()
        self.check_access("write")
        self.refund_id._confirm_manual_refund(
            self.date, self.reference, self.means, amount=self.amount
        )
        return {"type": "ir.actions.act_window_close"}
