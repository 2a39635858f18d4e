# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import PartialRefundCommon


@tagged("post_install", "-at_install")
class TestPartialRefundWizard(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._create_paid_invoice(
            [
                {"name": "Chair", "price_unit": 100.0, "quantity": 2},
                {"name": "Table", "price_unit": 300.0},
                {"name": "Lamp", "price_unit": 25.0, "quantity": 4},
            ]
        )

    def _open_wizard(self):
        action = self.invoice.action_open_partial_refund_wizard()
        return Form(
            self.env[action["res_model"]].with_context(**action["context"]),
        )

    def test_two_steps_with_breakdown(self):
        wizard_form = self._open_wizard()
        self.assertEqual(len(wizard_form.line_ids), 3)
        self.assertEqual(wizard_form.amount_basis_label, "Amounts tax excluded")
        self.assertIn(wizard_form.payment_method_line_id.journal_id, self.bank_journal)
        with wizard_form.line_ids.edit(0) as line:
            line.selected = True  # the chair line in full
        with wizard_form.line_ids.edit(2) as line:
            line.selected = True
            line.refund_mode = "amount"
            line.amount = 30.0
        with wizard_form.line_ids.edit(1) as line:
            self.assertEqual(line.refundable_amount, 300.0)
        self.assertAlmostEqual(wizard_form.amount_untaxed, 230.0)
        self.assertAlmostEqual(wizard_form.amount_tax, 34.5)
        self.assertAlmostEqual(wizard_form.amount_total, 264.5)
        self.assertAlmostEqual(wizard_form.amount_remaining, 600.0 - 230.0)
        wizard_form.reason = "Broken"
        wizard_form.payment_method_line_id = (
            self.cash_journal.outbound_payment_method_line_ids[0]
        )
        wizard = wizard_form.save()

        wizard.action_complete()
        self.assertEqual(wizard.step, "summary")
        self.assertFalse(
            self.invoice.partial_refund_ids, "nothing happens before Refund now"
        )

        action = wizard.action_refund_now()
        refund = self.env["account.partial.refund"].browse(action["res_id"])
        self.assertEqual(refund.reason, "Broken")
        self.assertEqual(refund.state, "done")
        self.assertAlmostEqual(refund.amount_total, 264.5)
        self.assertRefundSettled(refund)
        chair, table, lamp = self.invoice.invoice_line_ids
        self.assertAlmostEqual(chair.refunded_amount, 200.0)
        self.assertAlmostEqual(lamp.refunded_amount, 30.0)
        self.assertAlmostEqual(table.refunded_amount, 0.0)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

        # Next time the wizard shows what is already refunded.
        wizard_form = self._open_wizard()
        with wizard_form.line_ids.edit(2) as line:
            self.assertAlmostEqual(line.refunded_amount, 30.0)
            self.assertAlmostEqual(line.refundable_amount, 70.0)
            line.selected = True
            line.refund_mode = "quantity"
            line.refund_quantity = 1
            self.assertAlmostEqual(line.amount_untaxed, 25.0)

    def test_errors_are_shown_and_block_completion(self):
        wizard_form = self._open_wizard()
        with wizard_form.line_ids.edit(1) as line:
            line.selected = True
            line.refund_mode = "amount"
            line.amount = 400.0
            self.assertIn("only", line.error)
        wizard = wizard_form.save()
        with self.assertRaisesRegex(UserError, "still refundable"):
            wizard.action_complete()

    def test_nothing_selected(self):
        wizard = self._open_wizard().save()
        with self.assertRaisesRegex(UserError, "Tick at least one line"):
            wizard.action_complete()

    def test_unpaid_invoice_cannot_open_the_wizard(self):
        invoice = self._create_paid_invoice([{"price_unit": 10.0}], pay=False)
        with self.assertRaisesRegex(UserError, "is not paid"):
            invoice.action_open_partial_refund_wizard()
