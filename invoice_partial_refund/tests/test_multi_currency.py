# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PartialRefundCommon


@tagged("post_install", "-at_install")
class TestPartialRefundMultiCurrency(PartialRefundCommon):
    """The credit note is in the invoice's currency at the invoice's rate; the
    payment at the refund date's rate, the difference booked by Odoo's
    exchange difference entry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.jpy = cls.setup_other_currency(
            "JPY", rates=[("2019-01-01", 150.0), ("2019-02-01", 160.0)]
        )
        cls.kwd = cls.setup_other_currency(
            "KWD", rates=[("2019-01-01", 0.30), ("2019-02-01", 0.31)]
        )

    def _check_rate_and_balance(self, invoice, refund):
        credit_note = refund.credit_note_id
        self.assertEqual(credit_note.currency_id, invoice.currency_id)
        self.assertEqual(
            credit_note.invoice_currency_rate, invoice.invoice_currency_rate
        )
        for line in credit_note.line_ids:
            self.assertAlmostEqual(
                line.balance,
                self.env.company.currency_id.round(
                    line.amount_currency / invoice.invoice_currency_rate
                ),
                msg="credit note lines are converted at the invoice's rate",
            )
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_jpy(self):
        invoice = self._create_paid_invoice(
            [{"price_unit": 12345.0, "quantity": 3}], currency=self.jpy
        )
        line = invoice.invoice_line_ids
        with self.assertRaisesRegex(UserError, "more decimals than JPY allows"):
            self._refund(invoice, [{"line_id": line.id, "amount": 100.5}])
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 10001.0}])
        self.assertEqual(refund.amount_untaxed, 10001.0)
        self.assertEqual(
            refund.amount_total, 11501.0
        )  # 15 % of 10001, rounded to the yen
        self._check_rate_and_balance(invoice, refund)
        rest = self._refund(invoice, [{"line_id": line.id}])
        self.assertEqual(refund.amount_total + rest.amount_total, line.price_total)
        self._check_rate_and_balance(invoice, rest)

    def test_kwd_three_decimals(self):
        # Kuwaiti companies price to the fils: Product Price at 3 decimals.
        self.env.ref("product.decimal_price").digits = 3
        invoice = self._create_paid_invoice(
            [{"price_unit": 10.125, "quantity": 2}], currency=self.kwd
        )
        line = invoice.invoice_line_ids
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 1.234}])
        self.assertAlmostEqual(refund.amount_untaxed, 1.234)
        self.assertAlmostEqual(refund.credit_note_id.amount_untaxed, 1.234)
        self._check_rate_and_balance(invoice, refund)
        with self.assertRaisesRegex(UserError, "more decimals than KWD allows"):
            self._refund(invoice, [{"line_id": line.id, "amount": 1.2345}])
        rest = self._refund(invoice, [{"line_id": line.id}])
        self.assertAlmostEqual(
            refund.amount_total + rest.amount_total, line.price_total
        )
        self._check_rate_and_balance(invoice, rest)
