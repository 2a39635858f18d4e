# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import re

import gocardless_pro
import requests
from gocardless_pro import api_client, errors, webhooks

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


class GoCardlessGateway(RefundGateway):
    """Refunds of GoCardless payments (``PM…``) with the official SDK.

    :param access_token: the GoCardless access token
    :param environment: ``"sandbox"`` or ``"live"``
    :param webhook_secret: secret of the webhook endpoint
    :param api_base: API address, overriding the environment's
    """

    code = "gocardless"

    def __init__(
        self,
        access_token,
        environment="sandbox",
        webhook_secret=None,
        api_base=None,
        timeout=const.TIMEOUT,
    ):
        self.webhook_secret = webhook_secret
        self.client = gocardless_pro.Client(
            access_token=access_token,
            base_url=api_base or const.GOCARDLESS_API_BASES[environment],
            # A repeated key must come back as an error naming the refund it
            # created, so that its parameters can be checked (below).
            raise_on_idempotency_conflict=True,
            timeout=timeout,
        )
        # The SDK keeps the status of an error answer nowhere: this client
        # notes it, for a 5xx must never be taken as a refusal.
        self.client._api_client = _StatusNotingApiClient(
            self.client._api_client.base_url, access_token, timeout=timeout
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
        params = {
            "amount": amount_minor,
            # GoCardless checks it equals every refund of the payment so far
            # plus this one: two processes unaware of each other cannot both
            # refund.
            "total_amount_confirmation": refunded_minor + amount_minor,
            "links": {"payment": payment_reference},
            "metadata": _gocardless_metadata(metadata, idempotency_key),
        }
        try:
            refund = self._call(
                self.client.refunds.create,
                params=params,
                headers={"Idempotency-Key": idempotency_key},
            )
        except errors.IdempotentCreationConflictError as error:
            try:
                conflicting = error.conflicting_resource_id
            except errors.GoCardlessProError as unreadable:
                raise GatewayUnavailable(
                    "GoCardless named no refund for this idempotency key: "
                    + _describe(unreadable)
                ) from error
            refund = self.fetch_refund(conflicting)
            if (
                refund.amount_minor != amount_minor
                or refund.payment_reference != payment_reference
            ):
                raise GatewayError(
                    f"GoCardless refund {refund.reference} was created with this "
                    "idempotency key and other parameters."
                ) from error
        if refund.currency and refund.currency != currency.upper():
            raise GatewayError(
                f"GoCardless refunded in {refund.currency}, not {currency.upper()}."
            )
        return refund

    def fetch_payment(self, reference):
        reference = _identity(reference)
        try:
            payment = self.client.payments.get(reference)
        except Exception as error:
            raise _translate(error) from error
        try:
            return GatewayPayment(
                reference=payment.id,
                amount_minor=int(payment.amount),
                currency=(payment.currency or "").upper(),
                status=payment.status,
            )
        except (AttributeError, TypeError, ValueError) as error:
            raise GatewayUnavailable(
                f"Malformed GoCardless payment: {error!r}"
            ) from error

    def fetch_refund(self, reference):
        reference = _identity(reference)
        return self._call(self.client.refunds.get, reference)

    def find_refund(self, *, payment_reference, idempotency_key):
        try:
            page = self.client.refunds.list(params={"payment": payment_reference})
        except Exception as error:
            raise _translate(error) from error
        # Compared as it was stored (`_gocardless_metadata` cuts values).
        stored = _gocardless_metadata({}, idempotency_key)["idempotency_key"]
        for refund in page.records:
            if (refund.metadata or {}).get("idempotency_key") == stored:
                return _to_refund(refund)
        return None

    def parse_webhook(self, payload, headers):
        if not self.webhook_secret:
            raise InvalidWebhook("No GoCardless webhook secret is configured.")
        try:
            events = webhooks.parse(
                payload, self.webhook_secret, headers.get("Webhook-Signature") or ""
            )
        except errors.InvalidSignatureError as error:
            raise InvalidWebhook("Invalid GoCardless webhook signature.") from error
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidWebhook(f"Malformed GoCardless webhook: {error}") from error
        now = datetime.datetime.now(datetime.timezone.utc)
        result = []
        for event in events:
            if event.resource_type != "refunds":
                continue
            if event.action not in const.GOCARDLESS_HANDLED_ACTIONS:
                continue
            created = _parse_time(event.created_at)
            if (now - created).total_seconds() > const.GOCARDLESS_WEBHOOK_MAX_AGE:
                raise InvalidWebhook(f"Stale GoCardless event {event.id}.")
            result.append(
                WebhookEvent(
                    event_id=event.id,
                    event_type=f"refunds.{event.action}",
                    refund_reference=event.links.refund,
                )
            )
        return result

    def _call(self, method, *args, **kwargs):
        """The only place that talks HTTP; sorts GoCardless's errors into
        refused (an answer) and unavailable (no answer)."""
        try:
            resource = method(*args, **kwargs)
        except errors.IdempotentCreationConflictError:
            raise
        except Exception as error:
            raise _translate(error) from error
        return _to_refund(resource)


class _StatusNotingApiClient(api_client.ApiClient):
    """The SDK's HTTP client, noting on an error the HTTP status of the
    answer (``http_status``): the SDK raises a 5xx as whatever its body says,
    or as a bare `GoCardlessProError` when it knows not the body's type."""

    def _handle_errors(self, response):
        try:
            return super()._handle_errors(response)
        except errors.GoCardlessProError as error:
            error.http_status = response.status_code
            raise


def _identity(reference):
    """``reference`` as a GoCardless id (``PM…``, ``RF…``) to put in a URL.

    :raise GatewayRefused: it is none (a pasted address): no request is made
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]+", reference or ""):
        raise GatewayRefused(
            f"{reference!r} is not a GoCardless id.", reason="invalid_request"
        )
    return reference


def _is_refusal(error):
    """Whether ``error`` is GoCardless's documented refusal: a 4xx answer
    with an error type GoCardless documents. Nothing was created then."""
    if not isinstance(error, errors.ApiError) or not isinstance(error.error, dict):
        return False
    status = getattr(error, "http_status", None) or error.code
    return (
        status in const.REFUSAL_STATUSES
        and error.type in const.GOCARDLESS_REFUSAL_ERROR_TYPES
    )


def _translate(error):
    if _is_refusal(error):
        # Refunds not enabled, balance too low, the refunds limit, payment
        # too recent or in the wrong state: an answer, the refund is manual.
        reasons = [
            item.get("reason")
            for item in (error.errors or [])
            if isinstance(item, dict) and item.get("reason")
        ]
        return GatewayRefused(error.message, reason=", ".join(reasons) or error.type)
    if isinstance(
        error, errors.GoCardlessProError | requests.RequestException | ValueError
    ):
        # A 5xx, a rate limit, a timeout, a dropped connection, a body the
        # SDK cannot read or an error type it does not know: the gateway may
        # have refunded. Never a refusal, whose manual refund would pay the
        # customer twice: the refund is looked up by its key later.
        status = getattr(error, "http_status", None)
        prefix = f"GoCardless answered HTTP {status}: " if status else ""
        return GatewayUnavailable(prefix + _describe(error))
    return GatewayError(_describe(error))


def _describe(error):
    """The error's message; the SDK's own fails on bodies it does not know."""
    try:
        return str(error)
    except Exception:  # any body at all may come back
        return repr(getattr(error, "error", error))


def _gocardless_metadata(metadata, idempotency_key):
    """GoCardless takes at most 3 metadata keys of 50 characters, values of
    500: keep the idempotency key and the first two others."""
    items = [("idempotency_key", idempotency_key)] + [
        (key, value) for key, value in metadata.items() if key != "idempotency_key"
    ]
    return {key[:50]: str(value)[:500] for key, value in items[:3]}


def _parse_time(value):
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _to_refund(refund):
    try:
        return GatewayRefund(
            reference=refund.id,
            status=const.GOCARDLESS_STATUS_MAPPING[refund.status],
            amount_minor=int(refund.amount),
            currency=(refund.currency or "").upper(),
            payment_reference=refund.links.payment,
            metadata=dict(refund.metadata or {}),
        )
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise GatewayUnavailable(f"Malformed GoCardless refund: {error!r}") from error
