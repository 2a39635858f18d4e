# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo lets a call write the quantity, price and discount of a posted
invoice line and leaves its books as they were. On a line a standing
refund took, that is refused: the line would show figures it does not book
beside what was refunded of it. Other lines, the same values, and a line
whose refunds are cancelled write as in Odoo."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PartialRefundCommon


@tagged("post_install", "-at_install")
class TestRefundedLineFigures(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls._create_user(
            "accountant_figures", cls.env.ref("account.group_account_user")
        )
        cls.invoice = cls._create_paid_invoice(
            [{"price_unit": 100.0, "quantity": 2}, {"price_unit": 50.0}]
        )
        cls.line, cls.other_line = cls.invoice.invoice_line_ids

    def _state(self):
        """What a refused write leaves as it was: the lines' figures, the
        books, the customer's balance and what is left to refund."""
        self.env.invalidate_all()
        lines = self.invoice.invoice_line_ids
        return {
            "figures": lines.mapped(
                lambda line: (line.quantity, line.price_unit, line.discount)
            ),
            "subtotals": lines.mapped("price_subtotal"),
            "books": self._books(
                self.invoice | self.invoice.partial_refund_ids.credit_note_id
            ),
            "balance": round(self._partner_balance(), 2),
            "left": lines.mapped("refundable_amount"),
        }

    def test_refunded_line_keeps_its_figures(self):
        refund = self._refund(self.invoice, [{"line_id": self.line.id, "amount": 30.0}])
        self.assertRefundSettled(refund)
        line = self.line.with_user(self.accountant)
        invoice = self.invoice.with_user(self.accountant)
        ours = rf"was refunded by {refund.name}: its quantity"
        writes = {
            "quantity": (lambda: line.write({"quantity": 3}), ours),
            "price": (lambda: line.write({"price_unit": 150.0}), ours),
            "discount": (lambda: line.write({"discount": 10.0}), ours),
            # Odoo refuses this one itself.
            "the invoice's commands": (
                lambda: invoice.write(
                    {"invoice_line_ids": [Command.update(line.id, {"quantity": 1})]}
                ),
                "readonly fields on a posted move",
            ),
        }
        for name, (write, message) in writes.items():
            with self.subTest(write=name):
                before = self._state()
                with (
                    self.assertRaisesRegex(UserError, message),
                    self.env.cr.savepoint(),
                ):
                    write()
                self.assertEqual(self._state(), before)
        # The same values, and the invoice's other lines: as in Odoo.
        line.write({"quantity": 2, "price_unit": 100.0, "name": "renamed"})
        self.assertEqual(self.line.name, "renamed")
        self.other_line.with_user(self.accountant).write({"quantity": 2})
        self.assertEqual(self.other_line.quantity, 2)

    def test_line_of_cancelled_refunds_writes_as_in_odoo(self):
        refund = self._refund(self.invoice, [{"line_id": self.line.id, "amount": 30.0}])
        refund.action_cancel_refund()
        self.assertEqual(refund.state, "cancelled")
        self.line.with_user(self.accountant).write({"discount": 10.0})
        self.assertEqual(self.line.discount, 10.0)
