# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import fields
from odoo.tests import tagged

from odoo.addons.bus.models.bus import channel_with_db, json_dump

from .fake_gateways import Answer
from .test_gateway_refunds import GatewayRefundCommon

GATEWAY_JOB = "invoice_partial_refund.ir_cron_sync_gateway_refunds"


@tagged("post_install", "-at_install")
class TestGatewayJob(GatewayRefundCommon):
    """The request that refunds never calls a gateway: it triggers the
    gateway job, which sends, and which alone decides what an answer means."""

    def _notifications(self):
        """The browser notifications sent to the current user so far."""
        self.env.cr.precommit.run()  # the bus writes its messages on commit
        channel = json_dump(
            channel_with_db(self.env.cr.dbname, self.env.user.partner_id)
        )
        messages = self.env["bus.bus"].sudo().search([("channel", "=", channel)])
        return [
            json.loads(message.message)["payload"]
            for message in messages
            if json.loads(message.message)["type"] == "simple_notification"
        ]

    def _job_triggers(self):
        return self.env["ir.cron.trigger"].search(
            [
                ("cron_id", "=", self.env.ref(GATEWAY_JOB).id),
                ("call_at", "<=", fields.Datetime.now()),
            ]
        )

    def _outbound_payments(self):
        return self.env["account.payment"].search(
            [("payment_type", "=", "outbound"), ("partner_id", "=", self.partner_a.id)]
        )

    def test_refund_triggers_the_job_and_calls_no_gateway(self):
        invoice, intent = self._create_stripe_paid_invoice([{"price_unit": 100.0}])
        self.assertFalse(self._job_triggers())
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 20.0}]
        )
        share = refund.gateway_ids
        self.assertEqual(len(self._job_triggers()), 1)
        # What runs once the request's transaction is committed: still no
        # gateway call.
        self.env.cr.postcommit.run()
        self.assertEqual(self.fake_stripe.requests, [])
        self.assertEqual((share.state, refund.state), ("requested", "requested"))
        self.assertFalse(share.attempt_count)
        # Nothing booked yet: the credit note waits for the gateway.
        self.assertAlmostEqual(refund.credit_note_id.amount_residual, 23.0)
        self.assertAlmostEqual(self._partner_balance(), -23.0)
        self.assertFalse(self._notifications())

        self._run_gateway_job()
        self.assertIn(("POST", "/v1/refunds"), self.fake_stripe.requests)
        self.assertEqual(self.fake_stripe.refunded(intent), 2300)
        self.assertEqual((share.state, refund.state), ("succeeded", "done"))
        self.assertBooked(refund)
        (notification,) = self._notifications()
        self.assertEqual(notification["type"], "success")
        self.assertIn(refund.name, notification["message"])
        self.assertIn("Stripe refunded", notification["message"])

    def test_refusal_is_notified_as_a_manual_refund(self):
        self.fake_gocardless.refunds_enabled = False
        invoice, _payment = self._create_gocardless_paid_invoice([{"price_unit": 80.0}])
        refund = self._refund(invoice, [{"line_id": invoice.invoice_line_ids.id}])
        self._run_gateway_job()
        self.assertEqual(refund.state, "manual")
        (notification,) = self._notifications()
        self.assertEqual(
            (notification["type"], notification["sticky"]), ("warning", True)
        )
        self.assertIn("send it back by hand", notification["message"])
        self.assertBooked(refund)

    def test_webhook_answer_is_notified(self):
        """An answer that comes by webhook is told to the accountant as the
        job's answers are: here a refund the customer's bank sent back."""
        _invoice, _intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        self._run_gateway_job()
        self.assertEqual(share.state, "succeeded")
        (success,) = self._notifications()
        self.assertEqual(success["type"], "success")
        stored = self.fake_stripe.set_status(
            share.gateway_reference, "failed", "expired_or_canceled_card"
        )
        payload, headers = self.fake_stripe.signed_event(
            "charge.refund.updated", stored
        )
        self._post_webhook("stripe", payload, headers)
        self.assertEqual(share.state, "failed")
        notifications = self._notifications()
        self.assertEqual(len(notifications), 2)
        self.assertEqual(
            (notifications[-1]["type"], notifications[-1]["sticky"]),
            ("warning", True),
        )
        self.assertIn("send it back by hand", notifications[-1]["message"])
        # The same event again: applied once, told once.
        self._post_webhook("stripe", payload, headers)
        self.assertEqual(len(self._notifications()), 2)
        self.assertBooked(refund)

    def test_gocardless_server_error_after_refunding_is_no_refusal(self):
        # GoCardless refunds, then answers a 502 whose body its SDK does not
        # know: a refusal would book a manual refund too, paying twice.
        invoice, mandate_payment = self._create_gocardless_paid_invoice(
            [{"price_unit": 80.0}]
        )
        refund = self._refund(invoice, [{"line_id": invoice.invoice_line_ids.id}])
        share = refund.gateway_ids
        unknown = json.dumps(
            {"error": {"type": "upstream_timeout", "code": 502, "message": "Bad"}}
        ).encode()
        self.fake_gocardless.inject(Answer(502, unknown, after_create=True))
        self._run_gateway_job()
        self.assertEqual(len(self.fake_gocardless.refunds), 1, "GoCardless refunded")
        self.assertRecordValues(
            share,
            [
                {
                    "state": "requested",
                    "manual_fallback": False,
                    "refund_payment_id": False,
                }
            ],
        )
        self.assertIn("502", share.last_error)
        self.assertEqual(refund.state, "requested")
        self.assertFalse(self._outbound_payments(), "no manual refund")
        self.assertAlmostEqual(refund.credit_note_id.amount_residual, 92.0)
        self.assertAlmostEqual(self._partner_balance(), -92.0)
        self.assertFalse(self._notifications(), "no answer yet")

        # The job's next look at it finds the refund by its key.
        share.sudo().last_sync_date = False
        self._run_gateway_job()
        self.assertEqual((share.state, refund.state), ("pending", "pending"))
        self.assertEqual(len(self.fake_gocardless.refunds), 1, "found, not resent")
        self.fake_gocardless.set_status(share.gateway_reference, "paid")
        share.sudo().last_sync_date = False
        self._run_gateway_job()
        self.assertEqual((share.state, refund.state), ("succeeded", "done"))
        self.assertEqual(self.fake_gocardless.refunded(mandate_payment), 9200)
        self.assertEqual(self._outbound_payments(), share.refund_payment_id)
        self.assertAlmostEqual(share.refund_payment_id.amount, 92.0)
        self.assertBooked(refund)
        self.assertEqual(
            [n["type"] for n in self._notifications()], ["info", "success"]
        )

    def test_stripe_html_answer_after_refunding_is_no_refusal(self):
        invoice, intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        page = b"<html><body><h1>503 Service Unavailable</h1></body></html>"
        # Every retry of the SDK meets it too.
        self.fake_stripe.inject(Answer(503, page, "text/html", after_create=True), 3)
        self._run_gateway_job()
        self.assertEqual(self.fake_stripe.refunded(intent), 2300, "Stripe refunded")
        self.assertRecordValues(
            share,
            [
                {
                    "state": "requested",
                    "manual_fallback": False,
                    "refund_payment_id": False,
                }
            ],
        )
        self.assertFalse(self._outbound_payments(), "no manual refund")
        self.assertAlmostEqual(refund.credit_note_id.amount_residual, 23.0)

        share.sudo().last_sync_date = False
        self._run_gateway_job()
        self.assertEqual((share.state, refund.state), ("succeeded", "done"))
        self.assertEqual(len(self.fake_stripe.refunds), 1, "found, not resent")
        self.assertEqual(self._outbound_payments(), share.refund_payment_id)
        self.assertBooked(refund)

    def test_job_waits_before_asking_again_about_an_unknown_outcome(self):
        invoice, intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        self.fake_stripe.down = True
        self._run_gateway_job()
        self.assertEqual(share.attempt_count, 0, "the look-up by key failed first")
        requests = len(self.fake_stripe.requests)
        self._run_gateway_job()  # a rerun at once: the gateway is left alone
        self.assertEqual(len(self.fake_stripe.requests), requests)
        self.assertEqual(share.state, "requested")
        self.assertFalse(self._outbound_payments())
