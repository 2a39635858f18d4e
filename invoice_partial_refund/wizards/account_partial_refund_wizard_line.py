# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import refund_shares
from ..refund_request_values import MAX_NUMBER

#: What each line's preview computes (see `_compute_preview`).
PREVIEW_FIELDS = [
    "amount_refunded_now",
    "amount_untaxed",
    "amount_total",
    "error",
    "is_final",
]


class AccountPartialRefundWizardLine(models.TransientModel):
    _name = "account.partial.refund.wizard.line"
    _description = "Partial Refund Wizard Line"

    wizard_id = fields.Many2one(
        comodel_name="account.partial.refund.wizard", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    invoice_line_id = fields.Many2one(comodel_name="account.move.line", required=True)
    selected = fields.Boolean(string="To Refund")
    name = fields.Char(related="invoice_line_id.name", string="Description")
    quantity = fields.Float(related="invoice_line_id.quantity")
    price_unit = fields.Float(related="invoice_line_id.price_unit")
    tax_ids = fields.Many2many(related="invoice_line_id.tax_ids", string="Taxes")
    line_amount = fields.Monetary(string="Amount", compute="_compute_line_amount")
    refunded_amount = fields.Monetary(related="invoice_line_id.refunded_amount")
    refundable_amount = fields.Monetary(related="invoice_line_id.refundable_amount")
    refund_mode = fields.Selection(
        selection=[
            ("full", "Refund in full"),
            ("amount", "Amount"),
            ("quantity", "Quantity"),
        ],
        string="Refund",
        default="full",
        required=True,
    )
    # On the basis the invoice shows its lines: the list labels its column
    # "Amount (Excl.)" or "Amount (Incl.)" (the field twice, one shown).
    amount = fields.Monetary(string="Amount to Refund")
    refund_quantity = fields.Float(
        string="Quantity to Refund", digits="Product Unit of Measure"
    )
    amount_refunded_now = fields.Monetary(compute="_compute_preview")
    amount_untaxed = fields.Monetary(string="Untaxed", compute="_compute_preview")
    amount_total = fields.Monetary(string="Total", compute="_compute_preview")
    error = fields.Char(compute="_compute_preview")
    #: the line's whole remainder is refunded (see `_prepare_refund_request`)
    is_final = fields.Boolean(compute="_compute_preview")

    @api.depends("invoice_line_id")
    def _compute_line_amount(self):
        # The shares of all the lines in one look per invoice.
        shares = self.invoice_line_id._refund_shares()
        for line in self:
            invoice_line = line.invoice_line_id
            line.line_amount = (
                invoice_line._refund_basis_value(
                    share=shares.get(invoice_line, refund_shares.Share())
                )
                if invoice_line
                else 0.0
            )

    @api.depends("selected", "refund_mode", "amount", "refund_quantity")
    def _compute_preview(self):
        # The booking's checks and figures (`_prepare_refund_lines`) for all
        # the selected lines at once; each line's error shown on it.
        selected = self.filtered(lambda line: line.selected and line.invoice_line_id)
        invoice_lines = self.env["account.move.line"].concat(
            *(line.invoice_line_id for line in selected)
        )
        requests = [line._to_request() for line in selected]
        errors = {}
        prepared = invoice_lines._prepare_refund_lines(
            [(request.get("amount"), request.get("quantity")) for request in requests],
            errors=errors,
        )
        previews = iter(prepared)
        for line in self:
            line.amount_refunded_now = line.amount_untaxed = line.amount_total = 0.0
            line.is_final = line.error = False
        for index, line in enumerate(selected):
            if index in errors:
                line.error = errors[index]
                continue
            _invoice_line, request, credit_line = next(previews)
            line.amount_refunded_now = request["amount"]
            line.is_final = request["final"]
            line.amount_untaxed = credit_line.untaxed
            line.amount_total = credit_line.total

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_numbers(vals)
        # Before the records exist: their related fields read the invoice line
        # as superuser.
        self._check_invoice_lines(
            [(vals.get("wizard_id"), vals.get("invoice_line_id")) for vals in vals_list]
        )
        return super().create(vals_list)

    def write(self, vals):
        self._check_numbers(vals)
        if "wizard_id" in vals or "invoice_line_id" in vals:
            self._check_invoice_lines(
                [
                    (
                        vals.get("wizard_id", line.wizard_id.id),
                        vals.get("invoice_line_id", line.invoice_line_id.id),
                    )
                    for line in self
                ]
            )
        return super().write(vals)

    @api.model
    def default_get(self, fields_list):
        # A new line's defaults (the context's, the user's own `ir.default`)
        # are values of it, which the web client's onchange reads: checked
        # as the user, also when a related field reads them as superuser.
        defaults = super().default_get(fields_list)
        self.sudo(False)._check_onchange_values(defaults)
        return defaults

    def onchange(self, values, field_names, fields_spec):
        self._check_onchange_values(values)
        return super().onchange(values, field_names, fields_spec)

    @api.model
    def _check_onchange_values(self, values):
        """As create: what a line shows is read from its invoice line as
        superuser, the invoice is checked first: the wizard's, which the web
        client sends as the wizard's values (or its id); and its numbers."""
        self._check_numbers(values)
        wizard, invoice_id = values.get("wizard_id"), None
        if isinstance(wizard, dict):
            wizard, invoice_id = wizard.get("id"), wizard.get("move_id")
        if invoice_id:
            self.env["account.partial.refund.wizard"]._check_invoices([invoice_id])
        elif wizard:
            if not isinstance(wizard, int):
                raise UserError(_("A line to refund belongs to a refund wizard."))
            wizard = self.env["account.partial.refund.wizard"].browse(wizard).exists()
            if not wizard:
                raise UserError(_("A line to refund belongs to a refund wizard."))
            wizard._check_wizard_access()
            invoice_id = wizard.move_id.id
        if values.get("invoice_line_id"):
            self._check_onchange_invoice_lines(invoice_id, [values])

    @api.model
    def _check_onchange_invoice_lines(self, invoice_id, values_list):
        """The invoice lines an onchange is given (``invoice_line_id`` of
        each of ``values_list``), which it reads as superuser and `create`
        never checks there: plain ids of product lines of one invoice the
        user may refund, ``invoice_id`` when given."""
        line_ids = [
            values["invoice_line_id"]
            for values in values_list
            if values.get("invoice_line_id")
        ]
        if not line_ids:
            return
        if not all(isinstance(line_id, int) for line_id in line_ids):
            raise UserError(_("Choose the invoice line to refund."))
        lines = self.env["account.move.line"].sudo().browse(line_ids)
        if len(lines.exists()) != len(lines):
            raise UserError(_("The invoice line to refund does not exist."))
        self.env["account.partial.refund.wizard"]._check_invoices(lines.move_id.ids)
        invoice = self.env["account.move"].browse(invoice_id or lines.move_id[:1].id)
        if lines.move_id != invoice or any(
            line.display_type != "product" for line in lines
        ):
            raise UserError(
                _(
                    "Only product lines of %(invoice)s can be refunded here.",
                    invoice=invoice.display_name,
                )
            )
        self._check_once(line_ids)

    @api.model
    def _check_numbers(self, vals):
        """The amount and quantity typed are numbers (JSON-RPC can send NaN
        and infinities, which the ORM would fail on), no larger than the
        API takes (`refund_request_values.MAX_NUMBER`)."""
        for name in ("amount", "refund_quantity"):
            value = vals.get(name)
            if isinstance(value, float) and not math.isfinite(value):
                raise ValidationError(
                    _(
                        "The %(field)s of a line to refund must be a number, "
                        "not %(value)s.",
                        field=self._fields[name].string,
                        value=value,
                    )
                )
            if isinstance(value, int | float) and abs(value) > MAX_NUMBER:
                raise ValidationError(
                    _(
                        "The %(field)s of a line to refund is too large: at most "
                        "%(max)s.",
                        field=self._fields[name].string,
                        max=MAX_NUMBER,
                    )
                )

    @api.model
    def _check_invoice_lines(self, pairs):
        """A wizard line is a product line of its wizard's invoice, in a
        wizard of the user's own. Checked per wizard, not per line.

        :param pairs: ``(wizard id, invoice line id)`` of each line
        """
        wizard_ids = {wizard_id for wizard_id, _line_id in pairs}
        if not all(
            isinstance(wizard_id, int) and wizard_id for wizard_id in wizard_ids
        ):
            raise UserError(_("A line to refund belongs to a refund wizard."))
        wizards = self.env["account.partial.refund.wizard"].browse(sorted(wizard_ids))
        if len(wizards.exists()) != len(wizards):
            raise UserError(_("A line to refund belongs to a refund wizard."))
        wizards.check_access("write")
        product_lines = {
            wizard.id: set(
                wizard.move_id.invoice_line_ids.filtered(
                    lambda line: line.display_type == "product"
                ).ids
            )
            for wizard in wizards
        }
        for wizard_id, line_id in pairs:
            if line_id not in product_lines[wizard_id]:
                raise UserError(
                    _(
                        "Only product lines of %(invoice)s can be refunded here.",
                        invoice=wizards.browse(wizard_id).move_id.display_name,
                    )
                )
        # With the wizards' other lines: an invoice line is in a wizard once.
        others = self.search([("wizard_id", "in", wizards.ids)]) - self
        self._check_once(
            [(line.wizard_id.id, line.invoice_line_id.id) for line in others] + pairs
        )

    @api.model
    def _check_once(self, keys):
        """Refuse an invoice line twice in ``keys`` (line ids, or pairs of a
        wizard id and a line id): each line is refunded once per refund."""
        seen = set()
        for key in keys:
            if key in seen:
                line_id = key[1] if isinstance(key, tuple) else key
                raise UserError(
                    _(
                        "The line “%(line)s” is in the refund twice: tick it once.",
                        line=self.env["account.move.line"].sudo().browse(line_id).name,
                    )
                )
            seen.add(key)

    def _to_request(self):
        """The line as a request of `account.move.action_partial_refund`."""
        self.ensure_one()
        request = {"line_id": self.invoice_line_id.id}
        if self.refund_mode == "amount":
            # As the field stores it (a preview sees it as typed).
            request["amount"] = self.currency_id.round(self.amount)
        elif self.refund_mode == "quantity":
            request["quantity"] = self.refund_quantity
        return request
