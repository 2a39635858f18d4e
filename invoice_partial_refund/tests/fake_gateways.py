# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fake Stripe and GoCardless servers on 127.0.0.1 for the tests.

They enforce the rules the addon relies on (a refund never exceeds what is
left of the payment; Stripe replays the first answer to a repeated
idempotency key with the same parameters and refuses other parameters;
GoCardless names the refund a repeated key created, checks the cumulative
``total_amount_confirmation``, the 5-refund limit and the account's
abilities) and inject faults on demand: server error, timeout, connection
dropped after the refund was created or halfway through the answer,
malformed body, or any answer at all (`Answer`: a 502 page of a proxy, an
empty 503, an error body no SDK knows).

Plain Python, no Odoo: used by both test tiers. The real SDKs talk to them.
"""

import dataclasses
import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVER_ERROR = "server_error"
TIMEOUT = "timeout"
DROP_AFTER_CREATE = "drop_after_create"
#: the refund is created, then the answer stops halfway through its body
DROP_MID_RESPONSE = "drop_mid_response"
MALFORMED = "malformed"


@dataclasses.dataclass(frozen=True)
class Answer:
    """A fault answering ``status`` with the raw ``body``, instead of the
    refund (``after_create`` False: nothing is created) or once the refund is
    created (True: the gateway refunded, the caller cannot tell)."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    after_create: bool = False


