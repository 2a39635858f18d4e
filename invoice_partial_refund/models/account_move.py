# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Refunding chosen lines of a paid customer invoice: the entry point
(`action_partial_refund`, also the wizard's), the checks on the invoice,
and what its partial refunds' credit notes take from it (rate, amounts)
and do when posted.

Its refund status, buttons and other overrides of `account`:
`account_move_refund_overrides.py`; how the money goes back, what each
line weighs: the routing mixin."""

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import clean_context, format_date, mute_logger

from .. import refund_request, utils
from .account_move_line import REFUNDED_TOTALS


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "account.move.refund.routing.mixin"]

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    partial_refund_ids = fields.One2many(
        comodel_name="account.partial.refund",
        inverse_name="move_id",
        string="Partial Refunds",
        readonly=True,
    )
    # ------------------------------------------------------------
    # CREDIT NOTES OF PARTIAL REFUNDS
    # ------------------------------------------------------------

    @api.depends("reversed_entry_id")
    def _compute_invoice_currency_rate(self):
        """Override of `account`: a partial refund's credit note reverses its
        invoice's amounts at the invoice's rate (Odoo's credit note takes its
        own date's), and so does the reversal of that credit note (its
        cancellation): it undoes the very amounts booked. The refund payment
        takes its date's rate, and Odoo books the exchange difference when it
        settles the credit note. A credit note's lines
        (`refund_origin_line_id`) are known from its creation on."""
        res = super()._compute_invoice_currency_rate()
        for move in self:
            origin = move.reversed_entry_id
            if origin and (move.line_ids | origin.line_ids).refund_origin_line_id:
                move.invoice_currency_rate = origin.invoice_currency_rate
        return res

    def _prepare_product_base_line_for_taxes_computation(self, product_line):
        """Override of `account` to hand the tax engine the amounts a partial
        refund computed for its credit note line (see
        `refund_amounts.CreditLine`): the credit note books them, whatever
        rounding the engine would do on the line's quantity and price, and
        so do its tax lines, totals and every recomputation."""
        base_line = super()._prepare_product_base_line_for_taxes_computation(
            product_line
        )
        if product_line.refund_manual_tax_amounts and self.is_invoice():
            base_line["manual_tax_amounts"] = product_line.refund_manual_tax_amounts
        return base_line

    def _reconcile_reversed_moves(self, reverse_moves, move_reverse_cancel):
        """Override of `account`: skip the reconciliation of a partial
        refund's credit note with its invoice when it has nothing to do.

        A partial refund's invoice is paid: the credit note's receivable line
        would be "reconciled" alone, which changes nothing but syncs all its
        lines again. The refund's payment settles it (see
        `account.partial.refund.booking._reconcile_with_credit_note`)."""
        pairs = list(zip(self, reverse_moves, strict=False))
        kept = [
            (move, reverse)
            for move, reverse in pairs
            if not reverse._is_partial_refund_reconciled_alone(move)
        ]
        if len(kept) == len(pairs):
            return super()._reconcile_reversed_moves(reverse_moves, move_reverse_cancel)
        # `concat` keeps the pairs aligned (two reversals of one move included).
        super(
            AccountMove, self.concat(*(move for move, _r in kept))
        )._reconcile_reversed_moves(
            self.concat(*(reverse for _m, reverse in kept)), move_reverse_cancel
        )
        return reverse_moves

    def _is_partial_refund_reconciled_alone(self, origin):
        """Whether this move is a partial refund's credit note of ``origin``
        whose every line Odoo would reconcile on posting (see
        `_reconcile_reversed_moves`) is alone on its account: nothing of the
        origin, nothing of its own to match."""
        self.ensure_one()
        if not self.invoice_line_ids.refund_origin_line_id:
            return False
        lines = (origin.line_ids | self.line_ids).filtered(
            lambda line: (
                not line.reconciled
                and (
                    line.account_id.reconcile
                    or line.account_type in ("asset_cash", "liability_credit_card")
                )
            )
        )
        keys = [(line.account_id, line.currency_id) for line in lines]
        return len(keys) == len(set(keys)) and not any(
            line.currency_id.is_zero(line.amount_residual_currency) for line in lines
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_partial_refund(self, lines, **options):
        """Refund chosen lines of this paid customer invoice in one call.

        Public for integrations over JSON-RPC or XML-RPC; the wizard calls it.

        :param lines: list of ``{"line_id": id}`` (the line's whole
            remainder), ``{"line_id": id, "amount": x}`` (on the basis the
            invoice shows its line amounts) or ``{"line_id": id, "quantity": q}``
        :param options: ``journal_id``, ``payment_method_line_id``,
            ``reason``, ``date``, ``reversal_values`` (what a localization's
            credit note wizard asks, e.g. a document type: see
            ``account.partial.refund._refund_invoice``), ``refund_via``
            (``"gateway"``, the default: a gateway payment's share goes back
            through the gateway that took it; ``"manual"``: all of it by hand
            through the bank or cash journal)
        :return: the id of the ``account.partial.refund`` record
        """
        # The group first: without it, refused whatever the arguments.
        self.env["account.partial.refund"]._check_refund_group()
        invoice, requests, options = self._parse_partial_refund_call(lines, options)
        # Callers' defaults (the wizard's ``default_move_id``, an action's
        # ``default_journal_id``) must not leak into the records created here.
        invoice = invoice.with_context(clean_context(self.env.context))
        refund = invoice.env["account.partial.refund"]._refund_invoice(
            invoice, requests, **options
        )
        return refund.id

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _parse_partial_refund_call(self, lines, options):
        """Type-check the arguments of `action_partial_refund` before anything
        reads a record (see `refund_request`).

        :return: ``(invoice, requests, options)``: the one existing invoice,
            ``(line_id, amount, quantity)`` tuples and every option parsed
        """
        try:
            invoice_id, requests, options = refund_request.parse_refund_call(
                self._ids, lines, options, _=self.env._
            )
        except refund_request.RefundRequestError as error:
            raise ValidationError(str(error)) from None
        invoice = self.browse(invoice_id).exists()
        if not invoice:
            raise ValidationError(
                _(
                    "The invoice with id %(id)s does not exist or was deleted: "
                    "call the refund on an existing invoice.",
                    id=invoice_id,
                )
            )
        return invoice, requests, options

    def _get_partial_refund_label(self):
        """The invoice as refund messages name it: its number, or for a draft
        or cancelled invoice that has none (name False or "/"), its id."""
        self.ensure_one()
        if self.name and self.name != "/":
            return self.name
        return _("with id %(id)s", id=self.id)

    def _check_partial_refundable(self):
        """Raise a UserError saying why this move cannot be partially refunded."""
        self.ensure_one()
        if self.move_type != "out_invoice":
            raise UserError(
                _(
                    "Only customer invoices can be partially refunded; %(move)s is "
                    "not one.",
                    move=self.display_name,
                )
            )
        if self.state != "posted":
            raise UserError(
                _(
                    "The invoice %(move)s is not posted (%(state)s): only posted, "
                    "paid invoices can be refunded.",
                    move=self._get_partial_refund_label(),
                    state=self._fields["state"].convert_to_export(self.state, self),
                )
            )
        if self.payment_state not in ("paid", "in_payment"):
            raise UserError(
                _(
                    "The invoice %(move)s is not paid: register its payment first, "
                    "or reset it and edit it instead of refunding.",
                    move=self.display_name,
                )
            )

    def _check_partial_refund_lines(self, requests):
        """The invoice lines of ``requests``, each a product line of this
        invoice, or a UserError naming the one that is not.

        :param requests: ``(line_id, amount, quantity)`` tuples, type-checked
            by `refund_request.parse_lines`
        """
        self.ensure_one()
        product_lines = self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        for line_id, _amount, _quantity in requests:
            if line_id not in product_lines.ids:
                raise UserError(
                    _(
                        "The line %(line)s (“line_id”) is not a product line of "
                        "invoice %(invoice)s: pass the id of one of its product "
                        "lines (not a section, a note, a tax line or a line of "
                        "another invoice).",
                        line=line_id,
                        invoice=self._get_partial_refund_label(),
                    )
                )
        return self.env["account.move.line"].browse([r[0] for r in requests])

    def _lock_for_partial_refund(self, invoice_lines):
        """Serialize the refunds of this invoice until the transaction ends:
        a concurrent refund fails at once with a clear error. The invoice row
        is rewritten too (its write date): after a refund committed since this
        transaction started, PostgreSQL refuses that with a serialization
        failure and Odoo retries the request, which then sees the new
        remainders. The refunded lines (their refunded totals) are locked too."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    "SELECT id FROM account_move WHERE id = %s "
                    "FOR NO KEY UPDATE NOWAIT",
                    [self.id],
                )
                self.env.cr.execute(
                    "SELECT id FROM account_move_line WHERE id IN %s "
                    "FOR NO KEY UPDATE NOWAIT",
                    [tuple(invoice_lines.ids)],
                )
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                _(
                    "Another refund of this invoice is being recorded right now. "
                    "Wait a moment and try again."
                )
            ) from None
        utils.rewrite_rows(self)
        invoice_lines.invalidate_recordset(list(REFUNDED_TOTALS))

    def _check_partial_refund_date(self, payment_journal, date):
        """Refuse a refund on ``date`` before this invoice, after today (the
        money goes back now; an invoice dated later is refunded on its date)
        or in a period locked for it or for the journal the money leaves by."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if date > max(today, self.invoice_date or today):
            raise UserError(
                _(
                    "The refund date %(date)s is after today: a refund is booked "
                    "when it is made. Choose today or an earlier “date”.",
                    date=format_date(self.env, date),
                )
            )
        if self.invoice_date and date < self.invoice_date:
            raise UserError(
                _(
                    "The refund date %(date)s is before the invoice date "
                    "%(invoice_date)s: choose a “date” on or after it.",
                    date=format_date(self.env, date),
                    invoice_date=format_date(self.env, self.invoice_date),
                )
            )
        company = self.company_id
        for journal, has_tax in ((self.journal_id, True), (payment_journal, False)):
            violated = company._get_violated_lock_dates(date, has_tax, journal)
            if violated:
                raise UserError(
                    _(
                        "The refund date %(date)s is in a locked period "
                        "(%(locks)s). Choose a later “date”.",
                        date=format_date(self.env, date),
                        # By their labels, as Odoo's messages ("Global Lock Date").
                        locks=company._format_lock_dates(violated),
                    )
                )

    def _check_partial_refund_total(self, amount):
        """Refuse a refund of ``amount`` that would take the refunds of this
        invoice beyond what the customer paid (`_get_partial_refund_totals`)."""
        self.ensure_one()
        left = self._get_partial_refund_totals()[1]
        if self.currency_id.compare_amounts(amount, left) > 0:
            raise UserError(
                _(
                    "This refund of %(amount)s would take the refunds of %(invoice)s "
                    "beyond what the customer paid: %(left)s is left (discount lines, "
                    "early payment discounts, write-offs, other credit notes and "
                    "refunds of its payments included).",
                    amount=self.currency_id.format(amount),
                    invoice=self.name,
                    left=self.currency_id.format(left),
                )
            )

    def _get_partial_refund_written_off(self):
        """What the customer did not pay of this invoice, written off by the
        entries settling it, for the part of each that settles this invoice:
        a payment's or statement line's lines neither money, customers', early
        payment discount nor exchange difference; an entry by hand's (a bad
        debt) income, expense and tax lines; a credit note reversing no
        invoice (a goodwill gesture; one reversing another invoice is the
        customer's credit, spent as money)."""
        self.ensure_one()
        company = self.company_id
        kept = company.income_currency_exchange_account_id
        kept |= company.expense_currency_exchange_account_id
        customer_types = ("asset_receivable", "liability_payable")
        # What an entry settles of invoices (not less what it pays out).
        settles = [("account_type", "in", customer_types), ("balance", "<", 0)]
        by_hand = ["|", ("tax_line_id", "!=", False)]
        by_hand += [("account_id.internal_group", "in", ("income", "expense"))]
        written_off = 0.0
        for partial in self.line_ids.matched_credit_ids:
            entry = partial.credit_move_id.move_id
            if entry.move_type == "out_refund" and not entry.reversed_entry_id:
                written_off += partial.debit_amount_currency
                continue
            settled = -sum(entry.line_ids.filtered_domain(settles).mapped("balance"))
            if (
                entry.move_type != "entry"
                or company.currency_id.compare_amounts(settled, 0.0) <= 0
            ):
                continue
            others = entry.line_ids.filtered_domain(by_hand)
            if settling := entry.origin_payment_id or entry.statement_line_id:
                others = settling._seek_for_lines()[2]
            # A payment's money is also on its outstanding account, which
            # `_seek_for_lines` misses when the chart's default stands in.
            money = kept | entry.origin_payment_id.outstanding_account_id
            others = others.filtered_domain(
                [
                    ("account_type", "not in", customer_types),
                    ("display_type", "!=", "epd"),
                    ("account_id", "not in", money.ids),
                ]
            )
            share = partial.debit_amount_currency / settled
            written_off += share * sum(others.mapped("balance"))
        # Written off as income (paid too much), it caps nothing.
        return max(self.currency_id.round(written_off), 0.0)

    def _get_partial_refund_totals(self):
        """``(refunded, left)`` of this invoice, tax included: what its refunds
        not cancelled and Odoo's own credit notes took back, and what of what
        the customer paid (less discounts, write-offs, what Odoo's payment
        flow gave back of its payments) stays refundable."""
        self.ensure_one()
        # As superuser: who reads the invoice (a salesperson, the invoice's
        # form) may not read its refunds; their amounts are the invoice's.
        self = self.sudo()
        ours = self.partial_refund_ids.filtered(lambda r: r.state != "cancelled")
        native = self.reversal_move_ids.filtered(
            lambda m: (
                m.state == "posted"
                and m.move_type == "out_refund"
                and m not in self.partial_refund_ids.credit_note_id
            )
        )
        currency = self.currency_id
        refunded = currency.round(
            sum(ours.mapped("amount_total")) + sum(native.mapped("amount_total"))
        )
        paid = (
            self.amount_total
            - self._get_partial_refund_early_discount()
            - self._get_partial_refund_written_off()
            - self._get_partial_refund_paid_back()
        )
        return refunded, currency.round(paid - refunded)
