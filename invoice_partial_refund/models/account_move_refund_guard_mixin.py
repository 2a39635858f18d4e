# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What stays as booked while an invoice has partial refunds: the invoice
itself, what paid it, and each refund's entries (its credit note, its
payments', the reversals that undid them once cancelled). The checks Odoo's
buttons and unreconciliation call (`account_move_refund_overrides.py`,
`account_payment.py`, `account_partial_reconcile.py`, the payment register
in `wizards/account_payment_register.py`); the refund's own
**Cancel refund** undoes its entries by booked reversals instead. Also
the check of the journal a refund's money leaves by."""

from odoo import _, models
from odoo.exceptions import UserError

#: ``cr.cache`` key: the refunds whose entries **Cancel refund** is undoing
#: in this transaction (`account.partial.refund.booking._book_cancellation`),
#: unmatched by it alone; not reachable through a call's context.
UNDOING_REFUNDS = "invoice_partial_refund_undoing"


class AccountMoveRefundGuardMixin(models.AbstractModel):
    """The entry guards of `account.move` (its only user)."""

    _name = "account.move.refund.guard.mixin"
    _description = "Invoice Partial Refund Entry Guards"

    def _get_odoo_credit_notes(self):
        """Odoo's own credit notes among these moves: reversals of invoices
        whose lines, unlike a partial refund's, name no refunded line."""
        return self.filtered(
            lambda move: (
                move.move_type == "out_refund"
                and move.reversed_entry_id
                and not move.line_ids.refund_origin_line_id
            )
        )

    def _check_no_partial_refunds(self):
        """Raise a UserError if one of these invoices has a partial refund
        not cancelled: in draft, its refunded lines could be changed or
        deleted under the money already sent back, and it would no longer
        be paid; Odoo's credit note of all of it would credit them again."""
        invoice, names = self._get_standing_partial_refunds()
        if invoice:
            raise UserError(
                _(
                    "%(invoice)s has partial refunds (%(refunds)s): while they "
                    "stand, it cannot be reset to draft, cancelled or credited with "
                    "Odoo's Credit Note. Refund its other lines with Partial "
                    "refund; to undo a refund, open it and click Cancel refund.",
                    invoice=invoice.display_name,
                    refunds=names,
                )
            )

    def _check_paid_while_partly_refunded(self):
        """Raise a UserError if one of these invoices has a partial refund
        not cancelled: what paid it (a payment, a credit note) funded the
        money the refund sent back; unmatched from it, the invoice would be
        owed again in full while that money stays sent."""
        invoice, names = self._get_standing_partial_refunds()
        if invoice:
            raise UserError(
                _(
                    "%(invoice)s has partial refunds (%(refunds)s) that sent back "
                    "part of what the customer paid: while they stand, what paid "
                    "it cannot be unreconciled from it, reset to draft, "
                    "cancelled or rejected. To undo a refund, open it and click "
                    "Cancel refund.",
                    invoice=invoice.display_name,
                    refunds=names,
                )
            )

    def _check_unbooking(self):
        """The checks before Odoo resets, cancels or rejects these entries:
        not a partial refund's (`_check_not_partial_refund_entries`), not
        what paid a partly refunded invoice
        (`_check_not_paying_partly_refunded`)."""
        self._check_not_partial_refund_entries()
        self._check_not_paying_partly_refunded()

    def _is_unbooking_refused(self):
        """Whether `_check_unbooking` refuses these entries (the forms do not
        offer the buttons it guards then)."""
        if self._search_partial_refunds_of_entries():
            return True
        invoice, _names = self._get_paying_matched()._get_standing_partial_refunds()
        return bool(invoice)

    def _get_paying_matched(self):
        """The moves these moves' lines are matched with."""
        lines = self.line_ids
        return (
            lines.matched_debit_ids.debit_move_id
            | lines.matched_credit_ids.credit_move_id
        ).move_id

    def _check_not_paying_partly_refunded(self):
        """`_check_paid_while_partly_refunded` for the invoices these moves
        (a payment's entry, a credit note) are matched with: checked before
        Odoo unmatches them, which would refuse it anyway (see
        `account.partial.reconcile.unlink`), once it has changed the
        payment's state in the request."""
        self._get_paying_matched()._check_paid_while_partly_refunded()

    def _get_standing_partial_refunds(self):
        """``(invoice, refund names)``: the first of these invoices with
        partial refunds not cancelled and their names, or ``(None, "")``."""
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        if not invoices:
            return None, ""
        # As superuser: a Billing user resets invoices and payments to draft.
        refunds = (
            self.env["account.partial.refund"]
            .sudo()
            .search([("move_id", "in", invoices.ids), ("state", "!=", "cancelled")])
        )
        if not refunds:
            return None, ""
        invoice = refunds[0].move_id
        names = refunds.filtered(lambda r: r.move_id == invoice).mapped("name")
        return invoice, ", ".join(names)

    def _check_not_partial_refund_entries(self):
        """Raise a UserError if one of these moves is an entry of a partial
        refund: its credit note, a refund payment's entry or a returned
        gateway refund's, or, the refund cancelled, a reversal that undid
        one (reset, cancelled or unmatched, the entry it reversed would be
        open again: a credit the customer could use, a payment owed again)."""
        refund, names = self._get_partial_refund_of_entries()
        if not refund:
            return
        if refund.state == "cancelled":
            raise UserError(
                _(
                    "%(moves)s belongs to the cancelled partial refund "
                    "%(refund)s: its entries and the reversals that undid them "
                    "stay as booked (reset, cancelled or unreconciled, what the "
                    "refund gave back would be open again).",
                    moves=names,
                    refund=refund.name,
                )
            )
        raise UserError(
            _(
                "%(moves)s belongs to the partial refund %(refund)s: to undo "
                "it, open the refund and click Cancel refund (its entries are "
                "reversed, the invoice lines refundable again).",
                moves=names,
                refund=refund.name,
            )
        )

    def _check_not_partial_refund_entries_paid(self):
        """Raise a UserError if one of these moves is a partial refund's entry:
        the refund pays back its credit note itself (its payment, its gateway
        refunds, what it books when a gateway refuses) and settles its other
        entries; a payment registered on them would send the money twice."""
        refund, names = self._get_partial_refund_of_entries()
        if refund:
            raise UserError(
                _(
                    "%(moves)s belongs to the partial refund %(refund)s, which "
                    "pays the customer back itself: no payment can be registered "
                    "on it. Open the refund to follow the money.",
                    moves=names,
                    refund=refund.name,
                )
            )

    def _get_partial_refund_of_entries(self):
        """``(refund, names)``: the partial refund (a standing one first)
        that one of these moves is an entry of (see
        `_check_not_partial_refund_entries`), and the names of its entries
        among them; ``(None, "")`` if none, or if **Cancel refund** is
        undoing it (`UNDOING_REFUNDS`)."""
        refunds = self._search_partial_refunds_of_entries()
        if not refunds:
            return None, ""
        refund = refunds[0]
        entries = self._get_partial_refund_entries(refund)
        return refund, ", ".join((self & entries).mapped("display_name"))

    def _search_partial_refunds_of_entries(self):
        """The partial refunds these moves are entries of, standing ones
        first, but those **Cancel refund** is undoing (`UNDOING_REFUNDS`)."""
        if not self:
            return self.env["account.partial.refund"]
        moves = self | self.reversed_entry_id
        # Looked up as superuser: the user may not read refunds (Billing
        # without the refund group), the entries are theirs to see.
        refunds = (
            self.env["account.partial.refund"]
            .sudo()
            .search(
                [
                    ("id", "not in", list(self.env.cr.cache.get(UNDOING_REFUNDS, ()))),
                    "|",
                    "|",
                    "|",
                    "|",
                    ("credit_note_id", "in", moves.ids),
                    ("payment_id.move_id", "in", moves.ids),
                    ("gateway_ids.refund_payment_id.move_id", "in", moves.ids),
                    # A gateway refund the customer's bank returned: its
                    # payment and the return's, reconciled together.
                    ("gateway_ids.returned_from_payment_id.move_id", "in", moves.ids),
                    ("gateway_ids.returned_payment_id.move_id", "in", moves.ids),
                ]
            )
        )
        return refunds.sorted(lambda r: r.state == "cancelled")

    def _get_partial_refunds_entries(self):
        """``{refund: its entries}`` of the partial refunds these moves are
        entries of (see `_search_partial_refunds_of_entries`)."""
        return {
            refund: self._get_partial_refund_entries(refund)
            for refund in self._search_partial_refunds_of_entries()
        }

    def _get_partial_refund_entries(self, refund):
        """``refund``'s entries: its credit note, its payments' (gateway
        refunds and their returns included) and the reversals that undid
        them."""
        shares = refund.gateway_ids
        entries = (
            refund.credit_note_id
            | refund.payment_id.move_id
            | shares.refund_payment_id.move_id
            | shares.returned_from_payment_id.move_id
            | shares.returned_payment_id.move_id
        )
        return (entries | entries.reversal_move_ids).sudo(False)

    def _check_partial_refund_journal(self, journal, argument):
        """Refuse a journal neither of the invoice's company nor of a parent,
        or archived. Another company's journal is named by its id unless the
        user may read it (its name is that company's business)."""
        if not journal.filtered_domain(journal._check_company_domain(self.company_id)):
            readable = journal.sudo(False)
            raise UserError(
                _(
                    "The journal %(journal)s belongs to another company than "
                    "%(invoice)s: choose a “%(argument)s” of the invoice's company.",
                    journal=(
                        readable.display_name
                        if readable.has_access("read")
                        else _("with id %(id)s", id=journal.id)
                    ),
                    invoice=self.name,
                    argument=argument,
                )
            )
        if not journal.active:
            raise UserError(
                _(
                    "The journal %(journal)s is archived: choose a “%(argument)s” "
                    "of an active bank or cash journal.",
                    journal=journal.display_name,
                    argument=argument,
                )
            )
