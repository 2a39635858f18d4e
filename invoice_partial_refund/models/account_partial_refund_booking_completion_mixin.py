# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a refund's credit note books on the lines it completes: the rest of
what the invoice booked, where Odoo's tax engine, refund by refund, would
leave a cent: in the company's currency, and on each account of a tax split
over several."""

from odoo import Command, api, models


class AccountPartialRefundBookingCompletionMixin(models.AbstractModel):
    """The last refunds part of `account.partial.refund.booking` (its only
    user): used by its `_create_credit_note`."""

    _name = "account.partial.refund.booking.completion.mixin"
    _description = "Partial Refund Booking of Last Refunds"

    @api.model
    def _complete_given_back(self, refund, credit_note):
        """Book on ``credit_note`` (in draft) of ``refund`` what its invoice
        booked, less what its other refunds gave back, on each line whose
        refunds it completes in the document's currency: in the company's
        currency, a product line giving back the rest of its invoice line;
        in both currencies, the lines of a tax given back in full, account
        by account.

        Odoo 18's tax engine takes a credit note line's amounts in the
        document's currency only (`account.tax`'s ``manual_tax_amounts``)
        and converts and splits each credit note on its own: the refunds of
        a line can add up a cent away from it in the company's currency
        (each converted, or rounded globally, on its own), and those of a
        tax split over several accounts a cent away on each account (the
        tax exact). That cent goes to the line's, or the tax's, last
        refund. The credit note's totals stay as computed; its customer's
        line follows (Odoo's sync of its terms)."""
        invoice = refund.move_id
        others = (invoice.sudo().partial_refund_ids - refund).filtered(
            lambda other: other.state != "cancelled"
        )
        given = others.credit_note_id.line_ids.with_env(self.env)
        given |= credit_note.line_ids
        updates = []
        if invoice.currency_id != invoice.company_currency_id:
            for line in credit_note.invoice_line_ids.filtered("refund_origin_line_id"):
                origin = line.refund_origin_line_id
                lines = given.filtered(lambda g, o=origin: g.refund_origin_line_id == o)
                if self._is_given_back(lines, origin):
                    updates += self._complete_line(line, lines, origin, ["balance"])
        tax_lines = credit_note.line_ids.filtered("tax_line_id")
        for tax, lines in tax_lines.grouped("tax_line_id").items():
            origins = invoice.line_ids.filtered(lambda o, t=tax: o.tax_line_id == t)
            if not (
                # One line each side on each account (no analytic split).
                len(lines) == len(lines.account_id) == len(origins)
                and lines.account_id == origins.account_id
                and self._is_given_back(
                    given.filtered(lambda g, t=tax: g.tax_line_id == t), origins
                )
            ):
                continue
            for line in lines:
                account = line.account_id
                updates += self._complete_line(
                    line,
                    given.filtered(
                        lambda g, t=tax, a=account: (
                            g.tax_line_id == t and g.account_id == a
                        )
                    ),
                    origins.filtered(lambda o, a=account: o.account_id == a),
                    ["amount_currency", "balance"],
                )
        if updates:
            credit_note.write({"line_ids": updates})

    @api.model
    def _is_given_back(self, lines, origins):
        """Whether credit note ``lines`` give back all invoice ``origins``
        booked, in the document's currency."""
        currency = origins.currency_id[:1]
        return currency.is_zero(
            sum(lines.mapped("amount_currency"))
            + sum(origins.mapped("amount_currency"))
        )

    @api.model
    def _complete_line(self, line, lines, origin, field_names):
        """``[Command.update]`` of ``line`` (in draft), one of the credit note
        ``lines`` giving back all of invoice line ``origin``: in
        ``field_names``, what ``origin`` booked less the other ``lines``;
        ``[]`` where it books that already."""
        values = {}
        for field_name in field_names:
            currency = (
                line.currency_id
                if field_name == "amount_currency"
                else line.company_currency_id
            )
            value = currency.round(
                -origin[field_name] - sum((lines - line).mapped(field_name))
            )
            if currency.compare_amounts(value, line[field_name]):
                values[field_name] = value
        return [Command.update(line.id, values)] if values else []
