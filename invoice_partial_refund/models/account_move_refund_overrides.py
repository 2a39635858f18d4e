# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""`account`'s invoice around its partial refunds: its refund status and
what was refunded (form, lists, PDF), the button opening the wizard and
the smart buttons opening them; its outstanding credits without the credit
notes whose money is on its way back through a gateway (they are settled
by the gateway's refund, never by another invoice); and a refund's entries
(its credit note, its refund payments'), which follow the refund: Odoo's
Reset to Draft and Cancel would leave the refund counting entries that no
longer book anything (and its own cancellation would then bill the
customer again), so **Cancel refund** undoes them by booked reversals
instead; the invoice itself stays posted while it has refunds (the checks:
`account_move_refund_guard_mixin.py`)."""

from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv.expression import NEGATIVE_TERM_OPERATORS, TERM_OPERATORS_NEGATION

from .. import refund_request, utils

# Odoo's credit notes that refund an invoice (see `_get_partial_refund_totals`).
REFUNDING_CREDIT_NOTES = [("state", "=", "posted"), ("move_type", "=", "out_refund")]


class AccountMove(models.Model):
    # A second extension of the model, not a mixin: it overrides `account`'s
    # methods, which a mixin (below the model's classes) could not; the
    # checks its overrides call are the guard mixin's.
    _name = "account.move"
    _inherit = ["account.move", "account.move.refund.guard.mixin"]

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    partial_refund_count = fields.Integer(compute="_compute_partial_refund_count")
    partial_refund_credit_note_count = fields.Integer(
        compute="_compute_partial_refund_count"
    )
    partial_refund_id = fields.Many2one(
        comodel_name="account.partial.refund",
        compute="_compute_partial_refund_id",
        search="_search_partial_refund_id",
        help="On a partial refund's credit note: the refund that made it "
        "(its Cancel refund undoes them both).",
    )
    partial_refund_status = fields.Selection(
        selection=[
            ("none", "Not refunded"),
            ("partial", "Partially refunded"),
            ("refunded", "Refunded"),
        ],
        string="Refund Status",
        compute="_compute_partial_refund_status",
        search="_search_partial_refund_status",
    )
    can_partial_refund = fields.Boolean(compute="_compute_partial_refund_status")
    partial_refunded_amount = fields.Monetary(
        string="Refunded",
        compute="_compute_partial_refund_status",
        help="Total refunded so far, tax included: partial refunds not "
        "cancelled and credit notes made with Odoo's own Credit Note button.",
    )
    partial_refundable_amount = fields.Monetary(
        string="Still Refundable",
        compute="_compute_partial_refund_status",
        help="What the customer paid less what was refunded so far, tax included.",
    )

    # ------------------------------------------------------------
    # REFUND STATUS AND SMART BUTTONS
    # ------------------------------------------------------------

    @api.depends("partial_refund_ids")
    def _compute_partial_refund_count(self):
        # As superuser: a salesperson reads invoices, not their refunds.
        groups = (
            self.env["account.partial.refund"]
            .sudo()
            ._read_group(
                [("move_id", "in", self.ids)],
                ["move_id"],
                ["__count", "credit_note_id:count_distinct"],
            )
        )
        counts = {move: (count, notes) for move, count, notes in groups}
        for move in self:
            move.partial_refund_count, move.partial_refund_credit_note_count = (
                counts.get(move._origin, (0, 0))
            )

    @api.depends("move_type")
    def _compute_partial_refund_id(self):
        # As superuser: the views show it to who may read refunds only.
        notes = self._origin.filtered(lambda move: move.move_type == "out_refund")
        refunds = (
            self.env["account.partial.refund"]
            .sudo()
            .search([("credit_note_id", "in", notes.ids)])
            if notes
            else ()
        )
        by_note = {refund.credit_note_id.id: refund.id for refund in refunds}
        for move in self:
            move.partial_refund_id = by_note.get(move._origin.id, False)

    def _search_partial_refund_id(self, operator, value):
        # As superuser, as computed: the refunds that made credit notes.
        positive = operator not in NEGATIVE_TERM_OPERATORS
        if value is False or value is None:
            positive, domain = not positive, []
        else:
            term = operator if positive else TERM_OPERATORS_NEGATION[operator]
            field = "name" if isinstance(value, str) else "id"
            domain = [(field, term, value)]
        notes = self.env["account.partial.refund"].sudo().search(domain).credit_note_id
        return [("id", "in" if positive else "not in", notes.ids)]

    def _search_partial_refund_status(self, operator, value):
        """Only an invoice with refunds not cancelled or Odoo's posted credit
        notes has another status than "none": theirs are computed."""
        values = set(value) if isinstance(value, list | tuple) else {value}
        refunded = self.sudo().search(
            [
                ("move_type", "=", "out_invoice"),
                "|",
                ("partial_refund_ids.state", "!=", "cancelled"),
                ("reversal_move_ids", "any", REFUNDING_CREDIT_NOTES),
            ]
        )
        matching = refunded.filtered(lambda move: move.partial_refund_status in values)
        if operator in NEGATIVE_TERM_OPERATORS:
            values, matching = {"none"} - values, refunded - matching
        if "none" in values:
            return [("id", "not in", (refunded - matching).ids)]
        return [("id", "in", matching.ids)]

    @api.depends(
        "move_type",
        "state",
        "payment_state",
        "invoice_line_ids.refunded_price_total",
        "invoice_line_ids.price_total",
        "amount_total",
        "partial_refund_ids.state",
        "partial_refund_ids.amount_total",
        "reversal_move_ids.state",
        "reversal_move_ids.amount_total",
    )
    def _compute_partial_refund_status(self):
        for move in self:
            lines = move.invoice_line_ids.filtered(
                lambda line: line.display_type == "product"
            )
            invoice = move.move_type == "out_invoice" and move.state == "posted"
            # All the customer paid may be back before the lines are; Odoo's
            # own credit notes count.
            totals = move._origin._get_partial_refund_totals() if invoice else (0, 0)
            move.partial_refunded_amount, move.partial_refundable_amount = totals
            nothing_left = invoice and totals[1] <= 0
            status = "none"
            if move.move_type == "out_invoice" and any(
                not move.currency_id.is_zero(line.refunded_price_total)
                for line in lines
            ):
                # What each line weighs in the books, rounding cents included.
                shares = lines._origin._refund_shares()
                lines_left = any(
                    not move.currency_id.is_zero(
                        line.currency_id.round(shares[line._origin].total)
                        - line.refunded_price_total
                    )
                    for line in lines
                    if line._origin in shares
                )
                status = "partial" if lines_left and not nothing_left else "refunded"
            elif invoice and not move.currency_id.is_zero(totals[0]):
                status = "refunded" if nothing_left else "partial"
            move.partial_refund_status = status
            move.can_partial_refund = (
                move.move_type == "out_invoice"
                and move.state == "posted"
                and move.payment_state in ("paid", "in_payment")
                and status != "refunded"
                and bool(lines)
                and not nothing_left
            )

    # ------------------------------------------------------------
    # OUTSTANDING CREDITS
    # ------------------------------------------------------------

    def _compute_payments_widget_to_reconcile_info(self):
        """Override of `account` to keep out of the outstanding credits the
        credit notes whose money is still on its way back through a gateway:
        they are settled by the gateway's refund, never by another invoice."""
        super()._compute_payments_widget_to_reconcile_info()
        in_transit = self._get_partial_refund_credit_notes_in_transit()
        if not in_transit:
            return
        for move in self.filtered("invoice_has_outstanding"):
            widget = move.invoice_outstanding_credits_debits_widget
            content = [
                item
                for item in widget["content"]
                if item["move_id"] not in in_transit.ids
            ]
            if content:
                move.invoice_outstanding_credits_debits_widget = dict(
                    widget, content=content
                )
            else:
                move.invoice_outstanding_credits_debits_widget = False
                move.invoice_has_outstanding = False

    def js_assign_outstanding_line(self, line_id):
        """Override of `account` to refuse using a credit note whose money is
        on its way back through a gateway."""
        # Public over RPC: an id, or a clear error (not the database's).
        try:
            line_id = refund_request.parse_id(line_id, "line_id", _=self.env._)
        except refund_request.RefundRequestError as error:
            raise ValidationError(str(error)) from None
        # Before the lookup below, which reads refunds as superuser.
        self.check_access("write")
        line = self.env["account.move.line"].browse(line_id)
        line.check_access("write")
        if line.move_id in self._get_partial_refund_credit_notes_in_transit():
            raise UserError(
                _(
                    "%(credit_note)s is being refunded through a gateway: it cannot "
                    "pay another invoice.",
                    credit_note=line.move_id.name,
                )
            )
        return super().js_assign_outstanding_line(line_id)

    def _get_partial_refund_credit_notes_in_transit(self):
        partners = self.commercial_partner_id
        if not partners:
            return self.env["account.move"]
        # All refunds of these customers, also those of companies the user
        # does not see: a credit note of theirs still must not be used here.
        refunds = (
            self.env["account.partial.refund"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("gateway_ids.state", "in", ("requested", "pending")),
                ]
            )
        )
        return refunds.credit_note_id.sudo(False)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_partial_refund_wizard(self):
        self = utils.one_record(self)
        self.env["account.partial.refund"]._check_refund_group()
        self.check_access("write")
        self._check_partial_refundable()
        return {
            "type": "ir.actions.act_window",
            "name": _("Partial Refund"),
            "res_model": "account.partial.refund.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_move_id": self.id,
                "default_date": fields.Date.to_string(
                    self._get_partial_refund_default_date()
                ),
                "dialog_size": "extra-large",
            },
        }

    def _get_partial_refund_paid_back(self):
        """What Odoo's payment flow gave back of the payments of this invoice
        (`account.payment._get_refunded_by_odoo`) without a credit note: of
        each, its part of what the payment paid of this invoice."""
        self.ensure_one()
        paid = defaultdict(float)
        for partial in self.line_ids.matched_credit_ids:
            payment = partial.credit_move_id.move_id.origin_payment_id
            if payment and payment.payment_type == "inbound":
                paid[payment] += partial.debit_amount_currency
        payments = self.env["account.payment"].concat(*paid)
        back = sum(
            paid[payment] * refunded / payment.amount
            for payment, refunded in payments._get_refunded_by_odoo().items()
            if payment.amount
        )
        return self.currency_id.round(back)

    def _get_partial_refund_default_date(self):
        """A refund's date unless one is given: today, or the invoice's date
        for an invoice dated later (see `_check_partial_refund_date`)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        return max(today, self.invoice_date or today)

    def action_view_partial_refunds(self):
        self = utils.one_record(self)
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "invoice_partial_refund.account_partial_refund_action"
        )
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {"create": False}
        if self.partial_refund_count == 1:
            action["view_mode"] = "form"
            action["views"] = [(False, "form")]
            action["res_id"] = self.partial_refund_ids.id
        return action

    def action_open_partial_refund(self):
        """The partial refund that made this credit note."""
        self = utils.one_record(self)
        self.check_access("read")
        return self.partial_refund_id._get_records_action(context={"create": False})

    def action_view_partial_refund_credit_notes(self):
        self = utils.one_record(self)
        self.check_access("read")
        # Made by refunds only, not from this list.
        return self.partial_refund_ids.credit_note_id._get_records_action(
            name=_("Credit Notes"), context={"create": False}
        )

    # ------------------------------------------------------------
    # THE REFUND'S ENTRIES
    # ------------------------------------------------------------

    @api.depends("partial_refund_ids.state")
    def _compute_show_reset_to_draft_button(self):
        """Override of `account`: no Reset to Draft where `button_draft`
        refuses it: an invoice with partial refunds standing, a refund's
        entries and the reversals that undid them."""
        res = super()._compute_show_reset_to_draft_button()
        shown = self.filtered(
            lambda move: move.show_reset_to_draft_button and isinstance(move.id, int)
        )
        if not shown:
            return res
        entries = self.browse().union(*shown._get_partial_refunds_entries().values())
        # As superuser: who reads the invoice may not read its refunds.
        refunded = shown.sudo().filtered(
            lambda move: any(r.state != "cancelled" for r in move.partial_refund_ids)
        )
        for move in shown:
            if move in entries or move in refunded:
                move.show_reset_to_draft_button = False
        return res

    @api.model_create_multi
    def create(self, vals_list):
        self.env["account.move.line"]._check_refund_line_defaults()
        return super().create(vals_list)

    def write(self, vals):
        self.env["account.move.line"]._check_refund_line_defaults()
        # `state` is a plain field over RPC: leaving "posted" by a write is
        # Reset to Draft or Cancel without their checks.
        if vals.get("state") in ("draft", "cancel"):
            self.filtered(lambda move: move.state == "posted")._check_can_reset()
        elif vals.get("state") == "posted":
            # Posted (`_post` writes `state`, as a call over RPC may): Odoo's
            # credit note of a partly refunded invoice, left in draft before
            # the refund, would credit the refunded lines again.
            drafts = self.filtered(lambda move: move.state != "posted")
            drafts._get_odoo_credit_notes().reversed_entry_id._check_no_partial_refunds()
        return super().write(vals)

    def button_draft(self):
        self._check_can_reset()
        return super().button_draft()

    def _check_can_reset(self):
        """The checks before these posted moves go back to draft (Reset to
        Draft, also reached by Cancel on a posted invoice, or a write of
        their state): not a refund's entry, not an invoice with refunds,
        not what paid one. Odoo's credit note of a partly refunded invoice:
        in draft it would no longer count (more refundable), and could not
        be posted again (`write`)."""
        self._check_not_partial_refund_entries()
        self._check_no_partial_refunds()
        self._get_odoo_credit_notes().reversed_entry_id._check_no_partial_refunds()
        self._check_not_paying_partly_refunded()

    def button_cancel(self):
        self._check_unbooking()
        return super().button_cancel()
