# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A refund passed another company's journal or payment method is refused
without telling the caller that company's records: a user of one company
learns neither their names nor which of them exist beyond the id sent."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import RefusedRefundCommon

SECRET = "Secret Bank of Company Two"


@tagged("post_install", "-at_install")
class TestForeignNamesInErrors(RefusedRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_bank = cls.company_data_2["default_journal_bank"]
        cls.other_bank.name = SECRET
        cls.other_method = cls.other_bank.outbound_payment_method_line_ids[:1]
        cls.other_method.name = f"{SECRET} transfer"
        cls.refunder = cls.env.ref("invoice_partial_refund.group_partial_refund")
        cls.clerk = cls._create_user("clerk_one", cls.refunder)

    def assertRefusedUnnamed(self, user, **options):
        """Refused, nothing written, the other company's journal and method
        named by their ids only."""
        counts = self._counts()
        invoice = self.invoice.with_user(user)
        lines = [{"line_id": self.line.id, "amount": 10.0}]
        with self.assertRaisesRegex(UserError, "belongs to another company") as caught:
            invoice.action_partial_refund(lines, date=self.refund_date, **options)
        message = str(caught.exception)
        self.assertNotIn(SECRET, message)
        self.assertIn(f"with id {self.other_bank.id}", message)
        self.assertEqual(self._counts(), counts)

    def test_journal_of_a_company_the_user_is_not_in(self):
        self.assertRefusedUnnamed(self.clerk, journal_id=self.other_bank.id)

    def test_payment_method_of_a_company_the_user_is_not_in(self):
        """Alone, or with a journal of the invoice's company (the check of
        which journal the method is of would name it first)."""
        self.assertRefusedUnnamed(
            self.clerk, payment_method_line_id=self.other_method.id
        )
        self.assertRefusedUnnamed(
            self.clerk,
            payment_method_line_id=self.other_method.id,
            journal_id=self.bank_journal.id,
        )

    def test_named_for_a_user_who_may_read_it(self):
        """A user of both companies, both active in the request, reads the
        journal: the error names it."""
        both = self.company_data["company"] | self.company_data_2["company"]
        manager = self._create_user("clerk_both", self.refunder, both)
        invoice = self.invoice.with_user(manager).with_context(
            allowed_company_ids=both.ids
        )
        with self.assertRaisesRegex(UserError, f"journal {SECRET} belongs to another"):
            invoice.action_partial_refund(
                [{"line_id": self.line.id, "amount": 10.0}],
                date=self.refund_date,
                journal_id=self.other_bank.id,
            )
