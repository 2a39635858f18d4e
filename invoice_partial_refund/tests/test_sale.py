# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""With `sale`: the credit note goes through Odoo's reversal, which links its
lines to the sale order lines. A refund by quantity lowers the quantity
invoiced (the goods came back), a refund by amount does not (a price
adjustment). Skipped when `sale` is not installed in the test database."""

from unittest import SkipTest

from odoo.tests import tagged

from .common import PartialRefundCommon


@tagged("post_install", "-at_install")
class TestSale(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "sale.order" not in cls.env:
            raise SkipTest("The `sale` module is not installed in the test database.")
        cls.product_a.invoice_policy = "order"
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.partner_a.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": cls.product_a.id,
                            "product_uom_qty": 5,
                            "price_unit": 10.0,
                            "tax_id": [
                                (6, 0, cls.company_data["default_tax_sale"].ids)
                            ],
                        },
                    )
                ],
            }
        )
        cls.order.action_confirm()
        cls.invoice = cls.order._create_invoices()
        cls.invoice.invoice_date = "2019-01-01"
        cls.invoice.action_post()
        cls._pay(cls.invoice, cls.bank_journal)
        cls.order_line = cls.order.order_line

    def test_quantity_refund_lowers_the_invoiced_quantity(self):
        line = self.invoice.invoice_line_ids
        self.assertEqual(self.order_line.qty_invoiced, 5)
        refund = self._refund(self.invoice, [{"line_id": line.id, "quantity": 2}])
        self.assertRefundSettled(refund)
        self.assertEqual(
            refund.credit_note_id.invoice_line_ids.sale_line_ids, self.order_line
        )
        self.assertEqual(self.order_line.qty_invoiced, 3)
        self.assertEqual(
            refund.credit_note_id.line_ids.sale_line_ids.order_id, self.order
        )

    def test_amount_refund_keeps_the_invoiced_quantity(self):
        line = self.invoice.invoice_line_ids
        refund = self._refund(self.invoice, [{"line_id": line.id, "amount": 5.0}])
        self.assertRefundSettled(refund)
        self.assertFalse(refund.credit_note_id.invoice_line_ids.sale_line_ids)
        self.assertEqual(self.order_line.qty_invoiced, 5)
        self.assertEqual(self.order_line.qty_to_invoice, 0)
        # The rest, in full: the goods came back.
        rest = self._refund(self.invoice, [{"line_id": line.id}])
        self.assertRefundSettled(rest)
        self.assertEqual(self.order_line.qty_invoiced, 0)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
