import time

import fake_gateways
import pytest
from gateways import (
    GatewayError,
    GatewayRefused,
    GatewayUnavailable,
    InvalidWebhook,
    get_gateway,
)


@pytest.fixture
def gateway(fake_stripe):
    return get_gateway(
        "stripe",
        secret_key=fake_stripe.secret,
        webhook_secret=fake_stripe.webhook_secret,
        api_base=fake_stripe.url,
        timeout=0.5,
        max_network_retries=2,
    )


def _refund(gateway, intent, amount, key="key-1", currency="USD"):
    return gateway.create_refund(
        payment_reference=intent,
        amount_minor=amount,
        currency=currency,
        idempotency_key=key,
        metadata={"refund": "RFND/2026/00001", "invoice": "INV/2026/00001"},
    )


def test_refund_and_metadata(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(10000)
    refund = _refund(gateway, intent, 2500)
    assert refund.status == "succeeded"
    assert refund.amount_minor == 2500
    assert refund.currency == "USD"
    assert refund.payment_reference == intent
    stored = fake_stripe.refunds[refund.reference]
    assert stored["metadata"] == {
        "refund": "RFND/2026/00001",
        "invoice": "INV/2026/00001",
        "idempotency_key": "key-1",
    }


def test_same_key_same_parameters_replays_one_refund(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(10000)
    first = _refund(gateway, intent, 2500)
    again = _refund(gateway, intent, 2500)
    assert again.reference == first.reference
    assert len(fake_stripe.refunds) == 1


def test_same_key_other_parameters_is_an_error(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(10000)
    _refund(gateway, intent, 2500)
    with pytest.raises(GatewayError, match="idempotency"):
        _refund(gateway, intent, 2600)
    assert len(fake_stripe.refunds) == 1


def test_refunds_never_exceed_the_charge(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(10000)
    _refund(gateway, intent, 6000, key="a")
    with pytest.raises(GatewayRefused) as refused:
        _refund(gateway, intent, 4001, key="b")
    assert refused.value.reason == "amount_too_large"
    _refund(gateway, intent, 4000, key="c")
    assert fake_stripe.refunded(intent) == 10000


def test_server_error_once_is_retried_with_the_same_key(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(10000)
    fake_stripe.inject(fake_gateways.SERVER_ERROR)
    refund = _refund(gateway, intent, 1000)
    assert refund.status == "succeeded"
    assert len(fake_stripe.refunds) == 1


def test_connection_dropped_after_creation_yields_one_refund(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(10000)
    fake_stripe.inject(fake_gateways.DROP_AFTER_CREATE)
    refund = _refund(gateway, intent, 1000)
    assert len(fake_stripe.refunds) == 1
    assert refund.reference in fake_stripe.refunds


def test_persistent_server_error_is_unavailable(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(10000)
    fake_stripe.inject(fake_gateways.SERVER_ERROR, times=3)
    with pytest.raises(GatewayUnavailable):
        _refund(gateway, intent, 1000)
    assert not fake_stripe.refunds


def _connect_gateway(fake_stripe):
    return get_gateway(
        "stripe",
        secret_key=fake_stripe.secret,
        api_base=fake_stripe.url,
        extra_headers={"Stripe-Account": "acct_connected"},
        max_network_retries=0,
    )


def test_find_refund_reads_every_page(fake_stripe):
    """Stripe lists a payment's refunds newest first, 100 a page: ours, the
    oldest of 101, is on the second page, asked with the account's header
    too."""
    gateway = _connect_gateway(fake_stripe)
    intent = fake_stripe.add_payment_intent(1_000_000)
    ours = _refund(gateway, intent, 100, key="ours")
    for number in range(100):
        _refund(gateway, intent, 100, key=f"dashboard-{number}")
    fake_stripe.requests.clear()
    fake_stripe.request_headers.clear()
    found = gateway.find_refund(payment_reference=intent, idempotency_key="ours")
    assert found.reference == ours.reference
    assert fake_stripe.requests == [("GET", "/v1/refunds")] * 2
    assert all(
        headers["Stripe-Account"] == "acct_connected"
        for headers in fake_stripe.request_headers
    )
    assert gateway.find_refund(payment_reference=intent, idempotency_key="none") is None


def test_find_refund_failing_on_a_later_page_is_unavailable(fake_stripe):
    """A page that fails says nothing of the refund: unavailable, never "no
    refund" (which would send it again)."""
    gateway = _connect_gateway(fake_stripe)
    intent = fake_stripe.add_payment_intent(1_000_000)
    _refund(gateway, intent, 100, key="ours")
    for number in range(100):
        _refund(gateway, intent, 100, key=f"dashboard-{number}")
    fake_stripe.fail_later_pages = True
    with pytest.raises(GatewayUnavailable):
        gateway.find_refund(payment_reference=intent, idempotency_key="ours")


def test_timeout_leaves_a_refund_to_find_by_key(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(10000)
    fake_stripe.timeout_delay = 1.0
    fake_stripe.inject(fake_gateways.TIMEOUT, times=3)
    with pytest.raises(GatewayUnavailable):
        _refund(gateway, intent, 1000, key="timeout-key")
    # The first attempt created it; the retries replayed into the timeout.
    assert len(fake_stripe.refunds) == 1
    found = gateway.find_refund(payment_reference=intent, idempotency_key="timeout-key")
    assert found and found.amount_minor == 1000
    assert (
        gateway.find_refund(payment_reference=intent, idempotency_key="other") is None
    )
    assert (
        _refund(gateway, intent, 1000, key="timeout-key").reference == found.reference
    )
    assert len(fake_stripe.refunds) == 1


def test_malformed_body_is_unavailable(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(10000)
    fake_stripe.inject(fake_gateways.MALFORMED, times=3)
    with pytest.raises(GatewayUnavailable):
        _refund(gateway, intent, 1000)


def test_fetch_follows_the_status(gateway, fake_stripe):
    fake_stripe.refund_status = "pending"
    intent = fake_stripe.add_payment_intent(10000)
    refund = _refund(gateway, intent, 1000)
    assert refund.status == "pending"
    fake_stripe.set_status(refund.reference, "failed", "insufficient_funds")
    fetched = gateway.fetch_refund(refund.reference)
    assert (fetched.status, fetched.failure_reason) == ("failed", "insufficient_funds")


def test_fetch_payment(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(11500, currency="eur")
    payment = gateway.fetch_payment(intent)
    assert (payment.reference, payment.amount_minor, payment.currency) == (
        intent,
        11500,
        "EUR",
    )
    assert payment.status == "succeeded"


def test_fetch_unknown_payment_is_refused(gateway, fake_stripe):
    with pytest.raises(GatewayRefused) as error:
        gateway.fetch_payment("pi_typo")
    assert error.value.reason == "resource_missing"


def test_fetch_payment_server_error_is_unavailable(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(1000)
    fake_stripe.down = True
    with pytest.raises(GatewayUnavailable):
        gateway.fetch_payment(intent)


def test_zero_and_three_decimal_currencies(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(5000, currency="jpy")
    assert _refund(gateway, intent, 1234, currency="JPY").amount_minor == 1234
    kwd = fake_stripe.add_payment_intent(10000, currency="kwd")
    with pytest.raises(GatewayRefused, match="multiples of 10"):
        _refund(gateway, kwd, 1234, key="k1", currency="KWD")
    assert _refund(gateway, kwd, 1230, key="k2", currency="KWD").amount_minor == 1230


def test_wrong_credentials_are_refused(fake_stripe):
    gateway = get_gateway("stripe", secret_key="sk_wrong", api_base=fake_stripe.url)
    intent = fake_stripe.add_payment_intent(1000)
    with pytest.raises(GatewayRefused):
        _refund(gateway, intent, 100)


def test_webhook_signature(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(10000)
    refund = _refund(gateway, intent, 1000)
    stored = fake_stripe.set_status(
        refund.reference, "failed", "expired_or_canceled_card"
    )
    payload, headers = fake_stripe.signed_event(
        "refund.updated", stored, event_id="evt_1"
    )
    (event,) = gateway.parse_webhook(payload, headers)
    assert (event.event_id, event.event_type) == ("evt_1", "refund.updated")
    assert event.refund.status == "failed"
    assert event.refund.failure_reason == "expired_or_canceled_card"

    forged, forged_headers = fake_stripe.signed_event(
        "refund.updated", stored, secret="whsec_other"
    )
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(forged, forged_headers)
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(payload + b" ", headers)
    stale, stale_headers = fake_stripe.signed_event(
        "refund.updated", stored, timestamp=time.time() - 3600
    )
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(stale, stale_headers)
    other, other_headers = fake_stripe.signed_event("payment_intent.succeeded", stored)
    assert gateway.parse_webhook(other, other_headers) == []


def test_webhook_without_secret_is_rejected(fake_stripe):
    gateway = get_gateway(
        "stripe", secret_key=fake_stripe.secret, api_base=fake_stripe.url
    )
    payload, headers = fake_stripe.signed_event(
        "refund.updated", {"id": "re_1", "object": "refund"}
    )
    with pytest.raises(InvalidWebhook, match="No Stripe webhook secret"):
        gateway.parse_webhook(payload, headers)


def test_requests_stay_on_the_fake_server(gateway, fake_stripe):
    intent = fake_stripe.add_payment_intent(1000)
    _refund(gateway, intent, 100)
    assert fake_stripe.requests == [("POST", "/v1/refunds")]


def test_extra_headers_go_with_every_request(fake_stripe):
    """Stripe Connect: the provider's account header reaches Stripe with each
    call, the idempotency key with it."""
    gateway = get_gateway(
        "stripe",
        secret_key=fake_stripe.secret,
        api_base=fake_stripe.url,
        extra_headers={"Stripe-Account": "acct_connected"},
        max_network_retries=0,
    )
    intent = fake_stripe.add_payment_intent(10000)
    refund = _refund(gateway, intent, 2500)
    gateway.fetch_refund(refund.reference)
    gateway.find_refund(payment_reference=intent, idempotency_key="key-1")
    gateway.fetch_payment(intent)
    assert len(fake_stripe.request_headers) == 4
    for headers in fake_stripe.request_headers:
        assert headers["Stripe-Account"] == "acct_connected"
    assert fake_stripe.request_headers[0]["Idempotency-Key"] == "key-1"


@pytest.mark.parametrize(
    "signature",
    ["t=1,v1=é", "é", "t=é,v1=abc", "", "t=1,v1=" + "\u00ff" * 64],
)
def test_webhook_malformed_signature_is_refused(gateway, fake_stripe, signature):
    payload, headers = fake_stripe.signed_event(
        "refund.updated", {"id": "re_1", "object": "refund"}
    )
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(payload, {**headers, "Stripe-Signature": signature})
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(b"\xff\xfe not json", headers)
