import datetime

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
def gateway(fake_gocardless):
    return get_gateway(
        "gocardless",
        access_token=fake_gocardless.secret,
        webhook_secret=fake_gocardless.webhook_secret,
        api_base=fake_gocardless.url,
        timeout=0.5,
    )


def _refund(gateway, payment, amount, key="key-1", refunded=0):
    return gateway.create_refund(
        payment_reference=payment,
        amount_minor=amount,
        currency="GBP",
        idempotency_key=key,
        metadata={
            "refund": "RFND/2026/00001",
            "invoice": "INV/1",
            "credit_note": "RINV/1",
        },
        refunded_minor=refunded,
    )


def test_refund_confirms_the_cumulative_total(gateway, fake_gocardless):
    payment = fake_gocardless.add_payment(10000)
    first = _refund(gateway, payment, 3000, key="a")
    assert (first.status, first.amount_minor, first.currency) == (
        "pending",
        3000,
        "GBP",
    )
    stored = fake_gocardless.refunds[first.reference]
    assert stored["metadata"]["idempotency_key"] == "a"
    assert len(stored["metadata"]) <= 3
    second = _refund(gateway, payment, 2000, key="b", refunded=3000)
    assert second.reference != first.reference
    with pytest.raises(GatewayRefused) as refused:
        _refund(gateway, payment, 1000, key="c", refunded=0)  # unaware of the others
    assert refused.value.reason == "total_amount_confirmation_invalid"
    assert fake_gocardless.refunded(payment) == 5000


def test_repeated_key_returns_the_first_refund(gateway, fake_gocardless):
    payment = fake_gocardless.add_payment(10000)
    first = _refund(gateway, payment, 3000)
    # A retry does not know the first call went through.
    again = _refund(gateway, payment, 3000)
    assert again.reference == first.reference
    assert len(fake_gocardless.refunds) == 1


def test_repeated_key_with_other_parameters_is_an_error(gateway, fake_gocardless):
    payment = fake_gocardless.add_payment(10000)
    _refund(gateway, payment, 3000)
    with pytest.raises(GatewayError, match="other parameters"):
        _refund(gateway, payment, 2000)


def test_fetch_payment(gateway, fake_gocardless):
    reference = fake_gocardless.add_payment(4200, currency="EUR")
    payment = gateway.fetch_payment(reference)
    assert (payment.reference, payment.amount_minor, payment.currency) == (
        reference,
        4200,
        "EUR",
    )
    assert payment.status == "confirmed"


def test_fetch_unknown_payment_is_refused(gateway, fake_gocardless):
    with pytest.raises(GatewayRefused) as error:
        gateway.fetch_payment("PM_TYPO")
    assert error.value.reason == "resource_not_found"


def test_fetch_payment_of_a_pasted_address_is_refused(gateway, fake_gocardless):
    with pytest.raises(GatewayRefused) as error:
        gateway.fetch_payment("https://manage.gocardless.com/payments/PM123")
    assert error.value.reason == "invalid_request"
    assert fake_gocardless.requests == []


def test_fetch_payment_server_error_is_unavailable(gateway, fake_gocardless):
    reference = fake_gocardless.add_payment(4200)
    fake_gocardless.down = True
    with pytest.raises(GatewayUnavailable):
        gateway.fetch_payment(reference)


def test_refunds_not_enabled(gateway, fake_gocardless):
    fake_gocardless.refunds_enabled = False
    payment = fake_gocardless.add_payment(10000)
    with pytest.raises(GatewayRefused) as refused:
        _refund(gateway, payment, 1000)
    assert refused.value.reason == "refunds_not_enabled"


def test_insufficient_balance(gateway, fake_gocardless):
    fake_gocardless.balance_sufficient = False
    payment = fake_gocardless.add_payment(10000)
    with pytest.raises(GatewayRefused) as refused:
        _refund(gateway, payment, 1000)
    assert refused.value.reason == "available_refund_amount_insufficient"


def test_payment_too_recent(gateway, fake_gocardless):
    payment = fake_gocardless.add_payment(10000, too_recent=True)
    with pytest.raises(GatewayRefused) as refused:
        _refund(gateway, payment, 1000)
    assert refused.value.reason == "refund_payment_invalid_state"


def test_five_refunds_at_most(gateway, fake_gocardless):
    payment = fake_gocardless.add_payment(10000)
    for index in range(5):
        _refund(gateway, payment, 100, key=f"k{index}", refunded=index * 100)
    with pytest.raises(GatewayRefused) as refused:
        _refund(gateway, payment, 100, key="k5", refunded=500)
    assert refused.value.reason == "number_of_refunds_exceeded"


