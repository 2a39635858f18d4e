# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The charts of test_chart_grids, continued (from an independent
review): Mexico's cash basis taxes and withholdings, in pesos and in
dollars, Switzerland, Australia, Brazil, Argentina the next year."""

from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import PartialRefundCommon
from .test_chart_grids import ChartCases
from .test_localizations import LocalizationCases, setup_argentina


@tagged("post_install", "-at_install")
class TestMexicoGrids(ChartCases):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("mx")
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.tax_exigibility = True
        cls.usd = cls.setup_other_currency(
            "USD",
            rates=[
                ("2019-01-01", 0.05),
                ("2019-01-15", 0.0625),
                ("2019-02-01", 0.04),
            ],
        )

    def _caba(self, moves):
        return self.env["account.move"].search(
            [("tax_cash_basis_origin_move_id", "in", moves.ids)]
        )

    def _check_mexico(self, currency=None):
        per_line = [
            self._taxes("tax12"),
            self._taxes("ieps_8_sale", "tax12"),
            self._taxes("tax12", "mx_wh_1_25_sale"),
            self._taxes("tax17"),
        ]
        # Cash basis: the credit notes carry no grid, their cash basis
        # entries do.
        invoice, refunds, odoo_credit_note = self._check_taxes(
            per_line, currency=currency, pay_identical=True, grids=False
        )
        identical = odoo_credit_note.reversed_entry_id
        ours = refunds.credit_note_id | self._caba(refunds.credit_note_id)
        odoo = odoo_credit_note | self._caba(odoo_credit_note)
        self.assertTrue(self._caba(refunds.credit_note_id))
        # The cash basis entries: the tax moved from the transition accounts
        # to the tax accounts, on the grids, as for Odoo's credit note.
        self.assertEqual(
            self._books_in(ours, "amount_currency"),
            self._books_in(odoo, "amount_currency"),
        )
        # Nothing left on the transition accounts, in the company's currency
        # (the exchange differences of the cash basis entries included).
        transition_accounts = (
            self.env["account.tax"]
            .search([("tax_exigibility", "=", "on_payment")])
            .cash_basis_transition_account_id
        )
        for name, moves in (
            ("ours", invoice | self._caba(invoice) | ours),
            ("odoo", identical | self._caba(identical) | odoo),
        ):
            moves = self._with_exchange_moves(moves)
            transition = moves.line_ids.filtered(
                lambda line: line.account_id in transition_accounts
            )
            self.assertTrue(transition)
            self.assertAlmostEqual(
                sum(transition.mapped("amount_currency")), 0.0, msg=name
            )
            self.assertAlmostEqual(sum(transition.mapped("balance")), 0.0, msg=name)
        if not currency:
            self.assertEqual(self._tax_report(ours), self._tax_report(odoo))
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        return refunds

    def _with_exchange_moves(self, moves):
        while True:
            partials = (
                moves.line_ids.matched_debit_ids | moves.line_ids.matched_credit_ids
            )
            more = (
                partials.exchange_move_id
                | partials.full_reconcile_id.exchange_move_id
                | self._caba(moves)
            )
            if not more - moves:
                return moves
            moves |= more

    def test_cash_basis_early_payment_discount(self):
        """Cash basis taxes, paid early (2 % off), refunded partly then
        fully: the invoice, its payment, the credit notes and all their cash
        basis entries leave nothing on the transition nor on the tax
        accounts, nothing open."""
        taxes = [self._taxes("tax12"), self._taxes("tax17"), self._taxes("tax12")]
        prices = [(99.99, 3), (12.12, 12.12), (0.99, 7)]
        invoice = self._create_paid_invoice(
            [
                {"price_unit": price, "quantity": quantity, "tax_ids": tax.ids}
                for (price, quantity), tax in zip(prices, taxes, strict=True)
            ],
            payment_term=self._early_discount_term(),
        )
        payments = invoice.line_ids.matched_credit_ids.credit_move_id.move_id
        refunds = self._refund_quantity_amount_then_rest(invoice)
        for refund in refunds:
            self.assertRefundSettled(refund)
        moves = self._with_exchange_moves(
            invoice | payments | refunds.credit_note_id | refunds.payment_id.move_id
        )
        accounts = (
            taxes[0].invoice_repartition_line_ids.account_id
            | (taxes[0].cash_basis_transition_account_id)
            | taxes[1].invoice_repartition_line_ids.account_id
        )
        for account in accounts:
            lines = moves.line_ids.filtered(
                lambda line, a=account: line.account_id == a
            )
            self.assertAlmostEqual(
                sum(lines.mapped("balance")), 0.0, msg=account.display_name
            )
        self.assertFalse(self._open_receivable_lines())
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_cash_basis_withholding_ieps(self):
        self._check_mexico()

    def test_cash_basis_in_dollars_three_rates(self):
        self._check_mexico(self.usd)

    def test_cash_basis_in_dollars_back_through_a_euro_journal(self):
        """A cash basis invoice in dollars refunded through a bank journal
        in euros (a third currency, at another rate): the credit note
        settled, the transition accounts emptied, nothing open."""
        eur = self.setup_other_currency(
            "EUR", rates=[("2019-01-01", 0.045), ("2019-02-01", 0.035)]
        )
        journal = self.env["account.journal"].create(
            {"name": "Bank EUR", "type": "bank", "code": "BEUR", "currency_id": eur.id}
        )
        tax = self._taxes("tax12")
        invoice = self._create_paid_invoice(
            [
                {"price_unit": 99.99, "quantity": 3, "tax_ids": tax.ids},
                {"price_unit": 12.12, "quantity": 12.12, "tax_ids": tax.ids},
            ],
            currency=self.usd,
        )
        refunds = self._refund_quantity_amount_then_rest(invoice, journal_id=journal.id)
        for refund in refunds:
            credit_note = refund.credit_note_id
            self.assertEqual(refund.payment_id.currency_id, eur)
            self.assertTrue(
                credit_note.currency_id.is_zero(credit_note.amount_residual)
            )
            self.assertTrue(self._caba(credit_note))
        moves = self._with_exchange_moves(
            invoice | refunds.credit_note_id | refunds.payment_id.move_id
        )
        transition = moves.line_ids.filtered(
            lambda line: line.account_id == tax.cash_basis_transition_account_id
        )
        self.assertTrue(transition)
        self.assertAlmostEqual(sum(transition.mapped("balance")), 0.0)
        self.assertAlmostEqual(sum(transition.mapped("amount_currency")), 0.0)
        self.assertFalse(self._open_receivable_lines())
        self.assertAlmostEqual(self._partner_balance(), 0.0)


@tagged("post_install", "-at_install")
class TestSwitzerlandGrids(ChartCases):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("ch")
    def setUpClass(cls):
        super().setUpClass()

    def test_price_included_vat(self):
        self._check_taxes(
            [
                self._price_included(self._taxes("vat_sale_81")),
                self._price_included(self._taxes("vat_sale_26")),
                self._taxes("vat_sale_38"),
            ]
        )

    def test_rate_archived_since_the_invoice(self):
        """Invoiced at 7.7 %, the rate archived since (8.1 % from 2024):
        refunded partly then fully as Odoo's credit note of it."""
        old_rate = self._taxes("vat_77")
        old_rate.active = True
        invoice = self._create_paid_invoice(
            [
                {"price_unit": 99.99, "quantity": 3, "tax_ids": old_rate.ids},
                {"price_unit": 12.12, "quantity": 12.12, "tax_ids": old_rate.ids},
            ]
        )
        identical = self._create_paid_invoice(
            [
                {"price_unit": 99.99, "quantity": 3, "tax_ids": old_rate.ids},
                {"price_unit": 12.12, "quantity": 12.12, "tax_ids": old_rate.ids},
            ],
            pay=False,
        )
        old_rate.active = False
        self.env.invalidate_all()
        odoo_credit_note = self._odoo_credit_note(identical)
        refunds = self._refund_quantity_amount_then_rest(invoice)
        self.assertRefundedAsOdoo(invoice, refunds, odoo_credit_note)
        self.assertEqual(
            refunds.credit_note_id.invoice_line_ids.tax_ids,
            old_rate.with_context(active_test=False),
        )


