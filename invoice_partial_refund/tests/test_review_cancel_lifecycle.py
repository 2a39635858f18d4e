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
            invoice,
            [
                {"line_id": line_1.id, "quantity": 1},
                {"line_id": line_3.id, "quantity": 1},
            ],
        )
        return by_quantity, by_amount, rest

    def test_middle_refund_cancelled_then_refunded_again(self):
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(LINES)
        line_1, line_2, line_3 = invoice.invoice_line_ids
        first, middle, third = self._three_refunds(invoice)
        self.assertLinesWithin(invoice)
        self.assertEqual(invoice.partial_refund_status, "partial")
        before = invoice.partial_refundable_amount
        self.assertAlmostEqual(
            before,
            invoice.amount_total - sum((first | middle | third).mapped("amount_total")),
        )
        self.assertLedgerClosed()

        middle.action_cancel_refund()
        self.assertEqual(middle.state, "cancelled")
        self.assertAlmostEqual(
            invoice.partial_refundable_amount, before + middle.amount_total
        )
        self.assertAlmostEqual(line_2.refundable_amount, line_2.price_subtotal)
        self.assertAlmostEqual(line_2.refunded_price_total, 0.0)
        self.assertAlmostEqual(line_3.refundable_amount, 12.5 * 3)
        self.assertAlmostEqual(line_1.refundable_amount, 100.0)
        self.assertEqual(line_1.refunded_quantity, 2)
        self.assertEqual(line_3.refunded_quantity, 1)
        self.assertEqual(invoice.partial_refund_status, "partial")
        self.assertLinesWithin(invoice)
        self.assertLedgerClosed()

        # Again by amount, then the rest.
        again = self._refund(invoice, [{"line_id": line_2.id, "amount": 33.33}])
        self.assertLinesWithin(invoice)
        last = self._refund(
            invoice, [{"line_id": line.id} for line in invoice.invoice_line_ids]
        )
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
        self._refund(
            invoice, [{"line_id": line.id} for line in invoice.invoice_line_ids]
        )
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
