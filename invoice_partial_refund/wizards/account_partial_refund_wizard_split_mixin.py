# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models


class AccountPartialRefundWizardSplitMixin(models.AbstractModel):
    """The refund wizard's split: how the money goes back, shown under its
    lines (its only user, `account.partial.refund.wizard`, has the fields)."""

    _name = "account.partial.refund.wizard.split.mixin"
    _description = "Partial Refund Wizard Split"

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
