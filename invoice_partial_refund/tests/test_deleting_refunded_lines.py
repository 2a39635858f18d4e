# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Deleting an invoice line a partial refund took, the refund standing or
cancelled: refused with a sentence the accountant can act on (the database
refused it with a foreign-key error), nothing written; the invoice's other
lines delete as before."""

import re

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PartialRefundCommon

LINES = [
    {"price_unit": 100.0, "quantity": 3},
    {"price_unit": 99.99},
    {"price_unit": 12.5, "quantity": 4},
]


@tagged("post_install", "-at_install")
class TestDeletingRefundedLines(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._create_paid_invoice(LINES)
        cls.line_1, cls.line_2, cls.line_3 = cls.invoice.invoice_line_ids

    def _state(self, moves):
        """What a refused deletion must leave as it was: the invoice's lines,
        what ``moves`` book, the customer's balance, the refunds' links to
        the invoice lines."""
        self.env.invalidate_all()
        refunds = self.invoice.sudo().partial_refund_ids
        return {
            "lines": self.invoice.invoice_line_ids.ids,
            "books": self._books(moves),
            "balance": round(self._partner_balance(), 2),
            "refund lines": refunds.line_ids.mapped(
                lambda rl: (rl.invoice_line_id.id, rl.credit_note_line_id.id)
            ),
            "credit note lines": refunds.credit_note_id.invoice_line_ids.mapped(
                lambda line: (line.id, line.refund_origin_line_id.id)
            ),
        }

    def assertDeletionRefused(self, delete, refunds, moves, message=None):
        """``delete`` raises the UserError naming ``refunds`` (or one
        matching ``message``) and writes nothing: the lines, the books and
        the refunds' links as they were."""
        before = self._state(moves)
        names = "|".join(re.escape(name) for name in refunds.mapped("name"))
        with self.assertRaisesRegex(
            UserError, message or rf"refunded by ({names}) and cannot be deleted"
        ):
            delete()
        self.assertEqual(self._state(moves), before)

    def test_line_of_a_standing_refund(self):
        """The invoice stays posted while the refund stands: deleting its
        refunded line, forced or not, is refused naming the refund (forced,
        it was the database's foreign-key error); from the invoice's form,
        Odoo refuses to change a posted invoice's lines first."""
        refund = self._refund(
            self.invoice, [{"line_id": self.line_1.id, "quantity": 1}]
        )
        self.assertRefundSettled(refund)
        moves = self.invoice | refund.credit_note_id
        line = self.line_1
        for name, delete in (
            ("unlink", line.unlink),
            ("unlink forced", line.with_context(force_delete=True).unlink),
        ):
            with self.subTest(name):
                self.assertDeletionRefused(delete, refund, moves)
        for command in (Command.delete, Command.unlink):
            with self.subTest(command.__name__):
                self.assertDeletionRefused(
                    lambda command=command: self.invoice.write(
                        {"invoice_line_ids": [command(line.id)]}
                    ),
                    refund,
                    moves,
                    message="readonly fields on a posted move",
                )
        self.assertTrue(line.exists())
        self.assertEqual(refund.line_ids.invoice_line_id, line)

    def test_line_of_a_cancelled_refund(self):
        """Every refund cancelled, the invoice goes back to draft; the lines
        the refunds took still cannot be deleted (the cancelled refunds keep
        them), one at a time, from the invoice's form, or with the invoice;
        a line no refund took is deleted as before."""
        first = self._refund(self.invoice, [{"line_id": self.line_1.id, "quantity": 1}])
        second = self._refund(
            self.invoice, [{"line_id": self.line_2.id, "amount": 33.33}]
        )
        (first | second).action_cancel_refund()
        self.assertEqual(set((first | second).mapped("state")), {"cancelled"})
        self.invoice.button_draft()
        self.assertEqual(self.invoice.state, "draft")
        refunds = first | second
        moves = (
            self.invoice
            | refunds.credit_note_id
            | refunds.credit_note_id.reversal_move_ids
        )
        for line, refund in ((self.line_1, first), (self.line_2, second)):
            for name, delete in (
                ("unlink", line.unlink),
                (
                    "delete from the invoice",
                    lambda line=line: self.invoice.write(
                        {"invoice_line_ids": [Command.delete(line.id)]}
                    ),
                ),
                (
                    "unlink from the invoice",
                    lambda line=line: self.invoice.write(
                        {"invoice_line_ids": [Command.unlink(line.id)]}
                    ),
                ),
            ):
                with self.subTest(name, line=line.name):
                    self.assertDeletionRefused(delete, refund, moves)
        with self.subTest("both lines"):
            self.assertDeletionRefused(
                (self.line_1 | self.line_2).unlink, refunds, moves
            )
        with self.subTest("the invoice"):
            self.assertDeletionRefused(self.invoice.unlink, refunds, moves)
            self.assertTrue(self.invoice.exists())

        # A line no refund took: deleted, the invoice's totals without it.
        total = self.invoice.amount_total - self.line_3.price_total
        self.invoice.write({"invoice_line_ids": [Command.delete(self.line_3.id)]})
        self.assertFalse(self.line_3.exists())
        self.assertEqual(self.invoice.invoice_line_ids, self.line_1 | self.line_2)
        self.assertAlmostEqual(self.invoice.amount_total, total)
        self.assertEqual(refunds.line_ids.invoice_line_id, self.line_1 | self.line_2)

    def test_user_who_may_not_read_refunds(self):
        """A user who may delete journal items but not read refunds (as
        Purchase's managers may) gets the same sentence for a line of a
        cancelled refund, not an access error on the refunds; a line no
        refund took is deleted as before."""
        refund = self._refund(self.invoice, [{"line_id": self.line_1.id}])
        refund.action_cancel_refund()
        self.invoice.button_draft()
        group = self.env["res.groups"].create({"name": "Journal items"})
        models = self.env["ir.model"].search(
            [("model", "=like", "account.%"), ("model", "not like", "partial.refund")]
        )
        self.env["ir.model.access"].create(
            [
                {
                    "name": model.model,
                    "model_id": model.id,
                    "group_id": group.id,
                    "perm_read": True,
                    **dict.fromkeys(
                        ("perm_write", "perm_create", "perm_unlink"),
                        model.model in ("account.move", "account.move.line"),
                    ),
                }
                for model in models
            ]
        )
        clerk = self._create_user("clerk", self.env.ref("base.group_user") | group)
        self.assertFalse(
            self.env["account.partial.refund"].with_user(clerk).has_access("read")
        )
        invoice = self.invoice.with_user(clerk)
        moves = self.invoice | refund.credit_note_id
        self.assertDeletionRefused(invoice.invoice_line_ids[0].unlink, refund, moves)
        invoice.write({"invoice_line_ids": [Command.delete(self.line_3.id)]})
        self.assertFalse(self.line_3.exists())

    def test_line_a_credit_note_line_refunds(self):
        """A credit note line that names the invoice line it refunds keeps it
        too, should no refund line name it (only the superuser can delete
        refunds): the deletion is refused naming the credit note, instead of
        silently emptying the credit note line's link."""
        credit_note = self._odoo_credit_note(self.invoice, post=False)
        credit_line = credit_note.invoice_line_ids[0]
        # As superuser: only a partial refund's booking writes this field.
        credit_line.sudo().refund_origin_line_id = self.line_1
        credit_note.action_post()
        self.invoice.button_draft()
        before = self._state(self.invoice | credit_note)
        with self.assertRaisesRegex(
            UserError, rf"refunded by {re.escape(credit_note.name)} and cannot"
        ):
            self.line_1.unlink()
        self.assertEqual(self._state(self.invoice | credit_note), before)
        self.assertEqual(credit_line.refund_origin_line_id, self.line_1)

    def test_one_query_for_all_the_lines(self):
        """The check reads once for all the lines deleted (a whole draft
        invoice: its product, tax and receivable lines), not once a line."""
        self.invoice.button_draft()
        lines = self.invoice.line_ids
        lines.mapped("move_id.move_type")  # what deleting has read already
        self.env.flush_all()
        with self.assertQueryCount(1):
            lines._unlink_except_partly_refunded()
