# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero, float_round


class AccountMoveLine(models.Model):
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
    # Stored so that a refund writes the invoice line rows it consumes: a
    # concurrent refund of the same line then collides on these rows (see
    # `account.partial.refund._lock_invoice_lines`) instead of reading stale
    # remainders from its snapshot.
    refunded_price_subtotal = fields.Monetary(
        string="Refunded Untaxed",
        compute="_compute_refunded_totals",
        store=True,
        currency_field="currency_id",
    )
    refunded_price_total = fields.Monetary(
        string="Refunded Total",
        compute="_compute_refunded_totals",
        store=True,
        currency_field="currency_id",
    )
    refunded_quantity = fields.Float(
        compute="_compute_refunded_totals",
        store=True,
        digits="Product Unit of Measure",
    )
    refunded_amount = fields.Monetary(
        string="Refunded",
        compute="_compute_refundable_amount",
        currency_field="currency_id",
        help="Refunded so far, refunds in progress included, on the basis the "
        "invoice shows its line amounts (tax excluded or tax included).",
    )
    refundable_amount = fields.Monetary(
        string="Still Refundable",
        compute="_compute_refundable_amount",
        currency_field="currency_id",
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
        for line in self:
            refund_lines = line.partial_refund_line_ids.filtered(
                lambda rl: rl.state != "cancelled"
            )
            line.refunded_price_subtotal = sum(refund_lines.mapped("amount_untaxed"))
            line.refunded_price_total = sum(refund_lines.mapped("amount_total"))
            line.refunded_quantity = sum(refund_lines.mapped("quantity"))

    @api.depends(
        "refunded_price_subtotal",
        "refunded_price_total",
        "price_subtotal",
        "price_total",
        "company_id.account_price_include",
    )
    def _compute_refundable_amount(self):
        for line in self:
            if (
                line.display_type != "product"
                or line.move_id.move_type != "out_invoice"
            ):
                line.refunded_amount = line.refundable_amount = 0.0
                continue
            line.refunded_amount = line._refund_basis_value(refunded=True)
            line.refundable_amount = line._refund_remaining()

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        # Refunded totals follow the refund records; the ORM stores them
        # without calling write(), so a write here is someone forcing them.
        protected = {
            "refunded_price_subtotal",
            "refunded_price_total",
            "refunded_quantity",
        }
        if protected & set(vals) and not self.env.su:
            raise AccessError(
                _("Refunded amounts follow the refunds and cannot be written.")
            )
        return super().write(vals)

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _refund_basis(self):
        """Return the figure the invoice shows for its lines, which is also the
        basis on which refund amounts are entered: ``'price_subtotal'`` (tax
        excluded) or ``'price_total'`` (tax included), per the company's
        setting."""
        company = self.company_id or self.env.company
        if company.account_price_include == "tax_included":
            return "price_total"
        return "price_subtotal"

    def _refund_basis_value(self, refunded=False):
        self.ensure_one()
        basis = self._refund_basis()
        if refunded:
            return self[f"refunded_{basis}"]
        return self[basis]

    def _refund_remaining(self):
        """Amount still refundable on this line, on the refund basis."""
        self.ensure_one()
        return self.currency_id.round(
            self._refund_basis_value() - self._refund_basis_value(refunded=True)
        )

    def _prepare_refund_request(self, amount=None, quantity=None):
        """Validate one requested refund of this invoice line and return what it
        refunds.

        :param amount: amount to refund on the refund basis, or None
        :param quantity: quantity to refund, or None; with neither, the line's
            whole remainder is refunded
        :return: dict with ``amount`` (on the refund basis), ``quantity``
            (refunded quantity, 0 for a refund by amount), ``mode`` and
            ``final`` (True when it takes exactly the line's remainder)
        """
        self.ensure_one()
        currency = self.currency_id
        label = self.name or self.product_id.display_name or str(self.id)
        if (
            float_compare(
                self._refund_basis_value(), 0.0, precision_rounding=currency.rounding
            )
            <= 0
        ):
            raise UserError(
                _(
                    "The line “%(line)s” is a discount or a zero line: it cannot be "
                    "refunded. Refund the lines it applies to by amount instead.",
                    line=label,
                )
            )
        remaining = self._refund_remaining()
        if float_compare(remaining, 0.0, precision_rounding=currency.rounding) <= 0:
            raise UserError(
                _("The line “%(line)s” is already fully refunded.", line=label)
            )
        uom_digits = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        remaining_qty = float_round(
            self.quantity - self.refunded_quantity, precision_digits=uom_digits
        )
        if amount is None and quantity is None:
            return {
                "mode": "full",
                "amount": remaining,
                "quantity": max(remaining_qty, 0.0),
                "final": True,
            }
        if amount is not None:
            if not _is_number(amount):
                raise UserError(
                    _(
                        "The amount to refund on “%(line)s” must be a number.",
                        line=label,
                    )
                )
            if float_compare(amount, 0.0, precision_rounding=currency.rounding) <= 0:
                raise UserError(
                    _(
                        "The amount to refund on “%(line)s” must be positive.",
                        line=label,
                    )
                )
            if not _has_at_most_decimals(amount, currency.decimal_places):
                raise UserError(
                    _(
                        "The amount %(amount)s on “%(line)s” has more decimals than "
                        "%(currency)s allows (%(digits)s). Round it to the currency.",
                        amount=amount,
                        line=label,
                        currency=currency.name,
                        digits=currency.decimal_places,
                    )
                )
            if (
                float_compare(amount, remaining, precision_rounding=currency.rounding)
                > 0
            ):
                raise UserError(
                    _(
                        "You cannot refund an amount of %(amount)s on “%(line)s”: "
                        "only %(remaining)s is still refundable.",
                        amount=currency.format(amount),
                        line=label,
                        remaining=currency.format(remaining),
                    )
                )
            final = currency.is_zero(amount - remaining)
            return {
                "mode": "amount",
                "amount": currency.round(amount),
                "quantity": 0.0,
                "final": final,
            }
        if not _is_number(quantity):
            raise UserError(
                _("The quantity to refund on “%(line)s” must be a number.", line=label)
            )
        if float_compare(quantity, 0.0, precision_digits=uom_digits) <= 0:
            raise UserError(
                _("The quantity to refund on “%(line)s” must be positive.", line=label)
            )
        if not _has_at_most_decimals(quantity, uom_digits):
            raise UserError(
                _(
                    "The quantity %(quantity)s on “%(line)s” has more decimals than "
                    "the unit of measure precision allows (%(digits)s).",
                    quantity=quantity,
                    line=label,
                    digits=uom_digits,
                )
            )
        if float_compare(quantity, remaining_qty, precision_digits=uom_digits) > 0:
            raise UserError(
                _(
                    "You cannot refund a quantity of %(quantity)s on “%(line)s”: only "
                    "%(remaining)s is still refundable.",
                    quantity=quantity,
                    line=label,
                    remaining=remaining_qty,
                )
            )
        if float_compare(quantity, remaining_qty, precision_digits=uom_digits) == 0:
            amount = remaining
        else:
            amount = currency.round(
                self._refund_basis_value() * quantity / self.quantity
            )
        if float_compare(amount, remaining, precision_rounding=currency.rounding) > 0:
            raise UserError(
                _(
                    "Refunding a quantity of %(quantity)s on “%(line)s” would refund "
                    "%(amount)s, but only %(remaining)s is still refundable. Refund "
                    "an amount instead.",
                    quantity=quantity,
                    line=label,
                    amount=currency.format(amount),
                    remaining=currency.format(remaining),
                )
            )
        return {
            "mode": "quantity",
            "amount": amount,
            "quantity": quantity,
            "final": currency.is_zero(amount - remaining),
        }

    def _prepare_refund_credit_line(self, request):
        """Return the price unit, quantity and discount of the credit note line
        that refunds ``request`` (see `_prepare_refund_request`) of this line,
        together with the untaxed and total amounts Odoo's tax engine computes
        for it.

        A whole line never refunded before is copied as it is, so the engine
        gives back exactly its amounts. Otherwise the price unit is solved so
        that the figure on the refund basis equals the requested amount.
        """
        self.ensure_one()
        currency = self.currency_id
        never_refunded = not self.refunded_quantity and currency.is_zero(
            self.refunded_price_total
        )
        if request["mode"] == "full" and never_refunded:
            # The line as it is: the engine gives back the line's own amounts.
            return {
                "quantity": self.quantity,
                "price_unit": self.price_unit,
                "discount": self.discount,
                "price_subtotal": self.price_subtotal,
                "price_total": self.price_total,
            }
        # Keep the refunded quantity on the credit note line when a price unit
        # reaches the amount with it; otherwise one unit at the exact price.
        quantities = [request["quantity"], 1.0] if request["quantity"] else [1.0]
        best = None
        for quantity in quantities:
            values = self._solve_refund_price_unit(request["amount"], quantity)
            if values.get("exact"):
                values.pop("exact")
                return values
            best = best or values
        if self._refund_basis() == "price_total" and self.tax_ids:
            # Some tax-included totals cannot be reached with a price unit of
            # the product price precision (a 21 % tax moves the total in
            # steps of 1.21): keep the closest price unit, the rounding cent
            # goes to the tax (see `account.partial.refund._balance_taxes`).
            best.pop("exact")
            return best
        raise UserError(
            _(
                "%(amount)s cannot be refunded exactly on “%(line)s” with a unit "
                "price of %(digits)s decimals. Raise the “Product Price” decimal "
                "accuracy to the currency's decimals or refund another amount.",
                amount=currency.format(request["amount"]),
                line=self.name or self.product_id.display_name,
                digits=self.env["decimal.precision"].precision_get("Product Price"),
            )
        )

    def _solve_refund_price_unit(self, target, quantity):
        """Find the price unit, then if needed the discount, with which a credit
        note line of ``quantity`` has ``target`` as its figure on the refund
        basis. Returns the values with the engine's totals, ``exact`` telling
        whether the target was reached."""
        currency = self.currency_id
        basis = self._refund_basis()
        precision = self.env["decimal.precision"]
        price_digits = precision.precision_get("Product Price")
        discount_digits = precision.precision_get("Discount")
        gross = self.price_unit * (1 - self.discount / 100.0) * self.quantity

        def attempt(price_unit, discount):
            values = {
                "quantity": quantity,
                "price_unit": price_unit,
                "discount": discount,
            }
            values.update(self._refund_engine_totals(**values))
            difference = currency.round(target - values[basis])
            values["exact"] = currency.is_zero(difference)
            return values, difference

        # The figure is linear in the price unit: aim, then walk by the
        # difference, at least one step of the price precision at a time.
        step = 10**-price_digits
        price_unit = float_round(
            gross * target / self[basis] / quantity, precision_digits=price_digits
        )
        tried = set()
        values, difference = attempt(price_unit, 0.0)
        while not values["exact"] and price_unit not in tried and len(tried) < 6:
            tried.add(price_unit)
            correction = difference * price_unit / values[basis] if values[basis] else 0
            if abs(correction) < step:
                correction = step if difference > 0 else -step
            price_unit = float_round(
                price_unit + correction, precision_digits=price_digits
            )
            values, difference = attempt(price_unit, 0.0)
        if values["exact"]:
            return values
        # Between two steps of the price unit: round it up and take the rest
        # off with a discount, which moves the amount by finer steps.
        price_unit = float_round(
            price_unit + (step if difference > 0 else 0.0),
            precision_digits=price_digits,
        )
        full, _difference = attempt(price_unit, 0.0)
        if full[basis]:
            discount = float_round(
                (1 - target / full[basis]) * 100, precision_digits=discount_digits
            )
            discounted, _difference = attempt(price_unit, discount)
            if discounted["exact"]:
                return discounted
        return values

    def _refund_base_line(self, quantity, price_unit, discount):
        """The tax engine's base line, tax details computed, of a credit note
        line refunding this line with these values, at the invoice's rate."""
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
            special_mode=False,
        )
        AccountTax._add_tax_details_in_base_line(base_line, self.company_id)
        return base_line

    def _refund_engine_totals(self, quantity, price_unit, discount):
        """Untaxed and total amounts that Odoo's tax engine gives a credit note
        line refunding this line with these values, rounded to the currency."""
        tax_details = self._refund_base_line(quantity, price_unit, discount)[
            "tax_details"
        ]
        return {
            "price_subtotal": self.currency_id.round(
                tax_details["raw_total_excluded_currency"]
            ),
            "price_total": self.currency_id.round(
                tax_details["raw_total_included_currency"]
            ),
        }

    def _refund_accounting_values(self, quantity, price_unit, discount):
        """Amounts and tax report tags that Odoo's tax engine gives the credit
        note line refunding this line with these values.

        Passed when the credit note is created, as Odoo's reversal passes the
        invoice's own, they leave the credit note's line sync nothing to
        rewrite; where they differ (a global rounding spread over several
        lines), the sync still writes the engine's values.
        """
        AccountTax = self.env["account.tax"]
        company = self.company_id
        base_line = self._refund_base_line(quantity, price_unit, discount)
        AccountTax._round_base_lines_tax_details([base_line], company)
        AccountTax._add_accounting_data_to_base_line_tax_details(
            base_line, company, include_caba_tags=self.move_id.always_tax_exigible
        )
        tax_details = base_line["tax_details"]
        return {
            "amount_currency": tax_details["total_excluded_currency"]
            + tax_details["delta_total_excluded_currency"],
            "balance": tax_details["total_excluded"]
            + tax_details["delta_total_excluded"],
            "tax_tag_ids": [Command.set(base_line["tax_tag_ids"].ids)],
        }


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _has_at_most_decimals(value, digits):
    """True when ``value`` has no more than ``digits`` decimals (float noise
    aside)."""
    # Python's round, correctly rounded: `float_round` adds an epsilon that
    # outweighs the cents of amounts beyond about 1e12 and refused them.
    return float_is_zero(value - round(value, digits), 9)
