# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Exactness to the cent when the refunds are driven as an
integrator would (amounts typed one after the other until a line is
refunded): no refund gives back more of a line's revenue or tax than the
line booked, and the refunds of all of it book what Odoo's credit note of
an identical invoice books."""

from odoo.tests import tagged

from .test_tax_kinds import TaxRepartitionCommon


@tagged("post_install", "-at_install")
class TestTaxIncludedRefundsInSmallSteps(TaxRepartitionCommon):
    """A company that types amounts tax included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.account_price_include = "tax_included"

    def _refund_by_steps_then_rest(self, lines, step):
        """A paid invoice of ``lines`` whose first line is refunded ``step``
        at a time, then every line's rest: after each refund, what its refunds gave
        back of the line's untaxed amount and of each tax stays within what
        the line booked, and no credit note line books a negative amount."""
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(lines)
        line = invoice.invoice_line_ids[0]
        share = invoice._refund_invoice_shares()[line.id]
        refunds = self.env["account.partial.refund"]
        while (
            self.env.company.currency_id.compare_amounts(line.refundable_amount, step)
            > 0
        ):
            refunds |= self._refund(invoice, [{"line_id": line.id, "amount": step}])
            self._assert_within_the_line(refunds, line, share)
        refunds |= self._refund(
            invoice, [{"line_id": line.id} for line in invoice.invoice_line_ids]
        )
        self._assert_within_the_line(refunds, line, share)
        for credit_note_line in refunds.credit_note_id.invoice_line_ids:
            self.assertGreaterEqual(credit_note_line.price_subtotal, 0.0)
            self.assertGreaterEqual(credit_note_line.price_total, 0.0)
        # As `assertRefundedAsOdoo`, the tax lines' bases aside: a refund of
        # a few cents bears no 6 % (0.00), so no tax line shows its base (its
        # base grid does).
        for refund in refunds:
            self.assertRefundSettled(refund)
        self.assertAlmostEqual(
            sum(refunds.mapped("amount_total")), invoice.amount_total
        )
        self.assertSameBooks(refunds.credit_note_id, odoo_credit_note)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        return refunds

    def _assert_within_the_line(self, refunds, line, share):
        refund_lines = refunds.line_ids.filtered(
            lambda refund_line: refund_line.invoice_line_id == line
        )
        self.assertLessEqual(
            round(sum(refund_lines.mapped("amount_untaxed")), 2), share.untaxed
        )
        for key, booked in share.taxes.items():
            refunded = sum(
                refund_line.tax_amounts.get(key, 0.0) for refund_line in refund_lines
            )
            self.assertLessEqual(round(refunded, 2), booked, key)

    def test_two_price_included_taxes_refunded_in_small_amounts(self):
        """1.27 at 21 % and 6 % included (1.00, 0.21 and 0.06): 0.05 at a
        time, each refund's 21 % rounded up (0.01) and its 6 % down (0.00).
        Once the 21 % is all given back, the refunds' rounding cents went
        to the revenue, beyond the line's 1.00, and the last refund booked
        -0.04 of revenue and 0.06 of tax."""
        taxes = self._tax(21.0, price_include_override="tax_included") | self._tax(
            6.0, price_include_override="tax_included"
        )
        self._refund_by_steps_then_rest(
            [
                {"price_unit": 1.27, "tax_ids": taxes.ids},
                {"price_unit": 10.0, "tax_ids": taxes.ids},
            ],
            0.05,
        )

    def test_two_price_included_taxes_refunded_in_amounts_of_seven_cents(self):
        taxes = self._tax(21.0, price_include_override="tax_included") | self._tax(
            6.0, price_include_override="tax_included"
        )
        self._refund_by_steps_then_rest(
            [
                {"price_unit": 1.27, "quantity": 1, "tax_ids": taxes.ids},
                {"price_unit": 3.0, "tax_ids": taxes.ids},
            ],
            0.07,
        )
