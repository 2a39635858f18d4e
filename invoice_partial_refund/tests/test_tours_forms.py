# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""More of the web client (from an independent review; see
test_tours_more.py): the wizard on another allowed company's invoice, the
invoice's and its entries' forms, the credit note's link to its refund, the
wizard in the web client on other charts."""

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.account.tests.common import (
    AccountTestInvoicingCommon,
    AccountTestInvoicingHttpCommon,
)

from .common import PartialRefundCommon
from .test_tour import _admin_refunds_in
from .test_tours_more import INVOICES


@tagged("post_install", "-at_install")
class TestWizardOtherCompany(PartialRefundCommon):
    """The wizard as the web client drives it on an invoice of the second
    of the user's companies while working in the first (both ticked in the
    company switcher): all of it in the invoice's company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data_2 = cls.setup_other_company()

    def test_wizard_on_an_invoice_of_another_allowed_company(self):
        company_1 = self.env.company
        company_2 = self.company_data_2["company"]
        invoice = self._create_paid_invoice(
            [{"name": "Chair", "price_unit": 100.0, "quantity": 2}], company=company_2
        )
        env = self.env(
            context=dict(
                self.env.context, allowed_company_ids=[company_1.id, company_2.id]
            )
        )
        invoice = invoice.with_env(env)
        self.assertEqual(invoice.env.company, company_1)
        action = invoice.action_open_partial_refund_wizard()
        wizard_form = Form(env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual(
            wizard_form.payment_method_line_id.journal_id.company_id, company_2
        )
        with wizard_form.line_ids.edit(0) as line:
            line.selected = True
            line.refund_mode = "quantity"
            line.refund_quantity = 1
        self.assertAlmostEqual(wizard_form.amount_total, 115.0)
        self.assertFalse(wizard_form.error_message)
        wizard = wizard_form.save()
        wizard.action_complete()
        action = wizard.action_refund_now()
        refund = env["account.partial.refund"].browse(action["res_id"])
        self.assertEqual(refund.company_id, company_2)
        self.assertEqual(refund.credit_note_id.company_id, company_2)
        self.assertEqual(refund.payment_id.company_id, company_2)
        self.assertEqual(
            refund.payment_id.journal_id, self.company_data_2["default_journal_bank"]
        )
        self.assertEqual(
            (
                refund.credit_note_id | refund.payment_id.move_id
            ).line_ids.account_id.company_ids,
            company_2,
        )
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(company=company_2), 0.0)
        self.assertAlmostEqual(self._partner_balance(company=company_1), 0.0)


