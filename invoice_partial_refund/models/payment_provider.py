# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    # Stripe signs each webhook endpoint's events with that endpoint's own
    # secret: the refunds endpoint's is not payment_stripe's
    # `stripe_webhook_secret`. https://docs.stripe.com/webhooks#verify-events
    partial_refund_webhook_secret = fields.Char(
        string="Refunds Webhook Signing Secret",
        groups="base.group_system",
        copy=False,
        help="Signing secret of the Stripe webhook endpoint "
        "/invoice_partial_refund/webhook/stripe, which reports the partial "
        "refunds of this account.",
    )
    partial_refund_api_base = fields.Char(
        string="Refunds API Address",
        groups="base.group_system",
        help="Leave empty for https://api.stripe.com; set for a test server.",
    )
