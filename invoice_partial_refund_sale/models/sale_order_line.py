# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.depends("invoice_lines.move_id.partial_refund_status")
    def _compute_qty_invoiced(self):
        """Override of `sale`: a discount line of an invoice whose partial
        refunds gave back all its goods is given back too (see
        `_get_partial_refund_given_back_quantity`)."""
        res = super()._compute_qty_invoiced()
        for line in self:
            line.qty_invoiced -= line._get_partial_refund_given_back_quantity()
        return res

    @api.depends("invoice_lines.move_id.partial_refund_status")
    def _compute_qty_invoiced_posted(self):
        """Override of `sale`, as `_compute_qty_invoiced`."""
        res = super()._compute_qty_invoiced_posted()
        for line in self:
            line.qty_invoiced_posted -= line._get_partial_refund_given_back_quantity()
        return res

    def _get_partial_refund_given_back_quantity(self):
        """The quantity of this order line that partial refunds gave back
        without a credit note line of it: on the discount lines (a negative
        amount: a global discount, a down payment deducted) of a posted
        invoice whose refunds gave back all its goods to their order lines
        (`account.move._is_partial_refund_goods_back`). Their credit notes
        have one line per refunded line, the discount lines' part in theirs;
        Odoo's credit note of the whole invoice would have reversed them. Not
        where a credit note of that invoice did (Odoo's, which counts
        already). At Odoo's accrual date (``accrual_entry_date``), refunds by
        then only."""
        self.ensure_one()
        date = self.env.context.get("accrual_entry_date")
        date = date and fields.Date.to_date(date)
        quantity = 0.0
        for invoice_line in self._get_invoice_lines():
            invoice = invoice_line.move_id
            if (
                invoice.move_type != "out_invoice"
                or invoice.state != "posted"
                or invoice_line.price_subtotal >= 0
                or any(
                    other.move_id.reversed_entry_id == invoice
                    and other.move_id.state == "posted"
                    for other in self.invoice_lines
                )
                or not invoice._is_partial_refund_goods_back(date)
            ):
                continue
            quantity += invoice_line.product_uom_id._compute_quantity(
                invoice_line.quantity, self.product_uom
            )
        return quantity
