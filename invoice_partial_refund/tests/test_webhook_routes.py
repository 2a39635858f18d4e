# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

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
        self.env["ir.config_parameter"].sudo().set_param(
            "invoice_partial_refund.stripe_webhook_secret", fake.webhook_secret
        )
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

    def test_gocardless_route(self):
        fake = FakeGoCardless()
        payload, headers = fake.signed_webhook([{"action": "paid", "refund": "RF404"}])
        self.assertEqual(self._post("gocardless", payload, headers).status_code, 403)
        self.env["ir.config_parameter"].sudo().set_param(
            "invoice_partial_refund.gocardless_webhook_secret", fake.webhook_secret
        )
        self.assertEqual(self._post("gocardless", payload, headers).status_code, 200)
        forged, forged_headers = fake.signed_webhook(
            [{"action": "paid", "refund": "RF404"}], secret="nope"
        )
        self.assertEqual(
            self._post("gocardless", forged, forged_headers).status_code, 403
        )
