# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

PREFIX = "invoice_partial_refund."


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Secrets live in system parameters: administrators only can read them.
    ipr_stripe_webhook_secret = fields.Char(
        string="Stripe Refunds Webhook Secret",
        config_parameter=PREFIX + "stripe_webhook_secret",
        groups="base.group_system",
    )
    ipr_stripe_api_base = fields.Char(
        string="Stripe API Address",
        config_parameter=PREFIX + "stripe_api_base",
        groups="base.group_system",
        help="Leave empty for https://api.stripe.com; set for a test server.",
    )
    ipr_gocardless_access_token = fields.Char(
        string="GoCardless Access Token",
        config_parameter=PREFIX + "gocardless_access_token",
        groups="base.group_system",
    )
    ipr_gocardless_environment = fields.Selection(
        selection=[("sandbox", "Sandbox"), ("live", "Live")],
        string="GoCardless Environment",
        config_parameter=PREFIX + "gocardless_environment",
        default="sandbox",
        groups="base.group_system",
    )
    ipr_gocardless_webhook_secret = fields.Char(
        string="GoCardless Webhook Secret",
        config_parameter=PREFIX + "gocardless_webhook_secret",
        groups="base.group_system",
    )
    ipr_gocardless_api_base = fields.Char(
        string="GoCardless API Address",
        config_parameter=PREFIX + "gocardless_api_base",
        groups="base.group_system",
        help="Leave empty for the environment's address; set for a test server.",
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
