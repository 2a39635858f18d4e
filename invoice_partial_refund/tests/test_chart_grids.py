# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The tax grids of several charts' real taxes (from an independent review):
rates, groups, fiscal positions, price-included taxes, reverse charges, an
early payment discount, on Belgium's, India's and the UK's charts (more in
test_chart_grids_cash_basis). Each test compares an invoice refunded partly then
fully with an identical invoice reversed by Odoo's own credit note."""

from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .test_books_as_reports_read import ReportedBooksCommon


class ChartCases(ReportedBooksCommon):
    """Real taxes of a chart, by their template ids."""

    def _taxes(self, *xmlids):
        chart = self.env["account.chart.template"].with_company(self.env.company)
        return self.env["account.tax"].union(*(chart.ref(xmlid) for xmlid in xmlids))

    def _check_taxes(
        self,
        per_line,
        partner=None,
        fiscal_position=None,
        pay_identical=False,
        grids=True,
        **values,
    ):
        """An invoice of one line per entry of ``per_line`` (its taxes),
        (of ``partner`` under ``fiscal_position``, the taxes mapped by it),
        refunded in three: together as Odoo's credit note, grids included."""
        partner = partner or self.partner_a
        if fiscal_position:
            partner.property_account_position_id = fiscal_position
        prices = [(99.99, 3), (12.12, 12.12), (0.99, 7), (1234.56, 1)]
        lines = [
            {
                "price_unit": prices[index % 4][0],
                "quantity": prices[index % 4][1],
                "tax_ids": (
                    fiscal_position.map_tax(taxes) if fiscal_position else taxes
                ).ids,
            }
            for index, taxes in enumerate(per_line)
        ]
        invoice = self._create_paid_invoice(lines, partner=partner, **values)
        # Odoo's credit note of an identical invoice, paid or not as asked.
        identical = self._create_paid_invoice(
            lines, partner=partner, pay=pay_identical, **values
        )
        odoo_credit_note = self._odoo_credit_note(identical)
        if pay_identical:
            self._pay(
                odoo_credit_note, self.bank_journal, payment_date=self.refund_date
            )
        if fiscal_position:
            self.assertEqual(invoice.fiscal_position_id, fiscal_position)
        refunds = self._refund_quantity_amount_then_rest(invoice)
        if invoice.currency_id != self.env.company.currency_id:
            # The credit notes at the invoice's rate (by design), Odoo's at
            # its date's: the same in the invoice's currency.
            for refund in refunds:
                self.assertRefundSettled(refund)
            self.assertEqual(
                self._books_in(refunds.credit_note_id, "amount_currency"),
                self._books_in(odoo_credit_note, "amount_currency"),
            )
            self.assertAlmostEqual(self._partner_balance(partner), 0.0)
            self.assertFalse(self._open_receivable_lines(partner))
            return invoice, refunds, odoo_credit_note
        self.assertRefundedAsOdoo(invoice, refunds, odoo_credit_note, partner)
        self.assertEqual(
            self._tax_report(refunds.credit_note_id),
            self._tax_report(odoo_credit_note),
        )
        self.assertEqual(
            any(key[0] == "grid" for key in self._books(refunds.credit_note_id)),
            grids,
        )
        return invoice, refunds, odoo_credit_note

    def _tax_report(self, moves):
        """The tax report's figure per grid: each tagged line's balance,
        its sign inverted where Odoo says so (``tax_tag_invert``)."""
        report = {}
        for line in moves.line_ids:
            for tag in line.tax_tag_ids:
                amount = -line.balance if line.tax_tag_invert else line.balance
                report[tag.name] = round(report.get(tag.name, 0.0) + amount, 2)
        return {name: amount for name, amount in report.items() if amount}

    def _price_included(self, taxes):
        return taxes.browse(
            [
                tax.copy(
                    {
                        "price_include_override": "tax_included",
                        "name": f"{tax.name} incl",
                    }
                ).id
                for tax in taxes
            ]
        )


