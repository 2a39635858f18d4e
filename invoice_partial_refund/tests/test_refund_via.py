# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_gateway_refunds import GatewayRefundCommon

MANUAL_REFUND_ACTIVITY = "invoice_partial_refund.mail_activity_type_manual_refund"


@tagged("post_install", "-at_install")
class TestRefundVia(GatewayRefundCommon):
    """How the money goes back, chosen per refund: through the gateway that
    took the payment (the default) or by hand through a bank or cash
    journal."""

    def _activities(self, refund):
        return refund.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(MANUAL_REFUND_ACTIVITY)
        )

    def _receivable_reconciled(self, refund):
        credit_note = refund.credit_note_id
        payments = refund.payment_id | refund.gateway_ids.refund_payment_id
        lines = (credit_note.line_ids | payments.move_id.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        return all(lines.mapped("reconciled")) and len(lines.full_reconcile_id) == 1

    def test_stripe_paid_back_through_stripe(self):
        invoice, intent = self._create_stripe_paid_invoice([{"price_unit": 100.0}])
        line = invoice.invoice_line_ids
        refund = self._refund(
            invoice, [{"line_id": line.id, "amount": 40.0}], refund_via="gateway"
        )
        self.assertEqual(refund.refund_via, "gateway")
        self.assertRecordValues(
            refund.gateway_ids, [{"gateway": "stripe", "amount": 46.0}]
        )
        self.assertFalse(refund.payment_id, "Stripe takes all of it")
        self.assertEqual(refund.state, "requested")
        refund.gateway_ids._send()
        self.assertEqual(refund.state, "done")
        self.assertEqual(self.fake_stripe.refunded(intent), 4600)
        payment = refund.gateway_ids.refund_payment_id
        self.assertEqual(payment.journal_id, self.stripe.journal_id)
        self.assertTrue(
            refund.credit_note_id.currency_id.is_zero(
                refund.credit_note_id.amount_residual
            )
        )
        self.assertTrue(self._receivable_reconciled(refund))
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertFalse(self._activities(refund))

    def test_stripe_paid_refunded_by_hand_through_the_bank(self):
        invoice, intent = self._create_stripe_paid_invoice([{"price_unit": 100.0}])
        line = invoice.invoice_line_ids
        bank_method = self.bank_journal.outbound_payment_method_line_ids.filtered(
            lambda m: not m.payment_provider_id
        )[:1]
        refund = self._refund(
            invoice,
            [{"line_id": line.id, "amount": 40.0}],
            refund_via="manual",
            payment_method_line_id=bank_method.id,
        )
        self.assertEqual(refund.refund_via, "manual")
        self.assertFalse(refund.gateway_ids, "no share goes through Stripe")
        self.assertFalse(self.fake_stripe.refunds)
        self.assertRecordValues(
            refund.payment_id,
            [
                {
                    "journal_id": self.bank_journal.id,
                    "payment_method_line_id": bank_method.id,
                    "payment_type": "outbound",
                    "amount": 46.0,
                }
            ],
        )
        self.assertRefundSettled(refund)
        self.assertTrue(self._receivable_reconciled(refund))
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        # Sent by hand: the refund waits for it, with its reminder.
        self.assertEqual(refund.state, "manual")
        self.assertTrue(refund.manual_due_date)
        self.assertEqual(len(self._activities(refund)), 1)
        # Later refunds may still go through Stripe: all of it is left there.
        (share,) = invoice._get_partial_refund_gateway_split(10.0)
        self.assertEqual(share["available"], invoice.amount_total)

    def test_gocardless_paid_refunded_by_hand_in_cash(self):
        invoice, mandate_payment = self._create_gocardless_paid_invoice(
            [{"price_unit": 80.0}]
        )
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "amount": 20.0}],
            refund_via="manual",
            journal_id=self.cash_journal.id,
        )
        self.assertFalse(refund.gateway_ids)
        self.assertFalse(self.fake_gocardless.refunds)
        self.assertEqual(refund.payment_id.journal_id, self.cash_journal)
        self.assertEqual(refund.refund_method, "immediate")
        self.assertEqual(refund.state, "done", "paid on the spot")
        self.assertFalse(self._activities(refund))
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_bank_paid_invoice_either_way_by_hand(self):
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        line = invoice.invoice_line_ids
        via_gateway = self._refund(invoice, [{"line_id": line.id, "amount": 10.0}])
        via_manual = self._refund(
            invoice, [{"line_id": line.id, "amount": 10.0}], refund_via="manual"
        )
        for refund in via_gateway | via_manual:
            self.assertFalse(refund.gateway_ids)
            self.assertEqual(refund.payment_id.journal_id, self.bank_journal)
            self.assertEqual(refund.state, "manual")
            self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_wrong_choices_are_refused_and_nothing_is_written(self):
        invoice, _intent = self._create_stripe_paid_invoice([{"price_unit": 100.0}])
        line = invoice.invoice_line_ids
        credit_notes_before = self.env["account.move"].search_count(
            [("move_type", "=", "out_refund")]
        )
        with self.assertRaisesRegex(UserError, "refund_via"):
            self._refund(invoice, [{"line_id": line.id}], refund_via="paypal")
        # Stripe took the payment: its own method is not a refund by hand.
        stripe_method = self.env["account.payment.method.line"].search(
            [("payment_provider_id", "=", self.stripe.id)], limit=1
        )
        self.assertTrue(stripe_method)
        with self.assertRaisesRegex(UserError, "refund by hand"):
            self._refund(
                invoice,
                [{"line_id": line.id}],
                refund_via="manual",
                payment_method_line_id=stripe_method.id,
            )
        # A gateway that did not take the payment is refused, either way.
        other = self.env["payment.provider"].search(
            [("code", "!=", "stripe"), ("company_id", "=", self.env.company.id)],
            limit=1,
        )
        other_method = self.env["account.payment.method.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "payment_method_id": self.env.ref(
                    "account.account_payment_method_manual_out"
                ).id,
                "payment_provider_id": other.id,
            }
        )
        self.assertEqual(other_method.payment_provider_id, other)
        for refund_via in ("gateway", "manual"):
            with self.assertRaisesRegex(UserError, "can only go through the gateway"):
                self._refund(
                    invoice,
                    [{"line_id": line.id}],
                    refund_via=refund_via,
                    payment_method_line_id=other_method.id,
                )
        self.assertFalse(invoice.partial_refund_ids)
        self.assertEqual(
            self.env["account.move"].search_count([("move_type", "=", "out_refund")]),
            credit_notes_before,
        )

    def test_wizard_choice(self):
        invoice, intent = self._create_stripe_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 40.0}]
        )
        action = invoice.action_open_partial_refund_wizard()
        wizard_form = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        )
        self.assertEqual(wizard_form.gateway_label, "Stripe")
        self.assertEqual(wizard_form.refund_via, "gateway")
        with wizard_form.line_ids.edit(0) as wizard_line:
            wizard_line.selected = True
        self.assertIn("Stripe, payment " + intent, wizard_form.split_html)
        wizard_form.refund_via = "manual"
        self.assertNotIn("Stripe", wizard_form.split_html)
        self.assertIn("Bank", wizard_form.split_html)
        wizard = wizard_form.save()
        wizard.action_complete()
        refund = self.env["account.partial.refund"].browse(
            wizard.action_refund_now()["res_id"]
        )
        self.assertEqual(refund.refund_via, "manual")
        self.assertFalse(refund.gateway_ids)
        self.assertEqual(refund.state, "manual")
        self.assertAlmostEqual(refund.payment_id.amount, 115.0)
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
