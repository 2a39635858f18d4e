"""An answer that is not a documented refusal leaves the outcome unknown.

Only a 4xx answer with an error type the gateway documents says nothing was
created: the refund is then made by hand. A 5xx (whatever its body), an
answer no SDK can read, a timeout or a connection dropped may come after the
gateway refunded: taking it as a refusal and refunding by hand would pay the
customer twice. It must raise `GatewayUnavailable`, and the refund is then
found by its idempotency key. Both gateways, with their real SDKs, against
the fake servers.
"""

import json
import types

import fake_gateways
import gocardless_pro.services.base_service
import pytest
import stripe
from fake_gateways import Answer
from gateways import GatewayRefused, GatewayUnavailable, get_gateway

HTML = b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"


def _error_bodies(code, status):
    """Bodies a failing gateway or a proxy in front of it may answer with
    ``status``, by name: the gateway's own, one the SDK reads as a refusal,
    an error type no SDK knows, an error that is a string, a web page,
    nothing."""
    if code == "stripe":
        own = {"error": {"type": "api_error", "message": "Something went wrong"}}
        refusal = {
            "error": {
                "type": "invalid_request_error",
                "code": "amount_too_large",
                "message": "Refund amount is greater than unrefunded amount",
            }
        }
    else:
        own = fake_gateways._gc_error(
            "gocardless", status, "Uh-oh! Internal error", "internal_server_error"
        )
        refusal = fake_gateways._gc_error(
            "invalid_state", 422, "Insufficient balance", "refund_payment_invalid_state"
        )
    unknown = {
        "error": {
            "type": "upstream_timeout",
            "code": status,
            "message": "Upstream timed out",
            "errors": [{"reason": "upstream_timeout"}],
        }
    }
    return {
        "own": (json.dumps(own).encode(), "application/json"),
        "refusal_body": (json.dumps(refusal).encode(), "application/json"),
        "unknown_type": (json.dumps(unknown).encode(), "application/json"),
        "string_error": (b'{"error": "Service Unavailable"}', "application/json"),
        "html": (HTML, "text/html"),
        "empty": (b"", "application/json"),
    }


BODY_NAMES = list(_error_bodies("stripe", 500))


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    """The SDKs retry as they do in production, without their pauses."""
    monkeypatch.setattr(stripe._http_client.HTTPClient, "INITIAL_DELAY", 0.001)
    monkeypatch.setattr(
        gocardless_pro.services.base_service,
        "time",
        types.SimpleNamespace(sleep=lambda seconds: None),
    )


@pytest.fixture(params=["stripe", "gocardless"])
def gateway_and_fake(request):
    """(gateway client, fake server, a payment of 100.00 to refund)."""
    if request.param == "stripe":
        fake = request.getfixturevalue("fake_stripe")
        gateway = get_gateway(
            "stripe", secret_key=fake.secret, api_base=fake.url, timeout=0.5
        )
        payment = fake.add_payment_intent(10000, currency="gbp")
    else:
        fake = request.getfixturevalue("fake_gocardless")
        gateway = get_gateway(
            "gocardless", access_token=fake.secret, api_base=fake.url, timeout=0.5
        )
        payment = fake.add_payment(10000)
    return gateway, fake, payment


def _refund(gateway, payment, key="unknown-outcome"):
    return gateway.create_refund(
        payment_reference=payment,
        amount_minor=2500,
        currency="GBP",
        idempotency_key=key,
        metadata={"odoo_refund": "RFND/2026/00001"},
    )


def _refund_count(fake):
    return len(fake.refunds)


def _assert_found_once(gateway, fake, payment, key="unknown-outcome"):
    """The refund the gateway made is found by its key, and sending it again
    with the key makes no second one."""
    fake.faults.clear()  # the faults an SDK did not retry into
    found = gateway.find_refund(payment_reference=payment, idempotency_key=key)
    assert found is not None and found.amount_minor == 2500
    assert _refund(gateway, payment, key).reference == found.reference
    assert _refund_count(fake) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
@pytest.mark.parametrize("body_name", BODY_NAMES)
def test_server_error_after_the_refund_is_unknown(gateway_and_fake, status, body_name):
    gateway, fake, payment = gateway_and_fake
    body, content_type = _error_bodies(gateway.code, status)[body_name]
    # Every try (the SDKs retry some answers with the same key) meets it.
    fake.inject(Answer(status, body, content_type, after_create=True), times=3)
    with pytest.raises(GatewayUnavailable):
        _refund(gateway, payment)
    assert _refund_count(fake) == 1, "the gateway did refund"
    _assert_found_once(gateway, fake, payment)


@pytest.mark.parametrize("body_name", BODY_NAMES)
def test_server_error_before_the_refund_is_unknown(gateway_and_fake, body_name):
    gateway, fake, payment = gateway_and_fake
    body, content_type = _error_bodies(gateway.code, 503)[body_name]
    fake.inject(Answer(503, body, content_type), times=3)
    with pytest.raises(GatewayUnavailable):
        _refund(gateway, payment)
    assert _refund_count(fake) == 0
    assert gateway.find_refund(payment_reference=payment, idempotency_key="x") is None


@pytest.mark.parametrize(
    "status, body_name",
    [
        (400, "html"),  # a proxy's page: not the gateway's word
        (404, "empty"),
        (422, "unknown_type"),
        (400, "string_error"),
        (409, "refusal_body"),  # a request with the same key still running
        (429, "refusal_body"),  # rate limited
    ],
)
def test_client_error_that_is_no_documented_refusal_is_unknown(
    gateway_and_fake, status, body_name
):
    gateway, fake, payment = gateway_and_fake
    body, content_type = _error_bodies(gateway.code, status)[body_name]
    fake.inject(Answer(status, body, content_type, after_create=True), times=3)
    with pytest.raises(GatewayUnavailable):
        _refund(gateway, payment)
    _assert_found_once(gateway, fake, payment)


def test_documented_refusal_is_refused(gateway_and_fake):
    gateway, fake, payment = gateway_and_fake
    status = 400 if gateway.code == "stripe" else 422
    body, content_type = _error_bodies(gateway.code, status)["refusal_body"]
    fake.inject(Answer(status, body, content_type))
    with pytest.raises(GatewayRefused) as refused:
        _refund(gateway, payment)
    assert refused.value.reason in (
        "amount_too_large",
        "refund_payment_invalid_state",
    )
    assert _refund_count(fake) == 0


def test_timeout_is_unknown(gateway_and_fake):
    gateway, fake, payment = gateway_and_fake
    fake.timeout_delay = 1.0
    fake.inject(fake_gateways.TIMEOUT, times=3)
    with pytest.raises(GatewayUnavailable):
        _refund(gateway, payment)
    _assert_found_once(gateway, fake, payment)


def test_connection_dropped_mid_answer_is_unknown(gateway_and_fake):
    gateway, fake, payment = gateway_and_fake
    fake.inject(fake_gateways.DROP_MID_RESPONSE, times=3)
    with pytest.raises(GatewayUnavailable):
        _refund(gateway, payment)
    _assert_found_once(gateway, fake, payment)


def test_connection_dropped_without_answer_is_unknown(gateway_and_fake):
    gateway, fake, payment = gateway_and_fake
    fake.inject(fake_gateways.DROP_AFTER_CREATE, times=3)
    with pytest.raises(GatewayUnavailable):
        _refund(gateway, payment)
    _assert_found_once(gateway, fake, payment)
