# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The books of a refund: its credit note through Odoo's reversal, its
payments and their reconciliation, its cancellation as booked reversals, and
what a gateway's outcome books. It decides no state and calls no gateway:
the refund document and the gateway shares call it and decide."""

from odoo import _, api, fields, models

from .. import utils


class AccountPartialRefundBooking(models.AbstractModel):
    """Books the entries of `account.partial.refund` records and of their
    gateway shares (`account.partial.refund.gateway`); no record of its own."""

    _name = "account.partial.refund.booking"
    _inherit = ["account.partial.refund.credit.note.mixin"]
    _description = "Partial Refund Booking"

    # ------------------------------------------------------------
    # PAYMENTS AND RECONCILIATION
    # ------------------------------------------------------------

    @api.model
    def _book_money_back(self, refund):
        """Send the refund back the way the money came: each gateway payment
        of the invoice takes what it can (refunded later through the gateway,
        see `account.partial.refund.gateway`), the rest is paid now through
        the refund's manual method. Refunded by hand, all of it goes through
        the manual method."""
        refund.ensure_one()
        currency = refund.currency_id
        remaining = refund.credit_note_id.amount_total
        shares = (
            refund.move_id._get_partial_refund_gateway_split(remaining)
            if refund.refund_via == "gateway"
            else []
        )
        for share in shares:
            # Gateway refunds are written by the business code only (no ACL).
            self.env["account.partial.refund.gateway"].sudo().create(
                {
                    "refund_id": refund.id,
                    "gateway": share["gateway"],
                    "source_payment_id": share["payment"].id,
                    "source_transaction_id": share["transaction"].id,
                    "payment_reference": share["reference"],
                    "amount": share["amount"],
                }
            )
            remaining = currency.round(remaining - share["amount"])
        if not currency.is_zero(remaining):
            method_line = refund.payment_method_line_id
            payment = self._create_payment(
                refund, remaining, method_line.journal_id, method_line
            )
            # The refund's own fields follow the money: business code only
            # (see its write).
            refund.sudo().payment_id = payment

    @api.model
    def _create_payment(
        self,
        refund,
        amount,
        journal,
        method_line,
        payment_type="outbound",
        date=None,
        memo=None,
    ):
        """Create and post a payment of ``amount`` for ``refund``.

        An outbound payment (money to the customer) is reconciled with the
        credit note, so the credit note is settled, never left as credit the
        customer could use. An inbound one books money the customer's bank
        sent back (see `_book_gateway_return`); the outbound payment made
        instead settles it.

        :param date: the payment's date, the refund's by default
        """
        refund.ensure_one()
        outstanding_account = method_line.payment_account_id
        if not outstanding_account and journal.type == "cash":
            # Paid on the spot: the money moves in the cash register now.
            outstanding_account = journal.default_account_id
        payment = self.env["account.payment"].create(
            {
                "outstanding_account_id": outstanding_account.id,
                "payment_type": payment_type,
                "partner_type": "customer",
                "partner_id": refund.credit_note_id.commercial_partner_id.id,
                "amount": amount,
                "currency_id": refund.currency_id.id,
                "date": date or refund.date,
                "journal_id": journal.id,
                "payment_method_line_id": method_line.id,
                "memo": memo or refund.name,
            }
        )
        if not payment.outstanding_account_id:
            payment.outstanding_account_id = payment._get_outstanding_account(
                payment_type
            )
        payment.action_post()
        if payment_type == "outbound":
            self._reconcile_with_credit_note(refund, payment)
        return payment

    @api.model
    def _open_receivable_lines(self, refund, payments=None):
        """The open receivable lines of ``refund``'s entries, which settle
        each other: its credit note, its payments and its gateway shares'
        (the refunds made, the returns the customer's bank sent back), and
        ``payments`` not linked to it yet."""
        shares = refund.gateway_ids
        payments = (
            (payments or self.env["account.payment"])
            | refund.payment_id
            | shares.refund_payment_id
            | shares.returned_payment_id
            | shares.returned_from_payment_id
        )
        return (refund.credit_note_id | payments.move_id).line_ids.filtered(
            lambda line: (
                line.parent_state == "posted"
                and line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
        )

    @api.model
    def _reconcile_with_credit_note(self, refund, payment):
        """Reconcile ``payment`` with ``refund``'s credit note; a note on the
        refund if the credit note no longer covers it."""
        self._open_receivable_lines(refund, payment).reconcile()
        payment_lines = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        if not all(payment_lines.mapped("reconciled")):
            # The credit note was used elsewhere meanwhile (reconciled by
            # hand): say so rather than leave an open debit unnoticed.
            utils.post_internal_note(
                refund,
                _(
                    "The refund payment %(payment)s could not be fully reconciled with "
                    "the credit note %(credit_note)s: check the customer's account.",
                    payment=payment._get_html_link(),
                    credit_note=refund.credit_note_id._get_html_link(),
                ),
            )

    # ------------------------------------------------------------
    # CANCELLATION
    # ------------------------------------------------------------

    @api.model
    def _book_cancellation(self, refund):
        """Undo ``refund``'s books by booked reversals: its payments' entries
        reversed, its credit note reversed by an invoice reconciled with it.

        :return: the reversal of the credit note
        """
        today = fields.Date.context_today(refund)
        self._cancel_payments(
            refund.payment_id | refund.gateway_ids.refund_payment_id,
            ref=_("Cancellation of %(refund)s", refund=refund.name),
        )
        reversal = refund.credit_note_id._reverse_moves(
            [
                {
                    "date": today,
                    "invoice_date": today,
                    "ref": _("Cancellation of %(refund)s", refund=refund.name),
                }
            ],
            cancel=True,
        )
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
                tx.with_company(tx.company_id)._create_payment()
            tx.is_post_processed = True
            payment = tx.payment_id
            self._reconcile_with_credit_note(refund, payment)
            return payment
        journal = share.source_payment_id.journal_id
        method_line = journal.outbound_payment_method_line_ids.filtered(
            lambda line: not line.payment_provider_id
        )[:1]
        return self._create_payment(refund, share.amount, journal, method_line)

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
        journal = share.refund_payment_id.journal_id
        method_line = journal.inbound_payment_method_line_ids.filtered(
            lambda line: not line.payment_provider_id
        )[:1]
        return self._create_payment(
            share.refund_id,
            share.amount,
            journal,
            method_line,
            payment_type="inbound",
            date=fields.Date.context_today(share),
            memo=_(
                "%(refund)s: refund %(reference)s returned",
                refund=share.refund_id.name,
                reference=share.gateway_reference,
            ),
        )

    @api.model
    def _book_gateway_fallback(self, share, date=None):
        """The gateway did not refund ``share``: book the payment of the
        refund by hand through the refund's manual method.

        :param date: the payment's date, the refund's by default
        :return: the payment
        """
        refund = share.refund_id
        method_line = refund.payment_method_line_id
        return self._create_payment(
            refund, share.amount, method_line.journal_id, method_line, date=date
        )