@tagged("post_install", "-at_install")
class TestBelgiumGrids(ChartCases):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("be_comp")
    def setUpClass(cls):
        super().setUpClass()

    def test_rates_and_services(self):
        self._check_taxes(
            [
                self._taxes("attn_VAT-OUT-21-L"),
                self._taxes("attn_VAT-OUT-06-L"),
                self._taxes("attn_VAT-OUT-21-S"),
                self._taxes("attn_VAT-OUT-12-L"),
            ]
        )

    def test_intra_community_fiscal_position(self):
        self._check_taxes(
            [self._taxes("attn_VAT-OUT-21-L"), self._taxes("attn_VAT-OUT-06-S")] * 2,
            fiscal_position=self.env["account.chart.template"].ref(
                "fiscal_position_template_3"
            ),
        )

    def test_early_payment_discount_taxes_net_to_nothing(self):
        """Paid early (2 % off, the discount's tax on the payment), then
        refunded partly and fully: the invoice, its payment and the credit
        notes net to nothing on every tax and in all (the grids of Belgium's
        credit notes are others than its invoices')."""
        for computation in ("included", "excluded"):
            with self.subTest(computation=computation):
                taxes = [
                    self._taxes("attn_VAT-OUT-21-L"),
                    self._taxes("attn_VAT-OUT-06-L"),
                    self._taxes("attn_VAT-OUT-21-S"),
                ]
                prices = [(99.99, 3), (12.12, 12.12), (0.99, 7)]
                invoice = self._create_paid_invoice(
                    [
                        {"price_unit": price, "quantity": quantity, "tax_ids": tax.ids}
                        for (price, quantity), tax in zip(prices, taxes, strict=True)
                    ],
                    payment_term=self._early_discount_term(computation),
                )
                payments = invoice.line_ids.matched_credit_ids.credit_move_id.move_id
                self.assertTrue(
                    payments.line_ids.filtered(lambda line: line.tax_tag_ids)
                    or computation == "excluded"
                )
                refunds = self._refund_quantity_amount_then_rest(invoice)
                for refund in refunds:
                    self.assertRefundSettled(refund)
                self.assertEqual(invoice.partial_refund_status, "refunded")
                moves = invoice | payments | refunds.credit_note_id
                # Per account (the receivable and the bank aside) and per
                # tax: nothing left, the discount's tax given back by the
                # payment, the rest by the refunds.
                books = {
                    key: amount
                    for key, amount in self._books_in(moves, "balance").items()
                    if key[0] == "tax"
                    or key[0] == "account"
                    and self.env["account.account"]
                    .search([("code", "=", key[1])])
                    .account_type
                    not in ("asset_receivable", "asset_cash", "asset_current")
                }
                # The discount stays an expense, the refunds giving back
                # the revenue less it (by design: what the customer paid).
                self.assertEqual(
                    {key: amount for key, amount in books.items() if key[0] == "tax"},
                    {},
                )
                self.assertAlmostEqual(sum(books.values()), 0.0)
                self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_round_globally_tax_included_basis(self):
        """Rounding globally, amounts typed tax included (the company's
        setting), mixed rates, some prices tax included."""
        self.env.company.write(
            {
                "tax_calculation_rounding_method": "round_globally",
                "account_price_include": "tax_included",
            }
        )
        self._check_taxes(
            [
                self._taxes("attn_VAT-OUT-21-L"),
                self._taxes("attn_VAT-OUT-06-L"),
                self._taxes("attn_VAT-OUT-21-S"),
                self._taxes("attn_VAT-OUT-12-L"),
            ]
        )

    def test_price_included(self):
        self._check_taxes(
            [
                self._price_included(self._taxes("attn_VAT-OUT-21-L")),
                self._price_included(self._taxes("attn_VAT-OUT-06-L")),
                self._taxes("attn_VAT-OUT-21-L"),
            ]
        )


@tagged("post_install", "-at_install")
class TestIndiaGrids(ChartCases):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("in")
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write(
            {"state_id": cls.env.ref("base.state_in_gj").id, "vat": "24AAGCC7144L6ZE"}
        )
        cls.partner_a.write(
            {
                "country_id": cls.env.ref("base.in").id,
                "state_id": cls.env.ref("base.state_in_gj").id,
                "vat": "24ABCPM8965E1ZE",
                "l10n_in_gst_treatment": "regular",
            }
        )

    def test_gst_groups_and_cess(self):
        self._check_taxes(
            [
                self._taxes("sgst_sale_18"),
                self._taxes("sgst_sale_5"),
                self._taxes("sgst_sale_28", "cess_5_plus_1591_sale"),
                self._taxes("sgst_sale_12"),
            ]
        )

    def test_reverse_charge_fiscal_position(self):
        """GST under reverse charge (the customer pays it): the fiscal
        position maps 18 % GST to its reverse charge group."""
        self._check_taxes(
            [self._taxes("sgst_sale_18"), self._taxes("sgst_sale_18", "sgst_sale_5")],
            fiscal_position=self.env["account.chart.template"].ref(
                "fiscal_position_in_reverse_charge_intra"
            ),
        )

    def test_other_state_igst(self):
        self._check_taxes(
            [
                self._taxes("igst_sale_18"),
                self._taxes("igst_sale_5"),
                self._taxes("igst_sale_28", "cess_5_plus_1591_sale"),
            ]
        )


@tagged("post_install", "-at_install")
class TestUnitedKingdomGrids(ChartCases):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("uk")
    def setUpClass(cls):
        super().setUpClass()

    def test_rates_and_domestic_reverse_charge(self):
        self._check_taxes(
            [
                self._taxes("ST11"),
                self._taxes("ST5"),
                self._taxes("ST_20_RCD"),
                self._price_included(self._taxes("ST11")),
            ]
        )
