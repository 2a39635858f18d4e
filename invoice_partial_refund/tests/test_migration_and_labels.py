# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""From a merge review reading the addon top-down: the 18.0.2 migration's
amounts sent by hand in the refund's currency, the refund's states and
means in the user's language; each with the books it leaves."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.modules.migration import load_script
from odoo.tests import tagged

from .common import PartialRefundCommon

TODAY = date(2019, 2, 1)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestMigrationAndLabels(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.jpy = cls.setup_other_currency(
            "JPY", rates=[("2019-01-01", 150.0), ("2019-02-01", 160.0)]
        )
        cls.jpy_journal = cls.env["account.journal"].create(
            {
                "name": "Bank JPY",
                "type": "bank",
                "code": "BJPY",
                "currency_id": cls.jpy.id,
            }
        )

    def test_migration_records_in_the_refund_currency_what_was_sent_by_hand(self):
        """The 18.0.2 migration records what a refund marked refunded by hand
        was due, in the refund's currency (what `_manual_amount` and the
        confirmation count in), also when its payment went through a
        journal in another currency: else a refund paid in yen is said to
        have sent 160 times its amount, and owes a negative amount."""
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "amount": 10.0}],
            journal_id=self.jpy_journal.id,
        )
        self.assertEqual(refund.payment_id.currency_id, self.jpy)
        self.assertEqual(refund.state, "manual")
        refund._confirm_manual_refund(TODAY, "TRF-1", "bank_transfer")
        self.assertEqual(refund.state, "done")
        self.assertAlmostEqual(refund.manual_refunded_amount, refund.amount_total)
        # As 18.0.1 left it: nothing recorded.
        refund.sudo().manual_refunded_amount = 0.0
        migration = load_script(
            "invoice_partial_refund/migrations/18.0.2.0.0/post-migrate.py",
            "post_migrate",
        )
        migration.record_amounts_sent_by_hand(self.env)
        self.assertAlmostEqual(refund.manual_refunded_amount, refund.amount_total)
        self.assertAlmostEqual(refund._manual_amount(), 0.0)
        # The books are those of the refund: settled, nothing owed.
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertTrue(
            refund.currency_id.is_zero(refund.credit_note_id.amount_residual)
        )

    def test_state_and_means_are_said_in_the_users_language(self):
        """A French accountant reads the refund's state and how the money was
        sent in French, as the rest of the sentence: the breakdown on the
        invoice, the refusal to cancel, the choices of the confirmation
        (its dropdown too) and its note. Labels read from the raw selection
        (`dict(field.selection)`) stay English."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["invoice_partial_refund"], ["fr_FR"], overwrite=True
        )
        french = self.env(context=dict(self.env.context, lang="fr_FR"))
        invoice = self._create_paid_invoice([{"price_unit": 100.0}]).with_env(french)
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "amount": 10.0}],
            journal_id=self.bank_journal.id,
        ).with_env(french)
        self.assertEqual(refund.state, "manual")
        breakdown = invoice.message_ids.filtered(
            lambda message: refund.name in (message.body or "")
        )
        self.assertIn("En attente de remboursement manuel", breakdown.body)
        # The means offered, in the dropdown and in the refusal.
        means = french["account.partial.refund.confirm.wizard"]._fields["means"]
        self.assertIn(
            ("bank_transfer", "Virement bancaire"),
            means._description_selection(french),
        )
        with self.assertRaisesRegex(UserError, "Virement bancaire"):
            refund._confirm_manual_refund(TODAY, "TRF-1", "pigeon")
        refund._confirm_manual_refund(TODAY, "TRF-1", "bank_transfer")
        self.assertEqual(refund.state, "done")
        sent = refund.message_ids.filtered(
            lambda message: "TRF-1" in (message.body or "")
        )
        self.assertTrue(sent)
        self.assertTrue(all("Virement bancaire" in m.body for m in sent))
        with self.assertRaisesRegex(UserError, "« Remboursé »"):
            refund.action_cancel_refund()
        # The books: refunded and settled, nothing owed either way.
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
