# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import socket

import odoo
from odoo.tests import HOST, HttpCase, tagged

from ..controllers.main import MAX_WEBHOOK_BYTES
from .fake_gateways import FakeGoCardless, FakeStripe


@tagged("post_install", "-at_install")
class TestWebhookRoutes(HttpCase):
    """The webhook routes over HTTP: signature on the raw body, Forbidden
    otherwise, and no secret configured means nothing is accepted."""

    def _post(self, gateway, payload, headers):
        return self.url_open(
            f"/invoice_partial_refund/webhook/{gateway}", data=payload, headers=headers
        )

    def test_stripe_route(self):
        fake = FakeStripe()
        refund = {
            "id": "re_unknown",
            "object": "refund",
            "amount": 100,
            "currency": "usd",
            "status": "succeeded",
            "payment_intent": "pi_1",
            "metadata": {},
        }
        payload, headers = fake.signed_event("refund.updated", refund)
        self.assertEqual(
            self._post("stripe", payload, headers).status_code,
            403,
            "no secret configured: refused",
        )
        self.env.ref(
            "payment.payment_provider_stripe"
        ).partial_refund_webhook_secret = fake.webhook_secret
        response = self._post("stripe", payload, headers)
        self.assertEqual(
            response.status_code, 200, "a refund of someone else: acknowledged"
        )
        forged, forged_headers = fake.signed_event(
            "refund.updated", refund, secret="whsec_x"
        )
        self.assertEqual(self._post("stripe", forged, forged_headers).status_code, 403)
        self.assertEqual(self._post("stripe", b"{}", {}).status_code, 403)
        event = self.env["account.partial.refund.webhook.event"].search([])
        self.assertEqual(event.mapped("refund_reference"), ["re_unknown"])

    def test_oversized_body_is_not_read(self):
        """A body announced over the routes' limit is answered 413 before it
        is read or its signature checked: nothing recorded."""
        fake = FakeGoCardless()
        self.env.company.partial_refund_gocardless_webhook_secret = fake.webhook_secret
        payload, headers = fake.signed_webhook([{"action": "paid", "refund": "RF404"}])
        request = (
            "POST /invoice_partial_refund/webhook/gocardless HTTP/1.1\r\n"
            f"Host: {HOST}:{odoo.tools.config['http_port']}\r\n"
            f"Webhook-Signature: {headers['Webhook-Signature']}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {MAX_WEBHOOK_BYTES + 1}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        with socket.create_connection(
            (HOST, odoo.tools.config["http_port"]), timeout=10
        ) as connection:
            connection.sendall(request + payload)  # far less than announced
            status_line = connection.makefile("rb").readline()
        self.assertIn(b" 413 ", status_line)
        self.assertFalse(self.env["account.partial.refund.webhook.event"].search([]))
        # Within the limit, the same event is read and acknowledged.
        self.assertEqual(self._post("gocardless", payload, headers).status_code, 200)

    def test_gocardless_route(self):
        fake = FakeGoCardless()
        payload, headers = fake.signed_webhook([{"action": "paid", "refund": "RF404"}])
        self.assertEqual(self._post("gocardless", payload, headers).status_code, 403)
        self.env.company.partial_refund_gocardless_webhook_secret = fake.webhook_secret
        self.assertEqual(self._post("gocardless", payload, headers).status_code, 200)
        forged, forged_headers = fake.signed_webhook(
            [{"action": "paid", "refund": "RF404"}], secret="nope"
        )
        self.assertEqual(
            self._post("gocardless", forged, forged_headers).status_code, 403
        )

    def test_gocardless_company_route(self):
        """Each company's endpoint checks that company's secret only."""
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "GoCardless B"})
        fake_a = FakeGoCardless(webhook_secret="gc_webhook_a")
        fake_b = FakeGoCardless(webhook_secret="gc_webhook_b")
        company_a.partial_refund_gocardless_webhook_secret = fake_a.webhook_secret
        company_b.partial_refund_gocardless_webhook_secret = fake_b.webhook_secret
        event = [{"action": "paid", "refund": "RF404"}]
        for fake, company, other in [
            (fake_a, company_a, company_b),
            (fake_b, company_b, company_a),
        ]:
            payload, headers = fake.signed_webhook(event)
            self.assertEqual(
                self._post(f"gocardless/{other.id}", payload, headers).status_code,
                403,
            )
            self.assertEqual(
                self._post(f"gocardless/{company.id}", payload, headers).status_code,
                200,
            )
            payload, headers = fake.signed_webhook(event)
            self.assertEqual(
                self._post("gocardless", payload, headers).status_code,
                200,
                "the address without a company checks every company's secret",
            )
        payload, headers = fake_a.signed_webhook(event)
        self.assertEqual(
            self._post("gocardless/999999", payload, headers).status_code, 403
        )
