# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.account_partial_refund import REFUND_VIA_SELECTION
from ..refund_request_values import REASON_MAX_LENGTH
from .account_partial_refund_wizard_line import PREVIEW_FIELDS


class AccountPartialRefundWizard(models.TransientModel):
    _name = "account.partial.refund.wizard"
    _inherit = ["account.partial.refund.wizard.split.mixin"]
    _description = "Partial Refund Wizard"
    _check_company_auto = True

    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="move_id.company_id")
    currency_id = fields.Many2one(related="move_id.currency_id")
    step = fields.Selection(
        selection=[("lines", "Lines"), ("summary", "Summary")],
        default="lines",
        required=True,
    )
    line_ids = fields.One2many(
        comodel_name="account.partial.refund.wizard.line",
        inverse_name="wizard_id",
        string="Lines",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )
    amount_basis = fields.Selection(
        selection=[("price_subtotal", "Tax excluded"), ("price_total", "Tax included")],
        compute="_compute_amount_basis_label",
    )
    amount_basis_label = fields.Char(compute="_compute_amount_basis_label")
    date = fields.Date(
        string="Refund Date", required=True, default=fields.Date.context_today
    )
    reason = fields.Char()
    available_payment_method_line_ids = fields.Many2many(
        comodel_name="account.payment.method.line",
        compute="_compute_available_payment_method_line_ids",
    )
    gateway_label = fields.Char(
        compute="_compute_gateway_label",
        help="The gateways that took the invoice's payments, if any.",
    )
    refund_via = fields.Selection(
        selection=REFUND_VIA_SELECTION,
        string="Money Back",
        required=True,
        default="gateway",
        help="Back through the gateway that took the payment (its share; the "
        "rest by hand), or all of it by hand through a bank or cash journal: "
        "the customer's card was closed, the customer asked for a transfer.",
    )
    payment_method_line_id = fields.Many2one(
        comodel_name="account.payment.method.line",
        string="Bank or Cash",
        compute="_compute_payment_method_line_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        domain="[('id', 'in', available_payment_method_line_ids)]",
    )
    amount_untaxed = fields.Monetary(
        string="Untaxed Refunded Now", compute="_compute_amounts"
    )
    amount_tax = fields.Monetary(string="Tax Refunded Now", compute="_compute_amounts")
    amount_rounding = fields.Monetary(
        string="Cash Rounding Refunded Now", compute="_compute_amounts"
    )
    amount_total = fields.Monetary(
        string="Total Refunded Now", compute="_compute_amounts"
    )
    split_html = fields.Html(
        string="Refunded Through",
        compute="_compute_split_html",
        sanitize=False,
        help="How the money goes back: each gateway payment's share through its "
        "gateway, the rest through the chosen method.",
    )
    remaining_untaxed = fields.Monetary(
        string="Untaxed Refundable After",
        compute="_compute_amounts",
        help="What stays refundable of the invoice's lines after this refund.",
    )
    remaining_tax = fields.Monetary(
        string="Tax Refundable After", compute="_compute_amounts"
    )
    remaining_total = fields.Monetary(
        string="Total Refundable After", compute="_compute_amounts"
    )
    amount_remaining = fields.Monetary(
        string="Still Refundable After",
        compute="_compute_amounts",
        help="What stays refundable on the invoice's lines after this refund, "
        "on the basis the invoice shows its lines (see the lines' amounts).",
    )
    refund_id = fields.Many2one(
        comodel_name="account.partial.refund",
        string="Refund Made",
        readonly=True,
        help="The refund this wizard made: it refunds once.",
    )
    # A localization asks something for credit notes (a document type).
    has_credit_note_options = fields.Boolean(compute="_compute_has_credit_note_options")
    error_message = fields.Text(
        string="Problems",
        compute="_compute_error_message",
        help="Each selected line's problem, in full.",
    )

    # ------------------------------------------------------------
    # DEFAULTS / COMPUTES
    # ------------------------------------------------------------

    @api.depends("move_id")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = [Command.clear()] + [
                Command.create({"invoice_line_id": line.id})
                for line in wizard.move_id.invoice_line_ids
                if line.display_type == "product"
            ]

    @api.depends("move_id")
    def _compute_amount_basis_label(self):
        for wizard in self:
            # The company's: a line weighing its tax alone is refunded on
            # its total whatever the others' basis.
            company = wizard.move_id.company_id or self.env.company
            included = company.account_price_include == "tax_included"
            basis = "price_total" if included else "price_subtotal"
            wizard.amount_basis = basis
            wizard.amount_basis_label = (
                _("Amounts tax included")
                if basis == "price_total"
                else _("Amounts tax excluded")
            )

    @api.depends("move_id")
    def _compute_available_payment_method_line_ids(self):
        for wizard in self:
            wizard.available_payment_method_line_ids = (
                wizard.move_id._get_partial_refund_method_lines()
                if wizard.move_id
                else False
            )

    @api.depends("move_id")
    def _compute_gateway_label(self):
        gateways = dict(self.env["account.payment"]._fields["refund_gateway"].selection)
        for wizard in self:
            shares = (
                wizard.move_id._get_partial_refund_gateway_split(
                    0.0, include_empty=True
                )
                if wizard.move_id
                else []
            )
            wizard.gateway_label = ", ".join(
                dict.fromkeys(gateways[share["gateway"]] for share in shares)
            )

    @api.depends("move_id")
    def _compute_has_credit_note_options(self):
        asked = self.env["account.move.reversal"]._get_partial_refund_asked_fields
        for wizard in self:
            invoice = wizard.move_id._origin
            wizard.has_credit_note_options = bool(invoice and asked(invoice))

    @api.depends("move_id")
    def _compute_payment_method_line_id(self):
        for wizard in self:
            if not wizard.move_id:
                wizard.payment_method_line_id = False
                continue
            try:
                wizard.payment_method_line_id = (
                    wizard.move_id._get_partial_refund_method_line()
                )
            except UserError:
                wizard.payment_method_line_id = False

    @api.depends("line_ids.selected", "line_ids.error", "amount_total")
    def _compute_error_message(self):
        for wizard in self:
            selected = wizard.line_ids.filtered("selected")
            errors = list(filter(None, selected.mapped("error")))
            if selected and not errors:
                # The invoice's cap: what the customer paid (discount lines,
                # an early payment discount, Odoo's own credit notes).
                try:
                    wizard.move_id._origin._check_partial_refund_total(
                        wizard.amount_total
                    )
                except UserError as error:
                    errors.append(error.args[0])
            wizard.error_message = "\n".join(errors) or False

    @api.onchange("line_ids")
    def _onchange_line_ids(self):
        """Drop the lines' previews the web client sends back (new records
        built from every value of the list, computed ones included, from the
        previous onchange): else the breakdown lags one tick behind."""
        self.line_ids.invalidate_recordset(PREVIEW_FIELDS)

    @api.constrains("payment_method_line_id")
    def _check_payment_method_line_id(self):
        """Only a method offered for the invoice (its company's or a parent's
        bank and cash journals): saved otherwise, the summary would show
        another company's journal."""
        for wizard in self:
            method = wizard.payment_method_line_id
            if method and method not in wizard.available_payment_method_line_ids:
                raise ValidationError(
                    _(
                        "Choose how the money goes back among the bank and cash "
                        "methods offered for %(invoice)s.",
                        invoice=wizard.move_id.display_name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Before the records exist: their computes read the invoice as
        # superuser (related fields), a foreign invoice is refused first.
        default = self.env.context.get("default_move_id")
        self._check_invoices([vals.get("move_id", default) for vals in vals_list])
        return super().create(vals_list)

    def write(self, vals):
        if "move_id" in vals:
            self._check_invoices([vals["move_id"]])
        return super().write(vals)

    @api.model
    def default_get(self, fields_list):
        # A new wizard's defaults (the context's, the user's own
        # `ir.default`) are values of it, which the web client's onchange
        # reads: checked as the user, also when a related field reads them
        # as superuser.
        defaults = super().default_get(fields_list)
        self.sudo(False)._check_onchange_values(defaults)
        return defaults

    def onchange(self, values, field_names, fields_spec):
        self._check_onchange_values(values)
        return super().onchange(values, field_names, fields_spec)

    def _check_onchange_values(self, values):
        """As create: what the wizard shows is read from its invoice (related
        fields as superuser), a foreign invoice is refused first; and so are
        its lines as the web client sends them: commands, the new and
        changed ones with their values (a saved wizard's onchange sends its
        changes only: its own invoice), their numbers too."""
        move_id = values.get("move_id")
        if move_id:
            self._check_invoices([move_id])
        Line = self.env["account.partial.refund.wizard.line"]
        lines = [
            command[2]
            for command in values.get("line_ids") or ()
            if isinstance(command, (list, tuple))
            and len(command) > 2
            and isinstance(command[2], dict)
        ]
        for line_values in lines:
            Line._check_numbers(line_values)
        Line._check_onchange_invoice_lines(
            move_id
            or (self.move_id.id if len(self) == 1 else None)
            or self.env.context.get("default_move_id"),
            lines,
        )

    @api.model
    def _check_invoices(self, move_ids):
        """Refuse invoices the user may not refund (the refund group, then
        write access: rights, record rules, company); one is required."""
        self.env["account.partial.refund"]._check_refund_group()
        if not all(isinstance(move_id, int) and move_id for move_id in move_ids):
            raise UserError(_("Choose the invoice to refund."))
        invoices = self.env["account.move"].browse(move_ids)
        if len(invoices.exists()) != len(invoices):
            raise UserError(_("The invoice to refund does not exist."))
        invoices.check_access("write")
        for invoice in invoices:
            invoice._check_partial_refundable()

    def _check_wizard_access(self):
        """The wizard is the user's own (record rule) and its invoice is one
        they may refund."""
        self.check_access("write")
        self._check_invoices(self.move_id.ids)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_complete(self):
        """First step: check the refund as Refund now will and show the
        summary."""
        self.ensure_one()
        self._check_wizard_access()
        self._check_refund()
        self.step = "summary"
        return self._reopen()

    def _check_refund(self):
        """Raise a UserError on what Refund now would refuse, in the wizard's
        words: every selected line, what the customer paid, the way back,
        the date and the reason."""
        selected = self.line_ids.filtered("selected")
        if not selected:
            raise UserError(_("Tick at least one line to refund."))
        errors = selected.filtered("error")
        if errors:
            raise UserError(errors[0].error)
        invoice = self.move_id
        invoice._check_partial_refund_total(self.amount_total)
        self._check_payment_method_line_id()
        invoice._check_partial_refund_date(
            self.payment_method_line_id.journal_id, self.date
        )
        if self.reason and len(self.reason) > REASON_MAX_LENGTH:
            raise UserError(
                _(
                    "The reason is %(length)s characters long: keep it under %(max)s.",
                    length=len(self.reason),
                    max=REASON_MAX_LENGTH,
                )
            )

    def action_back(self):
        self.ensure_one()
        self._check_wizard_access()
        self.step = "lines"
        return self._reopen()

    def action_open_credit_note_options(self):
        """What the localization asks for credit notes, in Odoo's reversal
        wizard (see `account.move.reversal._open_for_partial_refund`)."""
        self.ensure_one()
        self._check_wizard_access()
        return self.env["account.move.reversal"]._open_for_partial_refund(self)

    def action_refund_now(self):
        """Second step: refund through `account.move.action_partial_refund`."""
        self.ensure_one()
        self._check_wizard_access()
        if self.refund_id:
            # A second click, a request sent again: never a second refund.
            raise UserError(
                _(
                    "This refund was already made: %(refund)s.",
                    refund=self.refund_id.name,
                )
            )
        self._check_refund()
        refund_id = self.move_id.action_partial_refund(
            [line._to_request() for line in self.line_ids.filtered("selected")],
            payment_method_line_id=self.payment_method_line_id.id,
            reason=self.reason or False,
            date=self.date,
            refund_via=self.refund_via,
            reversal_values=self.env[
                "account.move.reversal"
            ]._get_partial_refund_values(self),
        )
        self.refund_id = refund_id
        return self.refund_id._get_records_action(context={"create": False})

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Partial Refund"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "context": {"dialog_size": "extra-large"},
        }
