# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A call of `action_partial_refund` sent again: an integration that timed
out after the first call was carried out retries it with the same
``idempotency_key``, and gets the first call's refund back instead of a
second refund."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .test_gateway_refunds import GatewayRefundCommon


@tagged("post_install", "-at_install")
class TestIdempotencyKeys(GatewayRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._create_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 50.0}], journal=cls.bank_journal
        )
        cls.line_1, cls.line_2 = cls.invoice.invoice_line_ids
        cls.company_data_2 = cls.setup_other_company()

    def _refund_by_key(self, lines, key, **options):
        options.setdefault("journal_id", self.bank_journal.id)
        return self._refund(self.invoice, lines, idempotency_key=key, **options)

    def assertNothingWritten(self, before):
        self.env.invalidate_all()
        self.assertEqual(self._counts(), before)

    def test_a_call_sent_again_answers_the_first_refund(self):
        """The same call twice: one refund, one credit note, one payment,
        the customer's account as after the first; the refund keeps the key."""
        lines = [
            {"line_id": self.line_1.id, "amount": 30.0},
            {"line_id": self.line_2.id},
        ]
        refund = self._refund_by_key(lines, "order-42/refund-1")
        self.assertRefundSettled(refund)
        self.assertEqual(refund.idempotency_key, "order-42/refund-1")
        balance = self._partner_balance()
        before = self._counts()

        # Sent again with its lines in another order and an amount as an
        # integer: the same request.
        again = self._refund_by_key(
            [{"line_id": self.line_2.id}, {"line_id": self.line_1.id, "amount": 30}],
            "order-42/refund-1",
        )
        self.assertEqual(again, refund)
        self.assertNothingWritten(before)
        self.assertAlmostEqual(self._partner_balance(), balance)
        self.assertFalse(self._open_receivable_lines())
        # 30 + 15 % and 50 + 15 %, once.
        self.assertAlmostEqual(refund.credit_note_id.amount_total, 92.0)
        self.assertAlmostEqual(self.line_1.refunded_price_subtotal, 30.0)
        self.assertAlmostEqual(self.line_2.refunded_price_subtotal, 50.0)

    def test_a_call_sent_again_after_it_refunded_all_that_was_left(self):
        """The first call left nothing to refund: the call sent again is not
        refused for it, it answers the first's refund."""
        lines = [{"line_id": self.line_1.id}, {"line_id": self.line_2.id}]
        refund = self._refund_by_key(lines, "all")
        self.assertEqual(self.invoice.partial_refund_status, "refunded")
        before = self._counts()
        self.assertEqual(self._refund_by_key(lines, "all"), refund)
        self.assertNothingWritten(before)
        # Without the key, the same call is a new refund, refused.
        with self.assertRaisesRegex(UserError, "already fully refunded"):
            self._refund(self.invoice, lines, journal_id=self.bank_journal.id)

    def test_the_key_of_another_request_is_refused(self):
        """A key sent with other lines, amounts or options than its first
        call: refused by name, nothing written, as Stripe refuses it."""
        refund = self._refund_by_key(
            [{"line_id": self.line_1.id, "amount": 30.0}], "key-1"
        )
        before = self._counts()
        others = [
            ([{"line_id": self.line_1.id, "amount": 30.01}], {}),
            ([{"line_id": self.line_1.id, "quantity": 1}], {}),
            (
                [
                    {"line_id": self.line_1.id, "amount": 30.0},
                    {"line_id": self.line_2.id},
                ],
                {},
            ),
            ([{"line_id": self.line_1.id, "amount": 30.0}], {"reason": "Broken"}),
            (
                [{"line_id": self.line_1.id, "amount": 30.0}],
                {"journal_id": self.cash_journal.id},
            ),
            ([{"line_id": self.line_1.id, "amount": 30.0}], {"date": "2019-02-02"}),
        ]
        for lines, options in others:
            with self.subTest(lines=lines, options=options):
                with self.assertRaisesRegex(
                    ValidationError, rf"“key-1” was sent before .*{refund.name}"
                ):
                    self._refund_by_key(lines, "key-1", **options)
                self.assertNothingWritten(before)

    def test_other_keys_and_no_key_refund_again(self):
        lines = [{"line_id": self.line_1.id, "amount": 10.0}]
        first = self._refund_by_key(lines, "a")
        second = self._refund_by_key(lines, "b")
        third = self._refund(self.invoice, lines, journal_id=self.bank_journal.id)
        fourth = self._refund(self.invoice, lines, journal_id=self.bank_journal.id)
        self.assertEqual(len(first | second | third | fourth), 4)
        self.assertFalse(third.idempotency_key)
        self.assertAlmostEqual(self.line_1.refunded_price_subtotal, 40.0)
        self.assertFalse(self._open_receivable_lines())

    def test_a_key_is_the_invoices(self):
        """Two invoices refunded with the same key: two refunds (a key tells
        calls of one invoice apart)."""
        other = self._create_paid_invoice([{"price_unit": 80.0}])
        refund = self._refund_by_key([{"line_id": self.line_1.id}], "same")
        other_refund = self._refund(
            other,
            [{"line_id": other.invoice_line_ids.id}],
            idempotency_key="same",
            journal_id=self.bank_journal.id,
        )
        self.assertNotEqual(refund, other_refund)
        self.assertEqual(other_refund.move_id, other)
        self.assertAlmostEqual(other_refund.amount_untaxed, 80.0)

    def test_a_cancelled_refund_is_answered_not_made_again(self):
        """A call sent again after its refund was cancelled answers the
        cancelled refund: the retry of a timed-out call must not undo a
        cancellation."""
        lines = [{"line_id": self.line_1.id, "amount": 30.0}]
        refund = self._refund_by_key(lines, "cancelled-one")
        refund.action_cancel_refund()
        self.assertEqual(refund.state, "cancelled")
        before = self._counts()
        self.assertEqual(self._refund_by_key(lines, "cancelled-one"), refund)
        self.assertNothingWritten(before)
        self.assertEqual(self.line_1.refunded_price_subtotal, 0.0)

    def test_a_gateway_refund_sent_again_goes_to_stripe_once(self):
        invoice, intent = self._create_stripe_paid_invoice([{"price_unit": 100.0}])
        lines = [{"line_id": invoice.invoice_line_ids.id, "amount": 40.0}]
        refund = self._refund(invoice, lines, idempotency_key="stripe-1")
        self._run_gateway_job()
        self.assertEqual(refund.state, "done")
        again = self._refund(invoice, lines, idempotency_key="stripe-1")
        self._run_gateway_job()
        self.assertEqual(again, refund)
        self.assertEqual(len(refund.gateway_ids), 1)
        self.assertEqual(len(self.fake_stripe.refunds), 1)
        self.assertEqual(self.fake_stripe.refunded(intent), 4600)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_the_key_reveals_no_refund_of_an_invoice_out_of_reach(self):
        """A user who may not change the invoice (another company's) is
        refused on the invoice before the key is looked up."""
        refund = self._refund_by_key([{"line_id": self.line_1.id}], "secret")
        outsider = self._create_user(
            "outsider",
            self.env.ref("account.group_account_invoice")
            | self.env.ref("invoice_partial_refund.group_partial_refund"),
            companies=self.company_data_2["company"],
        )
        with self.assertRaises(AccessError) as caught:
            self.invoice.with_user(outsider).action_partial_refund(
                [{"line_id": self.line_1.id}],
                idempotency_key="secret",
                journal_id=self.bank_journal.id,
                date="2019-02-01",
            )
        self.assertNotIn(refund.name, str(caught.exception))

    def test_the_key_cannot_be_written(self):
        refund = self._refund_by_key([{"line_id": self.line_1.id}], "fixed")
        user = self._create_user(
            "billing",
            self.env.ref("account.group_account_invoice")
            | self.env.ref("invoice_partial_refund.group_partial_refund"),
        )
        with self.assertRaises(AccessError):
            refund.with_user(user).write({"idempotency_key": "other"})
        with self.assertRaises(AccessError):
            refund.with_user(user).write({"request_digest": "0" * 64})
        self.assertEqual(refund.idempotency_key, "fixed")
