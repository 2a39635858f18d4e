# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The money-back routing of an invoice's refunds (the payment method lines
they may use, their split among its gateway payments) and what they give back
in all: its lines' shares of its books, its cash rounding (see account_move)."""

from collections import defaultdict
from functools import partial

from odoo import _, models
from odoo.exceptions import UserError

from .. import refund_shares


class AccountMoveRefundRoutingMixin(models.AbstractModel):
    """The money-back routing part of `account.move` (its only user)."""

    _name = "account.move.refund.routing.mixin"
    _description = "Invoice Partial Refund Routing"

    def _get_partial_refund_method_lines(self, paid_method_lines=None):
        """Outbound payment method lines a refund of this invoice may use: the
        journals the invoice was paid through (``paid_method_lines``, the
        inbound methods of its payments, if the caller has them), then the
        company's bank and cash journals; no gateway method (a gateway
        refunds through itself)."""
        self.ensure_one()
        if paid_method_lines is None:
            paid_method_lines = self._get_reconciled_payments().payment_method_line_id
        # The company's and its parents' (a branch pays through its parent's
        # journals), not a sibling branch's; not an archived one.
        domain = [
            *self.env["account.journal"]._check_company_domain(self.company_id),
            ("type", "in", ("bank", "cash")),
            ("active", "=", True),
        ]
        journals = paid_method_lines.journal_id.filtered_domain(domain)
        journals |= self.env["account.journal"].search(domain)
        return journals.outbound_payment_method_line_ids.filtered(
            lambda line: not line.payment_provider_id
        )

    def _get_partial_refund_gateway_split(self, amount, include_empty=False):
        """Split a refund of ``amount`` among the gateway payments of this
        invoice: each takes at most what is left of it after earlier refunds,
        ours and Odoo's (its Refund button, a dashboard's its webhook books).

        :return: list of dicts with ``payment``, ``gateway``, ``reference``,
            ``transaction``, ``amount`` (taken now), ``available`` (before),
            ``refund_count`` and ``pending_count`` (earlier refunds)
        """
        self.ensure_one()
        currency = self.currency_id
        payments = self._get_reconciled_payments().filtered(
            lambda p: p.payment_type == "inbound" and p.currency_id == currency
        )
        earlier = self.env["account.partial.refund.gateway"].search(
            [
                ("source_payment_id", "in", payments.ids),
                ("state", "not in", ("failed", "canceled")),
            ]
        )
        others = payments._get_refunded_by_odoo()
        # What each payment paid of this invoice: a payment of several
        # invoices gives back through its gateway what it paid of each.
        paid = defaultdict(float)
        for reconciled in self.line_ids.matched_credit_ids:
            paid[reconciled.credit_move_id.move_id] += reconciled.debit_amount_currency
        split = []
        remaining = amount
        for payment in payments.sorted(lambda p: (p.date, p.id)):
            gateway, reference, tx = payment._get_refund_gateway()
            if not gateway:
                continue
            previous = earlier.filtered(lambda g, p=payment: g.source_payment_id == p)
            ours = previous.filtered(lambda g: g.refund_id.move_id == self)
            left = payment.amount - sum(previous.mapped("amount")) - others[payment]
            left_here = paid[payment.move_id] - sum(ours.mapped("amount"))
            available = currency.round(min(left, left_here))
            take = min(max(available, 0.0), max(remaining, 0.0))
            split.append(
                {
                    "payment": payment,
                    "gateway": gateway,
                    "reference": reference,
                    "transaction": tx or self.env["payment.transaction"],
                    "amount": currency.round(take),
                    "available": available,
                    "refund_count": len(previous),
                    "pending_count": len(
                        previous.filtered(lambda g: g.state in ("requested", "pending"))
                    ),
                }
            )
            remaining = currency.round(remaining - take)
        kept = [share for share in split if not currency.is_zero(share["amount"])]
        return split if include_empty else kept

    def _get_partial_refund_method_line(
        self, journal_id=None, payment_method_line_id=None, refund_via="gateway"
    ):
        """Return the outbound payment method line a refund of this invoice
        uses, after checking it is allowed.

        :param refund_via: ``"manual"`` refuses a gateway's method: the money
            goes back by hand through a bank or cash journal
        """
        self.ensure_one()
        paid_method_lines = self._get_reconciled_payments().payment_method_line_id
        available = self._get_partial_refund_method_lines(paid_method_lines)
        MethodLine = self.env["account.payment.method.line"]
        if payment_method_line_id:
            # Read as superuser: a method of another company must get a clear
            # error, not an access error.
            method_line = MethodLine.sudo().browse(payment_method_line_id).exists()
            if not method_line:
                raise UserError(
                    _(
                        "The payment method with id %(id)s "
                        "(“payment_method_line_id”) does not exist: pass the id of "
                        "an outbound payment method of a bank or cash journal.",
                        id=payment_method_line_id,
                    )
                )
            # Of the invoice's company first: no other check names a record
            # of a company the user may not see.
            self._check_partial_refund_journal(
                method_line.journal_id, "payment_method_line_id"
            )
            if journal_id and method_line.journal_id.id != journal_id:
                raise UserError(
                    _(
                        "The payment method %(method)s (“payment_method_line_id”) "
                        "is not of the journal with id %(journal)s "
                        "(“journal_id”): pass only one of them.",
                        method=method_line.display_name,
                        journal=journal_id,
                    )
                )
            if method_line.payment_provider_id:
                paid_providers = paid_method_lines.payment_provider_id
                if method_line.payment_provider_id not in paid_providers:
                    raise UserError(
                        _(
                            "%(invoice)s was not paid through %(gateway)s: a refund "
                            "can only go through the gateway that took the payment. "
                            "Choose another “payment_method_line_id”.",
                            invoice=self.name,
                            gateway=method_line.payment_provider_id.name,
                        )
                    )
                if refund_via == "manual":
                    raise UserError(
                        _(
                            "%(method)s is a gateway's method: a refund by hand "
                            "goes through a bank or cash journal; choose one of "
                            "their outbound methods.",
                            method=method_line.display_name,
                        )
                    )
                # The gateway's share goes back through it anyway (see
                # `_get_partial_refund_gateway_split`): what it cannot take
                # goes through the default manual method.
                return self._get_partial_refund_method_line()
            if method_line not in available:
                raise UserError(
                    _(
                        "%(method)s cannot refund this invoice: choose as "
                        "“payment_method_line_id” an outbound method of a bank or "
                        "cash journal.",
                        method=method_line.display_name,
                    )
                )
            return method_line.sudo(False)
        if journal_id:
            # Read as superuser, as the method line above: a clear error.
            journal = self.env["account.journal"].sudo().browse(journal_id).exists()
            if not journal:
                raise UserError(
                    _(
                        "The journal with id %(id)s (“journal_id”) does not exist: "
                        "pass the id of a bank or cash journal of the invoice's "
                        "company.",
                        id=journal_id,
                    )
                )
            self._check_partial_refund_journal(journal, "journal_id")
            method_lines = available.filtered(lambda line: line.journal_id == journal)
            if not method_lines:
                raise UserError(
                    _(
                        "The journal %(journal)s has no outbound payment method to "
                        "refund with: choose another “journal_id”, a bank or cash "
                        "journal.",
                        journal=journal.display_name,
                    )
                )
            return method_lines[0]
        paid_journals = paid_method_lines.journal_id
        preferred = available.filtered(lambda line: line.journal_id in paid_journals)
        method_line = (preferred or available)[:1]
        if not method_line:
            raise UserError(
                _(
                    "The company has no bank or cash journal with an outbound payment "
                    "method to refund with."
                )
            )
        return method_line

    def _refund_invoice_shares(self):
        """``{invoice line id: refund_shares.Share}`` of this invoice's
        product lines (see ``account.move.line._refund_shares``): one run of
        the tax engine over the invoice, kept for the transaction while its
        lines and what settled them are unchanged (a refund asks twice)."""
        self.ensure_one()
        lines = self.line_ids
        fingerprint = tuple(
            (line.id, line.amount_currency, line.price_unit, line.quantity)
            + (line.discount, tuple(line.tax_ids.ids), line.tax_repartition_line_id.id)
            + (line.amount_residual_currency,)  # paid (early), or not
            for line in lines
        ) + (tuple(lines.matched_credit_ids.ids),)  # by which entries
        cr, name = self.env.cr, "invoice_partial_refund.shares"
        if name not in cr.cache:  # `cr.cache` outlives the transaction: not this
            forget = partial(cr.cache.pop, name, None)  # also once `cr` is closed
            cr.postcommit.add(forget)
            cr.postrollback.add(forget)
        cache = cr.cache.setdefault(name, {})
        method = self.company_id.tax_calculation_rounding_method
        cache_key = (self.id, method, fingerprint)
        if cache_key in cache:
            return cache[cache_key]
        shares, early_discount_taxes, fixed = {}, {}, set()
        currency = self.currency_id
        base_lines, _tax_lines = self._get_rounded_base_and_tax_lines()
        globally = method == "round_globally"
        for base_line in base_lines:
            line = base_line["record"]
            kind = isinstance(line, models.BaseModel) and line.display_type
            if kind not in ("product", "epd"):
                continue
            taxes = early_discount_taxes if kind == "epd" else {}
            rounding = {}
            for tax_data in base_line["tax_details"]["taxes_data"]:
                key = str(tax_data["tax"].id)
                if tax_data["is_reverse_charge"]:
                    key = refund_shares.mirror_key(key)
                if tax_data["tax"].amount_type == "fixed":
                    fixed.add(key)
                taxes[key] = taxes.get(key, 0.0) + tax_data["tax_amount_currency"]
                if globally and not tax_data["is_reverse_charge"]:
                    rounding[key] = rounding.get(key, 0.0) + (
                        tax_data["raw_tax_amount_currency"]
                        - tax_data["tax_amount_currency"]
                    )
            if kind == "product":
                shares[line.id] = refund_shares.Share(
                    untaxed=self.direction_sign * line.amount_currency,
                    taxes=taxes,
                    rounding=rounding,
                )
        # A discount line (a global discount, a down payment deducted) lowers
        # what the lines of its very taxes were paid (fixed ones aside: Odoo's
        # discounts leave them out): its share is theirs, so that refunding all
        # gives back each tax as booked (its account too, see
        # `account.move.line._prepare_refund_discount_allocations`). Not
        # others': their credit note lines would bear taxes of more than
        # their base (a voucher without tax).
        accounts = {line.id: line.account_id.id for line in lines}
        for line_id, discount in list(shares.items()):
            if discount.total >= 0:
                continue
            holders = refund_shares.holders(shares, discount.taxes, fixed)
            weight = sum(shares[held].untaxed for held in holders)
            if 0 < -discount.untaxed <= weight:
                del shares[line_id]
                parts = {**discount.taxes, None: discount.untaxed}
                refund_shares.spread(
                    shares, parts, currency.round, holders, accounts[line_id]
                )
        # The tax the invoice's early payment discount lines take off ("mixed"
        # terms: the tax is on the discounted base, paid early or not), then
        # the payment's discount: "included" terms book it per set of taxes,
        # each over the lines of its taxes; others as one line without tax,
        # a discount of the whole invoice, over all lines.
        refund_shares.spread(shares, early_discount_taxes, currency.round)
        taxes, bases = self._get_partial_refund_early_discount_parts()
        refund_shares.spread(shares, taxes, currency.round)
        term = self.invoice_payment_term_id
        per_taxes = term.early_pay_discount_computation == "included"
        for keys, base in bases.items():
            lines = refund_shares.holders(shares, keys, fixed) if per_taxes else ()
            if sum(shares[held].untaxed for held in lines) < -base:
                lines = ()  # larger than those lines: over all
            refund_shares.spread(shares, {None: base}, currency.round, lines or None)
        cache[cache_key] = shares
        return shares

    def _get_partial_refund_early_discount(self):
        """What the customer did not pay of this invoice for paying early:
        of each installment (payment term line) settled by an entry with
        "epd" lines (Odoo's discount), its amount less its discounted one."""
        self.ensure_one()
        discount = sum(
            term_line.amount_currency - term_line.discount_amount_currency
            for term_line, _settling in self._get_partial_refund_early_discount_terms()
        )
        return self.currency_id.round(discount)

    def _get_partial_refund_early_discount_parts(self):
        """What the customer did not pay for paying early (see
        `_get_partial_refund_early_discount`) as the settling entry's discount
        lines book it: ``({tax key: -tax}, {its taxes' keys: -untaxed})``. An
        entry settling other invoices too (a grouped payment) mixes their
        discounts in its lines: this invoice's then caps its refunds only."""
        bases, taxes = defaultdict(float), defaultdict(float)
        for term_line, settling in self._get_partial_refund_early_discount_terms():
            # Not the invoices of a grouped payment (an exchange difference
            # entry, the rate moved by the payment, is no invoice).
            settled = settling.line_ids.matched_debit_ids.debit_move_id.move_id
            if settled.filtered(lambda m: m.is_invoice(include_receipts=True)) != self:
                continue
            discount = term_line.amount_currency - term_line.discount_amount_currency
            epd_lines = settling.line_ids.filtered(
                lambda aml: aml.display_type == "epd"
            )
            total = sum(epd_lines.mapped("amount_currency"))
            for line in epd_lines if total else ():
                # Its part of the discount, in the invoice's currency.
                part = discount * line.amount_currency / total
                tax_rep = line.tax_repartition_line_id
                if not tax_rep:
                    keys = line.tax_ids.flatten_taxes_hierarchy().ids
                    bases[frozenset(str(tax_id) for tax_id in keys)] -= part
                    continue
                key = str(tax_rep.tax_id.id)
                if tax_rep.factor_percent < 0:  # a reverse charge's own part
                    key = refund_shares.mirror_key(key)
                taxes[key] -= part
        return dict(taxes), dict(bases)

    def _get_partial_refund_cash_rounding(self, final_lines):
        """What the invoice's cash rounding gives back with a refund taking
        the whole remainder of ``final_lines``: what its refunds standing
        have not given back yet (a refund that gave it back may be cancelled
        since, or still stand while another is refunded again) if no line is
        left after it, else nothing (rounding in the biggest tax: in the
        shares)."""
        self.ensure_one()
        currency = self.currency_id
        rounding = self._get_partial_refund_rounding_total()
        if not rounding:
            return 0.0
        given_back = self.partial_refund_ids.filtered(
            lambda refund: refund.state != "cancelled"
        ).mapped("amount_rounding")
        rounding = currency.round(rounding - sum(given_back))
        if currency.is_zero(rounding):
            return 0.0
        others = self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product" and line not in final_lines
        )
        # Lines that cannot be refunded (discounts, zero lines) left aside.
        if any(
            currency.compare_amounts(left.untaxed, 0.0) > 0
            or currency.compare_amounts(left.total, 0.0) > 0
            for left in others._refund_left().values()
        ):
            return 0.0
        return rounding

    def _get_partial_refund_rounding_total(self):
        """The invoice's cash rounding lines' total, on the refunds' sign."""
        self.ensure_one()
        rounding_lines = self.line_ids.filtered(
            lambda line: (
                line.display_type == "rounding" and not line.tax_repartition_line_id
            )
        )
        return self.currency_id.round(
            self.direction_sign * sum(rounding_lines.mapped("amount_currency"))
        )

    def _get_partial_refund_early_discount_terms(self):
        """``[(installment, entries)]``: this invoice's payment term lines
        settled by their discount date by entries with "epd" lines. As
        superuser: a salesperson reads the invoice, not its payments."""
        terms = []
        for term_line in self.sudo().line_ids.filtered(
            lambda line: line.display_type == "payment_term" and line.discount_date
        ):
            settling = term_line.matched_credit_ids.credit_move_id.move_id.filtered(
                lambda entry, term=term_line: entry.date <= term.discount_date
            )
            if any(line.display_type == "epd" for line in settling.line_ids):
                terms.append((term_line, settling))
        return terms
