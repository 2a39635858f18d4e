# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from functools import partial

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, float_round, formatLang

from .. import refund_amounts, refund_shares

#: What the refunds of an invoice line took, stored (see the fields).
REFUNDED_TOTALS = (
    "refunded_price_subtotal",
    "refunded_price_total",
    "refunded_quantity",
)


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = "account.move.line"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    partial_refund_line_ids = fields.One2many(
        comodel_name="account.partial.refund.line",
        inverse_name="invoice_line_id",
        string="Partial Refunds",
        readonly=True,
    )
    refund_origin_line_id = fields.Many2one(
        comodel_name="account.move.line",
        string="Refunded Invoice Line",
        help="On a credit note line: the invoice line it refunds.",
        readonly=True,
        index="btree_not_null",
        copy=False,
    )
    refund_manual_tax_amounts = fields.Json(
        readonly=True,
        copy=False,
        help="On a credit note line of a partial refund: the untaxed amount and "
        "tax per tax it books, handed to the tax engine as manual tax amounts.",
    )
    # Stored: a refund writes the rows of the invoice lines it takes, so that
    # a concurrent refund of the same line collides on them (see
    # `account.move._lock_for_partial_refund`) instead of reading stale
    # remainders from its snapshot.
    refunded_price_subtotal = fields.Monetary(
        string="Refunded Untaxed", compute="_compute_refunded_totals", store=True
    )
    refunded_price_total = fields.Monetary(
        string="Refunded Total", compute="_compute_refunded_totals", store=True
    )
    refunded_quantity = fields.Float(
        compute="_compute_refunded_totals", store=True, digits="Product Unit of Measure"
    )
    refunded_amount = fields.Monetary(
        string="Refunded",
        compute="_compute_refundable_amount",
        help="Refunded so far, refunds in progress included, on the basis the "
        "invoice shows its line amounts (tax excluded or tax included).",
    )
    refundable_amount = fields.Monetary(
        string="Still Refundable", compute="_compute_refundable_amount"
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends(
        "partial_refund_line_ids.amount_untaxed",
        "partial_refund_line_ids.amount_total",
        "partial_refund_line_ids.quantity",
        "partial_refund_line_ids.state",
    )
    def _compute_refunded_totals(self):
        # Most journal lines have no refund: one assignment per field for them.
        refunded = self.filtered("partial_refund_line_ids")
        (self - refunded).update(dict.fromkeys(REFUNDED_TOTALS, 0.0))
        for line in refunded:
            refund_lines = line.partial_refund_line_ids.filtered(
                lambda rl: rl.state != "cancelled"
            )
            line.refunded_price_subtotal = sum(refund_lines.mapped("amount_untaxed"))
            line.refunded_price_total = sum(refund_lines.mapped("amount_total"))
            line.refunded_quantity = sum(refund_lines.mapped("quantity"))

    @api.depends(
        "refunded_price_subtotal",
        "refunded_price_total",
        "amount_currency",
        "price_subtotal",
        "price_total",
        "company_id.account_price_include",
    )
    def _compute_refundable_amount(self):
        invoice_lines = self.filtered(
            lambda line: (
                line.display_type == "product"
                and line.move_id.move_type == "out_invoice"
            )
        )
        shares = invoice_lines._origin._refund_shares()
        # All the customer paid is back (a write-off, a discount line): no
        # line has anything left, whatever its own amounts.
        nothing_left = invoice_lines.move_id.filtered(
            lambda move: move.state == "posted" and move.partial_refundable_amount <= 0
        )
        for line in self:
            if line not in invoice_lines or line._origin not in shares:
                line.refunded_amount = line.refundable_amount = 0.0
                continue
            share = shares[line._origin]
            line.refunded_amount = line._refund_basis_value(refunded=True)
            left = max(line._refund_remaining(share=share), 0.0)
            line.refundable_amount = 0.0 if line.move_id in nothing_left else left

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _refund_basis(self):
        """The figure the invoice shows for its lines, on which refund amounts
        are typed: ``'price_total'`` if the company shows prices tax included,
        or for a line weighing its tax alone (`_refund_is_tax_only`)."""
        company = self.company_id or self.env.company
        included = company.account_price_include == "tax_included"
        included = included or self._refund_is_tax_only()
        return "price_total" if included else "price_subtotal"

    def _refund_is_tax_only(self):
        """A line at no price bearing a fixed tax (an eco-tax on a free item)."""
        return len(self) == 1 and not self.price_subtotal and bool(self.price_total)

    def _refund_basis_value(self, refunded=False, share=None):
        """What this line weighs on the refund basis: its share of the invoice's
        books (``share``: see `_refund_shares`), or what its refunds took."""
        self.ensure_one()
        basis = self._refund_basis()
        if refunded:
            return self[f"refunded_{basis}"]
        if share is None:
            share = self._refund_shares().get(self, refund_shares.Share())
        value = share.untaxed if basis == "price_subtotal" else share.total
        return self.currency_id.round(value)

    def _refund_remaining(self, share=None):
        """Amount still refundable on this line, on the refund basis."""
        self.ensure_one()
        return self.currency_id.round(
            self._refund_basis_value(share=share)
            - self._refund_basis_value(refunded=True)
        )

    def _prepare_refund_request(self, amount=None, quantity=None, share=None):
        """Check a refund of ``amount`` or ``quantity`` (neither: the whole
        remainder) of this invoice line: what it refunds, see
        `refund_amounts.check_request`. ``share``: the line's
        `refund_shares.Share`, if the caller has it (`_refund_shares`)."""
        self.ensure_one()
        if amount is not None and self._refund_is_tax_only():
            raise UserError(
                _(
                    "The line “%(line)s” has no price: its tax is refunded in full "
                    "or by quantity, not by amount.",
                    line=self.name or self.product_id.display_name,
                )
            )
        if share is None:
            share = self._refund_shares().get(self, refund_shares.Share())
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        line = refund_amounts.LineLeft(
            label=self.name or self.product_id.display_name or str(self.id),
            value=self._refund_basis_value(share=share),
            remaining=self._refund_remaining(share=share),
            quantity=self.quantity,
            remaining_quantity=float_round(
                self.quantity - self.refunded_quantity, precision_digits=digits
            ),
            quantity_digits=digits,
            whole_only="sale_line_ids" in self._fields
            and any(self.sale_line_ids.mapped("is_downpayment")),
        )
        fmt = partial(formatLang, self.env, digits=digits)  # quantities in messages
        try:
            return refund_amounts.check_request(
                amount, quantity, line, self.currency_id, _=self.env._, fmt=fmt
            )
        except refund_amounts.RequestError as error:
            raise UserError(str(error)) from None

    def _prepare_refund_amounts(self, request, share, left, alone=True):
        """The `refund_amounts.CreditLine` refunding ``request`` (see
        `_prepare_refund_request`) of this invoice line: computed once, with
        one run of Odoo's tax engine and no price searched for (see
        `refund_amounts.shown_line`); the wizard's preview and the booking
        both use it.

        :param share: the line's share of its invoice (`_refund_shares`)
        :param left: what is left of it (`_refund_left`)
        :param alone: the only line of its credit note (see ``own_round``)
        """
        self.ensure_one()
        currency = self.currency_id
        basis = self._refund_basis()
        own_price = not share.spread and (
            request["mode"] == "quantity"
            or request["mode"] == "full"
            and not any(
                refund_line.mode == "amount" and refund_line.state != "cancelled"
                for refund_line in self.partial_refund_line_ids
            )
        )
        own = (self.price_unit, self.discount) if own_price else None
        price_unit, quantity, discount, special_mode = refund_amounts.engine_line(
            request, basis, own, self.quantity, share, left
        )
        engine = self._refund_tax_engine(
            price_unit, quantity, discount, special_mode=special_mode
        )
        request = refund_amounts.at_own_price(
            request, own, basis, engine, left, currency.round
        )
        untaxed, taxes = refund_amounts.refund_amounts(
            request, left, basis, engine, currency.round
        )
        bases = {
            key: currency.round(untaxed + offset)
            for key, offset in engine["base_offsets"].items()
        }
        included = sum(
            amount for key, amount in taxes.items() if key in engine["price_included"]
        )
        quantity = request["quantity"] if request["mode"] != "amount" else 0.0
        precision = self.env["decimal.precision"].precision_get
        shown = refund_amounts.shown_line(
            untaxed,
            included,
            quantity,
            own=own,
            has_tax=bool(self.tax_ids),
            digits=(precision("Product Price"), precision("Discount")),
            # With a tax, the price is only shown: to the cent of its subtotal.
            round_amount=currency.round
            if self.tax_ids
            or self.company_id.tax_calculation_rounding_method == "round_per_line"
            else None,
            # Rounding globally, Odoo rounds the sum of the credit note's
            # lines: figures that only round to their amount are exact alone.
            own_round=currency.round if alone else None,
        )
        if not shown:
            raise UserError(
                _(
                    "%(amount)s cannot be refunded exactly on “%(line)s” with a "
                    "unit price of %(digits)s decimals. Raise the “Product Price” "
                    "decimal accuracy to the currency's decimals or refund another "
                    "amount.",
                    amount=currency.format(untaxed),
                    line=self.name or self.product_id.display_name,
                    digits=precision("Product Price"),
                )
            )
        quantity_shown, price_unit, discount = shown
        return refund_amounts.CreditLine(
            quantity=quantity_shown,
            price_unit=price_unit,
            discount=discount,
            untaxed=untaxed,
            taxes=taxes,
            bases=bases,
            carries_quantity=request["mode"] != "amount" and quantity_shown == quantity,
            rounding=share.rounding_of(untaxed),
            part=share.part_of(untaxed, sum(taxes.values())),
        )

    def _prepare_refund_lines(self, requests, errors=None):
        """Check the requested refunds of these invoice lines and compute
        their credit note lines, ``[(line, request, CreditLine)]``.

        :param requests: ``(amount, quantity)`` per line of ``self``, in order
        :param errors: a dict for the wizard's preview: each refused request's
            message by its position (the request left out), nothing raised
        """
        shares = self._refund_shares()  # once for all: per line, N² in lines
        left = self._refund_left(shares=shares)
        prepared = []
        for index, (line, (amount, quantity)) in enumerate(
            zip(self, requests, strict=True)
        ):
            share = shares.get(line, refund_shares.Share())
            try:
                request = line._prepare_refund_request(amount, quantity, share)
                credit_line = line._prepare_refund_amounts(
                    request, share, left[line], alone=len(self) == 1
                )
            except UserError as error:
                if errors is None:
                    raise
                errors[index] = error.args[0]
                continue
            prepared.append((line, request, credit_line))
        return prepared

    def _refund_tax_engine(self, price_unit, quantity, discount, special_mode=False):
        """Raw figures of Odoo's tax engine, at the invoice's rate, for a
        credit note line refunding this line at these values (``special_mode``:
        the engine's, for an amount typed tax excluded or included): dict of
        ``total_excluded``, ``taxes`` (raw, per tax), ``base_offsets`` (per
        tax based on more than the untaxed amount) and ``price_included``."""
        self.ensure_one()
        AccountTax = self.env["account.tax"]
        base_line = AccountTax._prepare_base_line_for_taxes_computation(
            self,
            price_unit=price_unit,
            quantity=quantity,
            discount=discount,
            rate=self.move_id.invoice_currency_rate,
            sign=1,
            is_refund=True,
            special_mode=special_mode,
        )
        AccountTax._add_tax_details_in_base_line(base_line, self.company_id)
        tax_details = base_line["tax_details"]
        total_excluded = tax_details["raw_total_excluded_currency"]
        taxes, offsets = {}, {}
        for tax_data in tax_details["taxes_data"]:
            key = str(tax_data["tax"].id)
            raw = tax_data["raw_tax_amount_currency"]
            if tax_data["is_reverse_charge"]:
                taxes[refund_shares.mirror_key(key)] = raw
                continue
            taxes[key] = raw
            offset = tax_data["raw_base_amount_currency"] - total_excluded
            if not float_is_zero(offset, 9):
                offsets[key] = offset
        return {
            "total_excluded": total_excluded,
            "taxes": taxes,
            "base_offsets": offsets,
            "price_included": {
                str(tax.id)
                for tax in self.tax_ids.flatten_taxes_hierarchy()
                if tax.price_include
            },
        }

    def _refund_shares(self):
        """``{invoice line: Share}``: what each of these invoice lines weighs
        in its invoice's books (its own untaxed amount; the invoice's tax
        lines dispatched by the engine, rounding cents and hand-edited taxes
        included), so that the shares add up to the invoice exactly."""
        # One look per invoice (its cache check reads all its lines), not per line.
        lines_by_invoice = defaultdict(list)
        for line in self:
            lines_by_invoice[line.move_id].append(line)
        shares = {}
        for invoice, lines in lines_by_invoice.items():
            invoice_shares = invoice._refund_invoice_shares()
            for line in lines:
                if line.id in invoice_shares:
                    shares[line] = invoice_shares[line.id]
        return shares

    def _refund_left(self, shares=None):
        """``{invoice line: Share}``: what is still refundable of each line,
        refunds in progress counted (``shares``: their `_refund_shares`)."""
        if shares is None:
            shares = self._refund_shares()
        left = {}
        for line in self:
            share = shares.get(line, refund_shares.Share())
            refund_lines = line.partial_refund_line_ids.filtered(
                lambda rl: rl.state != "cancelled"
            )
            left[line] = share.minus(
                refund_lines._refunded_share(share), line.currency_id.round
            )
        return left
