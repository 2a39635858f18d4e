# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The books of a refund: its credit note through Odoo's reversal, its
payments and their reconciliation. It decides no state and calls no
gateway: the refund document and the gateway shares call it and decide.
What it books after the refund (its cancellation, a gateway's outcome):
`account.partial.refund.booking.outcome.mixin`."""

from odoo import Command, _, api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .. import refund_shares, utils
from .account_move_line_guard import writing_credit_note
from .account_partial_reconcile import matching_refund_entries


class AccountPartialRefundBooking(models.AbstractModel):
    """Books the entries of `account.partial.refund` records and of their
    gateway shares (`account.partial.refund.gateway`); no record of its own."""

    _name = "account.partial.refund.booking"
    _inherit = [
        "account.partial.refund.booking.outcome.mixin",
        "account.partial.refund.booking.currency.mixin",
        "account.partial.refund.booking.completion.mixin",
    ]
    _description = "Partial Refund Booking"

    # ------------------------------------------------------------
    # CREDIT NOTE
    # ------------------------------------------------------------

    @api.model
    def _create_credit_note(self, refund, prepared, reversal_values=None):
        """Create and post the credit note of ``refund``, one line per
        request, as Odoo's "Credit Note" button: its reversal wizard's
        `reverse_moves` for the invoice (the defaults where localizations put
        their document types and codes, `account.move._reverse_moves`, what
        modules do after it); only the refunded lines are ours (handed over by
        `account.move.reversal._prepare_default_reversal`).

        :param prepared: list of ``(invoice line, request, CreditLine)``
        :param reversal_values: see `account.partial.refund._refund_invoice`
        """
        refund.ensure_one()
        wizard = self.env["account.move.reversal"]._create_for_partial_refund(
            refund, reversal_values
        )
        values = self._prepare_credit_note_values(refund)
        lines = self.env["account.move.line"].concat(
            *(line for line, _r, _c in prepared)
        )
        tax_tags = self._get_credit_note_tax_tags(lines)
        # As Odoo's reversal copies them, business fields (sale lines) included.
        copies = lines.with_context(include_business_fields=True).copy_data(
            {"move_id": False}
        )
        raw = refund_shares.tax_rounding(
            [credit_line for _l, _r, credit_line in prepared], refund.currency_id.round
        )
        values["line_ids"] = [
            Command.create(
                self._prepare_credit_note_line_vals(
                    line, request, credit_line, tax_tags[line], vals, raw.get(index)
                )
            )
            for index, ((line, request, credit_line), vals) in enumerate(
                zip(prepared, copies, strict=True)
            )
        ]
        discounts = lines._prepare_refund_discount_allocations(prepared)
        for line, (_c, _i, line_vals) in zip(lines, values["line_ids"], strict=True):
            line_vals["refund_discount_allocation"] = discounts[line]
        if not refund.currency_id.is_zero(refund.amount_rounding):
            values["line_ids"].append(
                Command.create(self._prepare_credit_note_rounding_vals(refund))
            )
        with writing_credit_note(self.env):
            wizard.with_context(
                partial_refund_credit_note_values={refund.move_id.id: values}
            ).reverse_moves()
        credit_note = wizard.new_move_ids.with_env(self.env)
        self._keep_invoice_receivable(refund, credit_note)
        self._complete_given_back(refund, credit_note)
        self._check_credit_note(refund, credit_note)
        credit_note.action_post()
        # The refund's own fields follow the money: business code only (see write).
        refund.sudo().credit_note_id = credit_note

    @api.model
    def _check_credit_note(self, refund, credit_note):
        """The credit note books what was computed and shown, line by line
        and in all (Odoo rounds the sum when rounding globally), or nothing."""
        currency = credit_note.currency_id
        lines = credit_note.invoice_line_ids.grouped("refund_origin_line_id")
        missing = refund.line_ids.filtered(lambda rl: rl.invoice_line_id not in lines)
        booked = [
            (credit_note.amount_untaxed, refund.amount_untaxed),
            (credit_note.amount_total, refund.amount_total),
        ]
        for refund_line in refund.line_ids - missing:
            line = lines[refund_line.invoice_line_id]
            booked.append((line.price_subtotal, refund_line.amount_untaxed))
            booked.append((line.price_total, refund_line.amount_total))
        if missing or any(
            currency.compare_amounts(amount, computed) for amount, computed in booked
        ):
            raise UserError(
                _(
                    "The credit note does not match the computed refund. Nothing "
                    "was refunded; please report it."
                )
            )

    @api.model
    def _prepare_credit_note_values(self, refund):
        """What the credit note of ``refund`` takes over the reversal's
        defaults, its lines aside."""
        reason = refund.reason or _("Partial refund")
        return {
            # Which refund and why (the reversal's reference names the invoice).
            "ref": _("%(refund)s: %(reason)s", refund=refund.name, reason=reason),
            # Paid on the spot by the refund payment: no installments, no early
            # payment discount lines (Odoo's reversal keeps a "mixed" term, whose
            # lines would lower the tax the shares give, `refund_shares.spread`).
            "auto_post": "no",
            "invoice_payment_term_id": False,
            # Not rounded to the cash unit: it refunds exactly what was asked;
            # the invoice's rounding goes back with its last refund (see
            # `_prepare_credit_note_rounding_vals`).
            "invoice_cash_rounding_id": False,
        }

    @api.model
    def _prepare_credit_note_rounding_vals(self, refund):
        """The credit note line giving back the invoice's cash rounding
        (``refund.amount_rounding``), booked as Odoo's credit note of the
        whole invoice books its rounding line: on the rounding's loss
        account when it gives money back, on its profit account otherwise
        (`account.move._recompute_cash_rounding_lines`)."""
        invoice = refund.move_id
        cash_rounding = invoice.invoice_cash_rounding_id
        account = (
            cash_rounding.loss_account_id
            if refund.amount_rounding > 0 and cash_rounding.loss_account_id
            else cash_rounding.profit_account_id
        ) or invoice.line_ids.filtered(lambda line: line.display_type == "rounding")[
            :1
        ].account_id
        return {
            "name": cash_rounding.name
            or _("Cash rounding of %(invoice)s", invoice=invoice.name),
            "account_id": account.id,
            "quantity": 1.0,
            "price_unit": refund.amount_rounding,
            "tax_ids": [Command.clear()],
        }

    @api.model
    def _get_credit_note_tax_tags(self, lines):
        """``{invoice line: account.account.tag}``: the tax report tags Odoo's
        tax engine gives the credit note line refunding each of ``lines``
        (its taxes' refund base tags, its product's): once per pair of them."""
        AccountTax = self.env["account.tax"]
        tags = {}
        groups = lines.grouped(lambda line: (line.product_id, line.tax_ids))
        for group in groups.values():
            company = group[0].company_id
            base_line = AccountTax._prepare_base_line_for_taxes_computation(
                group[0], price_unit=1.0, quantity=1.0, discount=0.0, is_refund=True
            )
            AccountTax._add_tax_details_in_base_line(base_line, company)
            AccountTax._round_base_lines_tax_details([base_line], company)
            # An invoice's cash basis taxes get their tags on payment, not on
            # the invoice (`account.move.always_tax_exigible` is False).
            AccountTax._add_accounting_data_to_base_line_tax_details(
                base_line, company, include_caba_tags=False
            )
            for line in group:
                tags[line] = base_line["tax_tag_ids"]
        return tags

    @api.model
    def _prepare_credit_note_line_accounting(self, line, credit_line, tax_tags):
        """What Odoo's tax engine will book on the credit note line refunding
        ``credit_line`` of invoice ``line``: its amounts and its tax report
        tags (``tax_tags``, see `_get_credit_note_tax_tags`). An optimization
        only: Odoo's line sync would write the lines whose copies differ."""
        invoice = line.move_id
        amount_currency = -invoice.direction_sign * credit_line.untaxed
        rate = invoice.invoice_currency_rate
        return {
            "amount_currency": amount_currency,
            "balance": invoice.company_currency_id.round(amount_currency / rate)
            if rate
            else amount_currency,
            "tax_tag_ids": [Command.set(tax_tags.ids)],
        }

    @api.model
    def _prepare_credit_note_line_vals(
        self, line, request, credit_line, tax_tags, vals, raw=None
    ):
        """The credit note line refunding ``request`` of invoice ``line``:
        ``vals``, the line as Odoo's reversal copies it (`copy_data`, its
        business fields included, e.g. its sale order lines), with the
        refunded quantity, price and discount, the amounts computed for it
        (``credit_line``, a `refund_amounts.CreditLine`, and ``raw``, see
        `refund_shares.tax_rounding`) and its tax report tags
        (``tax_tags``)."""
        vals = dict(
            vals,
            quantity=credit_line.quantity,
            price_unit=credit_line.price_unit,
            discount=credit_line.discount,
            refund_origin_line_id=line.id,
            refund_manual_tax_amounts=credit_line.manual_tax_amounts(raw),
        )
        for field_name in ("debit", "credit"):
            vals.pop(field_name, None)
        vals.update(
            self._prepare_credit_note_line_accounting(line, credit_line, tax_tags)
        )
        # Only a credit line carrying the refunded quantity is linked to the
        # sale order line: a refund by amount is a price adjustment, and its
        # quantity of 1 would lower the invoiced quantity and make Odoo
        # invoice the product again.
        if "sale_line_ids" in vals and not (
            request["mode"] != "amount"
            and credit_line.carries_quantity
            and not float_compare(
                credit_line.quantity,
                request["quantity"],
                precision_rounding=line.product_uom_id.rounding or 0.01,
            )
        ):
            vals["sale_line_ids"] = [Command.clear()]
        return vals

    # ------------------------------------------------------------
    # PAYMENTS AND RECONCILIATION
    # ------------------------------------------------------------

    @api.model
    def _book_money_back(self, refund):
        """Send the refund back the way the money came: each gateway payment
        takes what it can (refunded later, `account.partial.refund.gateway`),
        the rest (all of it, by hand) is paid now by the manual method."""
        refund.ensure_one()
        currency = refund.currency_id
        remaining = refund.credit_note_id.amount_total
        shares = (
            refund.move_id._get_partial_refund_gateway_split(remaining)
            if refund.refund_via == "gateway"
            else []
        )
        if shares:
            # Gateway refunds are written by the business code only (no ACL).
            self.env["account.partial.refund.gateway"].sudo().create(
                [
                    {
                        "refund_id": refund.id,
                        "gateway": share["gateway"],
                        "source_payment_id": share["payment"].id,
                        "source_transaction_id": share["transaction"].id,
                        "payment_reference": share["reference"],
                        "amount": share["amount"],
                    }
                    for share in shares
                ]
            )
        remaining = currency.round(remaining - sum(s["amount"] for s in shares))
        if not currency.is_zero(remaining):
            method_line = refund.payment_method_line_id
            payment = self._create_payment(
                refund, remaining, method_line.journal_id, method_line
            )
            # Business code only (see the refund's write).
            refund.sudo().payment_id = payment

    @api.model
    def _create_payment(
        self,
        refund,
        amount,
        journal,
        method_line,
        payment_type="outbound",
        date=None,
        memo=None,
        currency=None,
    ):
        """Create and post a payment of ``amount`` (the refund's currency) for
        ``refund``: outbound, reconciled so that no credit is left to the
        customer; inbound, what the customer's bank sent back, which an
        outbound one settles. ``date``: else the refund's; ``currency``: else
        the journal's, else the refund's."""
        refund.ensure_one()
        date = date or refund.date
        currency = currency or journal.currency_id or refund.currency_id
        # As Odoo's register pays: at the date's rate; a credit note in the
        # company's currency settled to the cent (its balance forced).
        paid = refund.currency_id._convert(amount, currency, refund.company_id, date)
        payment = self.env["account.payment"].create(
            {
                "payment_type": payment_type,
                "partner_type": "customer",
                "partner_id": refund.credit_note_id.commercial_partner_id.id,
                # As Odoo's register: the account of what it settles.
                "destination_account_id": self._get_receivable_account(refund).id,
                "amount": paid,
                "currency_id": currency.id,
                "date": date,
                "journal_id": journal.id,
                "payment_method_line_id": method_line.id,
                "memo": memo or refund.name,
                # A branch's, through its parent's journal (as Odoo's register).
                "company_id": refund.company_id.id,
            }
        )
        # The method's account, else a cash register's own (paid on the spot,
        # at once), else Odoo's outstanding one (set once Odoo computed it).
        if not method_line.payment_account_id and journal.type == "cash":
            payment.outstanding_account_id = journal.default_account_id
        elif not payment.outstanding_account_id:
            payment.outstanding_account_id = payment._get_outstanding_account(
                payment_type
            )
        if currency != refund.currency_id == refund.company_currency_id:
            payment._generate_journal_entry(force_balance=amount)
        payment.action_post()
        if payment_type == "outbound":
            self._reconcile_with_credit_note(refund, payment, amount=amount)
        return payment

    @api.model
    def _get_settled_lines(self, refund, lines=None):
        """What a payment to the customer settles: the credit note's open
        line, else those of the gateway refunds the customer's bank returned
        (among ``lines``, ``refund``'s open receivable lines if the caller
        has them)."""
        if lines is None:
            lines = self._open_receivable_lines(refund)
        owed = lines.filtered(lambda line: line.amount_residual < 0)
        return owed.filtered(lambda line: line.move_id == refund.credit_note_id) or owed

    @api.model
    def _open_receivable_lines(self, refund, payments=None):
        """The open receivable lines of ``refund``'s entries: its credit note,
        its and its gateway shares' payments (returns included), and
        ``payments`` not linked to it yet."""
        shares = refund.gateway_ids
        payments = (
            (payments or self.env["account.payment"])
            | refund.payment_id
            | shares.refund_payment_id
            | shares.returned_payment_id
            | shares.returned_from_payment_id
        )
        return (refund.credit_note_id | payments.move_id).line_ids.filtered(
            lambda line: (
                line.parent_state == "posted"
                and line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
        )

    @api.model
    def _reconcile_with_credit_note(self, refund, payment, amount=None):
        """Reconcile ``payment`` with what it settles (`_get_settled_lines`); a
        note on the refund if that no longer covers it. Paying ``amount`` of a
        foreign refund in another currency, it settles that amount at its
        date's worth (`_reconcile_in_other_currency`)."""
        lines = self._open_receivable_lines(refund, payment)
        currencies = (payment.currency_id, refund.company_currency_id)
        with matching_refund_entries(self.env):
            if amount and refund.currency_id not in currencies:
                settled = self._get_settled_lines(refund, lines)
                lines = lines.filtered(
                    lambda line: line in settled or line.move_id == payment.move_id
                )
                self._reconcile_in_other_currency(lines, settled, payment, amount)
            else:
                lines.reconcile()
        payment_lines = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        if not all(payment_lines.mapped("reconciled")):
            # The credit note was used elsewhere meanwhile (reconciled by
            # hand): say so rather than leave an open debit unnoticed.
            utils.post_internal_note(
                refund,
                _(
                    "The refund payment %(payment)s could not be fully reconciled with "
                    "the credit note %(credit_note)s: check the customer's account.",
                    payment=payment._get_html_link(),
                    credit_note=refund.credit_note_id._get_html_link(),
                ),
            )
