# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Credential getters: where the gateways' settings are read in Odoo."""

from odoo.addons.payment_stripe import utils as stripe_utils

from .gateways import get_gateway

PARAM_PREFIX = "invoice_partial_refund."


def get_param(env, name, default=None):
    """Read a setting of the addon (system parameters are readable by
    administrators only)."""
    return env["ir.config_parameter"].sudo().get_param(PARAM_PREFIX + name, default)


def get_timeout(env):
    """Seconds to wait for a gateway (system parameter
    ``invoice_partial_refund.gateway_timeout``)."""
    return float(get_param(env, "gateway_timeout", 0) or 0) or None


def _timeout_kwargs(env):
    timeout = get_timeout(env)
    return {"timeout": timeout} if timeout else {}


def get_stripe_gateway(env, provider):
    """Stripe gateway with the credentials of the Stripe payment provider.

    :param provider: the `payment.provider` that took the payment
    """
    return get_gateway(
        "stripe",
        secret_key=stripe_utils.get_secret_key(provider.sudo()),
        webhook_secret=get_param(env, "stripe_webhook_secret"),
        api_base=get_param(env, "stripe_api_base"),
        **_timeout_kwargs(env),
    )


def get_stripe_webhook_gateway(env):
    """Stripe gateway able to check the refunds webhook (no API key needed)."""
    return get_gateway(
        "stripe",
        secret_key="unused-for-webhooks",
        webhook_secret=get_param(env, "stripe_webhook_secret"),
    )


def get_gocardless_gateway(env):
    return get_gateway(
        "gocardless",
        access_token=get_param(env, "gocardless_access_token") or "",
        environment=get_param(env, "gocardless_environment", "sandbox"),
        webhook_secret=get_param(env, "gocardless_webhook_secret"),
        api_base=get_param(env, "gocardless_api_base"),
        **_timeout_kwargs(env),
    )


def post_internal_note(record, body):
    """Post an internal note on ``record``: the customer follows the invoice
    and must not read "refunded" before the money is back. Webhooks and
    crons write as OdooBot, since their user may have no email address."""
    author = record.env.user.partner_id
    if record.env.su or not author.email:
        author = record.env.ref("base.partner_root")
    return record.message_post(
        body=body, subtype_xmlid="mail.mt_note", author_id=author.id
    )
