# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The calls an integration makes over RPC: payments marked as
paid by hand and malformed arguments of the addon's overrides."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PartialRefundCommon

TODAY = "2019-02-01"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestStateWritesAndRpcArguments(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._create_paid_invoice(
            [{"price_unit": 100.0}], journal=cls.bank_journal
        )

    def _manual_refund(self, amount=40.0):
        return self._refund(
            self.invoice,
            [{"line_id": self.invoice.invoice_line_ids.id, "amount": amount}],
            journal_id=self.bank_journal.id,
            refund_via="manual",
        )

    def test_cancel_refused_once_its_payment_is_marked_paid(self):
        """Odoo's `action_validate` (over RPC: the form hides it on payments
        with an entry) marks the refund payment as paid: the money left, as
        when a bank statement line matches it. Cancel refund is refused then,
        as it is for a matched payment: it would make the lines refundable
        again under money sent."""
        refund = self._manual_refund()
        payment, credit_note = refund.payment_id, refund.credit_note_id
        self.assertEqual(payment.state, "in_process")
        self.assertTrue(refund.can_cancel)
        payment.action_validate()
        self.assertEqual(payment.state, "paid")
        refund.invalidate_recordset(["can_cancel"])
        self.assertFalse(refund.can_cancel, "Cancel refund is hidden")
        balance = self._partner_balance()
        counts = self._counts()
        with self.assertRaisesRegex(UserError, "marked as paid"):
            refund.action_cancel_refund()
        self.assertEqual(refund.state, "manual")
        self.assertEqual(payment.state, "paid")
        self.assertFalse(payment.move_id.reversal_move_ids)
        self.assertFalse(credit_note.reversal_move_ids)
        self.assertEqual(self._counts(), counts)
        self.assertAlmostEqual(self._partner_balance(), balance)
        self.assertAlmostEqual(
            self.invoice.invoice_line_ids.refundable_amount, 60.0, msg="not again"
        )
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
        # Marking it as refunded still closes it.
        refund._confirm_manual_refund(TODAY, "TRF-1", "bank_transfer")
        self.assertEqual(refund.state, "done")

    def test_cancel_allowed_while_its_payment_is_in_process(self):
        """The refusal above is of a payment marked paid only: a payment
        waiting for its bank line is cancelled with the refund."""
        refund = self._manual_refund()
        refund.action_cancel_refund()
        self.assertEqual(refund.state, "cancelled")
        self.assertEqual(refund.payment_id.state, "canceled")
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertAlmostEqual(self.invoice.invoice_line_ids.refundable_amount, 100.0)

    def test_assign_outstanding_line_with_a_malformed_line_id(self):
        """`account.move.js_assign_outstanding_line`, overridden here and
        public: a line id that is not one is a clear error (not a database
        error, a TypeError or an IndexError) and matches nothing."""
        refund = self._manual_refund()
        credit_note = refund.credit_note_id
        other = self._create_paid_invoice([{"price_unit": 50.0}], pay=False)
        counts = self._counts(other)
        reconciliations = self.env["account.partial.reconcile"].search_count([])
        for value in (
            "abc",
            str(credit_note.line_ids[0].id),
            1.5,
            None,
            0,
            -3,
            True,
            {"id": 1},
            [],
            ["x"],
            2**40,
        ):
            with self.subTest(value=value), self.assertRaises(UserError):
                other.js_assign_outstanding_line(value)
        self.assertEqual(self._counts(other), counts)
        self.assertEqual(
            self.env["account.partial.reconcile"].search_count([]), reconciliations
        )
        self.assertEqual(other.payment_state, "not_paid")

    def test_state_written_over_rpc_is_refused_as_its_buttons(self):
        """`state` is a plain field over RPC: a Billing user writing it on a
        refund's payment or credit note, on the refunded invoice or on what
        paid it, does what Reset to Draft and Cancel do, which are refused
        there. Written, a refund payment "canceled" with its entry posted
        would be skipped by Cancel refund, which would leave its debit open
        on the customer's account."""
        refund = self._manual_refund()
        payment, credit_note = refund.payment_id, refund.credit_note_id
        customer_payment = self.invoice._get_reconciled_payments()
        self.assertTrue(customer_payment)
        customer_state = customer_payment.state
        billing = self._create_user(
            "billing_rpc", self.env.ref("account.group_account_invoice")
        )
        balance = self._partner_balance()
        counts = self._counts()
        writes = [
            (payment, {"state": "canceled"}),
            (payment, {"state": "draft"}),
            (payment, {"state": "rejected"}),
            (customer_payment, {"state": "canceled"}),
            (customer_payment, {"state": "draft"}),
            (credit_note, {"state": "draft"}),
            (credit_note, {"state": "cancel"}),
            (payment.move_id, {"state": "draft"}),
            (self.invoice, {"state": "draft"}),
            (self.invoice, {"state": "cancel"}),
            (customer_payment.move_id, {"state": "cancel"}),
        ]
        for record, vals in writes:
            with self.subTest(record=record.display_name, vals=vals):
                with self.assertRaises(UserError):
                    record.with_user(billing).write(vals)
        self.assertEqual(payment.state, "in_process")
        self.assertEqual(customer_payment.state, customer_state)
        self.assertEqual(
            (credit_note | payment.move_id | self.invoice).mapped("state"),
            ["posted"] * 3,
        )
        self.assertEqual(self._counts(), counts)
        self.assertAlmostEqual(self._partner_balance(), balance)
        # Cancel refund still undoes all of it.
        refund.action_cancel_refund()
        self.assertEqual(payment.state, "canceled")
        self.assertEqual(payment.move_id.reversal_move_ids.state, "posted")
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertFalse(self._open_receivable_lines())
        # Other payments and entries keep Odoo's behaviour.
        other = self._create_paid_invoice([{"price_unit": 10.0}])
        other_payment = other._get_reconciled_payments()
        other_payment.with_user(billing).write({"state": "canceled"})
        self.assertEqual(other_payment.state, "canceled")

    def test_odoo_draft_credit_note_posted_by_a_state_write_is_refused(self):
        """Odoo's credit note of the whole invoice left in draft, then a
        partial refund: writing its state "posted" over RPC is refused as
        its Confirm button is (it would credit the refunded line again);
        it stays in draft, the customer's balance unchanged."""
        native = self._odoo_credit_note(self.invoice, post=False)
        self._manual_refund()
        billing = self._create_user(
            "billing_post", self.env.ref("account.group_account_invoice")
        )
        balance = self._partner_balance()
        with self.assertRaisesRegex(UserError, "has partial refunds"):
            native.with_user(billing).write({"state": "posted"})
        self.assertEqual(native.state, "draft")
        self.assertAlmostEqual(self._partner_balance(), balance)
