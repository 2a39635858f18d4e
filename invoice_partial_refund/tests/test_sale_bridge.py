# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sale bridge (`invoice_partial_refund_sale`): an order's discount lines
count as refunded once the partial refunds gave back all the goods of their
invoice, not merely all the money; cancelled refunds, Odoo's accrual date."""

from unittest import SkipTest

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PartialRefundCommon
from .test_sale_flows import SaleFlowHelpers


@tagged("post_install", "-at_install")
class TestSaleBridge(SaleFlowHelpers, PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "invoice_partial_refund_sale" not in cls.env.registry._init_modules:
            raise SkipTest("The `invoice_partial_refund_sale` bridge is not installed.")

    def _product_lines(self, invoice):
        return invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product" and line.price_subtotal > 0
        )

    def _discount_sols(self, order):
        return order.order_line.filtered(lambda sol: sol.price_unit < 0)

    def _goods_sol(self, order):
        return order.order_line.filtered(lambda sol: sol.product_id == self.goods)

    def test_cancel_refund_after_all_refunded_restores_discount(self):
        """All refunded, one refund per line; the last one cancelled: the
        invoice is partly refunded again, its discount lines invoiced again."""
        order, final = self._flow(discount=("so_discount", 0.1))
        refunds = self.env["account.partial.refund"]
        for line in self._product_lines(final):
            refunds |= self._refund(final, [{"line_id": line.id}])
        self.assertEqual(final.partial_refund_status, "refunded")
        self.assertEqual(self._discount_sols(order).mapped("qty_invoiced"), [0.0] * 3)
        refunds[-1:].action_cancel_refund()
        self.assertEqual(final.partial_refund_status, "partial")
        self.assertEqual(self._discount_sols(order).mapped("qty_invoiced"), [1.0] * 3)
        self.assertEqual(
            self._discount_sols(order).mapped("qty_invoiced_posted"), [1.0] * 3
        )

    def test_amount_refunds_of_everything_keep_goods_and_discount_invoiced(self):
        """Every line refunded by amount, its whole amount (a price
        adjustment: the goods stay invoiced, test_sale). The invoice is
        "refunded", the order's product lines still invoiced: its discount
        lines must stay invoiced too, else the order is "to invoice" its
        discount alone and invoicing it again credits the discount twice."""
        order, final = self._flow(discount=("so_discount", 0.1))
        for line in self._product_lines(final):
            self._refund(
                final, [{"line_id": line.id, "amount": line.refundable_amount}]
            )
        self.assertEqual(final.partial_refund_status, "refunded")
        self.assertEqual(self._goods_sol(order).qty_invoiced, 5)  # kept
        self.assertEqual(self._discount_sols(order).mapped("qty_invoiced"), [1.0] * 3)

    def test_amount_refunds_of_everything_leave_nothing_to_invoice(self):
        """As above: the order invoiced in full and nothing returned, there
        is nothing to invoice (not an invoice of the discount alone)."""
        order, final = self._flow(discount=("so_discount", 0.1))
        for line in self._product_lines(final):
            self._refund(
                final, [{"line_id": line.id, "amount": line.refundable_amount}]
            )
        self.assertEqual(final.partial_refund_status, "refunded")
        with self.assertRaises(UserError):  # nothing to invoice
            order._create_invoices()

    def test_money_back_by_write_off_keeps_unrefunded_lines_discount(self):
        """The final invoice paid by the goods' share only, the rest written
        off; the goods refunded whole: all the customer paid is back, the
        invoice "refunded", but the books and the service are neither
        returned nor refunded (still invoiced). The global discount bears on
        them too: it must stay invoiced (as with Odoo's credit note of the
        goods line only)."""
        # The goods line's share of a paid twin, refunded whole.
        _twin_order, twin = self._flow(discount=("so_discount", 0.1))
        goods_twin = twin.invoice_line_ids.filtered(
            lambda line: line.product_id == self.goods
        )
        goods_paid = self._refund(twin, [{"line_id": goods_twin.id}]).amount_total
        order, final = self._flow(discount=("so_discount", 0.1), pay=False)
        self._pay_with_write_off(final, goods_paid)
        self.assertEqual(final.payment_state, "paid")
        goods = final.invoice_line_ids.filtered(
            lambda line: line.product_id == self.goods
        )
        self._refund(final, [{"line_id": goods.id}])
        self.assertEqual(final.partial_refund_status, "refunded")
        self.assertEqual(self._goods_sol(order).qty_invoiced, 0)
        books = order.order_line.filtered(
            lambda sol: sol.product_id == self.books_product
        )
        self.assertEqual(books.qty_invoiced, 3)  # not refunded
        self.assertEqual(self._discount_sols(order).mapped("qty_invoiced"), [1.0] * 3)

    def test_accrual_date_before_the_refunds(self):
        """Odoo's accrued revenue entry recomputes the invoiced quantities at
        a date (`accrual_entry_date`: invoices and credit notes dated after it
        left out). At a date before the refunds, nothing was refunded: the
        discount lines were invoiced, as with Odoo's credit note dated after."""
        accrual = fields.Date.from_string("2019-01-20")
        order, final = self._flow(discount=("so_discount", 0.1))
        for line in self._product_lines(final):
            self._refund(final, [{"line_id": line.id}])
        self.assertEqual(final.partial_refund_status, "refunded")
        twin_order, twin = self._flow(discount=("so_discount", 0.1))
        self._odoo_credit_note(twin)  # dated 2019-02-01 as the refunds
        for sale_order in (twin_order, order):
            with self.subTest(order=sale_order is order and "ours" or "odoo"):
                virtual = sale_order.new(origin=sale_order)
                virtual.order_line.with_context(
                    accrual_entry_date=accrual
                )._compute_qty_invoiced()
                goods = virtual.order_line.filtered(
                    lambda sol: sol.product_id == self.goods
                )
                self.assertEqual(goods.qty_invoiced, 5)
                discounts = virtual.order_line.filtered(lambda sol: sol.price_unit < 0)
                self.assertEqual(discounts.mapped("qty_invoiced"), [1.0] * 3)
