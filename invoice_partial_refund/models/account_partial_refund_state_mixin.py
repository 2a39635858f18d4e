# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The state machine of a refund: the state follows the money; one method
per transition, each with the states it is allowed from (as Odoo's
`payment.transaction._set_pending/_set_done/_set_canceled`)."""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import utils

_logger = logging.getLogger(__name__)

#: A refund may be cancelled while no money left: requested of no gateway
#: yet (see `_check_can_cancel`) or awaiting a manual refund.
CANCELLABLE_STATES = ("requested", "manual")


class AccountPartialRefundStateMixin(models.AbstractModel):
    """The state part of `account.partial.refund` (its only user)."""

    _name = "account.partial.refund.state.mixin"
    _description = "Partial Refund State"

    def _update_state(self):
        """Move each refund to where its money is, through the transition
        that leads there: at a gateway (pending), to be sent by hand
        (manual), or back with the customer (done). Called by the refund
        itself and by its gateway shares when they report an outcome."""
        self._lock_for_state_update()
        for refund in self:
            if refund.state == "cancelled":
                continue
            state = refund._get_money_state()
            if refund.state == state:
                if state == "manual":
                    # More may be owed by hand (a gateway's part fell back):
                    # its reminder says how much.
                    refund._ensure_manual_refund_activities()
                continue
            # Never back to "requested": gateway shares start there and only
            # move forward, so a refund leaves it once and for all.
            if state == "pending":
                refund._set_pending()
            elif state == "manual":
                refund._set_manual()
            elif state == "done":
                refund._set_done()

    def _lock_for_state_update(self):
        """Rewrite these refunds' rows (their write date) before their state
        is derived from their money. Two transactions deciding it at once
        (a gateway's answer in the job, **Mark as Refunded** by a user)
        would each read the other's part as it was: a refund marked as
        refunded while its gateway's part fell back to a refund by hand
        would be left pending. The second runs again on what the first
        wrote (`utils.rewrite_rows`), as for an invoice
        (`account.move._lock_for_partial_refund`)."""
        utils.rewrite_rows(self)

    def _get_money_state(self):
        """Where this refund's money is: some of it to be sent by hand (owed
        now, whatever a gateway does with the rest), requested of a gateway,
        pending there, or back with the customer."""
        self.ensure_one()
        gateways = self.gateway_ids
        needs_hand = (self.payment_id and self.refund_method == "manual") or any(
            gateways.mapped("manual_fallback")
        )
        if needs_hand and not self.manual_refund_date:
            return "manual"
        in_flight = gateways.filtered(lambda g: g.state in ("requested", "pending"))
        if in_flight:
            # Requested until a gateway answers; a refund that left that
            # state (its part by hand sent first) waits at the gateway.
            requested = "requested" in in_flight.mapped("state")
            return "requested" if requested and self.state == "requested" else "pending"
        return "done"

    def _filter_allowed(self, target, allowed_from):
        """The refunds of ``self`` that may move to ``target``; the others
        are logged and left as they are (as `payment.transaction` does)."""
        allowed = self.filtered(lambda refund: refund.state in allowed_from)
        for refund in self - allowed:
            _logger.warning(
                "Refund %s cannot go from %s to %s; left as it is.",
                refund.name,
                refund.state,
                target,
            )
        return allowed

    def _set_pending(self):
        """A gateway accepted the refund, or has yet to answer once the part
        sent by hand went out; the money is on its way."""
        refunds = self._filter_allowed("pending", ("requested", "manual"))
        # The state follows the money: written by the business code only.
        refunds.sudo().write({"state": "pending"})

    def _set_manual(self):
        """Someone must send (some of) the money by hand: due in the
        company's delay, reminded by an activity. From "done" when a gateway
        refund the customer's bank returned falls back to a manual one: a
        new debt, reminded afresh (not escalated)."""
        for refund in self._filter_allowed("manual", ("requested", "pending", "done")):
            # The state follows the money: written by the business code only.
            refund.sudo().write(
                {
                    "state": "manual",
                    "escalated": False,
                    "manual_due_date": fields.Date.add(
                        fields.Date.context_today(refund),
                        days=refund.company_id.partial_refund_delay,
                    ),
                }
            )
            refund._ensure_manual_refund_activities()

    def _set_done(self):
        """The money is back with the customer, who is told so."""
        for refund in self._filter_allowed("done", ("requested", "pending", "manual")):
            # The state follows the money: written by the business code only.
            refund.sudo().write({"state": "done"})
            refund._notify_customer()

    can_cancel = fields.Boolean(
        compute="_compute_can_cancel",
        help="Cancel refund may undo this refund: none of its money is out now.",
    )

    @api.depends("state", "manual_refunded_amount", "currency_id", "gateway_ids.state")
    def _compute_can_cancel(self):
        for refund in self:
            refund.can_cancel = not refund._get_cancel_refusal()

    def _check_can_cancel(self):
        """Refuse to cancel a refund whose money may already be out, before
        anything is written."""
        for refund in self:
            refusal = refund._get_cancel_refusal()
            if refusal:
                raise UserError(refusal)

    def _get_cancel_refusal(self):
        """Why this refund cannot be cancelled (some of its money may be
        out), or None."""
        self.ensure_one()
        if self.state not in CANCELLABLE_STATES:
            return _(
                "Only a refund awaiting a manual refund can be cancelled; "
                "%(refund)s is %(state)s.",
                refund=self.name,
                state=dict(self._fields["state"]._description_selection(self.env))[
                    self.state
                ],
            )
        if not self.currency_id.is_zero(self.manual_refunded_amount):
            return _(
                "%(amount)s of %(refund)s was already sent by hand: it "
                "cannot be cancelled. Send the rest and mark it as "
                "refunded.",
                amount=self.currency_id.format(self.manual_refunded_amount),
                refund=self.name,
            )
        sent = self._get_sent_payments()
        if sent:
            return _(
                "The payment %(payment)s of %(refund)s is matched with a bank "
                "statement or marked as paid: its money left. Mark the refund "
                "as refunded.",
                payment=sent[0].display_name,
                refund=self.name,
            )
        if self.gateway_ids.filtered(lambda g: g.state in ("requested", "pending")):
            return _(
                "%(refund)s went through a gateway: it cannot be cancelled in "
                "Odoo. Wait for the gateway's answer.",
                refund=self.name,
            )
        if self.gateway_ids.filtered(lambda g: g.state == "succeeded"):
            return _(
                "A gateway refunded part of %(refund)s: it cannot be "
                "cancelled. Send the rest by hand and mark it as refunded.",
                refund=self.name,
            )
        return None

    def _get_sent_payments(self):
        """This refund's payments to the customer whose money left: a bank
        statement line matched their outstanding line (a journal without
        outstanding account books the bank at once: nothing to match), or a
        payment to send by hand (the refund's own, or a gateway share's
        that fell back to it) was marked as paid without one (Odoo's
        `action_validate`, a state written over RPC)."""
        by_hand = (
            self.payment_id
            | self.gateway_ids.filtered("manual_fallback").refund_payment_id
        )
        payments = (self.payment_id | self.gateway_ids.refund_payment_id).filtered(
            lambda p: (
                p.payment_type == "outbound"
                and p.state != "canceled"
                and p.outstanding_account_id
            )
        )
        return payments.filtered(
            lambda payment: (
                any(
                    line.matched_debit_ids or line.matched_credit_ids
                    for line in payment._seek_for_lines()[0]
                )
                or (
                    payment in by_hand
                    and payment.state == "paid"
                    and payment.outstanding_account_id.reconcile
                )
            )
        )

    def _set_cancelled(self):
        """The refund will not happen (its books are reversed)."""
        refunds = self._filter_allowed("cancelled", CANCELLABLE_STATES)
        # The state follows the money: written by the business code only.
        refunds.sudo().state = "cancelled"
        refunds._remove_manual_refund_reminder()
