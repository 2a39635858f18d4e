# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A company's separate account for discounts (Odoo's discount allocation,
`account.move._get_discount_allocation_account`) on a partial refund's
credit note: each credit note line gives back its part of its invoice
line's discount, and the refunds of a line give back all of it, whatever
price and discount the credit note line shows."""

from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools import frozendict


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    refund_discount_allocation = fields.Json(
        string="Refunded Discount",
        readonly=True,
        copy=False,
        help="On a credit note line of a partial refund, when the company books "
        "discounts on an account of their own: the part of its invoice line's "
        "discount it gives back there, in its currency and in the company's.",
    )

    @api.depends("refund_discount_allocation")
    def _compute_discount_allocation_needed(self):
        """Override of `account`: a partial refund's credit note line (and
        its reversal, the refund's cancellation) books the discount the
        refund computed (`_prepare_refund_discount_allocations`), not the
        one of the price and discount it shows."""
        ours = self.filtered("refund_discount_allocation")
        res = super(AccountMoveLine, self - ours)._compute_discount_allocation_needed()
        for line in ours:
            line.discount_allocation_dirty = True
            account = line.move_id._get_discount_allocation_account()
            allocation = line.refund_discount_allocation
            if (
                not account
                or line.display_type != "product"
                or not any(allocation.values())
            ):
                line.discount_allocation_needed = False
                continue
            sign = line.move_id.direction_sign
            line.discount_allocation_needed = {
                frozendict(
                    {
                        "account_id": account_id,
                        "move_id": line.move_id.id,
                        "currency_rate": line.currency_rate,
                    }
                ): frozendict(
                    display_type="discount",
                    name=_("Discount"),
                    amount_currency=side * sign * allocation["amount_currency"],
                    balance=side * sign * allocation[balance],
                )
                for account_id, side, balance in (
                    (line.account_id.id, 1, "balance"),
                    (account.id, -1, "allocation_balance"),
                )
            }
        return res

    def _copy_data_extend_business_fields(self, values):
        """Override of `account`: the reversal of a partial refund's credit
        note (its cancellation) takes back the very discount it gave."""
        result = super()._copy_data_extend_business_fields(values)
        if self.refund_discount_allocation:
            values["refund_discount_allocation"] = self.refund_discount_allocation
        return result

    def _prepare_refund_discount_allocations(self, prepared):
        """``{invoice line: refund_discount_allocation}`` for the credit note
        lines refunding ``prepared`` (``[(line, request, CreditLine)]``) of
        these lines of one invoice, whose company books discounts apart (else
        empty): each line's part of its discount (`_refund_discount_part`),
        ``amount_currency``, and what it books in the company's currency on
        its own account (``balance``) and on the discount account
        (``allocation_balance``). Odoo converts an invoice's discount once
        per account: each credit note books the conversion of all refunded
        so far less what the earlier ones booked, so that the refunds of the
        whole invoice book its conversion."""
        invoice = self.move_id
        account = invoice._get_discount_allocation_account()
        if not account:
            return {}
        invoice.ensure_one()
        # An invoice posted before the company booked discounts apart gives
        # back none there (nor does the credit note line's own discount).
        apart = any(line.display_type == "discount" for line in invoice.line_ids)
        amounts = {
            line: line._refund_discount_part(request, credit_line) if apart else 0.0
            for line, request, credit_line in prepared
        }
        keys = {line: [line.account_id, account] for line in amounts}
        # What the refunds of the invoice gave back so far, per key.
        given, booked = defaultdict(float), defaultdict(float)
        credit_notes = invoice.partial_refund_ids.filtered(
            lambda refund: refund.state != "cancelled"
        ).credit_note_id
        for line in credit_notes.line_ids:
            if line.display_type == "discount":
                side = -1 if line.account_id == account else 1
                given[line.account_id] += side * line.amount_currency
                booked[line.account_id] += side * line.balance
        rate = invoice.invoice_currency_rate or 1.0
        company_round = invoice.company_currency_id.round
        allocations = {}
        for line, amount in amounts.items():
            allocations[line] = values = {"amount_currency": amount}
            for key, field_name in zip(
                keys[line], ("balance", "allocation_balance"), strict=True
            ):
                given[key] += amount
                converted = company_round(given[key] / rate)
                values[field_name] = company_round(converted - booked[key])
                booked[key] = converted
        return allocations

    def _refund_discount_part(self, request, credit_line):
        """The part of this invoice line's discount, as Odoo books it on the
        invoice apart, that the credit note line refunding ``request``
        (computed as ``credit_line``) gives back: as much as it refunds of
        the line (`refund_amounts.CreditLine.part`), all of what is left by
        the line's last refund (``final``)."""
        self.ensure_one()
        currency = self.currency_id
        given = sum(
            refund_line.credit_note_line_id._refund_discount_given()
            for refund_line in self.partial_refund_line_ids
            if refund_line.state != "cancelled"
        )
        discount = self._refund_discount_given()
        left = currency.round(discount - given)
        if request["final"]:
            return left
        return max(min(currency.round(discount * credit_line.part), left), 0.0)

    def _refund_discount_given(self):
        """The discount this line (an invoice line, or a credit note line of
        a partial refund) books apart, as Odoo computes it from its own
        price and discount (a credit note line of an earlier version)."""
        if not self:
            return 0.0
        if self.refund_discount_allocation:
            return self.refund_discount_allocation["amount_currency"]
        return self.currency_id.round(
            abs(self.quantity * self.price_unit * self.discount / 100.0)
        )
