# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models
from odoo.exceptions import UserError

from .. import utils

#: ``cr.cache`` key: the booking service is matching a refund's entries (not
#: reachable through a call's context).
MATCHING_REFUND_ENTRIES = "invoice_partial_refund_matching_refund_entries"


def matching_refund_entries(env):
    """While the booking service matches a refund's payment with what it
    settles: its credit note may be matched while a gateway refunds it."""
    return utils.cursor_flag(env, MATCHING_REFUND_ENTRIES)


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.cr.cache.get(MATCHING_REFUND_ENTRIES):
            self._check_no_credit_note_in_transit(
                self.env["account.move.line"].browse(
                    line_id
                    for vals in vals_list
                    for line_id in (
                        vals.get("debit_move_id"),
                        vals.get("credit_move_id"),
                    )
                    if isinstance(line_id, int)
                )
            )
        return super().create(vals_list)

    @api.model
    def _check_no_credit_note_in_transit(self, lines):
        """Refuse matching journal items ``lines`` of a credit note whose
        money is on its way back through a gateway: the gateway's refund
        settles it (the booking service matches it with its payment), never
        another entry. Its invoice's outstanding credits leave it out and
        the widget refuses it (`account.move.js_assign_outstanding_line`);
        so does every other way to match it: `account.move.line.reconcile`
        over RPC, a bank reconciliation. Else, once the gateway refunds, its
        payment would find nothing to settle: the customer would have the
        credit and the money."""
        credit_notes = lines.move_id.filtered(
            lambda move: move.move_type == "out_refund"
        )
        if not credit_notes:
            return
        in_transit = (
            credit_notes & credit_notes._get_partial_refund_credit_notes_in_transit()
        )
        if in_transit:
            raise UserError(
                _(
                    "%(credit_note)s is being refunded through a gateway: the "
                    "gateway's refund settles it, it cannot be matched with "
                    "another entry.",
                    credit_note=in_transit[0].name,
                )
            )

    def unlink(self):
        """Override of `account`: while an invoice's partial refunds stand,
        what paid it stays matched with it (see
        `account.move._check_paid_while_partly_refunded`), and a refund's
        entries stay matched with one another on the customer's account, as
        booked (see `account.move._check_not_partial_refund_entries`):
        unmatched from its payment, its credit note would be a credit the
        customer could use beside the money sent. Matches on other accounts
        stay the user's (a payment's bank reconciliation) or Odoo's (a tax on
        a reconcilable account, which **Cancel refund** unmatches), and so
        do a refund entry's matches with other entries. Every way Odoo
        unmatches comes here: the payment widgets, a payment's or an entry's
        Reset to Draft and Cancel, `remove_move_reconcile`."""
        customer = self.filtered(
            lambda partial: any(
                line.account_type in ("asset_receivable", "liability_payable")
                for line in partial.debit_move_id | partial.credit_move_id
            )
        )
        moves = (customer.debit_move_id | customer.credit_move_id).move_id
        moves._check_paid_while_partly_refunded()
        for entries in moves._get_partial_refunds_entries().values():
            kept = customer.filtered(
                lambda partial, entries=entries: (
                    partial.debit_move_id.move_id in entries
                    and partial.credit_move_id.move_id in entries
                )
            )
            (
                kept.debit_move_id | kept.credit_move_id
            ).move_id._check_not_partial_refund_entries()
        return super().unlink()
