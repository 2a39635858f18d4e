# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Discounts booked on accounts of their own, given back there by a partial
refund's credit note: a line's own discount where the company books
discounts apart (Odoo's discount allocation,
`account.move._get_discount_allocation_account`), and the part of a
discount line (a global discount, a down payment deducted) that a line
bears (`refund_shares.Share.apart`) when that line is on another account.
The credit note keeps one line per refunded line, booking what the
customer paid for it; Odoo's discount lines (``display_type`` "discount",
as the invoice's) move the discounts from that line's account to theirs,
so that the refunds of a whole invoice book what it booked, account by
account, in the company's currency too."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import frozendict


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    refund_discount_allocation = fields.Json(
        string="Refunded Discounts",
        readonly=True,
        copy=False,
        help="On a credit note line of a partial refund: the discounts it gives "
        "back on accounts of their own, per account, in its currency and in the "
        "company's.",
    )

    @api.depends("refund_discount_allocation")
    def _compute_discount_allocation_needed(self):
        """Override of `account`: a partial refund's credit note line (and
        its reversal, the refund's cancellation) books the discounts the
        refund computed (`_prepare_refund_discount_allocations`), not the
        one of the price and discount it shows."""
        ours = self.filtered("refund_discount_allocation")
        res = super(AccountMoveLine, self - ours)._compute_discount_allocation_needed()
        # As Odoo names its discount lines, in the user's language.
        label = self.env._("Discount")
        for line in ours:
            line.discount_allocation_dirty = True
            entries = line.refund_discount_allocation.get("lines") or {}
            if line.display_type != "product" or not entries:
                line.discount_allocation_needed = False
                continue
            sign = line.move_id.direction_sign
            line.discount_allocation_needed = {
                frozendict(
                    {
                        "account_id": int(account_id),
                        "move_id": line.move_id.id,
                        "currency_rate": line.currency_rate,
                    }
                ): frozendict(
                    display_type="discount",
                    name=label,
                    amount_currency=sign * amount_currency,
                    balance=sign * balance,
                )
                for account_id, (amount_currency, balance) in entries.items()
            }
        return res

    def _prepare_refund_discount_allocations(self, prepared):
        """``{invoice line: refund_discount_allocation}`` for the credit note
        lines refunding ``prepared`` (``[(line, request, CreditLine)]``) of
        these lines of one invoice: ``{"lines": {account id: [amount in the
        invoice's currency, in the company's]}}``, as a credit note books
        them (`_get_refund_discount_entries`). Odoo converts an invoice's
        discounts once per account: each credit note books on an account the
        conversion of all the refunds gave back there so far less what the
        earlier ones booked, so that the refunds of the whole invoice book
        its conversion."""
        invoice = self.move_id
        invoice.ensure_one()
        shares = self._refund_shares()
        entries = {
            line: line._get_refund_discount_entries(
                shares.get(line), request, credit_line.part
            )
            for line, request, credit_line in prepared
        }
        if prepared and all(request["final"] for _l, request, _c in prepared):
            self._add_unrefundable_discount_entries(entries)
        # What the refunds of the invoice gave back so far, per account.
        given, booked = defaultdict(float), defaultdict(float)
        credit_notes = invoice.partial_refund_ids.filtered(
            lambda refund: refund.state != "cancelled"
        ).credit_note_id
        for line in credit_notes.line_ids:
            if line.display_type == "discount":
                given[line.account_id.id] += line.amount_currency
                booked[line.account_id.id] += line.balance
        rate = invoice.invoice_currency_rate or 1.0
        company_round = invoice.company_currency_id.round
        allocations, unbalanced = {}, 0.0
        for line, line_entries in entries.items():
            allocations[line] = {"lines": {}}
            for account_id, amount in line_entries.items():
                given[account_id] += amount
                converted = company_round(given[account_id] / rate)
                balance = company_round(converted - booked[account_id])
                allocations[line]["lines"][str(account_id)] = [amount, balance]
                booked[account_id] = converted
                unbalanced += balance
        # Converted apart, the accounts' cents may not add up: Odoo balances
        # the credit note's discount lines among themselves (its receivable
        # line leaves them out), so the largest takes the cent; the next
        # credit note converts from what was booked.
        if not invoice.company_currency_id.is_zero(unbalanced):
            entry = max(
                (
                    entry
                    for values in allocations.values()
                    for entry in values["lines"].values()
                ),
                key=lambda entry: abs(entry[0]),
            )
            entry[1] = company_round(entry[1] - unbalanced)
        return allocations

    def _add_unrefundable_discount_entries(self, entries):
        """Add to ``entries`` (see `_prepare_refund_discount_allocations`) of
        these invoice lines, all refunded in full, the discounts on accounts
        of their own that are left on the invoice's lines no refund takes (a
        line discounted in full, a discount line's own discount) when
        nothing else is left to refund: Odoo's credit note of the invoice
        gives them back, and so does its last refund. Once: what the
        invoice's lines bear in all, less what the refunds standing gave
        back (the last refund that gave them back may stand while an
        earlier one, cancelled, is refunded again) and this one's."""
        invoice = self.move_id
        currency = invoice.currency_id
        product_lines = invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        others = product_lines - self
        shares = product_lines._refund_shares()
        if any(
            currency.compare_amounts(left.untaxed, 0.0) > 0
            or currency.compare_amounts(left.total, 0.0) > 0
            for left in others._refund_left(shares=shares).values()
        ):
            return
        left = defaultdict(float)
        for line in product_lines:
            discounts = line._get_refund_discounts(shares.get(line))
            for account_id, amount in discounts.items():
                left[account_id] += amount
            left[line.account_id.id] -= currency.round(sum(discounts.values()))
        standing = invoice.partial_refund_ids.filtered(
            lambda refund: refund.state != "cancelled"
        ).credit_note_id.line_ids.filtered("refund_discount_allocation")
        for line in standing:
            for account_id, (amount, _balance) in line.refund_discount_allocation[
                "lines"
            ].items():
                left[int(account_id)] -= amount
        for line_entries in entries.values():
            for account_id, amount in line_entries.items():
                left[account_id] -= amount
        carrier = entries[self[:1]]
        for account_id, amount in left.items():
            amount = currency.round(carrier.get(account_id, 0.0) + amount)
            if currency.is_zero(amount):
                carrier.pop(account_id, None)
            else:
                carrier[account_id] = amount

    def _get_refund_discount_entries(self, share, request, part):
        """``{account id: amount}`` that the credit note line refunding
        ``request`` of this invoice line, ``part`` of its ``share`` (see
        `refund_amounts.CreditLine.part`), books on Odoo's discount lines:
        on each account of a discount the line bears (`_get_refund_discounts`)
        that part of it, all of what is left by the line's last refund
        (``final``); the opposite on the line's own account."""
        self.ensure_one()
        currency = self.currency_id
        given = defaultdict(float)
        for refund_line in self.partial_refund_line_ids:
            if refund_line.state != "cancelled" and refund_line.credit_note_line_id:
                for (
                    account_id,
                    amount,
                ) in refund_line.credit_note_line_id._get_refund_discounts().items():
                    given[account_id] += amount
        entries = {}
        for account_id, total in self._get_refund_discounts(share).items():
            left = currency.round(total - given[account_id])
            amount = left if request["final"] else currency.round(total * part)
            # Never beyond what is left, nor the other way.
            low, high = sorted((0.0, left))
            entries[account_id] = min(max(amount, low), high)
        if entries:
            entries[self.account_id.id] = -currency.round(sum(entries.values()))
        return {account_id: amount for account_id, amount in entries.items() if amount}

    def _get_refund_discounts(self, share=None):
        """``{account id: amount}``, as a credit note refunding all of it
        books them (credits, negative), of the discounts this line bears on
        accounts other than its own: an invoice line of ``share``, or a
        credit note line of a partial refund (what it gave back)."""
        if self.refund_discount_allocation:
            return {
                int(account_id): amount
                for account_id, (amount, _balance) in self.refund_discount_allocation[
                    "lines"
                ].items()
                if int(account_id) != self.account_id.id
            }
        discounts = {}
        account = self.move_id._get_discount_allocation_account()
        # Booked apart by the invoice only if the company did when it was
        # posted; a credit note line of an earlier version: by its figures.
        if (
            account
            and account != self.account_id
            and (
                self.refund_origin_line_id
                or any(
                    line.display_type == "discount" for line in self.move_id.line_ids
                )
            )
        ):
            # As Odoo books it (a negative discount, a surcharge, the other way).
            discounts[account.id] = -self.currency_id.round(
                self.quantity * self.price_unit * self.discount / 100.0
            )
        for account_id, amount in (share.apart if share else {}).items():
            if account_id != self.account_id.id:
                discounts[account_id] = discounts.get(account_id, 0.0) + amount
        return {account: amount for account, amount in discounts.items() if amount}
