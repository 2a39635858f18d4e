# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Review of the calls an integration makes over RPC: payments marked as
paid by hand and malformed arguments of the addon's overrides."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PartialRefundCommon

TODAY = "2019-02-01"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestReviewRpcAccess(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._create_paid_invoice(
            [{"price_unit": 100.0}], journal=cls.bank_journal
        )

    def _manual_refund(self, amount=40.0):
        return self._refund(
            self.invoice,
            [{"line_id": self.invoice.invoice_line_ids.id, "amount": amount}],
            journal_id=self.bank_journal.id,
            refund_via="manual",
        )

    def test_assign_outstanding_line_with_a_malformed_line_id(self):
        """`account.move.js_assign_outstanding_line`, overridden here and
        public: a line id that is not one is a clear error (not a database
        error, a TypeError or an IndexError) and matches nothing."""
        refund = self._manual_refund()
        credit_note = refund.credit_note_id
        other = self._create_paid_invoice([{"price_unit": 50.0}], pay=False)
        counts = self._counts(other)
        reconciliations = self.env["account.partial.reconcile"].search_count([])
        for value in (
            "abc",
            str(credit_note.line_ids[0].id),
            1.5,
            None,
            0,
            -3,
            True,
            {"id": 1},
            [],
            ["x"],
            2**40,
        ):
            with self.subTest(value=value), self.assertRaises(UserError):
                other.js_assign_outstanding_line(value)
        self.assertEqual(self._counts(other), counts)
        self.assertEqual(
            self.env["account.partial.reconcile"].search_count([]), reconciliations
        )
        self.assertEqual(other.payment_state, "not_paid")
