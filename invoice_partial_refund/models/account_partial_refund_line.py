# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .. import refund_shares


class AccountPartialRefundLine(models.Model):
    _name = "account.partial.refund.line"
    _description = "Partial Refund Line"
    _order = "refund_id, id"
    _check_company_auto = True

    refund_id = fields.Many2one(
        comodel_name="account.partial.refund",
        required=True,
        ondelete="cascade",
        index=True,
    )
    # Precomputed: a refund's lines are inserted with them, not updated after.
    company_id = fields.Many2one(
        related="refund_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(
        related="refund_id.currency_id", store=True, precompute=True
    )
    state = fields.Selection(related="refund_id.state", store=True, precompute=True)
    invoice_line_id = fields.Many2one(
        comodel_name="account.move.line",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    credit_note_line_id = fields.Many2one(
        comodel_name="account.move.line",
        compute="_compute_credit_note_line_id",
        store=True,
        ondelete="set null",
        check_company=True,
    )
    name = fields.Char(string="Description", related="invoice_line_id.name")
    product_id = fields.Many2one(related="invoice_line_id.product_id")
    mode = fields.Selection(
        selection=[
            ("full", "Whole line"),
            ("amount", "Amount"),
            ("quantity", "Quantity"),
        ],
        required=True,
        default="full",
    )
    quantity = fields.Float(
        string="Refunded Quantity",
        digits="Product Unit of Measure",
        help="Quantity refunded; zero for a refund by amount.",
    )
    amount_untaxed = fields.Monetary(string="Untaxed", currency_field="currency_id")
    amount_total = fields.Monetary(string="Total", currency_field="currency_id")
    amount_tax = fields.Monetary(
        string="Tax",
        compute="_compute_amount_tax",
        store=True,
        precompute=True,
        currency_field="currency_id",
    )
    tax_amounts = fields.Json(
        string="Tax per Tax",
        readonly=True,
        help="The tax refunded per tax: {tax id: amount}. The last refund of an "
        "invoice line takes what is left of each, so that the refunds of the "
        "invoice add up to it tax by tax.",
    )

    @api.depends("refund_id.credit_note_id")
    def _compute_credit_note_line_id(self):
        """The credit note line made for this line: the one refunding its
        invoice line (an invoice line is refunded once per refund)."""
        for refund in self.refund_id:
            credit_lines = {
                credit_line.refund_origin_line_id: credit_line
                for credit_line in refund.credit_note_id.invoice_line_ids
            }
            for line in self.filtered(lambda rl, r=refund: rl.refund_id == r):
                line.credit_note_line_id = credit_lines.get(line.invoice_line_id)

    @api.depends("amount_untaxed", "amount_total")
    def _compute_amount_tax(self):
        for line in self:
            line.amount_tax = line.amount_total - line.amount_untaxed

    def _refunded_share(self, share):
        """What these refund lines of one invoice line took of it, as a
        `refund_shares.Share`.

        :param share: the invoice line's share, to spread the tax of a refund
            line recorded without its tax per tax over the line's taxes
        """
        untaxed, taxes = 0.0, {}
        for line in self:
            untaxed += line.amount_untaxed
            line_taxes = line.tax_amounts
            # Stored empty (a line without tax) or not at all (refunds
            # recorded before the tax per tax), it reads as False.
            if not line_taxes:
                weights = share.taxes or {}
                total_weight = sum(weights.values())
                line_taxes = {
                    key: line.amount_tax * weight / total_weight
                    for key, weight in weights.items()
                    if total_weight
                }
            for key, amount in line_taxes.items():
                taxes[key] = taxes.get(key, 0.0) + amount
        return refund_shares.Share(untaxed=untaxed, taxes=taxes)
