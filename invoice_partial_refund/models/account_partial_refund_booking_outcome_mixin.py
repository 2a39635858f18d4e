# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the booking service books after a refund: its cancellation as
booked reversals, and what a gateway's outcome books (its payment, its
return by the customer's bank, the payment by hand when it refused)."""

from odoo import _, api, fields, models

from .. import utils
from .account_move_refund_guard_mixin import UNDOING_REFUNDS


class AccountPartialRefundBookingOutcomeMixin(models.AbstractModel):
    """The after-refund part of `account.partial.refund.booking` (its only
    user): uses its `_create_payment`, `_open_receivable_lines` and
    `_reconcile_with_credit_note`."""

    _name = "account.partial.refund.booking.outcome.mixin"
    _description = "Partial Refund Booking After the Refund"

    # ------------------------------------------------------------
    # CANCELLATION
    # ------------------------------------------------------------

    @api.model
    def _book_cancellation(self, refund):
        """Undo ``refund``'s books by booked reversals: its payments' entries
        reversed, its credit note reversed by an invoice reconciled with it.
        Its entries are unmatched here only (see `UNDOING_REFUNDS`).

        :return: the reversal of the credit note
        """
        today = fields.Date.context_today(refund)
        undoing = self.env.cr.cache.setdefault(UNDOING_REFUNDS, set())
        undoing.add(refund.id)
        try:
            self._cancel_payments(
                refund.payment_id | refund.gateway_ids.refund_payment_id,
                ref=_("Cancellation of %(refund)s", refund=refund.name),
            )
            # Odoo's `_reverse_moves(cancel=True)`, the reversal booking the
            # very amounts of the credit note before it is posted: Odoo would
            # convert its lines again, undoing `_complete_given_back`.
            credit_note = refund.credit_note_id
            credit_note.line_ids.remove_move_reconcile()
            reversal = credit_note._reverse_moves(
                [
                    {
                        "date": today,
                        "invoice_date": today,
                        "ref": _("Cancellation of %(refund)s", refund=refund.name),
                    }
                ]
            )
            self._book_as_reversed(credit_note, reversal)
            reversal.with_context(move_reverse_cancel=True)._post(soft=False)
        finally:
            undoing.discard(refund.id)
        # A gateway refund returned by the bank: the reversal took the
        # credit note back from its payment, which now settles the return.
        self._open_receivable_lines(refund).reconcile()
        return reversal

    @api.model
    def _cancel_payments(self, payments, ref=None):
        """Cancel refund payments whose money will not go out (or came back)
        by reversing their posted entries, never by resetting them to draft:
        the reversal is reconciled with the payment's entry, and the credit
        note is open again for what they settled.

        :param ref: the reference of the reversal entries
        """
        payments = payments.filtered(lambda p: p.state != "canceled")
        posted = payments.move_id.filtered(lambda m: m.state == "posted")
        if posted:
            today = fields.Date.context_today(self)
            # `cancel=True` unreconciles the payments' lines first, then
            # reconciles each reversal with its entry.
            posted._reverse_moves(
                [{"date": today, "ref": ref or move.ref} for move in posted],
                cancel=True,
            )
        payments.state = "canceled"

    # ------------------------------------------------------------
    # GATEWAY OUTCOMES
    # ------------------------------------------------------------

    @api.model
    def _book_gateway_success(self, share, tx):
        """The gateway refunded ``share`` (an `account.partial.refund.gateway`):
        book its payment, through the refund transaction ``tx`` when there is
        one (as Odoo's payment flow does), and reconcile it with the credit
        note.

        :return: the refund payment
        """
        refund = share.refund_id
        if tx:
            if not tx.payment_id:
                # The invoice's company's, also through a parent company's
                # provider (a branch), as the refund's other payments.
                values = {
                    "company_id": refund.company_id.id,
                    "destination_account_id": self._get_receivable_account(refund).id,
                }
                journal = tx.provider_id.journal_id
                if not journal.active:
                    # The provider's journal archived since the payment.
                    journal = self._get_gateway_journal(share, journal)
                    values["journal_id"] = journal.id
                    values["payment_method_line_id"] = (
                        journal.outbound_payment_method_line_ids.filtered(
                            lambda line: not line.payment_provider_id
                        )[:1].id
                    )
                tx.with_company(tx.company_id)._create_payment(**values)
            tx.is_post_processed = True
            payment = tx.payment_id
            self._reconcile_with_credit_note(refund, payment)
            return payment
        journal = self._get_gateway_journal(share, share.source_payment_id.journal_id)
        method_line = journal.outbound_payment_method_line_ids.filtered(
            lambda line: not line.payment_provider_id
        )[:1]
        # In the currency the gateway refunded, whatever its journal's.
        return self._create_payment(
            refund, share.amount, journal, method_line, currency=refund.currency_id
        )

    @api.model
    def _book_gateway_return(self, share):
        """The gateway refunded ``share``, then the customer's bank sent the
        money back (a closed card or account): book its return today on the
        gateway's journal, an inbound payment the customer is owed again. The
        refund payment stays as it was booked: it went out, possibly in a
        period since closed or a payout since reconciled.

        :return: the inbound payment
        """
        share.ensure_one()
        journal = self._get_gateway_journal(share, share.refund_payment_id.journal_id)
        method_line = journal.inbound_payment_method_line_ids.filtered(
            lambda line: not line.payment_provider_id
        )[:1]
        return self._create_payment(
            share.refund_id,
            share.amount,
            journal,
            method_line,
            payment_type="inbound",
            currency=share.refund_id.currency_id,
            date=fields.Date.context_today(share),
            memo=_(
                "%(refund)s: refund %(reference)s returned",
                refund=share.refund_id.name,
                reference=share.gateway_reference,
            ),
        )

    @api.model
    def _keep_invoice_receivable(self, refund, credit_note):
        """As Odoo's reversal copies it: ``credit_note`` (in draft) owes the
        customer on its invoice's receivable account, also when the
        customer's account changed since (the reversal's sync takes the
        customer's of the day for the lines it makes); not a deprecated one,
        where no entry may be booked."""

        def terms(move):
            return move.line_ids.filtered(
                lambda line: line.display_type == "payment_term"
            )

        account = terms(refund.move_id).account_id[:1]
        lines = terms(credit_note)
        if account and not account.deprecated and lines.account_id != account:
            lines.account_id = account

    @api.model
    def _get_receivable_account(self, refund):
        """The receivable account of ``refund``'s credit note, as its invoice's
        (e.g. mapped by the customer's fiscal position): that of the refund's
        payments, which settle it."""
        return refund.credit_note_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )[:1].account_id

    @api.model
    def _get_manual_method_line(self, refund):
        """``refund``'s manual method, else (its journal archived since the
        refund: Odoo posts nothing in it) the invoice's manual method of now."""
        method_line = refund.payment_method_line_id
        if not method_line.journal_id.active:
            method_line = refund.move_id._get_partial_refund_method_line(
                refund_via="manual"
            )
        return method_line

    @api.model
    def _get_gateway_journal(self, share, journal):
        """Where what ``share``'s gateway moved is booked: ``journal``, that
        of the gateway's payment. When it was archived since (Odoo posts
        nothing in it), the manual one as a fallback books
        (`_get_manual_method_line`): the money moved, it must be booked; a
        note on the refund says where."""
        if journal.active:
            return journal
        refund = share.refund_id
        booked = self._get_manual_method_line(refund).journal_id
        utils.post_internal_note(
            refund,
            _(
                "The journal %(archived)s of the %(gateway)s payment is archived: "
                "what %(gateway)s moved for %(reference)s is booked in %(journal)s.",
                archived=journal.display_name,
                gateway=share._gateway_label(),
                reference=share.gateway_reference or share.payment_reference,
                journal=booked.display_name,
            ),
        )
        return booked

    @api.model
    def _book_gateway_fallback(self, share, date=None):
        """The gateway did not refund ``share``: book the payment of the
        refund by hand through the refund's manual method.

        :param date: the payment's date, the refund's by default
        :return: the payment
        """
        refund = share.refund_id
        method_line = self._get_manual_method_line(refund)
        payment = self._create_payment(
            refund, share.amount, method_line.journal_id, method_line, date=date
        )
        if refund.manual_refund_date:
            # Someone already sent by hand what was due then (the refund is
            # done): this money was not in it, the refund awaits a manual
            # refund again (the confirmation stays in its chatter).
            refund.sudo().write(
                {
                    "manual_refund_date": False,
                    "manual_refund_reference": False,
                    "manual_refund_means": False,
                }
            )
        return payment
