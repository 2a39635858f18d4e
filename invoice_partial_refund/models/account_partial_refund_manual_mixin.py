# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Manual refunds: confirmation, cancellation (their reminders are in
account_partial_refund_reminder_mixin.py, their notes and emails in
account_partial_refund_notification_mixin.py)."""

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import clean_context, format_date

from .. import utils


class AccountPartialRefundManualMixin(models.AbstractModel):
    """The manual refund part of `account.partial.refund` (its only user)."""

    _name = "account.partial.refund.manual.mixin"
    _description = "Partial Refund Manual Confirmation and Cancellation"

    def _manual_amount(self):
        """What has to be sent by hand: the manual payment and the gateway
        shares that fell back to it, less what was marked as sent already (a
        gateway's refund the customer's bank returned after the rest was
        sent by hand falls back alone)."""
        self.ensure_one()
        fallbacks = self.gateway_ids.filtered("manual_fallback")
        # A cash refund's payment went out on the spot. In the refund's
        # currency (the payment may be in its journal's).
        by_hand = (
            self.credit_note_id.amount_total - sum(self.gateway_ids.mapped("amount"))
            if self.payment_id and self.refund_method == "manual"
            else 0.0
        )
        return self.currency_id.round(
            by_hand + sum(fallbacks.mapped("amount")) - self.manual_refunded_amount
        )

    def action_open_confirm_wizard(self):
        self = utils.one_record(self)
        self._check_refund_access()
        self._check_awaiting_manual_refund()
        return {
            "type": "ir.actions.act_window",
            "name": _("Mark as Refunded"),
            "res_model": "account.partial.refund.confirm.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_refund_id": self.id},
        }

    def _check_awaiting_manual_refund(self):
        if self.state != "manual":
            raise UserError(
                _("%(refund)s is not awaiting a manual refund.", refund=self.name)
            )

    def _confirm_manual_refund(self, date, reference, means, amount=None):
        """Someone sent the money by hand: record how, close the reminder.

        Behind the confirmation wizard's button: checks the user may change
        this refund before anything is written.

        :param amount: what the user was shown as owed and sent; refused if
            the refund now owes another amount by hand
        """
        self.ensure_one()
        self._check_refund_access()
        self._check_awaiting_manual_refund()
        reference = reference.strip() if isinstance(reference, str) else ""
        if not reference:
            raise UserError(
                _(
                    "Give the reference of the transfer or cheque that sent the "
                    "money of %(refund)s.",
                    refund=self.name,
                )
            )
        # In the user's language, as the sentences they are said in.
        means_field = self._fields["manual_refund_means"]
        means_labels = dict(means_field._description_selection(self.env))
        if means not in means_labels:
            raise UserError(
                _(
                    "Say how the money was sent: %(means)s.",
                    means=", ".join(means_labels.values()),
                )
            )
        # Its payment is booked on the refund's date: sent from then on, and
        # marked once sent (a later day is a typo, or money not sent yet).
        date = fields.Date.to_date(date) if date else None
        if not date or date < self.date or date > fields.Date.context_today(self):
            raise UserError(
                _(
                    "The money of %(refund)s was sent between the refund's date, "
                    "%(start)s, and today: give that date (mark the refund once "
                    "the money has left).",
                    refund=self.name,
                    start=format_date(self.env, self.date),
                )
            )
        sent = self._manual_amount()
        if amount is not None and self.currency_id.compare_amounts(amount, sent):
            raise UserError(
                _(
                    "%(refund)s now owes %(amount)s by hand, not %(shown)s: a "
                    "gateway answered meanwhile. Mark it as refunded again to "
                    "see what is owed.",
                    refund=self.name,
                    amount=self.currency_id.format(sent),
                    shown=self.currency_id.format(amount),
                )
            )
        # The refund's own fields follow the money: business code only (see write).
        self.sudo().write(
            {
                "manual_refund_date": date,
                "manual_refund_reference": reference,
                "manual_refund_means": means,
                "manual_refunded_amount": self.manual_refunded_amount + sent,
            }
        )
        means_label = means_labels[means]
        self._close_manual_refund_reminder(
            _(
                "Sent by %(means)s, %(reference)s",
                means=means_label,
                reference=reference,
            )
        )
        self._post_manual_refund_sent_note(sent, date, reference, means_label)
        self._update_state()

    def action_cancel_refund(self):
        """The refund will not happen: undo its books by booked reversals.

        Nothing posted is deleted or reset to draft (Odoo's audit trail, and
        a later payment in the same journal may follow it in the sequence):
        each refund payment's entry is reversed, the payment marked
        cancelled, and the credit note is reversed by an invoice reconciled
        with it. The customer's balance is back where it was, nothing stays
        open, and the invoice lines are refundable again.
        """
        refunds = self.union()  # once each, whatever ids a call repeats
        refunds._check_refund_access()
        refunds._check_can_cancel()
        # Callers' defaults (an action's ``default_*`` keys) must not leak
        # into the reversals booked here (see `action_partial_refund`).
        refunds = refunds.with_context(clean_context(self.env.context))
        for refund in refunds:
            credit_note = refund.credit_note_id
            reversal = refund.env["account.partial.refund.booking"]._book_cancellation(
                refund
            )
            refund._set_cancelled()
            refund._post_cancellation_notes(credit_note, reversal)
        return True