def test_never_beyond_the_payment(gateway, fake_gocardless):
    payment = fake_gocardless.add_payment(1000)
    with pytest.raises(GatewayRefused):
        _refund(gateway, payment, 1001)


def test_connection_dropped_after_creation_yields_one_refund(gateway, fake_gocardless):
    payment = fake_gocardless.add_payment(10000)
    fake_gocardless.inject(fake_gateways.DROP_AFTER_CREATE)
    refund = _refund(gateway, payment, 1000)
    assert list(fake_gocardless.refunds) == [refund.reference]


def test_server_error_is_unavailable(gateway, fake_gocardless):
    payment = fake_gocardless.add_payment(10000)
    fake_gocardless.inject(fake_gateways.SERVER_ERROR)
    with pytest.raises(GatewayUnavailable):
        _refund(gateway, payment, 1000)
    assert not fake_gocardless.refunds


def test_timeout_then_found_by_key(gateway, fake_gocardless):
    payment = fake_gocardless.add_payment(10000)
    fake_gocardless.timeout_delay = 1.0
    fake_gocardless.inject(fake_gateways.TIMEOUT, times=3)
    with pytest.raises(GatewayUnavailable):
        _refund(gateway, payment, 1000, key="slow")
    found = gateway.find_refund(payment_reference=payment, idempotency_key="slow")
    assert found and found.amount_minor == 1000
    assert len(fake_gocardless.refunds) == 1


def test_a_key_longer_than_50_characters_is_found(gateway, fake_gocardless):
    """The key of a refund whose id has nine digits is 51 characters: stored
    whole in the metadata (values up to 500), looked up whole."""
    payment = fake_gocardless.add_payment(10000)
    key = f"odoo-ipr-123456789-{'a' * 32}"
    assert len(key) == 51
    made = _refund(gateway, payment, 1000, key=key)
    found = gateway.find_refund(payment_reference=payment, idempotency_key=key)
    assert found and found.reference == made.reference
    assert not gateway.find_refund(payment_reference=payment, idempotency_key=key[:50])


def test_malformed_body_is_retried(gateway, fake_gocardless):
    payment = fake_gocardless.add_payment(10000)
    fake_gocardless.inject(fake_gateways.MALFORMED)
    refund = _refund(gateway, payment, 1000)
    assert list(fake_gocardless.refunds) == [refund.reference]
    fake_gocardless.inject(fake_gateways.MALFORMED, times=3)
    with pytest.raises(GatewayUnavailable):
        _refund(gateway, payment, 1000, key="other", refunded=1000)


def test_fetch_follows_the_status(gateway, fake_gocardless):
    payment = fake_gocardless.add_payment(10000)
    refund = _refund(gateway, payment, 1000)
    fake_gocardless.set_status(refund.reference, "paid")
    assert gateway.fetch_refund(refund.reference).status == "succeeded"
    fake_gocardless.set_status(refund.reference, "bounced")
    assert gateway.fetch_refund(refund.reference).status == "failed"


def test_webhook(gateway, fake_gocardless):
    payload, headers = fake_gocardless.signed_webhook(
        [
            {"id": "EV1", "action": "paid", "refund": "RF1"},
            {
                "id": "EV2",
                "action": "created",
                "refund": "PM1",
                "resource_type": "payments",
            },
        ]
    )
    (event,) = gateway.parse_webhook(payload, headers)
    assert (event.event_id, event.event_type, event.refund_reference) == (
        "EV1",
        "refunds.paid",
        "RF1",
    )
    forged, forged_headers = fake_gocardless.signed_webhook(
        [{"action": "paid", "refund": "RF1"}], secret="other"
    )
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(forged, forged_headers)
    old = (
        datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)
    ).isoformat()
    stale, stale_headers = fake_gocardless.signed_webhook(
        [{"action": "paid", "refund": "RF1", "created_at": old}]
    )
    with pytest.raises(InvalidWebhook, match="Stale"):
        gateway.parse_webhook(stale, stale_headers)


def test_webhook_without_secret_is_rejected(fake_gocardless):
    gateway = get_gateway(
        "gocardless", access_token=fake_gocardless.secret, api_base=fake_gocardless.url
    )
    payload, headers = fake_gocardless.signed_webhook(
        [{"action": "paid", "refund": "RF1"}]
    )
    with pytest.raises(InvalidWebhook, match="No GoCardless webhook secret"):
        gateway.parse_webhook(payload, headers)
