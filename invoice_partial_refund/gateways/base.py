# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import abc
import dataclasses


class GatewayError(Exception):
    """The gateway could not do what was asked; see the subclasses."""


class GatewayRefused(GatewayError):
    """The gateway answered and refused the refund (refunds not enabled,
    balance too low, amount over what is refundable…): the refund must be
    made by hand. ``reason`` is the gateway's own code or message."""

    def __init__(self, message, reason=None):
        super().__init__(message)
        self.reason = reason or message


class GatewayUnavailable(GatewayError):
    """No usable answer (timeout, connection dropped, server error,
    malformed body): whether the refund exists at the gateway is unknown, so
    it must be looked up again later, never simply retried with a new key."""


class InvalidWebhook(GatewayError):
    """A webhook whose signature, secret or timestamp does not check out."""


@dataclasses.dataclass(frozen=True)
class GatewayRefund:
    """A refund as the gateway knows it; ``status``: "pending",
    "succeeded", "failed" or "canceled" (each gateway's own mapped to them
    in `const`)."""

    reference: str
    status: str
    amount_minor: int
    currency: str
    payment_reference: str
    failure_reason: str | None = None
    metadata: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class GatewayPayment:
    """A payment as the gateway knows it (Stripe PaymentIntent, GoCardless
    payment)."""

    reference: str
    amount_minor: int
    currency: str
    status: str


@dataclasses.dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook event about a refund."""

    event_id: str
    event_type: str
    refund_reference: str
    refund: GatewayRefund | None = None


class RefundGateway(abc.ABC):
    """What the addon needs from a payment gateway to refund a payment."""

    code = None

    @abc.abstractmethod
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
        """Refund ``amount_minor`` of the payment ``payment_reference``.

        :param idempotency_key: the same key always yields the same single
            refund at the gateway, however often the call is repeated
        :param metadata: flat ``str -> str`` dict stored with the refund
        :param refunded_minor: what was already refunded of this payment
            (GoCardless asks for it to confirm the total)
        :return: `GatewayRefund`
        :raise GatewayRefused: the gateway refused; make the refund by hand
        :raise GatewayUnavailable: outcome unknown; look the refund up later
        """

    @abc.abstractmethod
    def fetch_payment(self, reference):
        """Return the `GatewayPayment` with this gateway reference.

        :raise GatewayRefused: the gateway has no such payment
        :raise GatewayUnavailable: no usable answer
        """

    @abc.abstractmethod
    def fetch_refund(self, reference):
        """Return the `GatewayRefund` with this gateway reference."""

    @abc.abstractmethod
    def find_refund(self, *, payment_reference, idempotency_key):
        """Return the refund of the payment created with this idempotency key
        (stored in its metadata), or None."""

    @abc.abstractmethod
    def parse_webhook(self, payload, headers):
        """Verify a webhook on its raw body and return its refund events.

        :param payload: the raw request body, as bytes
        :param headers: the request headers (case-insensitive mapping)
        :return: list of `WebhookEvent`; events that are not about refunds
            are left out
        :raise InvalidWebhook: no secret configured, bad signature, stale
        """
