# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

# Stripe API version the refunds are made with: the one payment_stripe
# implements, so that the refund objects its webhook handler reads and ours
# have the same shape. https://docs.stripe.com/api/versioning
STRIPE_API_VERSION = "2019-05-16"
STRIPE_API_BASE = "https://api.stripe.com"

# Refund statuses: https://docs.stripe.com/api/refunds/object#refund_object-status
STRIPE_STATUS_MAPPING = {
    "pending": "pending",
    "requires_action": "pending",
    "succeeded": "succeeded",
    "failed": "failed",
    "canceled": "canceled",
}

# Error types of an answer that refuses the request (nothing was created),
# when they come with a 4xx status other than 409 (a request with the same
# key still running) and 429 (rate limit). Anything else (5xx, an answer the
# SDK cannot read, an error type not listed) leaves the outcome unknown.
# https://docs.stripe.com/api/errors#errors-type
STRIPE_REFUSAL_ERROR_TYPES = ("card_error", "invalid_request_error")

# Refund events the webhook handles: https://docs.stripe.com/api/events/types
STRIPE_HANDLED_EVENTS = ("refund.updated", "refund.failed", "charge.refund.updated")

# Seconds a Stripe webhook signature stays valid (the SDK's default).
# https://docs.stripe.com/webhooks#replay-attacks
STRIPE_WEBHOOK_TOLERANCE = 300

GOCARDLESS_API_BASES = {
    "sandbox": "https://api-sandbox.gocardless.com",
    "live": "https://api.gocardless.com",
}

# Refund statuses: https://developer.gocardless.com/api-reference#core-endpoints-refunds
GOCARDLESS_STATUS_MAPPING = {
    "created": "pending",
    "pending_submission": "pending",
    "submitted": "pending",
    "paid": "succeeded",
    "cancelled": "canceled",
    "bounced": "failed",
    "funds_returned": "failed",
}

# Error types of an answer that refuses the request, with a 4xx status other
# than 409 and 429 (see STRIPE_REFUSAL_ERROR_TYPES): "gocardless" (internal
# error) and types the SDK does not know leave the outcome unknown.
# https://developer.gocardless.com/api-reference#overview-errors
GOCARDLESS_REFUSAL_ERROR_TYPES = (
    "invalid_api_usage",
    "invalid_state",
    "validation_failed",
)

# Refund events actions the webhook handles:
# https://developer.gocardless.com/api-reference#event-types-refund
GOCARDLESS_HANDLED_ACTIONS = (
    "created",
    "paid",
    "refund_settled",
    "cancelled",
    "bounced",
    "funds_returned",
    "failed",
)

# GoCardless webhooks carry no signed timestamp: events older than this
# (seconds) are refused as stale. GoCardless retries a failed webhook for
# about a week. https://developer.gocardless.com/getting-started/staying-up-to-date-with-webhooks
GOCARDLESS_WEBHOOK_MAX_AGE = 8 * 24 * 3600

# HTTP statuses of a refusal: 4xx, except a request still running with the
# same key (409) and a rate limit (429), which are to be tried again.
REFUSAL_STATUSES = frozenset(range(400, 500)) - {409, 429}

# Seconds to wait for a gateway's answer, and how often the SDKs retry a
# request that failed on the network or with a server error (with the same
# idempotency key).
TIMEOUT = 20
MAX_NETWORK_RETRIES = 2

# The gateways refunds can go through, as an Odoo selection.
GATEWAY_SELECTION = [("stripe", "Stripe"), ("gocardless", "GoCardless")]
