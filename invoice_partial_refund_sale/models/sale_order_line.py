# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import float_compare


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
        (`_is_partial_refund_goods_back`). Their credit notes have one line
        per refunded line, the discount lines' part in theirs; Odoo's credit
        note of the whole invoice would have reversed them. Not where a
        credit note of that invoice did (Odoo's, which counts already). At
        Odoo's accrual date (``accrual_entry_date``), refunds by then only."""
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
                or not self._is_partial_refund_goods_back(invoice, date)
            ):
                continue
            quantity += invoice_line.product_uom_id._compute_quantity(
                invoice_line.quantity, self.product_uom
            )
        return quantity

    @api.model
    def _is_partial_refund_goods_back(self, invoice, date=None):
        """Whether the partial refunds of ``invoice`` (by ``date`` if given)
        gave back the whole quantity of each of its order's lines it bills:
        each line refunded in full or by quantity, its credit note lines
        linked to the order lines (a refund by amount adjusts a price, the
        goods stay invoiced; all the money back is not all the goods)."""
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        lines = invoice.invoice_line_ids.filtered(
            lambda line: (
                line.display_type == "product"
                and line.price_subtotal > 0
                and line.sale_line_ids
            )
        )
        for line in lines:
            returned = sum(
                refund_line.credit_note_line_id.quantity
                for refund_line in line.partial_refund_line_ids
                if refund_line.state != "cancelled"
                and refund_line.credit_note_line_id.sale_line_ids
                and refund_line.credit_note_line_id.parent_state == "posted"
                and not (
                    date and refund_line.credit_note_line_id.move_id.invoice_date > date
                )
            )
            if float_compare(returned, line.quantity, precision_digits=digits):
                return False
        return bool(lines)
