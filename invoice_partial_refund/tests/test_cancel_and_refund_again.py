# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Several refunds of one invoice over months, one of them cancelled: the
lines' refunded figures, the invoice's status, the books against Odoo's own
credit note, the customer's account at each step."""

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import PartialRefundCommon

LINES = [
    {"price_unit": 100.0, "quantity": 3},
    {"price_unit": 99.99},
    {"price_unit": 12.5, "quantity": 4},
]


@tagged("post_install", "-at_install")
class TestCancelLifecycle(PartialRefundCommon):
    def assertLedgerClosed(self):
        """The customer owes nothing and is owed nothing: no receivable line
        left open, the partner ledger summing to zero."""
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertFalse(self._open_receivable_lines())
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.partner_a.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "in", ("asset_receivable",)),
            ]
        )
        self.assertAlmostEqual(sum(lines.mapped("debit")), sum(lines.mapped("credit")))

    def assertLinesWithin(self, invoice):
        for line in invoice.invoice_line_ids:
            self.assertLessEqual(
                invoice.currency_id.compare_amounts(
                    line.refunded_price_total, line.price_total
                ),
                0,
            )
            self.assertLessEqual(
                invoice.currency_id.compare_amounts(
                    line.refunded_price_subtotal, line.price_subtotal
                ),
                0,
            )
            self.assertAlmostEqual(
                line.refunded_amount + line.refundable_amount, line.price_subtotal
            )

    def _three_refunds(self, invoice):
        line_1, line_2, line_3 = invoice.invoice_line_ids
        by_quantity = self._refund(invoice, [{"line_id": line_1.id, "quantity": 1}])
        by_amount = self._refund(
            invoice,
            [
                {"line_id": line_2.id, "amount": 33.33},
                {"line_id": line_3.id, "amount": 10.0},
            ],
        )
        rest = self._refund(
            invoice, [{"line_id": line.id} for line in invoice.invoice_line_ids]
        )
        return by_quantity, by_amount, rest

    def test_middle_refund_cancelled_then_refunded_again(self):
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(LINES)
        line_1, line_2, line_3 = invoice.invoice_line_ids
        first, middle, third = self._three_refunds(invoice)
        self.assertLinesWithin(invoice)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        before = invoice.partial_refundable_amount
        self.assertAlmostEqual(before, 0.0)
        self.assertLedgerClosed()

        middle.action_cancel_refund()
        self.assertEqual(middle.state, "cancelled")
        self.assertAlmostEqual(
            invoice.partial_refundable_amount, before + middle.amount_total
        )
        self.assertAlmostEqual(line_2.refundable_amount, 33.33)
        self.assertAlmostEqual(line_2.refunded_price_subtotal, 66.66)
        self.assertAlmostEqual(line_3.refundable_amount, 10.0)
        self.assertAlmostEqual(line_1.refundable_amount, 0.0)
        self.assertEqual(line_1.refunded_quantity, 3)
        self.assertAlmostEqual(line_3.refunded_price_subtotal, 40.0)
        self.assertEqual(invoice.partial_refund_status, "partial")
        self.assertLinesWithin(invoice)
        self.assertLedgerClosed()

        # Again by amount, then the rest.
        again = self._refund(invoice, [{"line_id": line_2.id, "amount": 33.33}])
        self.assertLinesWithin(invoice)
        last = self._refund(
            invoice,
            [
                {"line_id": line.id}
                for line in invoice.invoice_line_ids
                if line.refundable_amount
            ],
        )
        self.assertEqual(last.line_ids.invoice_line_id, line_3)
        self.assertLinesWithin(invoice)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(invoice.partial_refundable_amount, 0.0)
        for line in invoice.invoice_line_ids:
            self.assertAlmostEqual(line.refundable_amount, 0.0)
            self.assertAlmostEqual(line.refunded_price_total, line.price_total)
            self.assertAlmostEqual(line.refunded_quantity, line.quantity)
        standing = first | third | again | last
        self.assertRefundedAsOdoo(invoice, standing, odoo_credit_note)

        # With the cancelled refund and its reversal, still Odoo's books
        # (per account, tax and grid; the totals are unsigned).
        def books(moves):
            return {
                key: round(amount, 2)
                for key, amount in self._books(moves).items()
                if key[0] != "total"
            }

        self.assertEqual(
            books(
                standing.credit_note_id
                | middle.credit_note_id
                | middle.credit_note_id.reversal_move_ids
            ),
            books(odoo_credit_note),
        )
        self.assertLedgerClosed()
        # Nothing left: a further refund is refused, clearly.
        with self.assertRaises(UserError):
            self._refund(invoice, [{"line_id": line_2.id, "amount": 0.01}])

    def test_cancel_after_the_period_was_locked(self):
        """Refunds in February 2019, the year locked since (every lock
        date): the cancellation books today, the customer's account closed."""
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(LINES)
        first, middle, third = self._three_refunds(invoice)
        self.env.company.write(
            {
                "fiscalyear_lock_date": "2019-12-31",
                "tax_lock_date": "2019-12-31",
                "sale_lock_date": "2019-12-31",
            }
        )
        middle.action_cancel_refund()
        reversal = middle.credit_note_id.reversal_move_ids
        self.assertEqual(reversal.date, fields.Date.context_today(middle))
        self.assertEqual(reversal.state, "posted")
        self.assertLedgerClosed()
        self.assertEqual(invoice.partial_refund_status, "partial")

    def test_cancel_after_hard_lock(self):
        invoice = self._create_paid_invoice(LINES)
        first, middle, third = self._three_refunds(invoice)
        self.env.company.write({"hard_lock_date": "2019-12-31"})
        try:
            middle.action_cancel_refund()
        except UserError as error:
            self.fail(f"refused: {error}")
        self.assertLedgerClosed()

    def test_fully_refunded_one_cancelled_then_odoo_credit_note(self):
        invoice = self._create_paid_invoice(LINES)
        first, middle, third = self._three_refunds(invoice)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        middle.action_cancel_refund()
        self.assertEqual(invoice.partial_refund_status, "partial")
        self.assertAlmostEqual(invoice.partial_refundable_amount, middle.amount_total)
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"date": self.refund_date, "journal_id": invoice.journal_id.id})
        )
        with self.assertRaisesRegex(UserError, "Partial refund"):
            wizard.refund_moves()
        self.assertLedgerClosed()

    def _rounded_refunds(self, cancelled_index):
        """An invoice rounded to 0.05 (a rounding line) refunded fully in
        three refunds, the ``cancelled_index``-th cancelled, then refunded
        fully again: everything the customer paid back, once."""
        lines = [{"price_unit": price} for price in (10.01, 7.77, 3.33)]
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(
            lines, cash_rounding=self._cash_rounding("add_invoice_line")
        )
        line_a, line_b, line_c = invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        refunds = (
            self._refund(invoice, [{"line_id": line_a.id}])
            | self._refund(invoice, [{"line_id": line_b.id}])
            | self._refund(invoice, [{"line_id": line_c.id}])
        )
        self.assertTrue(refunds[2].amount_rounding)
        self.assertAlmostEqual(
            sum(refunds.mapped("amount_total")), invoice.amount_total
        )
        cancelled = refunds[cancelled_index]
        cancelled.action_cancel_refund()
        self.assertAlmostEqual(
            invoice.partial_refundable_amount, cancelled.amount_total
        )
        # The wizard shows what the refund will book: the rounding only if
        # no standing refund gave it back.
        action = invoice.action_open_partial_refund_wizard()
        wizard_form = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        )
        for index in range(len(wizard_form.line_ids)):
            with wizard_form.line_ids.edit(index) as line:
                if line.invoice_line_id in cancelled.line_ids.invoice_line_id:
                    line.selected = True
        self.assertAlmostEqual(wizard_form.amount_rounding, cancelled.amount_rounding)
        self.assertAlmostEqual(wizard_form.amount_total, cancelled.amount_total)
        self.assertAlmostEqual(wizard_form.remaining_total, 0.0)
        again = self._refund(
            invoice,
            [{"line_id": line.id} for line in cancelled.line_ids.invoice_line_id],
        )
        standing = refunds - cancelled | again
        self.assertAlmostEqual(again.amount_total, cancelled.amount_total)
        self.assertAlmostEqual(
            sum(standing.mapped("amount_total")), invoice.amount_total
        )
        self.assertAlmostEqual(
            sum(standing.payment_id.mapped("amount")), invoice.amount_total
        )
        self.assertSameBooks(standing.credit_note_id, odoo_credit_note)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertLedgerClosed()

    def test_cash_rounding_middle_cancelled(self):
        self._rounded_refunds(1)

    def test_cash_rounding_last_cancelled(self):
        self._rounded_refunds(2)

    def test_foreign_currency_over_months(self):
        """Refunds in Swiss francs in February, March and April at moving
        rates, the March one cancelled in another year at yet another
        rate, the line refunded again: the customer's account closed in the
        company's currency at each step, every credit note settled or
        reversed."""
        today = fields.Date.context_today(self.env.user)
        currency = self.setup_other_currency(
            "CHF",
            rates=[
                ("2019-01-01", 0.9),
                ("2019-02-01", 1.1),
                ("2019-03-01", 1.3),
                ("2019-04-01", 0.7),
                (fields.Date.to_string(today), 1.37),
            ],
        )
        invoice = self._create_paid_invoice(LINES, currency=currency)
        line_1, line_2, line_3 = invoice.invoice_line_ids
        first = self._refund(
            invoice, [{"line_id": line_1.id, "quantity": 1}], date="2019-02-10"
        )
        middle = self._refund(
            invoice,
            [
                {"line_id": line_2.id, "amount": 33.33},
                {"line_id": line_3.id, "amount": 10.0},
            ],
            date="2019-03-10",
        )
        third = self._refund(
            invoice, [{"line_id": line_1.id, "quantity": 1}], date="2019-04-10"
        )
        self.assertLedgerClosed()
        self.env.company.write(
            {"fiscalyear_lock_date": "2019-12-31", "tax_lock_date": "2019-12-31"}
        )
        middle.action_cancel_refund()
        self.assertLedgerClosed()
        self.assertAlmostEqual(line_2.refundable_amount, line_2.price_subtotal)
        for refund in first | middle | third:
            self.assertTrue(
                refund.credit_note_id.currency_id.is_zero(
                    refund.credit_note_id.amount_residual
                )
            )
        last = self._refund(
            invoice,
            [{"line_id": line.id} for line in invoice.invoice_line_ids],
            date=today,
        )
        self.assertLedgerClosed()
        standing = first | third | last
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(
            sum(standing.mapped("amount_total")), invoice.amount_total
        )
        for refund in standing:
            self.assertRefundSettled(refund)

        # Revenue and tax in the company's currency: the invoice's, at its
        # rate (the credit notes take it), the cancelled credit note and its
        # reversal cancelling out.
        def books(moves, sign=1):
            return {
                key: round(sign * amount, 2)
                for key, amount in self._books(moves).items()
                if key[0] in ("tax", "grid")
                or key == ("account", line_1.account_id.code)
            }

        # Each line's and tax's last refund books what is left of it in the
        # company's currency (USAGE.md), the cancelled one counting for
        # nothing: the refunds book what the invoice booked.
        refunded = books(
            standing.credit_note_id
            | middle.credit_note_id
            | middle.credit_note_id.reversal_move_ids
        )
        self.assertEqual(refunded, books(invoice, sign=-1))
        self.assertEqual(
            books(middle.credit_note_id | middle.credit_note_id.reversal_move_ids),
            {},
        )

    def test_odoo_credit_note_after_every_refund_cancelled(self):
        """Every refund cancelled, Odoo's Credit Note of the whole invoice is
        allowed again: then nothing is left to refund by Partial refund."""
        invoice = self._create_paid_invoice(LINES)
        refunds = self._three_refunds(invoice)
        for refund in refunds:
            refund.action_cancel_refund()
        self.assertEqual(invoice.partial_refund_status, "none")
        self.assertAlmostEqual(invoice.partial_refundable_amount, invoice.amount_total)
        credit_note = self._odoo_credit_note(invoice)
        self.assertAlmostEqual(credit_note.amount_total, invoice.amount_total)
        self.assertAlmostEqual(invoice.partial_refundable_amount, 0.0)
        with self.assertRaisesRegex(UserError, "beyond what the customer paid"):
            self._refund(invoice, [{"line_id": invoice.invoice_line_ids[0].id}])

    def test_odoo_credit_note_button_message(self):
        invoice = self._create_paid_invoice(LINES)
        first, middle, third = self._three_refunds(invoice)
        middle.action_cancel_refund()
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"date": self.refund_date, "journal_id": invoice.journal_id.id})
        )
        with self.assertRaises(UserError) as caught:
            wizard.refund_moves()
        # The cancelled refund is not named as standing.
        self.assertNotIn(middle.name, str(caught.exception))

    def test_written_off_invoice_cancel_and_refund_again(self):
        """Paid 138.00 of 172.50, the rest written off: refunds stop at what
        was paid; one cancelled, what it gave back is refundable again, no
        more."""
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 50.0}], pay=False
        )
        self._pay_with_write_off(invoice, 138.0)
        line_1, line_2 = invoice.invoice_line_ids
        first = self._refund(invoice, [{"line_id": line_1.id, "amount": 40.0}])
        second = self._refund(invoice, [{"line_id": line_2.id}])
        self.assertAlmostEqual(invoice.partial_refundable_amount, 138.0 - 46.0 - 57.5)
        third = self._refund(invoice, [{"line_id": line_1.id, "amount": 30.0}])
        self.assertAlmostEqual(invoice.partial_refundable_amount, 0.0)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertLedgerClosed()
        second.action_cancel_refund()
        self.assertAlmostEqual(invoice.partial_refundable_amount, 57.5)
        self.assertEqual(invoice.partial_refund_status, "partial")
        self.assertAlmostEqual(line_2.refundable_amount, 50.0)
        self.assertLedgerClosed()
        with self.assertRaisesRegex(UserError, "beyond what the customer paid"):
            self._refund(invoice, [{"line_id": line_1.id}, {"line_id": line_2.id}])
        again = self._refund(invoice, [{"line_id": line_2.id}])
        self.assertAlmostEqual(again.amount_total, 57.5)
        self.assertAlmostEqual(invoice.partial_refundable_amount, 0.0)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self._new_request()
        # All the customer paid is back: nothing left on any line.
        self.assertAlmostEqual(line_1.refundable_amount, 0.0)
        self.assertAlmostEqual(line_2.refundable_amount, 0.0)
        self.assertAlmostEqual(
            sum((first | third | again).payment_id.mapped("amount")), 138.0
        )
        self.assertLedgerClosed()

    def test_statement_line_matched_refuses_cancel(self):
        """The refund's payment matched with a real bank statement line:
        Cancel refund is refused, naming the payment, nothing written."""
        invoice = self._create_paid_invoice(LINES)
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids[0].id, "quantity": 1}],
            journal_id=self.bank_journal.id,
        )
        payment = refund.payment_id
        outstanding = payment.move_id.line_ids.filtered(
            lambda line: line.account_id == payment.outstanding_account_id
        )
        st_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": "2019-02-03",
                "payment_ref": "refund sent",
                "partner_id": self.partner_a.id,
                "amount": -payment.amount,
            }
        )
        _liquidity, suspense, _other = st_line._seek_for_lines()
        suspense.account_id = outstanding.account_id
        (suspense | outstanding).reconcile()
        self.assertTrue(outstanding.reconciled)
        self.assertFalse(refund.can_cancel)
        with self.assertRaisesRegex(UserError, payment.display_name):
            refund.action_cancel_refund()
        self.assertEqual(refund.state, "manual")
        self.assertRefundSettled(refund)
        self.assertLedgerClosed()

    def _free_line_refunds(self, cancelled_index):
        """A free item (100 % discount) whose discount is booked on an
        account of its own goes back with the refund leaving nothing else to
        refund; one of three refunds cancelled after that one, then refunded
        again: the books are Odoo's, the free item's discount given back
        once."""
        discount_account = self.company_data["default_account_expense"].copy()
        self.env.company.account_discount_expense_allocation_id = discount_account
        lines = [
            {"price_unit": 100.0, "quantity": 2},
            {"price_unit": 80.0},
            {"price_unit": 50.0, "discount": 100},
        ]
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(lines)
        line_1, line_2, _free = invoice.invoice_line_ids
        refunds = (
            self._refund(invoice, [{"line_id": line_1.id, "quantity": 1}])
            | self._refund(invoice, [{"line_id": line_2.id}])
            | self._refund(invoice, [{"line_id": line_1.id}])
        )
        self.assertRefundedAsOdoo(invoice, refunds, odoo_credit_note)
        cancelled = refunds[cancelled_index]
        cancelled.action_cancel_refund()
        self.assertLedgerClosed()
        again = self._refund(
            invoice,
            [{"line_id": line.id} for line in cancelled.line_ids.invoice_line_id],
        )
        self.assertRefundedAsOdoo(
            invoice, refunds - cancelled | again, odoo_credit_note
        )
        self.assertLedgerClosed()

    def test_free_line_discount_middle_cancelled(self):
        self._free_line_refunds(1)

    def test_free_line_discount_last_cancelled(self):
        self._free_line_refunds(2)

    def test_credit_note_and_later_payment_then_cancel(self):
        """Paid first by a credit note of Odoo's (115.00), the rest by a
        payment weeks later: refunds stop at what the customer paid; one
        cancelled, what it gave back is refundable again, no more, and the
        customer's account stays closed."""
        invoice = self._create_paid_invoice(LINES, pay=False)
        credit_note = self._odoo_credit_note(invoice, post=False)
        credit_note.invoice_line_ids[1:].unlink()
        credit_note.invoice_line_ids.quantity = 1
        credit_note.action_post()
        self.assertAlmostEqual(credit_note.amount_total, 115.0)
        if not credit_note.payment_state == "paid":
            credit_line = credit_note.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            invoice.js_assign_outstanding_line(credit_line.id)
        self._pay(invoice, self.bank_journal)
        self.assertEqual(invoice.payment_state, "paid")
        paid = invoice.amount_total - credit_note.amount_total
        self.assertAlmostEqual(invoice.partial_refundable_amount, paid)
        line_1, line_2, line_3 = invoice.invoice_line_ids
        first = self._refund(invoice, [{"line_id": line_2.id}])
        second = self._refund(invoice, [{"line_id": line_1.id, "quantity": 1}])
        left = paid - first.amount_total - second.amount_total
        self.assertAlmostEqual(invoice.partial_refundable_amount, left)
        self.assertLedgerClosed()
        first.action_cancel_refund()
        self.assertAlmostEqual(
            invoice.partial_refundable_amount, left + first.amount_total
        )
        self.assertLedgerClosed()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(credit_note.payment_state, "paid")
        with self.assertRaisesRegex(UserError, "beyond what the customer paid"):
            self._refund(
                invoice,
                [{"line_id": line.id} for line in invoice.invoice_line_ids],
            )
        again = self._refund(invoice, [{"line_id": line_2.id}])
        self.assertAlmostEqual(again.amount_total, first.amount_total)
        self.assertAlmostEqual(invoice.partial_refundable_amount, left)
        self.assertLedgerClosed()

    def test_cancel_with_today_locked(self):
        """The books locked up to today: the cancellation's reversals are
        dated after the lock date, as Odoo dates entries, the customer's
        account closed."""
        invoice = self._create_paid_invoice(LINES)
        first, middle, third = self._three_refunds(invoice)
        today = fields.Date.context_today(middle)
        self.env.company.write({"fiscalyear_lock_date": today})
        middle.action_cancel_refund()
        reversals = (
            middle.credit_note_id.reversal_move_ids
            | middle.payment_id.move_id.reversal_move_ids
        )
        self.assertEqual(len(reversals), 2)
        for reversal in reversals:
            self.assertEqual(reversal.state, "posted")
            self.assertGreater(reversal.date, today)
        self.assertLedgerClosed()
