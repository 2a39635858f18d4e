# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import stripe

from . import const
from .base import (
    GatewayError,
    GatewayPayment,
    GatewayRefund,
    GatewayRefused,
    GatewayUnavailable,
    InvalidWebhook,
    RefundGateway,
    WebhookEvent,
)
from .money import THREE_DECIMAL_CURRENCIES


class StripeGateway(RefundGateway):
    """Refunds of Stripe PaymentIntents with the official SDK.

    :param secret_key: the Stripe secret key (the payment provider's)
    :param webhook_secret: signing secret of the refunds webhook endpoint
    :param api_base: API address, for a sandbox or a test server
    :param extra_headers: headers sent with every request, as payment_stripe
        sends them (``Stripe-Account`` of Stripe Connect)
    """

    code = "stripe"

    def __init__(
        self,
        secret_key,
        webhook_secret=None,
        api_base=None,
        timeout=const.TIMEOUT,
        max_network_retries=const.MAX_NETWORK_RETRIES,
        extra_headers=None,
    ):
        self.webhook_secret = webhook_secret
        self.extra_headers = dict(extra_headers or {})
        self.client = stripe.StripeClient(
            secret_key,
            stripe_version=const.STRIPE_API_VERSION,
            base_addresses={"api": api_base or const.STRIPE_API_BASE},
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=timeout),
        )

    def create_refund(
        self,
        *,
        payment_reference,
        amount_minor,
        currency,
        idempotency_key,
        metadata,
        refunded_minor=0,
    ):
        if currency.upper() in THREE_DECIMAL_CURRENCIES and amount_minor % 10:
            # https://docs.stripe.com/currencies#three-decimal
            raise GatewayRefused(
                f"Stripe refunds {currency.upper()} in multiples of 10 minor units.",
                reason="amount_not_supported",
            )
        params = {
            "payment_intent": payment_reference,
            "amount": amount_minor,
            "metadata": {**metadata, "idempotency_key": idempotency_key},
        }
        return self._call(
            self.client.v1.refunds.create,
            params=params,
            options={"idempotency_key": idempotency_key},
        )

    def fetch_payment(self, reference):
        intent = self._call_raw(self.client.v1.payment_intents.retrieve, reference)
        intent = intent.to_dict() if hasattr(intent, "to_dict") else intent
        try:
            return GatewayPayment(
                reference=intent["id"],
                # What the customer paid; `amount` is what was asked.
                amount_minor=int(intent.get("amount_received") or 0),
                currency=intent["currency"].upper(),
                status=intent["status"],
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise GatewayUnavailable(
                f"Malformed Stripe PaymentIntent: {error!r}"
            ) from error

    def fetch_refund(self, reference):
        return self._call(self.client.v1.refunds.retrieve, reference)

    def find_refund(self, *, payment_reference, idempotency_key):
        params = {"payment_intent": payment_reference, "limit": 100}
        while True:
            # Page by page through `_call_raw`, not the SDK's auto-paging:
            # each page carries the account's headers, and a failing page is
            # "unavailable", never a refund not found.
            page = self._call_raw(self.client.v1.refunds.list, params=params)
            for refund in page.data:
                # Only ours is read: another refund of the payment (made in
                # the dashboard, say) that cannot be read must not hide it.
                data = refund.to_dict() if hasattr(refund, "to_dict") else refund
                metadata = data.get("metadata") or {}
                if metadata.get("idempotency_key") == idempotency_key:
                    return _to_refund(data)
            if not page.has_more or not page.data:
                return None
            params = {**params, "starting_after": page.data[-1].id}

    def parse_webhook(self, payload, headers):
        if not self.webhook_secret:
            raise InvalidWebhook("No Stripe webhook secret is configured.")
        signature = headers.get("Stripe-Signature") or ""
        # Stripe signs with hex digests: anything else is forged, and the
        # SDK's comparison raises TypeError on non-ASCII text.
        if not signature.isascii():
            raise InvalidWebhook("Malformed Stripe-Signature header.")
        try:
            event = self.client.construct_event(
                payload,
                signature,
                self.webhook_secret,
                tolerance=const.STRIPE_WEBHOOK_TOLERANCE,
            )
        except stripe.SignatureVerificationError as error:
            raise InvalidWebhook(str(error)) from error
        except ValueError as error:
            raise InvalidWebhook(f"Malformed Stripe event: {error}") from error
        if event.type not in const.STRIPE_HANDLED_EVENTS:
            return []
        refund = event.data.object.to_dict()
        if refund.get("object") != "refund":
            return []
        return [
            WebhookEvent(
                event_id=event.id,
                event_type=event.type,
                refund_reference=refund["id"],
                refund=_to_refund(refund),
            )
        ]

    def _call(self, method, *args, **kwargs):
        return _to_refund(self._call_raw(method, *args, **kwargs))

    def _call_raw(self, method, *args, **kwargs):
        """The only place that talks HTTP; sorts Stripe's answers into
        refused (a documented refusal: nothing was created) and unavailable
        (anything else: the refund may exist, it is looked up by its key)."""
        if self.extra_headers:
            options = kwargs.get("options") or {}
            kwargs["options"] = {
                **options,
                "headers": {**self.extra_headers, **(options.get("headers") or {})},
            }
        try:
            return method(*args, **kwargs)
        except stripe.IdempotencyError as error:
            raise GatewayError(
                f"Stripe refused a repeated idempotency key: {error.user_message}"
            ) from error
        except stripe.StripeError as error:
            if not _is_refusal(error):
                # A 5xx, a rate limit, a timeout, a dropped connection, a body
                # the SDK cannot read: never a refusal, whose manual refund
                # would pay the customer twice.
                status = f"HTTP {error.http_status}: " if error.http_status else ""
                raise GatewayUnavailable(f"Stripe answered {status}{error}") from error
            if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
                # Nothing was created: the credentials do not allow it.
                raise GatewayRefused(str(error), reason="not_permitted") from error
            raise GatewayRefused(
                error.user_message or str(error),
                reason=error.code or error.error.type,
            ) from error
        except Exception as error:
            # The SDK itself fails on some bodies (an "error" that is a
            # string): an answer nobody can read.
            raise GatewayUnavailable(f"Unreadable Stripe answer: {error!r}") from error


def _is_refusal(error):
    """Whether ``error`` is Stripe's documented refusal: a 4xx answer with an
    error type Stripe documents. Nothing was created then."""
    return (
        isinstance(
            error,
            stripe.InvalidRequestError
            | stripe.CardError
            | stripe.AuthenticationError
            | stripe.PermissionError,
        )
        and error.http_status in const.REFUSAL_STATUSES
        and error.error is not None
        and getattr(error.error, "type", None) in const.STRIPE_REFUSAL_ERROR_TYPES
    )


def _to_refund(refund):
    if hasattr(refund, "to_dict"):  # a StripeObject is not a dict
        refund = refund.to_dict()
    try:
        return GatewayRefund(
            reference=refund["id"],
            status=const.STRIPE_STATUS_MAPPING[refund["status"]],
            amount_minor=int(refund["amount"]),
            currency=refund["currency"].upper(),
            payment_reference=refund.get("payment_intent") or "",
            failure_reason=refund.get("failure_reason"),
            metadata=dict(refund.get("metadata") or {}),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise GatewayUnavailable(f"Malformed Stripe refund: {error!r}") from error
