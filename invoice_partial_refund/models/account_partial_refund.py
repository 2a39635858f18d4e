# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError

from .. import refund_request, utils
from ..gateways.const import GATEWAY_SELECTION

#: How the money goes back, chosen per refund (the refund and its wizard).
REFUND_VIA_SELECTION = [
    ("gateway", "Back through the gateway"),
    ("manual", "By hand"),
]


class AccountPartialRefund(models.Model):
    _name = "account.partial.refund"
    _description = "Partial Refund"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "account.partial.refund.request.mixin",
        "account.partial.refund.state.mixin",
        "account.partial.refund.manual.mixin",
        "account.partial.refund.reminder.mixin",
        "account.partial.refund.notification.mixin",
    ]
    _order = "date desc, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="move_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        related="move_id.commercial_partner_id",
        store=True,
        index=True,
    )
    currency_id = fields.Many2one(related="move_id.currency_id", store=True)
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    reason = fields.Char(readonly=True)
    line_ids = fields.One2many(
        comodel_name="account.partial.refund.line",
        inverse_name="refund_id",
        string="Refunded Lines",
        readonly=True,
    )
    credit_note_id = fields.Many2one(
        comodel_name="account.move",
        readonly=True,
        copy=False,
        check_company=True,
        index="btree_not_null",
    )
    payment_id = fields.Many2one(
        comodel_name="account.payment",
        string="Refund Payment",
        readonly=True,
        copy=False,
        check_company=True,
        index="btree_not_null",
    )
    journal_id = fields.Many2one(
        comodel_name="account.journal",
        string="Refund Journal",
        readonly=True,
        check_company=True,
    )
    # Of the journal above, whose company check allows a branch its parent's
    # journals (the method line's own would not, as on Odoo's payments).
    payment_method_line_id = fields.Many2one(
        comodel_name="account.payment.method.line",
        string="Payment Method",
        readonly=True,
    )
    refund_method = fields.Selection(
        selection=[("immediate", "Paid on the spot"), ("manual", "Manual refund")],
        string="Refunded Through",
        required=True,
        readonly=True,
        default="manual",
        help="Paid on the spot: the money left in the cash journal when the "
        "refund was recorded. Manual refund: someone must send the money "
        "outside Odoo (bank transfer, cheque) and confirm it.",
    )
    refund_via = fields.Selection(
        selection=REFUND_VIA_SELECTION,
        string="Money Back",
        required=True,
        readonly=True,
        default="gateway",
        help="Back through the gateway: the share of each gateway payment goes "
        "back through the gateway that took it, the rest through the refund "
        "journal. By hand: all of it through the refund journal (a closed card, "
        "a customer who asked for a transfer).",
    )
    state = fields.Selection(
        selection=[
            ("requested", "Requested"),
            ("pending", "Pending at gateway"),
            ("manual", "Awaiting manual refund"),
            ("done", "Refunded"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        readonly=True,
        default="requested",
        tracking=True,
        index=True,
    )
    gateway_ids = fields.One2many(
        comodel_name="account.partial.refund.gateway",
        inverse_name="refund_id",
        string="Gateway Refunds",
        readonly=True,
    )
    gateway = fields.Selection(
        selection=GATEWAY_SELECTION,
        compute="_compute_gateway",
        store=True,
        help="The gateway the refund went (or tried to go) through, if any.",
    )
    manual_due_date = fields.Date(
        string="Manual Refund Due",
        readonly=True,
        copy=False,
        index=True,
        help="When the money should have been sent by hand.",
    )
    manual_refund_date = fields.Date(string="Sent On", readonly=True, copy=False)
    manual_refunded_amount = fields.Monetary(
        string="Sent by Hand",
        readonly=True,
        copy=False,
        help="What was marked as sent by hand so far.",
    )
    manual_refund_reference = fields.Char(
        string="Transfer Reference", readonly=True, copy=False
    )
    manual_refund_means = fields.Selection(
        selection=[
            ("bank_transfer", "Bank transfer"),
            ("cheque", "Cheque"),
            ("cash", "Cash"),
            ("other", "Other"),
        ],
        string="Sent By",
        readonly=True,
        copy=False,
    )
    escalated = fields.Boolean(readonly=True, copy=False)
    reminder_checked_on = fields.Date(readonly=True, copy=False, index=True)
    customer_notified = fields.Boolean(readonly=True, copy=False)
    amount_untaxed = fields.Monetary("Untaxed", compute="_compute_amounts", store=True)
    amount_tax = fields.Monetary(string="Tax", compute="_compute_amounts", store=True)
    amount_rounding = fields.Monetary(
        string="Cash Rounding",
        readonly=True,
        help="The invoice's cash rounding, given back with the refund that "
        "leaves none of its lines to refund (untaxed).",
    )
    amount_total = fields.Monetary("Total", compute="_compute_amounts", store=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    # What the reports add up: refunds of invoices in several currencies.
    amount_total_company = fields.Monetary(
        string="Total in Company Currency",
        compute="_compute_amount_total_company",
        store=True,
        currency_field="company_currency_id",
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("line_ids.amount_untaxed", "line_ids.amount_total", "amount_rounding")
    def _compute_amounts(self):
        for refund in self:
            lines, rounding = refund.line_ids, refund.amount_rounding
            refund.amount_untaxed = sum(lines.mapped("amount_untaxed")) + rounding
            refund.amount_total = sum(lines.mapped("amount_total")) + rounding
            refund.amount_tax = refund.amount_total - refund.amount_untaxed

    # On the credit note only, set once it is posted: a dependency on its
    # amounts would make every write of any journal entry look up refunds.
    @api.depends("credit_note_id")
    def _compute_amount_total_company(self):
        for refund in self:
            # The credit note books the refund (rounding included) at the
            # invoice's rate; its signed total is negative.
            refund.amount_total_company = -refund.credit_note_id.amount_total_signed

    @api.depends("gateway_ids.gateway")
    def _compute_gateway(self):
        for refund in self:
            refund.gateway = refund.gateway_ids[:1].gateway

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        # The group may write a refund's activities only (its messages are
        # its audit trail): the rest follows the money, written as superuser.
        if not self.env.su and any(not name.startswith("activity_") for name in vals):
            raise AccessError(
                _(
                    "Refunds change through their buttons only "
                    "(mark as refunded, cancel)."
                )
            )
        return super().write(vals)

    def _get_mail_message_access(self, res_ids, operation, model_name=None):
        """Override of `mail`: editing or deleting a refund's message (its
        audit trail) asks for the right to delete the refund, which no group
        has; authors still edit their own, as Odoo lets them."""
        if operation in ("write", "unlink"):
            return "unlink"
        return super()._get_mail_message_access(res_ids, operation, model_name)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                # The invoice's company's sequence if it has its own.
                invoice = self.env["account.move"].browse(vals.get("move_id"))
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(invoice.company_id)
                    .next_by_code(
                        "account.partial.refund", sequence_date=vals.get("date")
                    )
                )
        return super().create(vals_list)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_credit_note(self):
        self = utils.one_record(self)
        self.check_access("read")
        return self.credit_note_id._get_records_action()

    def action_open_invoice(self):
        self = utils.one_record(self)
        self.check_access("read")
        return self.move_id._get_records_action()

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    def _refund_invoice(
        self,
        invoice,
        lines,
        journal_id=None,
        payment_method_line_id=None,
        reason=None,
        date=None,
        reversal_values=None,
        refund_via="gateway",
        idempotency_key=None,
    ):
        """Refund the requested lines of a paid customer invoice.

        In one transaction: the refund record, its posted credit note, its
        payment reconciled with it (no credit left open), its messages.

        :param invoice: the paid ``out_invoice``
        :param lines: ``(line_id, amount, quantity)`` tuples as
            `refund_request.parse_lines` returns them: with neither amount
            nor quantity, the line's whole remainder; an amount is on the
            basis the invoice shows its line amounts
        :param journal_id: id of the bank or cash journal the money leaves by
        :param payment_method_line_id: id of the outbound payment method line
        :param reason: the reason, shown on the credit note
        :param date: date of the credit note and of the payment (a date;
            default today, or the invoice's date if later)
        :param reversal_values: what a localization's reversal wizard
            (``account.move.reversal``) asks, e.g. a document type; the credit
            note takes them as Odoo's own "Credit Note" button does
        :param refund_via: ``"gateway"``: each gateway payment's share goes
            back through its gateway, the rest through the method;
            ``"manual"``: all of it through the method, by hand
        :param idempotency_key: the caller's key of the request: sent again,
            it answers the first's refund (`_get_retried_refund`)
        :return: the ``account.partial.refund`` record
        """
        self._check_refund_group()
        invoice.check_access("write")
        digest = idempotency_key and refund_request.request_digest(
            lines,
            {
                "journal_id": journal_id,
                "payment_method_line_id": payment_method_line_id,
                "reason": reason,
                "date": date,
                "reversal_values": reversal_values,
                "refund_via": refund_via,
            },
        )
        retried = self._get_retried_refund(invoice, idempotency_key, digest)
        if retried:
            return retried
        invoice._check_partial_refundable()
        self.env["account.move.reversal"]._check_partial_refund_values(
            invoice, reversal_values
        )
        date = date or invoice._get_partial_refund_default_date()
        invoice_lines = invoice._check_partial_refund_lines(lines)
        invoice._lock_for_partial_refund(invoice_lines)
        prepared = invoice_lines._prepare_refund_lines(
            [(amount, quantity) for _id, amount, quantity in lines]
        )
        rounding = invoice._get_partial_refund_cash_rounding(
            self.env["account.move.line"].union(
                *(line for line, request, _c in prepared if request["final"])
            )
        )
        invoice._check_partial_refund_total(
            invoice.currency_id.round(
                sum(credit_line.total for _line, _request, credit_line in prepared)
                + rounding
            )
        )
        method_line = invoice._get_partial_refund_method_line(
            journal_id=journal_id,
            payment_method_line_id=payment_method_line_id,
            refund_via=refund_via,
        )
        invoice._check_partial_refund_date(method_line.journal_id, date)

        # Refund records are written by this business code only (the group
        # reads them): created as superuser once the request was checked; the
        # booking below runs as the user, within the group's accounting rights.
        refund = (
            self.sudo()
            .create(
                {
                    "move_id": invoice.id,
                    "date": date,
                    "reason": reason,
                    "journal_id": method_line.journal_id.id,
                    "payment_method_line_id": method_line.id,
                    "refund_via": refund_via,
                    "amount_rounding": rounding,
                    "idempotency_key": idempotency_key,
                    "request_digest": digest,
                    "refund_method": "immediate"
                    if method_line.journal_id.type == "cash"
                    else "manual",
                    "line_ids": [
                        Command.create(
                            {
                                "invoice_line_id": line.id,
                                "mode": request["mode"],
                                "quantity": request["quantity"],
                                "amount_untaxed": credit_line.untaxed,
                                "amount_total": credit_line.total,
                                "tax_amounts": credit_line.taxes,
                            }
                        )
                        for line, request, credit_line in prepared
                    ],
                }
            )
            .sudo(False)
        )
        booking = refund.env["account.partial.refund.booking"]
        booking._create_credit_note(refund, prepared, reversal_values=reversal_values)
        booking._book_money_back(refund)
        refund._update_state()
        refund._post_refund_messages()
        if refund.gateway_ids:
            refund.gateway_ids._schedule_gateway_job()
        return refund
