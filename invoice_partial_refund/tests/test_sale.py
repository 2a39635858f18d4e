# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""With `sale`: the credit note goes through Odoo's reversal, which links its
lines to the sale order lines. A refund by quantity lowers the quantity
invoiced (the goods came back), a refund by amount does not (a price
adjustment). Skipped when `sale` is not installed in the test database."""

from unittest import SkipTest

from odoo.exceptions import UserError
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
        cls.invoice = cls._invoice_order(cls.order)
        cls.order_line = cls.order.order_line

    @classmethod
    def _invoice_order(cls, order):
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = "2019-01-01"
        invoice.action_post()
        cls._pay(invoice, cls.bank_journal)
        return invoice

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

    def test_the_rest_after_an_amount_refund_keeps_its_quantity_untaxed(self):
        """3 × 10.00 without tax, 5.00 refunded by amount, then the rest:
        25.00 over 3 units is no price of 2 decimals, yet the credit note
        line shows the 3 units (at a price less a discount that gives 25.00,
        the engine taking no manual amount without tax), so that the order
        line counts them returned."""
        order, invoice, rest = self._refund_the_rest_untaxed(10.0, 5.0)
        self.assertRefundSettled(rest)
        credit_line = rest.credit_note_id.invoice_line_ids
        self.assertEqual(credit_line.quantity, 3)
        self.assertEqual(credit_line.price_subtotal, 25.0)
        self.assertAlmostEqual(
            credit_line.price_unit * 3 * (1 - credit_line.discount / 100), 25.0, 2
        )
        self.assertEqual(credit_line.sale_line_ids, order.order_line)
        self.assertEqual(order.order_line.qty_invoiced, 0)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_the_rest_after_an_amount_refund_without_tax_one_unit_if_no_price(self):
        """Known limitation: 3 × 1 000.00 without tax, 5.00 refunded by
        amount: 2 995.00 over 3 units is no price of 2 decimals, and a
        discount of 2 decimals moves 3 × 998.34 by 0.30 at least. Without a
        tax Odoo's engine books no manual amount, so the credit note line
        is one unit at 2 995.00: exact, but the order line keeps its
        invoiced quantity (refund by quantity to count the goods back)."""
        order, _invoice, rest = self._refund_the_rest_untaxed(1000.0, 5.0)
        credit_line = rest.credit_note_id.invoice_line_ids
        self.assertRecordValues(
            credit_line, [{"quantity": 1.0, "price_unit": 2995.0, "discount": 0.0}]
        )
        self.assertEqual(credit_line.price_subtotal, 2995.0)
        self.assertFalse(credit_line.sale_line_ids)
        self.assertEqual(order.order_line.qty_invoiced, 3)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def _refund_the_rest_untaxed(self, price_unit, amount):
        """An order of 3 units at ``price_unit`` without tax, invoiced and
        paid; ``amount`` refunded by amount, then the rest of the line."""
        order = self.order.copy()
        order.order_line.write(
            {"product_uom_qty": 3, "price_unit": price_unit, "tax_id": [(5, 0, 0)]}
        )
        invoice = self._invoice_order(order)
        line = invoice.invoice_line_ids
        self._refund(invoice, [{"line_id": line.id, "amount": amount}])
        rest = self._refund(invoice, [{"line_id": line.id}])
        self.assertRefundSettled(rest)
        return order, invoice, rest

    def test_salesperson_opens_and_prints_a_refunded_invoice(self):
        """A salesperson without accounting rights reads and prints invoices
        in Odoo; the refund fields on the invoice (read from refunds they
        may not read) must not take that away."""
        line = self.invoice.invoice_line_ids
        self._refund(self.invoice, [{"line_id": line.id, "amount": 5.0}])
        salesperson = self._create_user(
            "salesperson_only", self.env.ref("sales_team.group_sale_salesman_all_leads")
        )
        invoice = self.invoice.with_user(salesperson)
        (values,) = invoice.web_read(
            {
                "partial_refund_count": {},
                "partial_refund_credit_note_count": {},
                "partial_refund_status": {},
                "can_partial_refund": {},
                "partial_refunded_amount": {},
                "partial_refundable_amount": {},
                "invoice_line_ids": {
                    "fields": {"refunded_amount": {}, "refundable_amount": {}}
                },
            }
        )
        self.assertEqual(values["partial_refund_status"], "partial")
        self.assertAlmostEqual(values["partial_refunded_amount"], 5.75)
        self.assertAlmostEqual(values["invoice_line_ids"][0]["refunded_amount"], 5.0)
        html = (
            self.env["ir.actions.report"]
            .with_user(salesperson)
            ._render_qweb_html("account.report_invoice", self.invoice.ids)[0]
        )
        self.assertIn("Refunded", str(html))
        # The smart buttons open refunds, which they may not read: not shown.
        arch = invoice.get_view(view_type="form")["arch"]
        self.assertNotIn("action_view_partial_refunds", arch)
        self.assertNotIn("action_view_partial_refund_credit_notes", arch)
        billing_arch = invoice.with_user(self.env.user).get_view(view_type="form")[
            "arch"
        ]
        self.assertIn("action_view_partial_refunds", billing_arch)

    def test_salesperson_opens_an_invoice_paid_with_an_early_discount(self):
        """The lines' figures read the payment's discount lines, which a
        salesperson may not read: read for them, as the invoice's."""
        term = self._early_discount_term()
        invoice = self._create_paid_invoice([{"price_unit": 100.0}], payment_term=term)
        line = invoice.invoice_line_ids
        self._refund(invoice, [{"line_id": line.id, "amount": 50.0}])
        salesperson = self._create_user(
            "salesperson_epd", self.env.ref("sales_team.group_sale_salesman_all_leads")
        )
        self._new_request()
        lines = invoice.with_user(salesperson).invoice_line_ids
        self.assertEqual(
            lines.read(["refundable_amount"])[0]["refundable_amount"], 48.0
        )
        self._new_request()
        (values,) = invoice.with_user(salesperson).web_read(
            {
                "partial_refund_status": {},
                "partial_refundable_amount": {},
                "invoice_line_ids": {
                    "fields": {"refunded_amount": {}, "refundable_amount": {}}
                },
            }
        )
        self.assertEqual(values["partial_refund_status"], "partial")
        # Paid 112.70 (98.00 and its tax), 57.50 refunded.
        self.assertAlmostEqual(values["partial_refundable_amount"], 55.2)
        self.assertAlmostEqual(values["invoice_line_ids"][0]["refundable_amount"], 48.0)

    def test_down_payment_is_refunded_whole(self):
        """The final invoice deducts a down payment by its price: refunded
        by amount or quantity it would deduct the wrong amount (the customer
        billed too little or too much). Refunded whole only; the final
        invoice then bills the whole order."""
        order = self.order.copy()
        order.action_confirm()
        self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        ).create(
            {"advance_payment_method": "fixed", "fixed_amount": 23.0}
        ).create_invoices()
        down_payment = order.invoice_ids
        down_payment.invoice_date = "2019-01-01"
        down_payment.action_post()
        self._pay(down_payment, self.bank_journal)
        line = down_payment.invoice_line_ids
        for request in ({"amount": 5.0}, {"quantity": 0.5}):
            with self.subTest(request=request):
                with self.assertRaisesRegex(
                    UserError, "down payment: it is refunded whole"
                ):
                    self._refund(down_payment, [{"line_id": line.id, **request}])
                self.assertFalse(down_payment.partial_refund_ids)
        refund = self._refund(down_payment, [{"line_id": line.id}])
        self.assertRefundSettled(refund)
        final = order._create_invoices(final=True)
        self.assertAlmostEqual(final.amount_total, order.amount_total)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
