# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Refunds through payment gateways, behind one interface.

This package imports nothing from Odoo: the gateways are tested with plain
pytest against fake servers, and the addon's models call them through
`get_gateway`.
"""

from .base import (
    GatewayError,
    GatewayRefund,
    GatewayRefused,
    GatewayUnavailable,
    InvalidWebhook,
    RefundGateway,
    WebhookEvent,
)
from .money import currency_decimals, from_minor_units, to_minor_units


def get_gateway(code, **credentials):
    """Return the gateway client for ``code`` (``"stripe"`` or
    ``"gocardless"``) built with ``credentials`` (see each class)."""
    if code == "stripe":
        from .stripe_gateway import StripeGateway

        return StripeGateway(**credentials)
    if code == "gocardless":
        from .gocardless_gateway import GoCardlessGateway

        return GoCardlessGateway(**credentials)
    raise ValueError(f"Unknown refund gateway {code!r}")


__all__ = [
    "GatewayError",
    "GatewayRefund",
    "GatewayRefused",
    "GatewayUnavailable",
    "InvalidWebhook",
    "RefundGateway",
    "WebhookEvent",
    "currency_decimals",
    "from_minor_units",
    "get_gateway",
    "to_minor_units",
]
