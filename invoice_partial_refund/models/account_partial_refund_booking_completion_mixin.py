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
            by_origin = given.grouped("refund_origin_line_id")
            for line in credit_note.invoice_line_ids.filtered("refund_origin_line_id"):
                origin = line.refund_origin_line_id
                lines = by_origin[origin]
                if self._is_given_back(lines, origin):
                    updates += self._complete_line(line, lines, origin, ["balance"])
        tax_lines = credit_note.line_ids.filtered("tax_line_id")
        for tax, lines in tax_lines.grouped("tax_line_id").items():
            origins = invoice.line_ids.filtered(lambda o, t=tax: o.tax_line_id == t)
            given_tax = given.filtered(lambda g, t=tax: g.tax_line_id == t)
            if self._is_given_back(given_tax, origins):
                updates += self._complete_tax(lines, given_tax, origins)
        self._write_lines(credit_note, updates)

    @api.model
    def _complete_tax(self, lines, given, origins):
        """``[Command]`` booking on a credit note's ``lines`` of a tax what is
        left of the invoice's lines of it (``origins``), less what the other
        credit notes' lines (``given`` less ``lines``) gave back, part by
        part of the tax (`_tax_line_key`): on the credit note's biggest line
        of each; a line made as another credit note's where it has none
        (its part of the tax rounded to nothing). ``[]`` when a part of
        the credit note's is not one of the invoice's."""
        by_key = origins.grouped(self._tax_line_key)
        ours = lines.grouped(self._tax_line_key)
        given_by_key = given.grouped(self._tax_line_key)
        if not set(ours) <= set(by_key):
            return []
        # Each part given back but for the cents each credit note's split may
        # leave: not a tax whose parts cancel out (a reverse charge), whose
        # total is given back however little of it was (an early payment
        # discount taken).
        currency = origins.currency_id[:1]
        cents = len(given.move_id) * currency.rounding
        for key, origin in by_key.items():
            left = sum(origin.mapped("amount_currency")) + sum(
                given_by_key.get(key, origins.browse()).mapped("amount_currency")
            )
            if currency.compare_amounts(abs(left), cents) > 0:
                return []
        both = ["amount_currency", "balance"]
        commands = []
        for key, origin in by_key.items():
            done = given_by_key.get(key, origins.browse())
            if key in ours:
                line = ours[key].sorted(lambda line: abs(line.amount_currency))[-1]
                commands += self._complete_line(line, done, origin, both)
                continue
            left = {name: self._left_of(origin, done, name) for name in both}
            if not any(left.values()):
                continue
            if not done:
                return []  # no credit note line to make it as
            values = done.sorted("id")[-1].copy_data({"move_id": lines.move_id.id})[0]
            values.update(left)
            values.pop("debit", None)
            values.pop("credit", None)
            commands.append(Command.create(values))
        return commands

    @api.model
    def _tax_line_key(self, line):
        """Which part of the invoice's a tax (or discount) line books: its
        tax's repartition line by its place among those of its document (a
        credit note's refund repartition may book on other accounts than
        the invoice's), else its account; the taxes it is a base of (a
        group's child affecting another's base); its analytic distribution
        (a tax included in the analytic cost is split by it)."""
        part = line.account_id
        repartition = line.tax_repartition_line_id
        if repartition:
            tax = repartition.tax_id
            parts = (
                tax.invoice_repartition_line_ids
                if repartition.document_type == "invoice"
                else tax.refund_repartition_line_ids
            ).filtered(lambda rep: rep.repartition_type == "tax")
            part = parts.ids.index(repartition.id) if repartition in parts else part
        return (
            part,
            line.tax_ids,
            frozenset((line.analytic_distribution or {}).items()),
        )

    @api.model
    def _book_as_reversed(self, credit_note, reversal):
        """Book on ``reversal`` (in draft), the cancellation of a refund's
        ``credit_note``, the very amounts of each of its lines, in both
        currencies: Odoo converts a reversed invoice's lines again, which
        gives back a line's last refund's cent (`_complete_given_back`)."""
        both = ["amount_currency", "balance"]

        def key(line):
            return (line.display_type, line.tax_line_id, *self._tax_line_key(line))

        updates = []
        # Its invoice lines copied one by one, in their order.
        for origin, line in zip(
            credit_note.invoice_line_ids, reversal.invoice_line_ids, strict=False
        ):
            if (
                line.display_type == "product"
                and (line.account_id, line.product_id, line.quantity)
                == (origin.account_id, origin.product_id, origin.quantity)
                and line.currency_id.is_zero(
                    line.amount_currency + origin.amount_currency
                )
            ):
                updates += self._complete_line(line, line, origin, both)
        # The others (taxes, discounts, rounding) by what Odoo groups them by.
        others = credit_note.line_ids - credit_note.invoice_line_ids
        booked = others.grouped(key)
        for line_key, lines in (
            (reversal.line_ids - reversal.invoice_line_ids).grouped(key).items()
        ):
            origin = booked.get(line_key, others.browse())
            if line_key[0] != "payment_term" and len(lines) == len(origin) == 1:
                updates += self._complete_line(lines, lines, origin, both)
        self._write_lines(reversal, updates)

    @api.model
    def _write_lines(self, move, commands):
        """Write ``commands`` (updates and creations of lines, each with its
        balance) on ``move`` (in draft), then each balance alone where Odoo
        changed it: it converts an amount in the document's currency written
        beside an unchanged or nil balance (`account.move.line._sync_invoice`).
        """
        if not commands:
            return
        before = move.line_ids
        move.write({"line_ids": commands})
        made = iter((move.line_ids - before).sorted("id"))
        for command, line_id, values in commands:
            line = (
                next(made, move.line_ids.browse())
                if command == Command.CREATE
                else move.line_ids.browse(line_id)
            )
            if not line or line.account_id.id != values.get(
                "account_id", line.account_id.id
            ):
                continue
            currency = line.company_currency_id
            if "balance" in values and currency.compare_amounts(
                line.balance, values["balance"]
            ):
                line.balance = values["balance"]

    @api.model
    def _is_given_back(self, lines, origins):
        """Whether credit note ``lines`` give back all invoice ``origins``
        booked, in the document's currency."""
        currency = origins.currency_id[:1]
        return bool(origins) and currency.is_zero(
            sum(lines.mapped("amount_currency"))
            + sum(origins.mapped("amount_currency"))
        )

    @api.model
    def _complete_line(self, line, lines, origin, field_names):
        """``[Command.update]`` of ``line`` (in draft), one of the credit note
        ``lines`` giving back all of invoice lines ``origin``: in
        ``field_names``, what ``origin`` booked less the other ``lines``;
        ``[]`` where it books that already."""
        values = {
            name: self._left_of(origin, lines - line, name) for name in field_names
        }
        changed = any(
            self._currency_of(line, name).compare_amounts(value, line[name])
            for name, value in values.items()
        )
        # All together: Odoo converts an amount in the document's currency
        # written alone.
        return [Command.update(line.id, values)] if changed else []

    @api.model
    def _left_of(self, origin, given, field_name):
        """What invoice lines ``origin`` booked in ``field_name`` (an amount
        field), less what credit note lines ``given`` gave back of it:
        what a credit note line completing them books, rounded."""
        return self._currency_of(origin, field_name).round(
            -sum(origin.mapped(field_name)) - sum(given.mapped(field_name))
        )

    @api.model
    def _currency_of(self, lines, field_name):
        """The currency of ``field_name`` on ``lines``: the document's for
        ``amount_currency``, the company's for ``balance``."""
        currencies = (
            lines.currency_id
            if field_name == "amount_currency"
            else lines.company_currency_id
        )
        return currencies[:1]