@tagged("post_install", "-at_install")
class TestAustraliaGrids(ChartCases):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("au")
    def setUpClass(cls):
        super().setUpClass()

    def test_gst_and_exempt(self):
        self._check_taxes(
            [
                self._taxes("au_tax_sale_10"),
                self._price_included(self._taxes("au_tax_sale_10")),
                self._taxes("au_tax_sale_exempt"),
            ]
        )


@tagged("post_install", "-at_install")
class TestBrazilGrids(ChartCases):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("br")
    def setUpClass(cls):
        super().setUpClass()

    def test_icms_ipi_pis_cofins(self):
        self._check_taxes(
            [
                self._taxes(
                    "tax_template_out_icms_interno17",
                    "tax_template_out_pis065",
                    "tax_template_out_cofins3",
                ),
                self._taxes(
                    "tax_template_out_ipi10", "tax_template_out_icms_interno17"
                ),
                self._taxes("tax_template_out_issqn2"),
            ]
        )


@tagged("post_install", "-at_install")
class TestArgentinaNextYear(LocalizationCases, PartialRefundCommon):
    """Refunded the next year: the credit note's document and service
    dates as Odoo's reversal gives them."""

    refund_months_later = 12

    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("ar_ri")
    def setUpClass(cls):
        super().setUpClass()

    @classmethod
    def _setup_localization(cls):
        cls.partner = setup_argentina(cls.env, cls.company_data)
