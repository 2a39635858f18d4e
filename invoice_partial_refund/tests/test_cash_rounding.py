# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoices rounded to the cash unit (Swiss francs to 0.05, for instance):
the refunds of all lines give back what the customer paid, the rounded
total, and the credit notes book what Odoo's own credit note books."""

from odoo.tests import Form, tagged

from .common import PartialRefundCommon


@tagged("post_install", "-at_install")
class TestCashRounding(PartialRefundCommon):
    #: Three lines of 21.11 in all, taxed 24.28: rounded to 24.30.
    LINES = [{"price_unit": price} for price in (10.01, 7.77, 3.33)]

    def _check(self, strategy):
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(
            self.LINES, cash_rounding=self._cash_rounding(strategy)
        )
        self.assertEqual(invoice.payment_state, "paid")
        line_a, line_b, line_c = invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        # 3.47 is no multiple of 0.05: refunded as asked, not rounded.
        first = self._refund(invoice, [{"line_id": line_a.id, "amount": 3.02}])
        self.assertAlmostEqual(first.amount_total, 3.47)
        self.assertAlmostEqual(first.credit_note_id.amount_total, 3.47)
        self.assertAlmostEqual(first.payment_id.amount, 3.47)
        self.assertFalse(first.amount_rounding)
        rest = self._refund(
            invoice, [{"line_id": line.id} for line in (line_a, line_b, line_c)]
        )
        refunds = first | rest
        for refund in refunds:
            self.assertRefundSettled(refund)
            self.assertAlmostEqual(
                refund.amount_total, refund.credit_note_id.amount_total
            )
        # All of what the customer paid, the invoice's rounding included.
        self.assertAlmostEqual(
            sum(refunds.payment_id.mapped("amount")), invoice.amount_total
        )
        self.assertSameBooks(refunds.credit_note_id, odoo_credit_note)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(invoice.partial_refundable_amount, 0.0)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        return rest

    def test_rounding_line(self):
        rest = self._check("add_invoice_line")
        # 24.28 rounded to 24.30: the last refund gives the 0.02 back.
        self.assertAlmostEqual(rest.amount_rounding, 0.02)
        # Cancelled, the last refund takes its rounding back with it; the
        # next refund of the lines gives it back again.
        invoice = rest.move_id
        rest.action_cancel_refund()
        self.assertEqual(rest.state, "cancelled")
        self.assertTrue(
            rest.credit_note_id.currency_id.is_zero(rest.credit_note_id.amount_residual)
        )
        self.assertAlmostEqual(invoice.partial_refundable_amount, rest.amount_total)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        again = self._refund(
            invoice, [{"line_id": line.id} for line in rest.line_ids.invoice_line_id]
        )
        self.assertAlmostEqual(again.amount_rounding, 0.02)
        self.assertAlmostEqual(again.amount_total, rest.amount_total)
        self.assertRefundSettled(again)
        self.assertAlmostEqual(invoice.partial_refundable_amount, 0.0)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_rounding_in_the_biggest_tax(self):
        rest = self._check("biggest_tax")
        self.assertFalse(rest.amount_rounding)

    def test_wizard_shows_the_rounding_with_the_last_refund(self):
        invoice = self._create_paid_invoice(
            self.LINES, cash_rounding=self._cash_rounding("add_invoice_line")
        )
        action = invoice.action_open_partial_refund_wizard()
        wizard_form = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        )
        with wizard_form.line_ids.edit(0) as line:
            line.selected = True
        self.assertFalse(wizard_form.amount_rounding)
        # What stays refundable after is what the customer paid less this
        # refund: the rounding still to give back counts.
        self.assertAlmostEqual(
            wizard_form.remaining_total, invoice.amount_total - wizard_form.amount_total
        )
        self.assertAlmostEqual(
            wizard_form.remaining_untaxed,
            invoice.amount_untaxed - wizard_form.amount_untaxed,
        )
        for index in (1, 2):
            with wizard_form.line_ids.edit(index) as line:
                line.selected = True
        # 24.28 of lines, 24.30 paid: the breakdown shows what is booked.
        self.assertAlmostEqual(wizard_form.amount_rounding, 0.02)
        self.assertAlmostEqual(wizard_form.amount_untaxed, 21.13)
        self.assertAlmostEqual(wizard_form.amount_total, 24.30)
        self.assertAlmostEqual(wizard_form.remaining_total, 0.0)
        wizard = wizard_form.save()
        wizard.action_complete()
        refund = self.env["account.partial.refund"].browse(
            wizard.action_refund_now()["res_id"]
        )
        self.assertAlmostEqual(refund.amount_total, 24.30)
        self.assertAlmostEqual(refund.credit_note_id.amount_total, 24.30)
        self.assertRefundSettled(refund)
