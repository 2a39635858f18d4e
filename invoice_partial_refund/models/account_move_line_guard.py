# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who writes the partial refund fields of journal items: the refunds alone
(their refunded totals: the ORM; what a credit note line refunds and books:
the booking service, `writing_credit_note`), never a call's values; and the
invoice lines a refund took, which stay (`_unlink_except_partly_refunded`)."""

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

from .. import utils
from .account_move_line import REFUNDED_TOTALS
from .account_move_refund_guard_mixin import UNDOING_REFUNDS

#: What a partial refund's credit note line books beside Odoo's figures: set
#: by the booking service only (`writing_credit_note`), copied by the
#: reversal of its cancellation.
REFUND_LINE_FIELDS = (
    "refund_origin_line_id",
    "refund_manual_tax_amounts",
    "refund_discount_allocation",
)
#: What a posted invoice line shows of what it books, which its refunds
#: read: not written while one stands (`_check_refunded_figures`).
REFUNDED_FIGURES = ("quantity", "price_unit", "discount")
#: ``cr.cache`` key: the booking service is creating a credit note (not
#: reachable through a call's context).
WRITING_CREDIT_NOTE = "invoice_partial_refund_writing_credit_note"


def writing_credit_note(env):
    """While the booking service creates a partial refund's credit note: its
    lines may be given `REFUND_LINE_FIELDS`."""
    return utils.cursor_flag(env, WRITING_CREDIT_NOTE)


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = "account.move.line"

    @api.model
    def default_get(self, fields_list):
        """Override of `account`: a new item's defaults (the context's
        ``default_*`` keys, the user's own `ir.default`) are values of it,
        which `create` adds after checking the call's: `REFUND_LINE_FIELDS`
        are refused there as in the values."""
        defaults = super().default_get(fields_list)
        self._check_refund_line_fields([defaults])
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        self._check_refund_line_fields(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        # Refunded totals follow the refunds (stored by the ORM, not write()).
        if not self.env.su and set(REFUNDED_TOTALS) & set(vals):
            message = _("Refunded amounts follow the refunds and cannot be written.")
            raise AccessError(message)
        self._check_refund_line_fields([vals], cleared=True)
        if set(REFUNDED_FIGURES) & set(vals):
            self._check_refunded_figures(vals)
        return super().write(vals)

    def _check_refunded_figures(self, vals):
        """Refuse changing the quantity, price or discount of a posted
        invoice line a standing refund took. Odoo lets a call write them on
        a posted line and leaves its books as they were: the line would
        show figures it does not book, beside what was refunded of it (and
        Odoo's own credit note would copy them)."""
        move_model = self.env["account.move"]
        names = [name for name in REFUNDED_FIGURES if name in vals]
        for line in self.sudo():  # who writes a line may not read refunds
            if line.parent_state != "posted" or not any(
                move_model._field_will_change(line, vals, name) for name in names
            ):
                continue
            refunds = line.partial_refund_line_ids.filtered(
                lambda rl: rl.state != "cancelled"
            ).refund_id
            if refunds:
                raise UserError(
                    _(
                        "The line “%(line)s” of %(invoice)s was refunded by "
                        "%(refunds)s: its quantity, price and discount stay as "
                        "its books and its refunds have them.",
                        line=line.name or line.product_id.display_name,
                        invoice=line.move_id.display_name,
                        refunds=", ".join(refunds.mapped("name")),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_partly_refunded(self):
        """Refuse deleting a customer invoice line a partial refund took,
        standing or cancelled: its refund lines and its credit note lines
        name it for good (the database refuses it with a foreign-key error;
        a credit note line would silently lose what it refunds). Also
        reached by the invoice's form (its lines' commands) and by deleting
        the invoice (Odoo deletes its lines first)."""
        invoice_lines = self.filtered(
            lambda line: (
                line.display_type == "product"
                and line.move_id.move_type == "out_invoice"
            )
        )
        if not invoice_lines:
            return
        # As superuser: who may delete journal items (Purchase's managers may)
        # need not read refunds.
        lines = self.env["account.move.line"].sudo()
        refunding = lines._search([("refund_origin_line_id", "in", invoice_lines.ids)])
        refunded = lines.search(
            [
                ("id", "in", invoice_lines.ids),
                "|",
                ("partial_refund_line_ids", "!=", False),
                ("id", "in", refunding.subselect("refund_origin_line_id")),
            ],
            limit=1,
        )
        if not refunded:
            return
        refunds = (
            self.env["account.partial.refund"]
            .sudo()
            .search(
                [
                    "|",
                    ("line_ids.invoice_line_id", "=", refunded.id),
                    ("credit_note_id.line_ids.refund_origin_line_id", "=", refunded.id),
                ]
            )
        )
        # No refund names it (only the superuser deletes refunds): the credit
        # notes that do.
        documents = refunds.mapped("name") or lines.search(
            [("refund_origin_line_id", "=", refunded.id)]
        ).move_id.mapped("name")
        raise UserError(
            _(
                "The line “%(line)s” of %(invoice)s was refunded by "
                "%(refunds)s and cannot be deleted, nor can the invoice: a "
                "partial refund, even cancelled, keeps the invoice line it "
                "refunded. Keep the line (with the invoice in draft, you may "
                "change its quantity or price), or cancel the invoice instead "
                "of deleting it.",
                line=refunded.name or refunded.product_id.display_name,
                invoice=refunded.move_id.display_name,
                refunds=", ".join(documents),
            )
        )

    def _copy_data_extend_business_fields(self, values):
        """Override of `account`: the reversal of a partial refund's credit
        note by its cancellation (`UNDOING_REFUNDS`) books the very amounts
        and discounts it reverses; no other copy (a debit note) is one of
        its credit note lines."""
        result = super()._copy_data_extend_business_fields(values)
        if self.env.cr.cache.get(UNDOING_REFUNDS):
            for name in ("refund_manual_tax_amounts", "refund_discount_allocation"):
                if self[name]:
                    values[name] = self[name]
        return result

    @api.model
    def _check_refund_line_defaults(self):
        """Refuse `REFUND_LINE_FIELDS` given by default (see `default_get`)
        before an entry is created or written, not once it is: the items
        Odoo adds to it (its tax lines) take the defaults after. The
        superuser may give them: nothing to compute on its many writes."""
        if not self.env.su:
            self.default_get(list(REFUND_LINE_FIELDS))

    @api.model
    def _check_refund_line_fields(self, vals_list, cleared=False):
        """Only a partial refund's booking gives lines `REFUND_LINE_FIELDS`
        (the tax a line books, what it refunds): not a call's values, nor
        clears them (``cleared``: a write; a copy may carry them empty)."""
        cache = self.env.cr.cache
        if self.env.su or cache.get(WRITING_CREDIT_NOTE) or cache.get(UNDOING_REFUNDS):
            return
        if any(
            (name in vals) if cleared else vals.get(name)
            for vals in vals_list
            for name in REFUND_LINE_FIELDS
        ):
            raise AccessError(
                _(
                    "What a partial refund's credit note line refunds is written "
                    "by the refund itself and cannot be set on a journal item."
                )
            )
