# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools import float_compare


class AccountMove(models.Model):
    _inherit = "account.move"

    def _is_partial_refund_goods_back(self, date=None):
        """Whether the partial refunds of this invoice (by ``date`` if given)
        gave back the whole quantity of each of its order's lines it bills:
        each line refunded in full or by quantity, its credit note lines
        linked to the order lines (a refund by amount adjusts a price, the
        goods stay invoiced; all the money back is not all the goods)."""
        self.ensure_one()
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        lines = self.invoice_line_ids.filtered(
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
