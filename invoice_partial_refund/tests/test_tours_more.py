# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The web client around refunds (from an independent review), walked in
headless Chromium: a second
refund after a first, a foreign currency invoice, a refund cancelled and
one confirmed from its form, a user without the refund group, the menus
(tours: static/tests/tours/invoice_partial_refund_more_tours.js)."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.account.tests.common import (
    AccountTestInvoicingHttpCommon,
)

from .common import PartialRefundCommon
from .test_tour import _admin_refunds_in

INVOICES = "/odoo/action-account.action_move_out_invoice_type"
REFUNDS = "/odoo/action-invoice_partial_refund.account_partial_refund_action"


@tagged("post_install", "-at_install")
class TestMoreTours(PartialRefundCommon, AccountTestInvoicingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _admin_refunds_in(cls.env.company)
        cls.eur = cls.setup_other_currency(
            "EUR", rates=[("2019-01-01", 2.0), ("2019-02-01", 2.5)]
        )

    def _chair_and_table(self, **values):
        return self._create_paid_invoice(
            [
                {"name": "Chair", "quantity": 2, "price_unit": 100.0},
                {"name": "Table", "price_unit": 300.0},
            ],
            **values,
        )

    def _manual_refund(self, invoice, lines):
        refund = self._refund(
            invoice,
            lines,
            payment_method_line_id=self.bank_journal.outbound_payment_method_line_ids[
                :1
            ].id,
        )
        self.assertEqual(refund.state, "manual")
        return refund

    def test_second_refund_after_a_first(self):
        invoice = self._chair_and_table()
        chair, table = invoice.invoice_line_ids
        first = self._manual_refund(invoice, [{"line_id": table.id}])
        self.start_tour(
            f"{INVOICES}/{invoice.id}", "ipr_second_refund_tour", login="admin"
        )
        second = invoice.partial_refund_ids - first
        self.assertEqual(len(second), 1)
        self.assertRefundSettled(second)
        credit_note = second.credit_note_id
        self.assertAlmostEqual(credit_note.amount_untaxed, 100.0)
        self.assertAlmostEqual(credit_note.amount_tax, 15.0)
        self.assertAlmostEqual(credit_note.amount_total, 115.0)
        self.assertEqual(credit_note.invoice_line_ids.refund_origin_line_id, chair)
        self.assertAlmostEqual(credit_note.invoice_line_ids.quantity, 1.0)
        self.assertAlmostEqual(chair.refunded_quantity, 1.0)
        self.assertAlmostEqual(chair.refundable_amount, 100.0)
        self.assertAlmostEqual(table.refundable_amount, 0.0)
        self.assertAlmostEqual(invoice.partial_refundable_amount, 115.0)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_foreign_currency_refund(self):
        invoice = self._create_paid_invoice(
            [{"name": "Chair", "price_unit": 100.0}], currency=self.eur
        )
        self.assertAlmostEqual(invoice.invoice_currency_rate, 2.0)
        self.start_tour(f"{INVOICES}/{invoice.id}", "ipr_currency_tour", login="admin")
        refund = invoice.partial_refund_ids
        self.assertEqual(len(refund), 1)
        self.assertRefundSettled(refund)
        credit_note = refund.credit_note_id
        self.assertEqual(credit_note.currency_id, self.eur)
        self.assertEqual(credit_note.invoice_currency_rate, 2.0)
        self.assertAlmostEqual(credit_note.amount_untaxed, 40.0)
        self.assertAlmostEqual(credit_note.amount_tax, 6.0)
        self.assertAlmostEqual(credit_note.amount_total, 46.0)
        # In the company's currency at the invoice's rate.
        self.assertAlmostEqual(credit_note.amount_total_signed, -23.0)
        self.assertAlmostEqual(refund.amount_total_company, 23.0)
        self.assertAlmostEqual(invoice.partial_refundable_amount, 69.0)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_cancel_refund_from_its_form(self):
        invoice = self._chair_and_table()
        chair, table = invoice.invoice_line_ids
        refund = self._manual_refund(invoice, [{"line_id": chair.id, "quantity": 1}])
        self.assertTrue(refund.can_cancel)
        self.start_tour(f"{REFUNDS}/{refund.id}", "ipr_cancel_tour", login="admin")
        self.assertEqual(refund.state, "cancelled")
        self.assertEqual(invoice.partial_refund_status, "none")
        self.assertAlmostEqual(chair.refundable_amount, 200.0)
        self.assertAlmostEqual(chair.refunded_amount, 0.0)
        self.assertAlmostEqual(invoice.partial_refundable_amount, 575.0)
        self.assertTrue(
            refund.currency_id.is_zero(refund.credit_note_id.amount_residual)
        )
        self.assertEqual(refund.payment_id.state, "canceled")
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_mark_manual_refund_as_refunded_from_its_form(self):
        invoice = self._chair_and_table()
        chair = invoice.invoice_line_ids[0]
        refund = self._manual_refund(invoice, [{"line_id": chair.id, "quantity": 1}])
        self.start_tour(f"{REFUNDS}/{refund.id}", "ipr_confirm_tour", login="admin")
        self.assertEqual(refund.state, "done")
        self.assertEqual(refund.manual_refund_reference, "TRF-0042")
        self.assertEqual(refund.manual_refund_means, "bank_transfer")
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_user_without_the_refund_group(self):
        invoice = self._chair_and_table()
        refund = self._manual_refund(
            invoice, [{"line_id": invoice.invoice_line_ids[1].id, "amount": 10.0}]
        )
        user = self._create_user(
            "billing", self.env.ref("account.group_account_invoice")
        )
        user.password = "billing"
        self.assertFalse(user.has_group("invoice_partial_refund.group_partial_refund"))
        self.start_tour(
            f"{INVOICES}/{invoice.id}", "ipr_no_group_tour", login="billing"
        )
        with self.assertRaises(AccessError):
            invoice.with_user(user).action_open_partial_refund_wizard()
        with self.assertRaises(AccessError):
            invoice.with_user(user).action_partial_refund(
                [{"line_id": invoice.invoice_line_ids[0].id}]
            )
        self.assertEqual(invoice.partial_refund_ids, refund)
        with self.assertRaises(AccessError):
            refund.with_user(user).action_cancel_refund()
        self.assertEqual(refund.state, "manual")

    def test_refunds_menus(self):
        invoice = self._chair_and_table()
        chair, table = invoice.invoice_line_ids
        manual = self._manual_refund(invoice, [{"line_id": chair.id, "quantity": 1}])
        done = self._manual_refund(invoice, [{"line_id": table.id, "amount": 30.0}])
        wizard = (
            self.env["account.partial.refund.confirm.wizard"]
            .with_context(default_refund_id=done.id)
            .create({"reference": "TRF-1"})
        )
        wizard.action_confirm()
        self.assertEqual(done.state, "done")
        self.start_tour(REFUNDS, "ipr_menus_tour", login="admin")
        self.assertEqual(manual.state, "manual")
        self.assertEqual(
            invoice.partial_refund_ids.credit_note_id.reversed_entry_id, invoice
        )

    def test_back_from_the_summary_keeps_the_lines(self):
        invoice = self._chair_and_table()
        table = invoice.invoice_line_ids[1]
        self.start_tour(f"{INVOICES}/{invoice.id}", "ipr_back_tour", login="admin")
        refund = invoice.partial_refund_ids
        self.assertEqual(len(refund), 1)
        self.assertAlmostEqual(refund.amount_untaxed, 40.0)
        self.assertAlmostEqual(refund.amount_total, 46.0)
        self.assertAlmostEqual(table.refunded_amount, 40.0)
        self.assertRefundSettled(refund)

    def test_refund_entries_offer_no_reset_nor_cancel(self):
        """Odoo's Reset to Draft and Cancel are refused on a refund's credit
        note and payment, and on the payment of a refunded invoice: the
        forms do not offer them."""
        invoice = self._chair_and_table()
        chair = invoice.invoice_line_ids[0]
        refund = self._manual_refund(invoice, [{"line_id": chair.id, "quantity": 1}])
        customer_payment = invoice.matched_payment_ids
        self.assertEqual(len(customer_payment), 1)
        # A refund cancelled: its payment's entries stay as booked too.
        cancelled = self._manual_refund(
            invoice, [{"line_id": invoice.invoice_line_ids[1].id, "amount": 10.0}]
        )
        cancelled.action_cancel_refund()
        self.assertEqual(cancelled.payment_id.state, "canceled")
        for payment in refund.payment_id | customer_payment | cancelled.payment_id:
            for button in ("action_draft", "action_cancel"):
                with self.assertRaises(UserError), self.env.cr.savepoint():
                    getattr(payment, button)()
            self.assertTrue(payment.partial_refund_locked)
        for model, record in (
            ("account.move", invoice),
            ("account.move", refund.credit_note_id),
            ("account.payment", refund.payment_id),
            ("account.payment", customer_payment),
            ("account.payment", cancelled.payment_id),
        ):
            with self.subTest(record=record.display_name):
                self.start_tour(
                    f"/odoo/{model}/{record.id}",
                    "ipr_entry_buttons_tour",
                    login="admin",
                )

    def _tax(self, price_include):
        tax = self.company_data["default_tax_sale"].copy(
            {"name": f"15% {price_include}", "price_include_override": price_include}
        )
        self.assertEqual(tax.amount, 15.0)
        return tax

    def _assert_credit_note(self, refund, untaxed, tax, total):
        self.assertRefundSettled(refund)
        credit_note = refund.credit_note_id
        self.assertAlmostEqual(credit_note.amount_untaxed, untaxed)
        self.assertAlmostEqual(credit_note.amount_tax, tax)
        self.assertAlmostEqual(credit_note.amount_total, total)
        self.assertAlmostEqual(refund.amount_untaxed, untaxed)
        self.assertAlmostEqual(refund.amount_total, total)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_price_included_tax_shown_tax_excluded(self):
        self.assertEqual(self.env.company.account_price_include, "tax_excluded")
        tax = self._tax("tax_included")
        invoice = self._create_paid_invoice(
            [{"name": "Chair", "price_unit": 115.0, "tax_ids": tax.ids}]
        )
        self.assertAlmostEqual(invoice.amount_untaxed, 100.0)
        self.start_tour(
            f"{INVOICES}/{invoice.id}",
            "ipr_included_tax_excluded_display_tour",
            login="admin",
        )
        self._assert_credit_note(invoice.partial_refund_ids, 50.0, 7.5, 57.5)
        self.assertAlmostEqual(invoice.invoice_line_ids.refunded_amount, 50.0)

    def test_excluded_tax_shown_tax_included(self):
        self.env.company.account_price_include = "tax_included"
        tax = self._tax("tax_excluded")
        invoice = self._create_paid_invoice(
            [{"name": "Chair", "price_unit": 100.0, "tax_ids": tax.ids}]
        )
        self.assertAlmostEqual(invoice.amount_total, 115.0)
        self.start_tour(
            f"{INVOICES}/{invoice.id}",
            "ipr_excluded_tax_included_display_tour",
            login="admin",
        )
        self._assert_credit_note(invoice.partial_refund_ids, 50.0, 7.5, 57.5)
        self.assertAlmostEqual(invoice.invoice_line_ids.refunded_amount, 57.5)

    def test_second_refund_of_a_line_by_amount(self):
        invoice = self._chair_and_table()
        chair = invoice.invoice_line_ids[0]
        first = self._manual_refund(invoice, [{"line_id": chair.id, "quantity": 1}])
        self.start_tour(
            f"{INVOICES}/{invoice.id}", "ipr_second_amount_tour", login="admin"
        )
        self._assert_credit_note(invoice.partial_refund_ids - first, 50.0, 7.5, 57.5)
        self.assertAlmostEqual(chair.refunded_amount, 150.0)
        self.assertAlmostEqual(chair.refundable_amount, 50.0)
        self.assertAlmostEqual(invoice.partial_refundable_amount, 575.0 - 115.0 - 57.5)

    def test_wrong_inputs_are_refused_in_words(self):
        invoice = self._chair_and_table()
        balance = self._partner_balance()
        self.start_tour(f"{INVOICES}/{invoice.id}", "ipr_errors_tour", login="admin")
        self.assertFalse(invoice.partial_refund_ids)
        self.assertFalse(
            self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)])
        )
        self.assertEqual(invoice.payment_state, "paid")
        self.assertAlmostEqual(invoice.partial_refundable_amount, 575.0)
        self.assertAlmostEqual(self._partner_balance(), balance)

    def _refunder(self):
        """A Billing user with the refund group only (not an accountant)."""
        user = self._create_user(
            "refunder",
            self.env.ref("account.group_account_invoice")
            | self.env.ref("invoice_partial_refund.group_partial_refund"),
        )
        user.password = "refunder"
        self.assertFalse(user.has_group("account.group_account_user"))
        return user

    def test_billing_refunder_walks_the_wizard(self):
        """The main tour, as a Billing user with the refund group, on an
        invoice paid through Stripe."""
        self._refunder()
        invoice = self._chair_and_table()
        invoice.matched_payment_ids.write(
            {"refund_gateway": "stripe", "refund_gateway_reference": "pi_3TourPayment"}
        )
        self.start_tour(
            f"{INVOICES}/{invoice.id}", "invoice_partial_refund_tour", login="refunder"
        )
        refund = invoice.partial_refund_ids
        self.assertEqual(len(refund), 1)
        self.assertAlmostEqual(refund.amount_total, 161.0)
        self.assertEqual(refund.state, "manual")
        self.assertRefundSettled(refund)

    def test_billing_refunder_confirms_and_cancels(self):
        self._refunder()
        invoice = self._chair_and_table()
        chair, table = invoice.invoice_line_ids
        refund = self._manual_refund(invoice, [{"line_id": chair.id, "quantity": 1}])
        self.start_tour(f"{REFUNDS}/{refund.id}", "ipr_confirm_tour", login="refunder")
        self.assertEqual(refund.state, "done")
        other = self._manual_refund(invoice, [{"line_id": table.id, "amount": 10.0}])
        self.start_tour(f"{REFUNDS}/{other.id}", "ipr_cancel_tour", login="refunder")
        self.assertEqual(other.state, "cancelled")
        self.assertAlmostEqual(table.refundable_amount, 300.0)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
