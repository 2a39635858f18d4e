# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

#: The longest delay a setting in days takes: ten years.
MAX_DAYS = 3650


class ResCompany(models.Model):
    _inherit = "res.company"

    partial_refund_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Manual Refunds Responsible",
        help="Reminded of manual refunds whose invoice has no salesperson.",
    )
    partial_refund_delay = fields.Integer(
        string="Manual Refund Delay (days)",
        default=3,
        help="Days to send a manual refund before its reminder is due.",
    )
    partial_refund_escalation_days = fields.Integer(
        string="Escalate After (days)",
        default=7,
        help="Days overdue after which a manual refund is escalated to the manager.",
    )
    partial_refund_manager_id = fields.Many2one(
        comodel_name="res.users",
        string="Manual Refunds Manager",
        help="Receives the reminders of overdue manual refunds.",
    )
    partial_refund_notify_customer = fields.Boolean(
        string="Email the Customer When Refunded",
        help="Send the credit note to the customer once the money is back with "
        "them (gateway success or manual refund confirmed), never before.",
    )

    # GoCardless account of the company. Secrets: administrators only, by
    # any path (read, search_read, onchange, export, settings).
    partial_refund_gocardless_access_token = fields.Char(
        string="GoCardless Access Token",
        groups="base.group_system",
        copy=False,
    )
    partial_refund_gocardless_environment = fields.Selection(
        selection=[("sandbox", "Sandbox"), ("live", "Live")],
        string="GoCardless Environment",
        default="sandbox",
        groups="base.group_system",
    )
    partial_refund_gocardless_webhook_secret = fields.Char(
        string="GoCardless Webhook Secret",
        groups="base.group_system",
        copy=False,
    )
    partial_refund_gocardless_api_base = fields.Char(
        string="GoCardless API Address",
        groups="base.group_system",
        help="Leave empty for the environment's address; set for a test server.",
    )

    @api.constrains("partial_refund_delay", "partial_refund_escalation_days")
    def _check_partial_refund_days(self):
        for company in self:
            for name in ("partial_refund_delay", "partial_refund_escalation_days"):
                if not 0 <= company[name] <= MAX_DAYS:
                    raise ValidationError(
                        _(
                            "“%(setting)s” is a number of days from 0 to %(max)s.",
                            setting=self._fields[name].string,
                            max=MAX_DAYS,
                        )
                    )
