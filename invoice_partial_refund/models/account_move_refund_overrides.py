# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""`account`'s invoice around its partial refunds: the smart buttons
opening them; its outstanding credits without the credit notes whose money
is on its way back through a gateway (they are settled by the gateway's
refund, never by another invoice); and a refund's entries (its credit note,
its refund payments'), which follow the refund: Odoo's Reset to Draft and
Cancel would leave the refund counting entries that no longer book anything
(and its own cancellation would then bill the customer again), so **Cancel
refund** undoes them by booked reversals instead; the invoice itself stays
posted while it has refunds."""

from odoo import _, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    # A second extension of the model, not a mixin: it overrides `account`'s
    # methods, which a mixin (below the model's classes) could not.
    _inherit = "account.move"

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
                    ("state", "in", ("requested", "pending")),
                ]
            )
        )
        return refunds.credit_note_id.sudo(False)

    # ------------------------------------------------------------
    # A CREDIT NOTE POSTED
    # ------------------------------------------------------------

    def _reconcile_reversed_moves(self, reverse_moves, move_reverse_cancel):
        """Override of `account`: skip the reconciliation of a partial
        refund's credit note with its invoice when it has nothing to do.

        Odoo reconciles a reversal's open lines with its origin's, account by
        account. A partial refund's invoice is paid: its receivable is
        settled, and the credit note's receivable line would be "reconciled"
        alone, which changes nothing but syncs every line of the credit note
        again. The refund's payment settles it (see
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

    def action_view_partial_refunds(self):
        self.ensure_one()
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

    def action_view_partial_refund_credit_notes(self):
        self.ensure_one()
        self.check_access("read")
        # Made by refunds only, not from this list.
        return self.partial_refund_ids.credit_note_id._get_records_action(
            name=_("Credit Notes"), context={"create": False}
        )

    # ------------------------------------------------------------
    # THE REFUND'S ENTRIES
    # ------------------------------------------------------------

    def button_draft(self):
        # Also reached by Cancel on a posted invoice.
        self._check_not_partial_refund_entries()
        self._check_no_partial_refunds()
        return super().button_draft()

    def button_cancel(self):
        self._check_not_partial_refund_entries()
        return super().button_cancel()

    def _check_no_partial_refunds(self):
        """Raise a UserError if one of these invoices has a partial refund
        not cancelled: in draft, its refunded lines could be changed or
        deleted under the money already sent back, and it would no longer
        be paid; Odoo's credit note of all of it would credit them again."""
        if not self:
            return
        # As superuser, as above: a Billing user resets invoices to draft.
        refunds = (
            self.env["account.partial.refund"]
            .sudo()
            .search([("move_id", "in", self.ids), ("state", "!=", "cancelled")])
        )
        if refunds:
            invoice = refunds[0].move_id
            raise UserError(
                _(
                    "%(invoice)s has partial refunds (%(refunds)s): while they "
                    "stand, it cannot be reset to draft, cancelled or credited with "
                    "Odoo's Credit Note. Refund its other lines with Partial "
                    "refund; to undo a refund, open it and click Cancel refund.",
                    invoice=invoice.display_name,
                    refunds=", ".join(
                        refunds.filtered(lambda r: r.move_id == invoice).mapped("name")
                    ),
                )
            )

    def _check_not_partial_refund_entries(self):
        """Raise a UserError if one of these moves is an entry of a partial
        refund not cancelled: its credit note or a refund payment's entry."""
        if not self:
            return
        # Looked up as superuser: the user may not read refunds (Billing
        # without the refund group), the entries are theirs to see.
        refunds = (
            self.env["account.partial.refund"]
            .sudo()
            .search(
                [
                    ("state", "!=", "cancelled"),
                    "|",
                    "|",
                    ("credit_note_id", "in", self.ids),
                    ("payment_id.move_id", "in", self.ids),
                    ("gateway_ids.refund_payment_id.move_id", "in", self.ids),
                ],
                limit=1,
            )
        )
        if refunds:
            entries = (
                refunds.credit_note_id
                | refunds.payment_id.move_id
                | refunds.gateway_ids.refund_payment_id.move_id
            )
            raise UserError(
                _(
                    "%(moves)s belongs to the partial refund %(refund)s: to undo "
                    "it, open the refund and click Cancel refund (its entries are "
                    "reversed, the invoice lines refundable again).",
                    moves=", ".join((self & entries).mapped("display_name")),
                    refund=refunds.name,
                )
            )