@tagged("post_install", "-at_install")
class TestInvoiceFormTours(PartialRefundCommon, AccountTestInvoicingHttpCommon):
    def test_edit_and_post_a_draft_invoice(self):
        _admin_refunds_in(self.env.company)
        invoice = self._create_paid_invoice(
            [
                {"name": "Chair", "quantity": 2, "price_unit": 100.0},
                {"name": "Table", "price_unit": 300.0},
            ],
            pay=False,
        )
        invoice.button_draft()
        self.start_tour(
            f"{INVOICES}/{invoice.id}", "ipr_draft_edit_tour", login="admin"
        )
        self.assertEqual(invoice.state, "posted")
        self.assertAlmostEqual(invoice.amount_total, 0.0)

    def test_smart_buttons_of_an_invoice_refunded_twice(self):
        _admin_refunds_in(self.env.company)
        invoice = self._create_paid_invoice(
            [
                {"name": "Chair", "quantity": 2, "price_unit": 100.0},
                {"name": "Table", "price_unit": 300.0},
            ]
        )
        chair, table = invoice.invoice_line_ids
        self._refund(invoice, [{"line_id": chair.id, "quantity": 1}])
        self._refund(invoice, [{"line_id": table.id, "amount": 30.0}])
        self.start_tour(
            f"{INVOICES}/{invoice.id}", "ipr_smart_buttons_tour", login="admin"
        )

    def test_last_unit_takes_what_is_left(self):
        _admin_refunds_in(self.env.company)
        self.env.company.account_price_include = "tax_included"
        tax = self.env["account.tax"].create(
            {
                "name": "21% included",
                "amount": 21.0,
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
            }
        )
        invoice = self._create_paid_invoice(
            [{"name": "Mug", "quantity": 3, "price_unit": 9.99, "tax_ids": tax.ids}]
        )
        self.assertAlmostEqual(invoice.amount_untaxed, 24.77)
        self.assertAlmostEqual(invoice.amount_tax, 5.20)
        mug = invoice.invoice_line_ids
        for _unit in range(2):
            self._refund(invoice, [{"line_id": mug.id, "quantity": 1}])
        self.start_tour(f"{INVOICES}/{invoice.id}", "ipr_last_unit_tour", login="admin")
        refunds = invoice.partial_refund_ids
        self.assertEqual(len(refunds), 3)
        last = refunds.sorted("id")[-1]
        self.assertRefundSettled(last)
        self.assertAlmostEqual(last.credit_note_id.amount_untaxed, 8.25)
        self.assertAlmostEqual(last.credit_note_id.amount_tax, 1.74)
        self.assertAlmostEqual(last.credit_note_id.amount_total, 9.99)
        credit_notes = refunds.credit_note_id
        self.assertAlmostEqual(sum(credit_notes.mapped("amount_untaxed")), 24.77)
        self.assertAlmostEqual(sum(credit_notes.mapped("amount_tax")), 5.20)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertEqual(invoice.partial_refund_status, "refunded")

    def test_credit_note_opens_its_refund(self):
        """Reset to Draft is refused on a refund's credit note with "open the
        refund and click Cancel refund": the credit note leads to it."""
        _admin_refunds_in(self.env.company)
        invoice = self._create_paid_invoice([{"name": "Chair", "price_unit": 100.0}])
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 10.0}]
        )
        credit_note = refund.credit_note_id
        with self.assertRaisesRegex(UserError, "open the refund"):
            credit_note.button_draft()
        self.assertEqual(credit_note.partial_refund_id, refund)
        self.assertFalse(invoice.partial_refund_id)
        self.start_tour(
            "/odoo/action-account.action_move_out_refund_type",
            "ipr_credit_note_link_tour",
            login="admin",
        )

    def test_refund_through_stripe_waits_for_it(self):
        _admin_refunds_in(self.env.company)
        invoice = self._create_paid_invoice(
            [
                {"name": "Chair", "quantity": 2, "price_unit": 100.0},
                {"name": "Table", "price_unit": 300.0},
            ]
        )
        invoice.matched_payment_ids.write(
            {"refund_gateway": "stripe", "refund_gateway_reference": "pi_3TourPayment"}
        )
        self.start_tour(f"{INVOICES}/{invoice.id}", "ipr_gateway_tour", login="admin")
        refund = invoice.partial_refund_ids
        self.assertEqual(len(refund), 1)
        self.assertIn(refund.state, ("requested", "pending"))
        self.assertEqual(refund.gateway_ids.mapped("state"), ["requested"])
        self.assertAlmostEqual(refund.gateway_ids.amount, 345.0)
        self.assertFalse(refund.can_cancel)
        self.assertAlmostEqual(refund.credit_note_id.amount_total, 345.0)
        self.assertEqual(refund.credit_note_id.state, "posted")


