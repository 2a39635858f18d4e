# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every kind of tax Odoo computes: an invoice refunded partly (a quantity,
an amount) then fully gives credit notes that post, settle and together book
what Odoo's own credit note of an identical invoice books, per account, tax
and tax grid, to the cent."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PartialRefundCommon


class TaxRepartitionCommon(PartialRefundCommon):
    """Taxes of any repartition: two tax accounts, tagged grids (base, tax,
    tax bis) per document type."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax_account = cls.company_data["default_account_tax_sale"]
        cls.other_tax_account = cls.tax_account.copy()
        cls.tags = cls.env["account.account.tag"].create(
            [
                {"name": f"{name} {document}", "applicability": "taxes"}
                for name in ("base", "tax", "tax bis")
                for document in ("invoice", "refund")
            ]
        )

    def _tag(self, name):
        return self.tags.filtered(lambda tag: tag.name == name)

    def _repartition(self, document, *tax_lines):
        """Repartition lines: the base (tagged), then ``tax_lines`` as
        ``(factor_percent, account, tag name)``."""
        return [
            Command.create(
                {
                    "repartition_type": "base",
                    "tag_ids": [Command.set(self._tag(f"base {document}").ids)],
                }
            )
        ] + [
            Command.create(
                {
                    "repartition_type": "tax",
                    "factor_percent": factor,
                    "account_id": account.id,
                    "tag_ids": [Command.set(self._tag(f"{tag} {document}").ids)],
                }
            )
            for factor, account, tag in tax_lines
        ]

    def _tax(self, amount, amount_type="percent", tax_lines=None, **values):
        tax_lines = tax_lines or [(100.0, self.tax_account, "tax")]
        count = self.env["account.tax"].search_count([])
        return self.env["account.tax"].create(
            {
                "name": f"{amount_type} {amount} #{count}",
                "amount_type": amount_type,
                "amount": amount,
                "invoice_repartition_line_ids": self._repartition(
                    "invoice", *tax_lines
                ),
                "refund_repartition_line_ids": self._repartition("refund", *tax_lines),
                **values,
            }
        )


@tagged("post_install", "-at_install")
class TestTaxKinds(TaxRepartitionCommon):
    def _check_partly_then_fully(self, taxes):
        self._refund_partly_then_fully(
            [
                {"price_unit": 99.99, "quantity": 3, "tax_ids": taxes.ids},
                {"price_unit": 12.12, "quantity": 12.12, "tax_ids": taxes.ids},
                {
                    "price_unit": 0.99,
                    "quantity": 7,
                    "discount": 10,
                    "tax_ids": taxes.ids,
                },
            ]
        )

    def test_fixed_amount_tax(self):
        self._check_partly_then_fully(
            self._tax(1.5, "fixed", include_base_amount=True) | self._tax(21.0)
        )

    def test_free_lines_bearing_a_fixed_tax(self):
        """A free line and a fully discounted one bearing a fixed tax (an
        eco-tax per unit): their tax is refunded, by quantity or in full (an
        amount of a line without price is refused), and all the refunds book
        what Odoo's credit note books, that tax included."""
        # Added to the price on every basis (a tax-included company's taxes
        # are included by default; a free line then books a negative income).
        excluded = {"price_include_override": "tax_excluded"}
        taxes = self._tax(1.5, "fixed", **excluded) | self._tax(21.0, **excluded)
        lines = [
            {"price_unit": 0.0, "quantity": 4, "tax_ids": taxes.ids},
            {"price_unit": 100.0, "tax_ids": taxes.ids},
            {"price_unit": 50.0, "quantity": 2, "discount": 100, "tax_ids": taxes.ids},
        ]
        invoice = self._create_paid_invoice(lines)
        free, paid, discounted = invoice.invoice_line_ids
        # The wizard's amounts stay on the company's basis, whatever line
        # comes first.
        action = invoice.action_open_partial_refund_wizard()
        wizard = self.env[action["res_model"]].with_context(**action["context"])
        wizard = wizard.create({"move_id": invoice.id})
        included = self.env.company.account_price_include == "tax_included"
        self.assertEqual(
            wizard.amount_basis, "price_total" if included else "price_subtotal"
        )
        self.assertAlmostEqual(free.price_total, 6.0)
        self.assertAlmostEqual(free.refundable_amount, 6.0)
        self.assertAlmostEqual(discounted.refundable_amount, 3.0)
        with self.assertRaisesRegex(UserError, "has no price"):
            self._refund(invoice, [{"line_id": free.id, "amount": 1.0}])
        # A unit of the free line, an amount of the other, then the rest.
        invoice, refunds, __ = self._refund_partly_then_fully(lines)
        first_free = refunds[0].line_ids.filtered(
            lambda rl: rl.invoice_line_id == invoice.invoice_line_ids[0]
        )
        self.assertAlmostEqual(first_free.amount_total, 1.5)
        self.assertAlmostEqual(invoice.partial_refundable_amount, 0.0)

    def test_line_of_negative_quantity_at_a_negative_price(self):
        """A line of -3 units at -33.33 (99.99 on the invoice): refunded by
        its units, typed positive, then in full, booking what Odoo's credit
        note books; the credit note lines take the units with the line's
        sign, as Odoo's reversal copies them, and count as refunded."""
        tax = self._tax(21.0)
        lines = [
            {"price_unit": -33.33, "quantity": -3, "tax_ids": tax.ids},
            {"price_unit": 12.12, "quantity": 12.12, "tax_ids": tax.ids},
            {"price_unit": 0.99, "quantity": 7, "tax_ids": tax.ids},
        ]
        invoice, refunds, __ = self._refund_partly_then_fully(lines)
        negative = invoice.invoice_line_ids[0]
        credit_lines = refunds.credit_note_id.invoice_line_ids.filtered(
            lambda line: line.refund_origin_line_id == negative
        )
        self.assertEqual(credit_lines.mapped("quantity"), [-1.0, -2.0])
        self.assertEqual(credit_lines.mapped("price_unit"), [-33.33, -33.33])
        self.assertAlmostEqual(negative.refunded_quantity, -3.0)
        with self.assertRaisesRegex(UserError, "already fully refunded"):
            self._refund(invoice, [{"line_id": negative.id, "quantity": 1}])

    def test_discount_lines_given_back_by_the_lines_they_discount(self):
        """Discount lines (a global discount, a promotion) lower what the
        lines bearing their taxes were paid: refunded by quantity, amount or
        in full, those lines give back their part of them, and all the
        refunds book what Odoo's credit note books, tax by tax (the full tax
        of the lines refunded first went back, the discounts' never); the
        discount lines themselves are not refundable."""
        self._check_discount_lines_given_back()

    def test_discount_lines_on_accounts_of_their_own(self):
        """The same, the discount lines on accounts of their own (sales
        discounts, a down payment's advances account): each refund gives
        back its part of them there, and all the refunds book what Odoo's
        credit note books on every account."""
        revenue = self.company_data["default_account_revenue"]
        self._check_discount_lines_given_back(revenue.copy(), revenue.copy())

    def _check_discount_lines_given_back(self, *accounts):
        high, low = self._tax(21.0), self._tax(6.0)
        lines = [
            {"price_unit": 100.0, "quantity": 2, "tax_ids": high.ids},
            {"price_unit": 50.0, "tax_ids": low.ids},
            {"price_unit": 9.99, "quantity": 3, "discount": 7, "tax_ids": high.ids},
            {"price_unit": -10.0, "name": "Global discount", "tax_ids": high.ids},
            {"price_unit": -5.0, "name": "Promotion", "tax_ids": low.ids},
        ]
        for values, account in zip(lines[3:], accounts, strict=False):
            values["account_id"] = account.id
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(lines)
        first, second, third, *discounts = invoice.invoice_line_ids
        for line in discounts:
            self.assertEqual(line.refundable_amount, 0.0)
            with self.assertRaisesRegex(UserError, "is a discount or a zero line"):
                self._refund(invoice, [{"line_id": line.id}])
        refunds = self._refund(
            invoice,
            [
                {"line_id": first.id, "quantity": 1},
                {"line_id": second.id, "amount": 20.0},
            ],
        )
        refunds |= self._refund(
            invoice, [{"line_id": line.id} for line in (first, second, third)]
        )
        self.assertRefundedAsOdoo(invoice, refunds, odoo_credit_note)

    def test_discount_line_of_other_taxes_is_not_spread(self):
        """A discount line is spread over the lines of its very taxes only: a
        voucher without tax on lines at 21 % and 6 %, or 21 % off a line at
        21 % and 6 %, would leave their credit note lines bearing taxes of
        more than their bases. Each credit note line's tax is its base's; the
        refunds give back what the customer paid, never more."""
        high, low = self._tax(21.0), self._tax(6.0)
        for lines in (
            [
                {"price_unit": 100.0, "quantity": 3, "tax_ids": high.ids},
                {"price_unit": 12.35, "quantity": 4, "tax_ids": low.ids},
                {"price_unit": -20.0, "name": "Voucher", "tax_ids": []},
            ],
            [
                {"price_unit": 100.0, "quantity": 3, "tax_ids": (high | low).ids},
                {"price_unit": 50.0, "tax_ids": (high | low).ids},
                {"price_unit": -20.0, "name": "21 % off", "tax_ids": high.ids},
            ],
        ):
            with self.subTest(discount=lines[-1]["name"]):
                self._check_discount_not_spread(lines)

    def _check_discount_not_spread(self, lines):
        invoice = self._create_paid_invoice(lines)
        first, second, _discount = invoice.invoice_line_ids
        refunds = self._refund(invoice, [{"line_id": first.id}])
        before = self._counts(invoice)
        with self.assertRaisesRegex(UserError, "beyond what the customer paid"):
            self._refund(invoice, [{"line_id": second.id}])
        self.assertEqual(self._counts(invoice), before)
        left = invoice.partial_refundable_amount
        amount = left if second._refund_basis() == "price_total" else None
        if amount is None:  # the untaxed amount whose total is what is left
            rate = sum(second.tax_ids.mapped("amount")) / 100
            amount = invoice.currency_id.round(left / (1 + rate))
        refunds |= self._refund(invoice, [{"line_id": second.id, "amount": amount}])
        for refund in refunds:
            self.assertRefundSettled(refund)
            credit_note = refund.credit_note_id
            for tax_line in credit_note.line_ids.filtered("tax_line_id"):
                self.assertAlmostEqual(
                    abs(tax_line.balance),
                    abs(tax_line.tax_base_amount) * tax_line.tax_line_id.amount / 100,
                    delta=0.01,
                    msg="a credit note's tax is its base's",
                )
            for credit_line in credit_note.invoice_line_ids:
                taxes = credit_line.tax_ids.compute_all(
                    credit_line.price_subtotal, handle_price_include=False
                )
                self.assertAlmostEqual(
                    credit_line.price_total, taxes["total_included"], delta=0.011
                )
        self.assertAlmostEqual(
            sum(refunds.mapped("amount_total")), invoice.amount_total, delta=0.011
        )
        self.assertTrue(invoice.currency_id.is_zero(invoice.partial_refundable_amount))
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_quantity_of_a_discounted_line_refunds_its_part(self):
        """A discount line lowers what the lines bearing its taxes were paid:
        a quantity of such a line gives back that part of its share, its tax
        the tax of that part (not of its price: 2 of 5 units at 10 less their
        part of a 30 discount were 15.20, taxed 3.19, not 4.20), the same as
        refunding that amount; the credit note line shows the units at what
        they were paid. Both ways, then the rest, book what Odoo's credit
        note books."""
        tax = self._tax(21.0)
        lines = [
            {"price_unit": 10.0, "quantity": 5, "tax_ids": tax.ids},
            {"price_unit": 25.0, "quantity": 3, "tax_ids": tax.ids},
            {"price_unit": -30.0, "name": "Down payment", "tax_ids": tax.ids},
        ]
        odoo_credit_note = self._odoo_credit_note(
            self._create_paid_invoice(lines, pay=False)
        )
        by_quantity, by_amount = (self._create_paid_invoice(lines) for _i in range(2))
        line = by_quantity.invoice_line_ids[0]
        share = by_quantity._refund_invoice_shares()[line.id]
        tax_included = self.env.company.account_price_include == "tax_included"
        first = self._refund(by_quantity, [{"line_id": line.id, "quantity": 2}])
        typed = first.amount_total if tax_included else first.amount_untaxed
        self.assertAlmostEqual(
            typed, round((share.total if tax_included else share.untaxed) * 2 / 5, 2)
        )
        # The tax of what is refunded, to the rounding cent.
        self.assertLessEqual(abs(first.amount_tax - first.amount_untaxed * 0.21), 0.01)
        if not tax_included:
            self.assertEqual((share.untaxed, share.tax), (38.0, 7.98))
            self.assertEqual((first.amount_untaxed, first.amount_tax), (15.2, 3.19))
        credit_line = first.credit_note_id.invoice_line_ids
        self.assertEqual(credit_line.quantity, 2.0)
        self.assertAlmostEqual(credit_line.price_subtotal, first.amount_untaxed)
        same = self._refund(
            by_amount, [{"line_id": by_amount.invoice_line_ids[0].id, "amount": typed}]
        )
        self.assertAlmostEqual(same.amount_untaxed, first.amount_untaxed)
        self.assertAlmostEqual(same.amount_tax, first.amount_tax)
        for invoice, refund in ((by_quantity, first), (by_amount, same)):
            rest = self._refund(
                invoice,
                [{"line_id": line.id} for line in invoice.invoice_line_ids[:2]],
            )
            self.assertRefundedAsOdoo(invoice, refund | rest, odoo_credit_note)

    def test_division_tax(self):
        self._check_partly_then_fully(self._tax(7.0, "division"))

    def test_group_of_taxes(self):
        group = self.env["account.tax"].create(
            {
                "name": "group 10 + 5",
                "amount_type": "group",
                "children_tax_ids": [
                    Command.set((self._tax(10.0) | self._tax(5.0)).ids)
                ],
            }
        )
        self._check_partly_then_fully(group)

    def test_tax_in_the_base_of_the_next(self):
        self._check_partly_then_fully(
            self._tax(10.0, include_base_amount=True, sequence=1)
            | self._tax(5.0, is_base_affected=True, sequence=2)
        )

    def test_tax_included_in_price_with_a_tax_excluded(self):
        self._check_partly_then_fully(
            self._tax(21.0, price_include_override="tax_included")
            | self._tax(4.0, price_include_override="tax_excluded")
        )

    def test_tax_split_over_two_accounts(self):
        self._check_partly_then_fully(
            self._tax(
                19.0,
                tax_lines=[
                    (40.0, self.tax_account, "tax"),
                    (60.0, self.other_tax_account, "tax bis"),
                ],
            )
        )

    def test_reverse_charge_tax(self):
        self._check_partly_then_fully(
            self._tax(
                21.0,
                tax_lines=[
                    (100.0, self.tax_account, "tax"),
                    (-100.0, self.other_tax_account, "tax bis"),
                ],
            )
        )

    def test_withholding_tax(self):
        """A negative tax (a withholding: Spain's IRPF, Italy's ritenuta,
        Mexico's ISR) beside VAT: the customer paid less than the lines'
        untaxed amount plus VAT."""
        self._check_partly_then_fully(self._tax(21.0) | self._tax(-15.0))

    def test_withholding_tax_alone(self):
        self._check_partly_then_fully(self._tax(-7.0))

    def test_zero_rate_tax(self):
        self._check_partly_then_fully(self._tax(0.0))

    def test_cash_basis_tax(self):
        self.env.company.tax_exigibility = True
        self._check_partly_then_fully(
            self._tax(
                21.0,
                tax_exigibility="on_payment",
                cash_basis_transition_account_id=self.other_tax_account.id,
            )
        )

    def test_discounts_on_a_separate_account(self):
        """A company books its lines' discounts on an account of their own
        (Odoo's discount allocation): each refund gives back its part of
        each line's discount there, whatever price and discount its credit
        note line shows (none for a line without, though 5.93 over 7 units
        shows 0.85 less 0.34 %), a cancelled refund takes it back, and the
        refunds book what Odoo's credit note books. An invoice posted before
        the company did gives none back there."""
        tax = self._tax(21.0)
        lines = [
            {"price_unit": 99.99, "quantity": 3, "discount": 15, "tax_ids": tax.ids},
            {"price_unit": 40.0, "quantity": 2, "discount": 10, "tax_ids": tax.ids},
            {"price_unit": 0.99, "quantity": 7, "tax_ids": tax.ids},
        ]
        before = self._create_paid_invoice(lines)
        discount_account = self.company_data["default_account_expense"].copy()
        self.env.company.account_discount_expense_allocation_id = discount_account
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(lines)

        def discount(moves):
            return sum(
                moves.line_ids.filtered(
                    lambda line: line.account_id == discount_account
                ).mapped("balance")
            )

        self.assertAlmostEqual(discount(invoice), 53.0)  # 45.00 + 8.00
        line_1, line_2, line_3 = invoice.invoice_line_ids
        first = self._refund(
            invoice,
            [
                {"line_id": line_1.id, "quantity": 1},
                {"line_id": line_2.id, "amount": 36.0},
                {"line_id": line_3.id, "amount": 1.0},
            ],
        )
        # A third of 45.00, half of 8.00 (72.00 on either basis: a company
        # showing amounts tax included has price-included taxes).
        self.assertAlmostEqual(discount(first.credit_note_id), -19.0)
        cancelled = self._refund(invoice, [{"line_id": line_2.id, "amount": 9.0}])
        self.assertAlmostEqual(discount(cancelled.credit_note_id), -1.0)
        cancelled.action_cancel_refund()
        reversal = cancelled.credit_note_id.reversal_move_ids
        self.assertAlmostEqual(discount(reversal), 1.0)
        rest = self._refund(
            invoice, [{"line_id": line.id} for line in invoice.invoice_line_ids]
        )
        shown = rest.credit_note_id.invoice_line_ids.filtered(
            lambda line: line.refund_origin_line_id == line_3
        )
        if self.env.company.account_price_include == "tax_excluded":
            self.assertEqual((shown.price_unit, shown.discount), (0.85, 0.34))
        self.assertAlmostEqual(discount(rest.credit_note_id), -34.0)
        self.assertRefundedAsOdoo(invoice, first | rest, odoo_credit_note)
        refund = self._refund(before, [{"line_id": before.invoice_line_ids[0].id}])
        self.assertRefundSettled(refund)
        self.assertFalse(
            refund.credit_note_id.line_ids.filtered(
                lambda line: line.display_type == "discount"
            )
        )

    def test_every_kind_at_once(self):
        """Odoo's own test tax: a group of a price-included tax in the base
        of the next, split over an account and none, and a cash basis
        tax."""
        self.env.company.tax_exigibility = True
        self._check_partly_then_fully(
            self.setup_armageddon_tax("armageddon", self.company_data)
        )


@tagged("post_install", "-at_install")
class TestTaxKindsRoundGlobally(TestTaxKinds):
    """The same, taxes rounded globally: the rounding cents the engine
    spreads over the lines are refunded with them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.tax_calculation_rounding_method = "round_globally"


@tagged("post_install", "-at_install")
class TestTaxKindsTaxIncludedBasis(TestTaxKinds):
    """The same, on a company that shows and takes amounts tax included:
    the amount typed is the total refunded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.account_price_include = "tax_included"
