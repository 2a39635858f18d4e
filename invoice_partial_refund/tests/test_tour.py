# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from odoo.addons.account.tests.common import (
    AccountTestInvoicingCommon,
    AccountTestInvoicingHttpCommon,
)

from .test_localizations import setup_argentina


def _admin_refunds_in(company):
    """The tours' user (admin) works in ``company`` and may refund."""
    env = company.env
    env.ref("base.user_admin").write(
        {
            "company_id": company.id,
            "company_ids": [Command.link(company.id)],
            "groups_id": [
                Command.link(env.ref("account.group_account_manager").id),
                Command.link(env.ref("invoice_partial_refund.group_partial_refund").id),
            ],
        }
    )


def _pay(invoice, journal):
    """Pay ``invoice`` in full through Odoo's payment register."""
    return (
        invoice.env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=invoice.ids)
        .create({"journal_id": journal.id})
        ._create_payments()
    )


def _paid_invoice(case, partner, lines):
    """A posted customer invoice of ``lines`` (name, quantity, price), taxed
    with the company's sale tax, paid in full through its bank: (invoice,
    payment)."""
    tax = case.company_data["default_tax_sale"]
    invoice = case.env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": "2019-01-01",
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": name,
                        "quantity": quantity,
                        "price_unit": price,
                        "tax_ids": tax.ids,
                    }
                )
                for name, quantity, price in lines
            ],
        }
    )
    invoice.action_post()
    payment = _pay(invoice, case.company_data["default_journal_bank"])
    case.assertEqual(invoice.payment_state, "paid")
    return invoice, payment


def _assert_settled(case, refund):
    """The refund's credit note is settled by its payment: nothing left on
    it, every receivable line of both reconciled."""
    credit_note = refund.credit_note_id
    case.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
    receivable = (credit_note | refund.payment_id.move_id).line_ids.filtered(
        lambda line: line.account_id.account_type == "asset_receivable"
    )
    case.assertTrue(receivable and all(receivable.mapped("reconciled")))
    # The customer owes and is owed nothing: invoice, payment, credit note
    # and refund payment balance out.
    customer = case.env["account.move.line"].search(
        [
            ("partner_id", "=", refund.partner_id.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
        ]
    )
    case.assertTrue(refund.currency_id.is_zero(sum(customer.mapped("balance"))))


def _refund_by_tour(case, invoice, tour):
    """Walk ``tour`` as admin from ``invoice``'s form: the one refund it made."""
    case.start_tour(
        f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
        tour,
        login="admin",
    )
    refund = invoice.partial_refund_ids
    case.assertEqual(len(refund), 1)
    return refund


#: The tours' invoice: a chair (2 x 100) and a table (300).
CHAIR_AND_TABLE = (("Chair", 2, 100.0), ("Table", 1, 300.0))


@tagged("post_install", "-at_install")
class TestPartialRefundTour(AccountTestInvoicingHttpCommon):
    """The wizard walked in the real web client, in headless Chromium (the
    test is skipped by Odoo when no Chromium is found)."""

    def test_partial_refund_tour(self):
        _admin_refunds_in(self.env.company)
        self.assertEqual(self.company_data["default_tax_sale"].amount, 15.0)
        invoice, payment = _paid_invoice(self, self.partner_a, CHAIR_AND_TABLE)
        bank = self.company_data["default_journal_bank"]
        # Paid through Stripe outside Odoo's payment flow: refunds go back
        # through it unless the user chooses to refund by hand.
        payment.write(
            {"refund_gateway": "stripe", "refund_gateway_reference": "pi_3TourPayment"}
        )
        self.assertEqual(invoice.payment_state, "paid")

        refund = _refund_by_tour(self, invoice, "invoice_partial_refund_tour")
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
        _assert_settled(self, refund)


@tagged("post_install", "-at_install")
class TestTaxIncludedTour(AccountTestInvoicingHttpCommon):
    """A company that shows its amounts tax included: the amount typed in
    the wizard's list is the total refunded, on screen and in the books."""

    def test_tax_included_tour(self):
        _admin_refunds_in(self.env.company)
        # Odoo 18: the company's taxes are then included in prices too.
        self.env.company.account_price_include = "tax_included"
        self.assertTrue(self.company_data["default_tax_sale"].price_include)
        invoice, _payment = _paid_invoice(self, self.partner_a, CHAIR_AND_TABLE)

        refund = _refund_by_tour(
            self, invoice, "invoice_partial_refund_tax_included_tour"
        )
        self.assertAlmostEqual(refund.amount_total, 115.0)
        self.assertAlmostEqual(refund.amount_untaxed, 100.0)
        self.assertAlmostEqual(refund.credit_note_id.amount_total, 115.0)
        _assert_settled(self, refund)
        self.assertAlmostEqual(invoice.invoice_line_ids[1].refunded_amount, 115.0)
        self.assertAlmostEqual(invoice.partial_refundable_amount, 385.0)


@tagged("post_install", "-at_install")
class TestCreditNoteOptionsTour(AccountTestInvoicingHttpCommon):
    """The credit note options (what Argentina's reversal wizard asks, the
    document type) walked in the web client: the options dialog replaces
    the wizard and gives it back, and the credit note takes them."""

    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("ar_ri")
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = setup_argentina(cls.env, cls.company_data)

    def test_credit_note_options_tour(self):
        _admin_refunds_in(self.env.company)
        invoice, _payment = _paid_invoice(self, self.partner, [("Chair", 1, 100.0)])

        refund = _refund_by_tour(self, invoice, "invoice_partial_refund_options_tour")
        # The admin's options record and wizard (their rules: their creator).
        options = (
            self.env["account.move.reversal"]
            .sudo()
            .search([("partial_refund_wizard_id.move_id", "=", invoice.id)])
        )
        self.assertEqual(len(options), 1, "one options record, kept for the wizard")
        document_type = refund.credit_note_id.l10n_latam_document_type_id
        self.assertEqual(document_type, options.l10n_latam_document_type_id)
        self.assertEqual(document_type.internal_type, "credit_note")
        self.assertEqual(
            refund.credit_note_id.invoice_line_ids.refund_origin_line_id,
            invoice.invoice_line_ids,
        )
        # The whole line back, the credit note settled by the refund payment.
        self.assertAlmostEqual(refund.amount_total, invoice.amount_total)
        self.assertAlmostEqual(refund.credit_note_id.amount_total, invoice.amount_total)
        _assert_settled(self, refund)
