# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models


class AccountPartialRefundWizardSplitMixin(models.AbstractModel):
    """The refund wizard's breakdown under its lines: what it refunds now,
    what stays refundable after, and how the money goes back (its only user,
    `account.partial.refund.wizard`, has the fields)."""

    _name = "account.partial.refund.wizard.split.mixin"
    _description = "Partial Refund Wizard Split"

    @api.depends(
        "line_ids.selected",
        "line_ids.amount_untaxed",
        "line_ids.amount_total",
        "line_ids.amount_refunded_now",
        "line_ids.refundable_amount",
        "line_ids.error",
        "line_ids.is_final",
    )
    def _compute_amounts(self):
        for wizard in self:
            currency = wizard.currency_id
            selected = wizard.line_ids.filtered("selected")
            invoice_lines = wizard.line_ids.invoice_line_id
            lines_untaxed = sum(selected.mapped("amount_untaxed"))
            lines_total = sum(selected.mapped("amount_total"))
            wizard.amount_rounding = (
                wizard.move_id._origin._get_partial_refund_cash_rounding(
                    selected.filtered("is_final").invoice_line_id
                )
                if selected
                else 0.0
            )
            wizard.amount_untaxed = lines_untaxed + wizard.amount_rounding
            wizard.amount_total = lines_total + wizard.amount_rounding
            wizard.amount_tax = wizard.amount_total - wizard.amount_untaxed
            # The invoice's cash rounding goes back with its last refund: what
            # its refunds have not given back yet, less this one's.
            invoice = wizard.move_id._origin
            given_back = invoice.partial_refund_ids.filtered(
                lambda r: r.state != "cancelled"
            ).mapped("amount_rounding")
            rounding_left = (
                invoice._get_partial_refund_rounding_total()
                - sum(given_back)
                - wizard.amount_rounding
                if invoice
                else 0.0
            )
            # What the lines have left of their shares of the invoice's books,
            # which the refunds take (the rounding cents of "Round globally"
            # and of a foreign currency with them), not their own amounts.
            left = invoice_lines._origin._refund_left().values()
            wizard.remaining_untaxed = currency.round(
                sum(share.untaxed for share in left) - lines_untaxed + rounding_left
            )
            wizard.remaining_total = currency.round(
                sum(share.total for share in left) - lines_total + rounding_left
            )
            wizard.amount_remaining = currency.round(
                sum(wizard.line_ids.mapped("refundable_amount"))
                - sum(selected.mapped("amount_refunded_now"))
            )
            # Never more than what the customer paid leaves (discount lines,
            # an early payment discount, a write-off, Odoo's credit notes).
            paid_left = max(
                currency.round(invoice.partial_refundable_amount - wizard.amount_total),
                0.0,
            )
            if currency.compare_amounts(wizard.remaining_total, paid_left) > 0:
                part = paid_left / wizard.remaining_total
                for name in (
                    "remaining_untaxed",
                    "remaining_total",
                    "amount_remaining",
                ):
                    wizard[name] = currency.round(wizard[name] * part)
            wizard.remaining_tax = wizard.remaining_total - wizard.remaining_untaxed

    @api.depends("amount_total", "payment_method_line_id", "refund_via")
    def _compute_split_html(self):
        for wizard in self:
            wizard.split_html = wizard._render_split()

    def _render_split(self):
        """The refund's split among the invoice's payments, with the limits
        each gateway puts on it (template `partial_refund_split`)."""
        self.ensure_one()
        currency = self.currency_id
        if not self.move_id or currency.is_zero(self.amount_total):
            return False
        gateways = dict(self.env["account.payment"]._fields["refund_gateway"].selection)
        rows = []
        remaining = self.amount_total
        shares = (
            self.move_id._get_partial_refund_gateway_split(
                self.amount_total, include_empty=True
            )
            if self.refund_via == "gateway"
            else []
        )
        for share in shares:
            notes = [
                _(
                    "%(available)s still refundable there",
                    available=currency.format(share["available"]),
                )
            ]
            if share["gateway"] == "gocardless":
                notes.append(
                    _(
                        "%(left)s of 5 refunds left on this payment",
                        left=max(5 - share["refund_count"], 0),
                    )
                )
            if share["pending_count"]:
                notes.append(
                    _("%(count)s refund(s) still pending", count=share["pending_count"])
                )
            label = _(
                "%(gateway)s, payment %(reference)s",
                gateway=gateways[share["gateway"]],
                reference=share["reference"],
            )
            rows.append((label, share["amount"], "; ".join(notes)))
            remaining = currency.round(remaining - share["amount"])
        if not currency.is_zero(remaining) or not rows:
            rows.append(
                (
                    self.payment_method_line_id.display_name or _("Manual refund"),
                    remaining,
                    _("sent by hand outside Odoo")
                    if self.payment_method_line_id.journal_id.type != "cash"
                    else _("paid on the spot"),
                )
            )
        return self.env["ir.qweb"]._render(
            "invoice_partial_refund.partial_refund_split",
            {"rows": rows, "currency": currency},
        )
