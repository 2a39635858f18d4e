# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # The current company's GoCardless account. Related to administrator-only
    # fields of the company, never to system parameters: `default_get` reads
    # those as superuser for whoever calls it, whatever the field's groups.
    partial_refund_gocardless_access_token = fields.Char(
        related="company_id.partial_refund_gocardless_access_token",
        readonly=False,
        groups="base.group_system",
    )
    partial_refund_gocardless_environment = fields.Selection(
        related="company_id.partial_refund_gocardless_environment",
        readonly=False,
        groups="base.group_system",
    )
    partial_refund_gocardless_webhook_secret = fields.Char(
        related="company_id.partial_refund_gocardless_webhook_secret",
        readonly=False,
        groups="base.group_system",
    )
    partial_refund_gocardless_api_base = fields.Char(
        related="company_id.partial_refund_gocardless_api_base",
        readonly=False,
        groups="base.group_system",
    )
    partial_refund_gocardless_webhook_url = fields.Char(
        string="GoCardless Webhook Endpoint",
        compute="_compute_partial_refund_gocardless_webhook_url",
    )

    partial_refund_user_id = fields.Many2one(
        related="company_id.partial_refund_user_id", readonly=False
    )
    partial_refund_delay = fields.Integer(
        related="company_id.partial_refund_delay", readonly=False
    )
    partial_refund_escalation_days = fields.Integer(
        related="company_id.partial_refund_escalation_days", readonly=False
    )
    partial_refund_manager_id = fields.Many2one(
        related="company_id.partial_refund_manager_id", readonly=False
    )
    partial_refund_notify_customer = fields.Boolean(
        related="company_id.partial_refund_notify_customer", readonly=False
    )

    @api.depends("company_id")
    def _compute_partial_refund_gocardless_webhook_url(self):
        for settings in self:
            settings.partial_refund_gocardless_webhook_url = (
                f"{settings.company_id.get_base_url()}"
                f"/invoice_partial_refund/webhook/gocardless/{settings.company_id.id}"
            )
