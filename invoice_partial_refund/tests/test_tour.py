# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon


@tagged("post_install", "-at_install")
class TestPartialRefundTour(AccountTestInvoicingHttpCommon):
    """The wizard walked in the real web client, in headless Chromium (the
    test is skipped by Odoo when no Chromium is found)."""

    def test_partial_refund_tour(self):
        company = self.env.company
        admin = self.env.ref("base.user_admin")
        admin.write(
            {
                "company_id": company.id,
                "company_ids": [Command.link(company.id)],
                "groups_id": [
                    Command.link(self.env.ref("account.group_account_manager").id),
                    Command.link(
                        self.env.ref("invoice_partial_refund.group_partial_refund").id
                    ),
                ],
            }
        )
        tax = self.company_data["default_tax_sale"]
        self.assertEqual(tax.amount, 15.0)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner_a.id,
                "invoice_date": "2019-01-01",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Chair",
                            "quantity": 2,
                            "price_unit": 100.0,
                            "tax_ids": tax.ids,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Table",
                            "quantity": 1,
                            "price_unit": 300.0,
                            "tax_ids": tax.ids,
                        }
                    ),
                ],
            }
        )
        invoice.action_post()
        bank = self.company_data["default_journal_bank"]
        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": bank.id})
            ._create_payments()
        )
        # Paid through Stripe outside Odoo's payment flow: refunds go back
        # through it unless the user chooses to refund by hand.
        payment.write(
            {"refund_gateway": "stripe", "refund_gateway_reference": "pi_3TourPayment"}
        )
        self.assertEqual(invoice.payment_state, "paid")

        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "invoice_partial_refund_tour",
            login="admin",
        )

        refund = invoice.partial_refund_ids
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.reason, "Damaged on delivery")
        # Chair: 1 of 2 by quantity (100 + 15%); table: 40 by amount (+ 15%).
        self.assertAlmostEqual(refund.amount_untaxed, 140.0)
        self.assertAlmostEqual(refund.amount_total, 161.0)
        self.assertEqual(refund.refund_via, "manual")
        self.assertFalse(refund.gateway_ids, "nothing goes through Stripe")
        self.assertEqual(refund.payment_id.journal_id, bank)
        self.assertAlmostEqual(refund.payment_id.amount, 161.0)
        self.assertEqual(refund.state, "manual")
        chair, table = invoice.invoice_line_ids
        self.assertAlmostEqual(chair.refunded_quantity, 1.0)
        self.assertAlmostEqual(chair.refunded_amount, 100.0)
        self.assertAlmostEqual(table.refunded_amount, 40.0)
        self.assertAlmostEqual(invoice.partial_refunded_amount, 161.0)
        credit_note = refund.credit_note_id
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
        receivable = (credit_note | refund.payment_id.move_id).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(all(receivable.mapped("reconciled")))
