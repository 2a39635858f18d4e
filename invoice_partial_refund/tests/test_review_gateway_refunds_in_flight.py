# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_gateway_refunds import GatewayRefundCommon


@tagged("post_install", "-at_install")
class TestReviewGatewayRefundsInFlight(GatewayRefundCommon):
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
