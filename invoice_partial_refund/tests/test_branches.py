# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PartialRefundCommon


@tagged("post_install", "-at_install")
class TestPartialRefundBranches(PartialRefundCommon):
    """Odoo 18's branches: a branch shares its parent's chart, taxes and
    journals. Its invoices are paid through the parent's bank journal, and
    refunded through it, the payment the branch's (as Odoo's payment
    register does); a sibling branch's journal is never used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = cls.env.company
        cls.root.write(
            {
                "child_ids": [
                    Command.create({"name": "Branch A"}),
                    Command.create({"name": "Branch B"}),
                ]
            }
        )
        cls.cr.precommit.run()  # the branches' accounting
        cls.branch_a, cls.branch_b = cls.root.child_ids
        cls.env.user.company_ids |= cls.root.child_ids
        cls.bank_b = cls.env["account.journal"].create(
            {
                "name": "Branch B Bank",
                "code": "BBNK",
                "type": "bank",
                "company_id": cls.branch_b.id,
            }
        )

    def _branch_invoice(self):
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 40.0}],
            company=self.branch_a,
            journal=self.bank_journal,
        )
        self.assertEqual(invoice.company_id, self.branch_a)
        self.assertEqual(invoice.payment_state, "paid")
        return invoice.with_context(allowed_company_ids=(self.branch_a | self.root).ids)

    def assertBranchRefund(self, refund):
        self.assertEqual(refund.company_id, self.branch_a)
        self.assertEqual(refund.journal_id, self.bank_journal)
        self.assertEqual(refund.payment_id.journal_id, self.bank_journal)
        self.assertEqual(refund.payment_id.company_id, self.branch_a)
        self.assertEqual(refund.credit_note_id.company_id, self.branch_a)
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(company=self.branch_a), 0.0)

    def test_refund_through_the_parent_journal(self):
        invoice = self._branch_invoice()
        line = invoice.invoice_line_ids[0]
        # By default the journal the invoice was paid through: the parent's.
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 30.0}])
        self.assertBranchRefund(refund)
        refund = self._refund(
            invoice, [{"line_id": line.id}], journal_id=self.bank_journal.id
        )
        self.assertBranchRefund(refund)
        method = self.bank_journal.outbound_payment_method_line_ids[:1]
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids[1].id, "amount": 10.0}],
            payment_method_line_id=method.id,
        )
        self.assertBranchRefund(refund)
        self.assertEqual(refund.payment_method_line_id, method)

    def test_wizard_offers_and_uses_the_parent_journal(self):
        invoice = self._branch_invoice()
        wizard = (
            self.env["account.partial.refund.wizard"]
            .with_context(allowed_company_ids=(self.branch_a | self.root).ids)
            .create({"move_id": invoice.id})
        )
        offered = wizard.available_payment_method_line_ids.journal_id
        self.assertIn(self.bank_journal, offered)
        self.assertNotIn(self.bank_b, offered)
        self.assertEqual(wizard.payment_method_line_id.journal_id, self.bank_journal)
        wizard.line_ids[0].selected = True
        wizard.date = self.refund_date
        wizard.action_complete()
        action = wizard.action_refund_now()
        self.assertBranchRefund(
            self.env["account.partial.refund"].browse(action["res_id"])
        )

    def test_sibling_branch_journal_is_refused(self):
        invoice = self._branch_invoice()
        line = invoice.invoice_line_ids[0]
        for options in (
            {"journal_id": self.bank_b.id},
            {
                "payment_method_line_id": (
                    self.bank_b.outbound_payment_method_line_ids[:1].id
                )
            },
        ):
            with self.subTest(options=options):
                with self.assertRaisesRegex(UserError, "belongs to another company"):
                    self._refund(invoice, [{"line_id": line.id}], **options)
                self.assertFalse(invoice.partial_refund_ids)
