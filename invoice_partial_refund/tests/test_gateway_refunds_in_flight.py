# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.payment_stripe.controllers.main import StripeController

from .fake_gateways import DROP_AFTER_CREATE
from .test_gateway_refunds import GatewayRefundCommon


@tagged("post_install", "-at_install")
class TestGatewayRefundsInFlight(GatewayRefundCommon):
    """Refunds of a Stripe payment made by Odoo's own Refund button whose
    payment Odoo has not booked yet: never asked of the gateway again, nor
    owed by hand a second time."""

    def _native_stripe_refund_unbooked(self, intent, amount, status="succeeded"):
        """Odoo's Refund button on the payment of ``intent``
        (``payment.refund.wizard`` → ``_send_refund_request``): the refund
        made at Stripe, Odoo's refund transaction pending or done, its
        payment not booked yet (post-processed by Odoo's cron later)."""
        self.fake_stripe.refund_status = status
        code, stripe_refund = self.fake_stripe._new_refund(
            {"payment_intent": intent, "amount": str(self._minor(amount))}
        )
        self.fake_stripe.refund_status = "succeeded"
        self.assertEqual(code, 200)
        source_tx = self.env["payment.transaction"].search(
            [("provider_reference", "=", intent)]
        )
        refund_tx = source_tx._create_child_transaction(
            amount, is_refund=True, provider_reference=stripe_refund["id"]
        )
        if status == "succeeded":
            refund_tx._set_done()
        else:
            refund_tx._set_pending()
        self.assertFalse(refund_tx.payment_id)
        return source_tx.payment_id

    def _assert_refund_button_counted(self, status):
        invoice, intent = self._create_stripe_paid_invoice([{"price_unit": 100.0}])
        self._native_stripe_refund_unbooked(intent, 100.0, status=status)
        (share,) = invoice._get_partial_refund_gateway_split(23.0, include_empty=True)
        self.assertAlmostEqual(share["available"], 15.0, msg="Stripe has 15 left")
        line = invoice.invoice_line_ids
        # 100 of the 115 paid are already on their way back: 23 more would
        # give the customer 123 (Stripe refuses the 23, owed by hand).
        with self.assertRaisesRegex(UserError, "beyond what the customer paid"):
            self._refund(invoice, [{"line_id": line.id, "amount": 20.0}])
        self.assertFalse(invoice.partial_refund_ids)
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 10.0}])
        self.assertAlmostEqual(refund.gateway_ids.amount, 11.5)
        self._run_gateway_job()
        self.assertEqual(self.fake_stripe.refunded(intent), 10000 + 1150)
        self.assertFalse(refund.gateway_ids.manual_fallback)
        self.assertEqual(refund.state, "done")
        self.assertRefundSettled_any(refund)

    def test_refund_button_done_not_yet_booked_is_counted(self):
        self._assert_refund_button_counted("succeeded")

    def test_refund_button_pending_at_stripe_is_counted(self):
        self._assert_refund_button_counted("pending")

    def test_payment_stripe_webhook_before_the_job_finds_the_refund(self):
        """Stripe refunds the share, its answer is lost; payment_stripe's own
        webhook (charge.refund.updated) arrives first and books the refund
        as one made in Stripe's dashboard (its refund transaction, its
        payment). The job then finds the refund by its key: one payment,
        settling the credit note, the customer's balance back to zero."""
        invoice, intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        self.fake_stripe.inject(DROP_AFTER_CREATE, times=3)
        self._run_gateway_job()
        self.assertEqual(share.state, "requested")
        (stripe_refund,) = self.fake_stripe.refunds.values()
        # What payment_stripe's controller does for charge.refunded: a
        # refund transaction for each refund of the charge it does not know.
        source_tx = share.source_transaction_id.sudo()
        refund_tx = StripeController._create_refund_tx_from_refund(
            source_tx, stripe_refund
        )
        refund_tx._handle_notification_data(
            "stripe",
            {
                "reference": source_tx.reference,
                "event_type": "charge.refunded",
                "object_id": "ch_fake",
                "refund": stripe_refund,
            },
        )
        self.assertEqual(refund_tx.state, "done")
        refund_tx._post_process()  # Odoo's post-processing cron, as it does
        self.assertTrue(refund_tx.payment_id, "booked as a dashboard refund")
        share.sudo().last_sync_date = False
        self._run_gateway_job()
        self.assertEqual(share.state, "succeeded")
        self.assertEqual(self.fake_stripe.refunded(intent), 2300)
        outbound = self.env["account.payment"].search(
            [("payment_type", "=", "outbound"), ("partner_id", "=", self.partner_a.id)]
        )
        self.assertEqual(outbound, share.refund_payment_id, "booked once")
        self.assertEqual(refund.state, "done")
        self.assertBooked(refund)
        # Nothing counted twice: 115 - 23 still refundable through Stripe.
        (left,) = invoice._get_partial_refund_gateway_split(200.0, include_empty=True)
        self.assertAlmostEqual(left["available"], 92.0)
        self.assertAlmostEqual(invoice._get_partial_refund_totals()[1], 92.0)

    def test_jpy_paid_by_stripe_and_bank_refunded_in_steps(self):
        """A yen invoice of 11 500 paid 5 000 through Stripe and 6 500 by
        bank, refunded in two steps of 3 333 (3 833 with tax): Stripe takes
        3 833 then its last 1 167, the rest by hand; Stripe is asked in yen,
        never beyond its 5 000, and the books settle to the yen."""
        jpy = self.setup_other_currency("JPY", rates=[("2019-01-01", 150.0)])
        invoice = self._create_paid_invoice(
            [{"price_unit": 10000.0}], currency=jpy, pay=False
        )
        intent = self._pay_with_stripe(invoice, amount=5000.0)
        self._pay(invoice, self.bank_journal)
        self.assertEqual(invoice.payment_state, "paid")
        line = invoice.invoice_line_ids
        first = self._refund(invoice, [{"line_id": line.id, "amount": 3333.0}])
        self._run_gateway_job()
        second = self._refund(invoice, [{"line_id": line.id, "amount": 3333.0}])
        self._run_gateway_job()
        self.assertEqual(first.amount_total, 3833.0)
        self.assertEqual(first.gateway_ids.amount, 3833.0)
        self.assertFalse(first.payment_id)
        self.assertEqual(second.gateway_ids.amount, 1167.0)
        self.assertEqual(second.payment_id.amount, 3833.0 - 1167.0)
        self.assertEqual(
            sorted(r["amount"] for r in self.fake_stripe.refunds.values()),
            [1167, 3833],
        )
        self.assertEqual(self.fake_stripe.refunded(intent), 5000)
        self.assertFalse(any((first | second).gateway_ids.mapped("manual_fallback")))
        for refund in first | second:
            self.assertRefundSettled_any(refund)
        self.assertFalse(invoice._get_partial_refund_gateway_split(1.0))