class LocalizationTourCases:
    """The first line of an invoice of the chart's company refunded in the
    web client, as the wizard comes (its credit note options' defaults)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.partner_a

    def test_refund_in_the_web_client(self):
        _admin_refunds_in(self.env.company)
        tax = self.company_data["default_tax_sale"]
        invoice = self._create_paid_invoice(
            [
                {"price_unit": 99.99, "quantity": 3, "tax_ids": tax.ids},
                {"price_unit": 12.12, "quantity": 12.12, "tax_ids": tax.ids},
            ],
            partner=self.partner,
        )
        self.start_tour(f"{INVOICES}/{invoice.id}", "ipr_simple_tour", login="admin")
        refund = invoice.partial_refund_ids
        self.assertEqual(len(refund), 1)
        self.assertRefundSettled(refund)
        line = invoice.invoice_line_ids[0]
        self.assertEqual(
            refund.credit_note_id.invoice_line_ids.refund_origin_line_id, line
        )
        self.assertAlmostEqual(refund.amount_untaxed, line.price_subtotal)
        self.assertAlmostEqual(self._partner_balance(), 0.0)


@tagged("post_install", "-at_install")
class TestBrazilTour(
    LocalizationTourCases, PartialRefundCommon, AccountTestInvoicingHttpCommon
):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("br")
    def setUpClass(cls):
        super().setUpClass()


@tagged("post_install", "-at_install")
class TestMexicoTour(
    LocalizationTourCases, PartialRefundCommon, AccountTestInvoicingHttpCommon
):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("mx")
    def setUpClass(cls):
        super().setUpClass()


@tagged("post_install", "-at_install")
class TestIndiaTour(
    LocalizationTourCases, PartialRefundCommon, AccountTestInvoicingHttpCommon
):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("in")
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company_data["company"]
        gujarat = cls.env.ref("base.state_in_gj")
        company.write({"state_id": gujarat.id, "vat": "24AAGCC7144L6ZE"})
        cls.partner.write(
            {
                "country_id": cls.env.ref("base.in").id,
                "state_id": gujarat.id,
                "vat": "24ABCPM8965E1ZE",
                "l10n_in_gst_treatment": "regular",
            }
        )


@tagged("post_install", "-at_install")
class TestInvoiceDocument(PartialRefundCommon, AccountTestInvoicingHttpCommon):
    """The refunded invoice as its customer sees it: the portal's page and
    its document, rendered for the customer's access link."""

    def test_customer_sees_the_refunded_invoice(self):
        invoice = self._create_paid_invoice(
            [
                {"name": "Chair", "quantity": 2, "price_unit": 100.0},
                {"name": "Table", "price_unit": 300.0},
            ]
        )
        chair = invoice.invoice_line_ids[0]
        self._refund(invoice, [{"line_id": chair.id, "quantity": 1}])
        invoice._portal_ensure_token()
        token = invoice.access_token
        for path in (
            f"/my/invoices/{invoice.id}?access_token={token}",
            f"/my/invoices/{invoice.id}?access_token={token}&report_type=html",
        ):
            with self.subTest(path=path):
                response = self.url_open(path)
                self.assertEqual(response.status_code, 200)
        html = self.url_open(
            f"/my/invoices/{invoice.id}?access_token={token}&report_type=html"
        ).text
        self.assertIn("Still refundable", html)
        self.assertIn("460.00", html)  # 575 less 115
        self.assertIn("115.00", html)
        pdf = self.url_open(
            f"/my/invoices/{invoice.id}?access_token={token}&report_type=pdf"
        )
        self.assertEqual(pdf.status_code, 200)

    def test_salesperson_reads_a_refunded_invoice(self):
        if "sale.order" not in self.env:
            self.skipTest("sale is not installed")
        _admin_refunds_in(self.env.company)
        invoice = self._create_paid_invoice(
            [
                {"name": "Chair", "quantity": 2, "price_unit": 100.0},
                {"name": "Table", "price_unit": 300.0},
            ]
        )
        chair = invoice.invoice_line_ids[0]
        self._refund(invoice, [{"line_id": chair.id, "quantity": 1}])
        user = self._create_user(
            "seller", self.env.ref("sales_team.group_sale_salesman_all_leads")
        )
        user.password = "seller"
        self.assertFalse(user.has_group("account.group_account_invoice"))
        self.start_tour(
            f"/odoo/account.move/{invoice.id}",
            "ipr_salesperson_tour",
            login="seller",
        )

    def test_three_decimals_currency(self):
        _admin_refunds_in(self.env.company)
        kwd = self.setup_other_currency("KWD", rates=[("2019-01-01", 0.30)])
        self.assertEqual(kwd.decimal_places, 3)
        invoice = self._create_paid_invoice(
            [{"name": "Chair", "price_unit": 100.0}], currency=kwd
        )
        self.start_tour(
            f"{INVOICES}/{invoice.id}",
            "ipr_three_decimals_tour",
            login="admin",
        )
        refund = invoice.partial_refund_ids
        self.assertEqual(len(refund), 1)
        self.assertRefundSettled(refund)
        credit_note = refund.credit_note_id
        self.assertAlmostEqual(credit_note.amount_untaxed, 10.125)
        self.assertAlmostEqual(credit_note.amount_tax, 1.519)
        self.assertAlmostEqual(credit_note.amount_total, 11.644)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