_counter = itertools.count(1)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output quiet
        pass

    def _dispatch(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parsed = urllib.parse.urlsplit(self.path)
        answer = self.server.fake.handle(
            self.command,
            parsed.path,
            urllib.parse.parse_qs(parsed.query),
            self.headers,
            body,
        )
        if answer is None:  # drop the connection without answering
            self.close_connection = True
            self.connection.shutdown(2)
            return
        status, payload, content_type, truncated = (
            *answer,
            *(None, "application/json", False)[len(answer) - 1 :],
        )
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        if truncated:  # announce the whole body, send half, hang up
            self.wfile.write(raw[: len(raw) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(raw)

    do_GET = do_POST = _dispatch


class FakeServer:
    """An HTTP server on 127.0.0.1 in a thread; subclasses answer."""

    #: seconds a TIMEOUT fault holds the answer back
    timeout_delay = 2.0

    def __init__(self):
        self.lock = threading.RLock()
        self.faults = []
        self.requests = []
        #: the headers of each request in `requests`
        self.request_headers = []
        #: every request answers a server error (an outage)
        self.down = False
        self._server = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        ).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reset(self):
        """Forget every payment, refund and key: a clean gateway."""
        with self.lock:
            self.faults.clear()
            self.requests.clear()
            self.request_headers.clear()
            self.down = False
            self.fail_later_pages = False
            for store in self._stores():
                store.clear()

    def inject(self, fault, times=1):
        """The next ``times`` refund creation requests (first calls and
        repeats alike) meet ``fault``."""
        with self.lock:
            self.faults.extend([fault] * times)

    def _next_fault(self):
        with self.lock:
            return self.faults.pop(0) if self.faults else None

    def handle(self, method, path, query, headers, body):
        self.requests.append((method, path))
        self.request_headers.append(dict(headers.items()))
        if headers.get("Authorization") != f"Bearer {self.secret}":
            return self.unauthorized()
        if self.down:
            return self.server_error()
        return self.route(method, path, query, headers, body)

    def create_with_faults(self, create):
        """Run ``create`` (which returns an answer) under the next fault."""
        fault = self._next_fault()
        if fault == SERVER_ERROR:
            return self.server_error()
        if fault == MALFORMED:
            return 200, b'{"id": "re_broken", "amount": '
        if isinstance(fault, Answer) and not fault.after_create:
            return fault.status, fault.body, fault.content_type
        answer = create()
        if isinstance(fault, Answer):
            return fault.status, fault.body, fault.content_type
        if fault == DROP_AFTER_CREATE:
            return None
        if fault == DROP_MID_RESPONSE:
            return (*answer, "application/json", True)
        if fault == TIMEOUT:
            time.sleep(self.timeout_delay)
        return answer


# ----------------------------------------------------------------------
# Stripe
# ----------------------------------------------------------------------


class FakeStripe(FakeServer):
    """Stripe's refunds API: POST/GET /v1/refunds, GET /v1/refunds/<id>, and
    GET /v1/payment_intents/<id>."""

    def __init__(self, secret="sk_test_fake", webhook_secret="whsec_fake"):
        super().__init__()
        self.secret = secret
        self.webhook_secret = webhook_secret
        self.payment_intents = {}
        self.refunds = {}
        self.idempotency = {}
        #: status of the next refunds created
        self.refund_status = "succeeded"
        #: the list of refunds answers a server error after its first page
        self.fail_later_pages = False

    def _stores(self):
        return (self.payment_intents, self.refunds, self.idempotency)

    def add_payment_intent(self, amount_minor, currency="usd", reference=None):
        reference = reference or f"pi_{next(_counter):08d}"
        self.payment_intents[reference] = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "charge": f"ch_{next(_counter):08d}",
        }
        return reference

    def refunded(self, payment_intent):
        return sum(
            refund["amount"]
            for refund in self.refunds.values()
            if refund["payment_intent"] == payment_intent
            and refund["status"] not in ("failed", "canceled")
        )

    def set_status(self, reference, status, failure_reason=None):
        with self.lock:
            self.refunds[reference].update(status=status, failure_reason=failure_reason)
            return dict(self.refunds[reference])

    def unauthorized(self):
        return 401, _stripe_error("invalid_request_error", "Invalid API Key provided")

    def server_error(self):
        return 500, _stripe_error("api_error", "Something went wrong on Stripe's end.")

    def route(self, method, path, query, headers, body):
        if method == "POST" and path == "/v1/refunds":
            return self._create(headers, urllib.parse.parse_qs(body.decode()))
        if method == "GET" and path == "/v1/refunds":
            return self._list_refunds(path, query)
        if method == "GET" and path.startswith("/v1/refunds/"):
            refund = self.refunds.get(path.rsplit("/", 1)[1])
            if not refund:
                return 404, _stripe_error(
                    "invalid_request_error", "No such refund", "resource_missing"
                )
            return 200, refund
        if method == "GET" and path.startswith("/v1/payment_intents/"):
            reference = path.rsplit("/", 1)[1]
            intent = self.payment_intents.get(reference)
            if not intent:
                return 404, _stripe_error(
                    "invalid_request_error",
                    f"No such payment_intent: '{reference}'",
                    "resource_missing",
                )
            return 200, {
                "id": reference,
                "object": "payment_intent",
                "amount": intent["amount"],
                "amount_received": intent["amount"],
                "currency": intent["currency"],
                "status": "succeeded",
                "latest_charge": intent["charge"],
            }
        return 404, _stripe_error(
            "invalid_request_error", f"Unrecognized request URL {path}"
        )

    def _list_refunds(self, path, query):
        """Stripe's list: newest first, ``limit`` a page (10 by default, 100
        at most), the next page ``starting_after`` the last id of the one
        before."""
        payment_intent = (query.get("payment_intent") or [None])[0]
        limit = min(int((query.get("limit") or [10])[0]), 100)
        after = (query.get("starting_after") or [None])[0]
        if after and self.fail_later_pages:
            return self.server_error()
        with self.lock:
            data = [
                refund
                for refund in reversed(self.refunds.values())
                if not payment_intent or refund["payment_intent"] == payment_intent
            ]
        if after:
            data = data[[refund["id"] for refund in data].index(after) + 1 :]
        return 200, {
            "object": "list",
            "data": data[:limit],
            "has_more": len(data) > limit,
            "url": path,
        }

    def _create(self, headers, form):
        params = {key: values[0] for key, values in form.items()}
        key = headers.get("Idempotency-Key")
        with self.lock:
            if key in self.idempotency:
                first_params, answer = self.idempotency[key]
                if first_params != params:
                    return 400, _stripe_error(
                        "idempotency_error",
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with.",
                    )
                return self.create_with_faults(lambda: answer)

            def create():
                answer = self._new_refund(params)
                if key and answer[0] < 500:
                    self.idempotency[key] = (params, answer)
                return answer

            return self.create_with_faults(create)

    def _new_refund(self, params):
        payment_intent = params.get("payment_intent")
        intent = self.payment_intents.get(payment_intent)
        if not intent:
            return 400, _stripe_error(
                "invalid_request_error",
                f"No such payment_intent: '{payment_intent}'",
                "resource_missing",
            )
        remaining = intent["amount"] - self.refunded(payment_intent)
        amount = int(params.get("amount", remaining))
        if amount <= 0 or amount > remaining:
            code = "charge_already_refunded" if remaining <= 0 else "amount_too_large"
            return 400, _stripe_error(
                "invalid_request_error",
                f"Refund amount ({amount}) is greater than unrefunded amount on "
                f"charge ({remaining})",
                code,
            )
        metadata = {
            key[len("metadata[") : -1]: value
            for key, value in params.items()
            if key.startswith("metadata[")
        }
        refund = {
            "id": f"re_{next(_counter):08d}",
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "charge": intent["charge"],
            "payment_intent": payment_intent,
            "status": self.refund_status,
            "failure_reason": None,
            "metadata": metadata,
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    def signed_event(
        self, event_type, refund, timestamp=None, secret=None, event_id=None
    ):
        """A webhook body about ``refund`` and its ``Stripe-Signature``
        header, signed as Stripe signs them."""
        payload = json.dumps(
            {
                "id": event_id or f"evt_{next(_counter):08d}",
                "object": "event",
                "type": event_type,
                "api_version": "2019-05-16",
                "created": int(time.time()),
                "data": {"object": refund},
            }
        ).encode()
        timestamp = int(timestamp or time.time())
        signed = f"{timestamp}.".encode() + payload
        signature = hmac.new(
            (secret or self.webhook_secret).encode(), signed, hashlib.sha256
        ).hexdigest()
        return payload, {"Stripe-Signature": f"t={timestamp},v1={signature}"}


def _stripe_error(error_type, message, code=None):
    error = {"type": error_type, "message": message}
    if code:
        error["code"] = code
    return {"error": error}


# ----------------------------------------------------------------------
# GoCardless
# ----------------------------------------------------------------------


class FakeGoCardless(FakeServer):
    """GoCardless's refunds API: POST/GET /refunds, GET /refunds/<id>, and
    GET /payments/<id>."""

    def __init__(self, secret="gc_token_fake", webhook_secret="gc_webhook_fake"):
        super().__init__()
        self.secret = secret
        self.webhook_secret = webhook_secret
        self.payments = {}
        self.refunds = {}
        self.idempotency = {}
        self.refunds_enabled = True
        self.balance_sufficient = True
        self.refund_status = "created"

    def _stores(self):
        return (self.payments, self.refunds, self.idempotency)

    def add_payment(
        self, amount_minor, currency="GBP", reference=None, too_recent=False
    ):
        reference = reference or f"PM{next(_counter):010d}"
        self.payments[reference] = {
            "amount": amount_minor,
            "currency": currency.upper(),
            "too_recent": too_recent,
        }
        return reference

    def refunded(self, payment):
        return sum(
            refund["amount"]
            for refund in self.refunds.values()
            if refund["links"]["payment"] == payment
            and refund["status"] not in ("cancelled", "bounced", "funds_returned")
        )

    def set_status(self, reference, status):
        with self.lock:
            self.refunds[reference]["status"] = status
            return dict(self.refunds[reference])

    def unauthorized(self):
        return 401, _gc_error("invalid_api_usage", 401, "Unauthorized", "unauthorized")

    def server_error(self):
        return 500, _gc_error(
            "gocardless", 500, "Uh-oh! Internal error", "internal_server_error"
        )

    def route(self, method, path, query, headers, body):
        if method == "POST" and path == "/refunds":
            return self._create(headers, json.loads(body or b"{}").get("refunds", {}))
        if method == "GET" and path == "/refunds":
            payment = (query.get("payment") or [None])[0]
            data = [
                refund
                for refund in self.refunds.values()
                if not payment or refund["links"]["payment"] == payment
            ]
            return 200, {
                "refunds": data,
                "meta": {"cursors": {"before": None, "after": None}, "limit": 50},
            }
        if method == "GET" and path.startswith("/refunds/"):
            refund = self.refunds.get(path.rsplit("/", 1)[1])
            if not refund:
                return 404, _gc_error(
                    "invalid_api_usage", 404, "Resource not found", "resource_not_found"
                )
            return 200, {"refunds": refund}
        if method == "GET" and path.startswith("/payments/"):
            reference = path.rsplit("/", 1)[1]
            payment = self.payments.get(reference)
            if not payment:
                return 404, _gc_error(
                    "invalid_api_usage", 404, "Resource not found", "resource_not_found"
                )
            return 200, {
                "payments": {
                    "id": reference,
                    "amount": payment["amount"],
                    "currency": payment["currency"],
                    "status": "confirmed",
                    "links": {"mandate": "MD0000000001"},
                }
            }
        return 404, _gc_error("invalid_api_usage", 404, "Not found", "path_not_found")

    def _create(self, headers, params):
        key = headers.get("Idempotency-Key")
        with self.lock:
            if key in self.idempotency:
                error = _gc_error(
                    "invalid_state",
                    409,
                    "A resource has already been created with this idempotency key",
                    "idempotent_creation_conflict",
                )
                error["error"]["errors"][0]["links"] = {
                    "conflicting_resource_id": self.idempotency[key]
                }
                return self.create_with_faults(lambda: (409, error))

            def create():
                status, answer = self._new_refund(params)
                if key and status == 201:
                    self.idempotency[key] = answer["refunds"]["id"]
                return status, answer

            return self.create_with_faults(create)

    def _new_refund(self, params):
        payment_id = (params.get("links") or {}).get("payment")
        payment = self.payments.get(payment_id)
        if not payment:
            return 404, _gc_error(
                "invalid_api_usage", 404, "Payment not found", "resource_not_found"
            )
        if not self.refunds_enabled:
            return 403, _gc_error(
                "invalid_api_usage",
                403,
                "Refunds are not enabled on this creditor",
                "refunds_not_enabled",
            )
        if payment["too_recent"]:
            return 422, _gc_error(
                "invalid_state",
                422,
                "The payment cannot be refunded yet",
                "refund_payment_invalid_state",
            )
        count = sum(
            1 for r in self.refunds.values() if r["links"]["payment"] == payment_id
        )
        if count >= 5:
            return 422, _gc_error(
                "invalid_state",
                422,
                "A payment can be refunded at most 5 times",
                "number_of_refunds_exceeded",
            )
        amount = int(params.get("amount") or 0)
        refunded = self.refunded(payment_id)
        if params.get("total_amount_confirmation") != refunded + amount:
            return 422, _gc_error(
                "invalid_state",
                422,
                "The total amount confirmation does not match the refunds "
                "of the payment",
                "total_amount_confirmation_invalid",
            )
        if amount <= 0 or refunded + amount > payment["amount"]:
            return 422, _gc_error(
                "validation_failed",
                422,
                "Amount exceeds the refundable amount",
                "refund_amount_invalid",
            )
        if not self.balance_sufficient:
            return 422, _gc_error(
                "invalid_state",
                422,
                "Insufficient balance for refunds",
                "available_refund_amount_insufficient",
            )
        refund = {
            "id": f"RF{next(_counter):010d}",
            "amount": amount,
            "currency": payment["currency"],
            "status": self.refund_status,
            "created_at": _now_iso(),
            "reference": None,
            "metadata": params.get("metadata") or {},
            "links": {"payment": payment_id, "mandate": "MD0000000001"},
        }
        self.refunds[refund["id"]] = refund
        return 201, {"refunds": refund}

    def signed_webhook(self, events, secret=None):
        """A webhook body with ``events`` (dicts: refund id, action, optional
        id and created_at) and its ``Webhook-Signature`` header."""
        payload = json.dumps(
            {
                "events": [
                    {
                        "id": event.get("id") or f"EV{next(_counter):010d}",
                        "created_at": event.get("created_at") or _now_iso(),
                        "resource_type": event.get("resource_type", "refunds"),
                        "action": event["action"],
                        "links": {"refund": event["refund"]},
                        "details": {"origin": "gocardless", "cause": event["action"]},
                    }
                    for event in events
                ]
            }
        ).encode()
        signature = hmac.new(
            (secret or self.webhook_secret).encode(), payload, hashlib.sha256
        ).hexdigest()
        return payload, {"Webhook-Signature": signature}


def _gc_error(error_type, code, message, reason):
    return {
        "error": {
            "type": error_type,
            "code": code,
            "message": message,
            "documentation_url": "https://developer.gocardless.com/api-reference#errors",
            "request_id": f"req_{next(_counter)}",
            "errors": [{"reason": reason, "message": message}],
        }
    }


def _now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
