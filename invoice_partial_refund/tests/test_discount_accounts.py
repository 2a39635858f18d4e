# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Discounts booked on accounts of their own (the company's discount account,
discount lines on theirs) given back there by partial refunds: the cases at
the edges (the discount account being a line's own, a surcharge, lines
discounted in full, a discount line's own discount, cancellations, other
currencies, early payment discounts), each against Odoo's credit note."""

from odoo.tests import tagged

from .common import PartialRefundCommon


@tagged("post_install", "-at_install")
class TestDiscountAccounts(PartialRefundCommon):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.discount_account = cls.company_data["default_account_expense"].copy()
        cls.tax = cls.company_data["default_tax_sale"]

    def _allocate(self, account=None):
        self.env.company.account_discount_expense_allocation_id = (
            account or self.discount_account
        )

    def _balance(self, moves, account):
        return round(
            sum(
                moves.line_ids.filtered(lambda line: line.account_id == account).mapped(
                    "balance"
                )
            ),
            2,
        )

    def _refund_all_as_odoo(self, lines, first_requests):
        """Refund ``first_requests`` (a function of the invoice lines) then
        all the rest; compare with Odoo's credit note."""
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(lines)
        refunds = self._refund(invoice, first_requests(invoice.invoice_line_ids))
        refunds |= self._refund(
            invoice,
            [
                {"line_id": line.id}
                for line in invoice.invoice_line_ids
                if line.refundable_amount
            ],
        )
        self.assertRefundedAsOdoo(invoice, refunds, odoo_credit_note)
        return invoice, refunds, odoo_credit_note

    # ------------------------------------------------------------------

    def test_allocation_account_is_the_lines_own_account(self):
        """The company's discount account is the products' income account:
        Odoo's invoice books no discount lines (they cancel out), nor does
        its credit note; the refunds must book the same."""
        self._allocate(self.revenue)
        lines = [
            {"price_unit": 100.0, "quantity": 2, "discount": 10},
            {"price_unit": 50.0, "discount": 20},
        ]
        self._refund_all_as_odoo(
            lines,
            lambda invoice_lines: [{"line_id": invoice_lines[0].id, "quantity": 1}],
        )

    def test_discount_lines_named_in_the_users_language(self):
        """The credit note's discount lines are named as Odoo names its
        own, in the language of the user refunding."""
        self._allocate()
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["invoice_partial_refund"], ["fr_FR"], overwrite=True
        )
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0, "quantity": 2, "discount": 10}]
        )
        refund = self._refund(
            invoice.with_context(lang="fr_FR"),
            [{"line_id": invoice.invoice_line_ids.id, "quantity": 1}],
        )
        discount_lines = refund.credit_note_id.line_ids.filtered(
            lambda line: line.display_type == "discount"
        )
        self.assertEqual(len(discount_lines), 2)
        self.assertEqual(set(discount_lines.mapped("name")), {"Remise"})
        self.assertEqual(
            self._balance(refund.credit_note_id, self.discount_account), -10.0
        )

    def test_negative_discount(self):
        """A line with a negative discount (a surcharge, -10 %): Odoo books
        the allocation the other way round; the refunds must too."""
        self._allocate()
        lines = [
            {"price_unit": 100.0, "quantity": 2, "discount": -10},
            {"price_unit": 50.0, "discount": 20},
        ]
        self._refund_all_as_odoo(
            lines,
            lambda invoice_lines: [{"line_id": invoice_lines[0].id, "quantity": 1}],
        )

    def test_fully_discounted_line_with_fixed_tax_by_quantity(self):
        """A 100 % discounted line of two units bearing a fixed tax (its tax
        refundable by quantity): refunding one unit gives back half of its
        discount on the discount account, not all of it."""
        self._allocate()
        fixed = self.env["account.tax"].create(
            {
                "name": "eco 1.5",
                "amount_type": "fixed",
                "amount": 1.5,
                "price_include_override": "tax_excluded",
            }
        )
        lines = [
            {"price_unit": 100.0},
            {"price_unit": 50.0, "quantity": 2, "discount": 100, "tax_ids": fixed.ids},
        ]
        invoice = self._create_paid_invoice(lines)
        self.assertAlmostEqual(self._balance(invoice, self.discount_account), 100.0)
        free = invoice.invoice_line_ids[1]
        refund = self._refund(invoice, [{"line_id": free.id, "quantity": 1}])
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(
            self._balance(refund.credit_note_id, self.discount_account), -50.0
        )

    def test_fully_discounted_line_given_back(self):
        """A 100 % discounted line (a free item) books its discount apart on
        the invoice; once every line is refunded, the refunds book what
        Odoo's credit note books on every account."""
        self._allocate()
        lines = [
            {"price_unit": 100.0, "quantity": 2},
            {"price_unit": 50.0, "discount": 100},
        ]
        self._refund_all_as_odoo(
            lines,
            lambda invoice_lines: [{"line_id": invoice_lines[0].id, "quantity": 1}],
        )

    def test_discount_line_with_a_discount(self):
        """A discount line (negative price, on its own account) itself with
        a discount %: Odoo books its allocation; refunding all the lines it
        is spread over gives back what Odoo's credit note books."""
        self._allocate()
        sales_discounts = self.revenue.copy()
        lines = [
            {"price_unit": 100.0, "quantity": 2},
            {"price_unit": -20.0, "discount": 50, "account_id": sales_discounts.id},
        ]
        self._refund_all_as_odoo(
            lines,
            lambda invoice_lines: [{"line_id": invoice_lines[0].id, "quantity": 1}],
        )

    def test_allocation_account_is_one_lines_own_account(self):
        """The company's discount account is the income account of one
        line, another line on another income account: the invoice books
        discount lines (the other line's); the refunds must book what
        Odoo's credit note books."""
        self._allocate(self.revenue)
        other_income = self.revenue.copy()
        lines = [
            {"price_unit": 100.0, "quantity": 2, "discount": 10},
            {"price_unit": 50.0, "discount": 20, "account_id": other_income.id},
        ]
        self._refund_all_as_odoo(
            lines,
            lambda invoice_lines: [{"line_id": invoice_lines[0].id, "quantity": 1}],
        )

    def _by_account(self, moves, field_name="balance", display_type=None):
        books = {}
        for line in moves.line_ids:
            if display_type and line.display_type != display_type:
                continue
            books[line.account_id.code] = round(
                books.get(line.account_id.code, 0.0) + line[field_name], 2
            )
        return {key: amount for key, amount in books.items() if amount}

    def _check_cancel_then_rest(self, currency=None, payment_term=None):
        """Discount %, allocation account, two discount lines on accounts of
        their own; refund by quantity and amount, cancel one, refund the
        cancelled line again, then all: every cancellation reverses exactly
        the credit note (company currency too), all refunds book Odoo's."""
        self._allocate()
        sales_discounts = self.revenue.copy()
        advances = self.revenue.copy()
        other_income = self.revenue.copy()
        lines = [
            {"price_unit": 99.99, "quantity": 3, "discount": 7.5},
            {
                "price_unit": 12.12,
                "quantity": 12.12,
                "discount": 7.5,
                "account_id": other_income.id,
            },
            {"price_unit": 17.33, "quantity": 0.7, "discount": 12.5},
            {"price_unit": -33.33, "account_id": sales_discounts.id},
            {"price_unit": -11.11, "account_id": advances.id},
        ]
        kwargs = {"currency": currency, "payment_term": payment_term}
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(lines, **kwargs)
        l1, l2, l3 = invoice.invoice_line_ids[:3]
        kept = self._refund(
            invoice,
            [{"line_id": l1.id, "quantity": 1}, {"line_id": l2.id, "amount": 33.33}],
        )
        cancelled = self._refund(
            invoice,
            [{"line_id": l1.id, "quantity": 1}, {"line_id": l3.id, "amount": 3.37}],
        )
        cancelled.action_cancel_refund()
        reversal = cancelled.credit_note_id.reversal_move_ids
        for field_name in ("amount_currency", "balance"):
            self.assertEqual(
                self._by_account(reversal, field_name),
                {
                    code: -amount
                    for code, amount in self._by_account(
                        cancelled.credit_note_id, field_name
                    ).items()
                },
                field_name,
            )
        kept |= self._refund(invoice, [{"line_id": l3.id, "amount": 3.37}])
        kept |= self._refund(invoice, [{"line_id": l1.id, "quantity": 1}])
        kept |= self._refund(invoice, [{"line_id": line.id} for line in (l1, l2, l3)])
        for refund in kept:
            self.assertRefundSettled(refund)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        credit_notes = kept.credit_note_id
        ours = self._by_account(credit_notes, "amount_currency")
        odoo = self._by_account(odoo_credit_note, "amount_currency")
        if payment_term:  # paid less: the discount accounts only
            codes = (self.discount_account | sales_discounts | advances).mapped("code")
            ours = {code: ours.get(code) for code in codes}
            odoo = {code: odoo.get(code) for code in codes}
        self.assertEqual(ours, odoo)
        ours = self._by_account(credit_notes, "balance", "discount")
        odoo = self._by_account(odoo_credit_note, "balance", "discount")
        odoo_products = self._by_account(odoo_credit_note, "balance")
        # Discount lines: Odoo's credit note books the product lines gross
        # on their accounts; compare the discount accounts exactly.
        for account in (self.discount_account, sales_discounts, advances):
            self.assertAlmostEqual(
                self._by_account(credit_notes, "balance").get(account.code, 0.0),
                odoo_products.get(account.code, 0.0),
                msg=(account.code, ours, odoo),
            )
        return invoice, kept

    def test_cancel_then_rest_company_currency(self):
        self._check_cancel_then_rest()

    def test_cancel_then_rest_foreign_currency(self):
        currency = self.setup_other_currency("CHF", rates=[("2016-01-01", 1.3337)])
        self._check_cancel_then_rest(currency)

    def test_cancel_then_rest_foreign_currency_round_globally(self):
        self.env.company.tax_calculation_rounding_method = "round_globally"
        currency = self.setup_other_currency("CHF", rates=[("2016-01-01", 0.5)])
        self._check_cancel_then_rest(currency)

    def test_cancel_then_rest_foreign_currency_rate_moved(self):
        """The rate changed between the refunds and the cancellation (rates
        converting exactly: no cent of conversion in the way)."""
        currency = self.setup_other_currency(
            "CHF", rates=[("2016-01-01", 0.5), ("2020-01-01", 0.25)]
        )
        self._check_cancel_then_rest(currency)

    def test_cancel_then_rest_tax_included(self):
        self.env.company.account_price_include = "tax_included"
        self._check_cancel_then_rest()

    def test_cancel_then_rest_early_discount_mixed(self):
        self._check_cancel_then_rest(payment_term=self._early_discount_term("mixed"))

    def test_cancel_then_rest_early_discount_included(self):
        self._check_cancel_then_rest(payment_term=self._early_discount_term("included"))

    def test_foreign_currency_two_income_accounts(self):
        """Two discounted lines on two income accounts, another currency
        (the invoice balances: discounts 1.10 and 2.20 CHF, 0.82 + 1.65 =
        2.47 USD on the discount account): the first line refunded, then
        one unit of the second, each credit note must balance in the
        company's currency. Its discount lines are converted per account
        on the cumulated refunds: 1.65 - 0.82 = 0.83 on the discount
        account, 0.82 on the second line's."""
        self._allocate()
        currency = self.setup_other_currency("CHF", rates=[("2016-01-01", 1.3337)])
        other_income = self.revenue.copy()
        lines = [
            {"price_unit": 11.0, "discount": 10},
            {
                "price_unit": 11.0,
                "quantity": 2,
                "discount": 10,
                "account_id": other_income.id,
            },
        ]
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(
            lines, currency=currency
        )
        first, second = invoice.invoice_line_ids
        refunds = self._refund(invoice, [{"line_id": first.id}])
        refunds |= self._refund(invoice, [{"line_id": second.id, "quantity": 1}])
        refunds |= self._refund(invoice, [{"line_id": second.id}])
        for refund in refunds:
            self.assertRefundSettled(refund)
        self.assertEqual(
            self._by_account(refunds.credit_note_id, "balance", "discount"),
            self._by_account(odoo_credit_note, "balance", "discount"),
        )

    def _check_discount_lines_on_shared_accounts(self):
        """A global discount on the company's discount account, a promotion
        on the income account of the first line, a line on another income
        account; discounted lines."""
        self._allocate()
        other_income = self.revenue.copy()
        lines = [
            {"price_unit": 99.99, "quantity": 3, "discount": 15},
            {
                "price_unit": 12.12,
                "quantity": 12.12,
                "discount": 7.5,
                "account_id": other_income.id,
            },
            {"price_unit": 40.0, "quantity": 2},
            {"price_unit": -33.33, "account_id": self.discount_account.id},
            {"price_unit": -11.11, "account_id": self.revenue.id},
        ]
        self._refund_all_as_odoo(
            lines,
            lambda invoice_lines: [
                {"line_id": invoice_lines[0].id, "quantity": 1},
                {"line_id": invoice_lines[1].id, "amount": 33.33},
                {"line_id": invoice_lines[2].id, "quantity": 1},
            ],
        )

    def test_discount_lines_on_shared_accounts(self):
        self._check_discount_lines_on_shared_accounts()

    def test_discount_lines_on_shared_accounts_round_globally(self):
        self.env.company.tax_calculation_rounding_method = "round_globally"
        self._check_discount_lines_on_shared_accounts()

    def test_discount_lines_on_shared_accounts_tax_included(self):
        self.env.company.account_price_include = "tax_included"
        self._check_discount_lines_on_shared_accounts()

    def test_quantities_then_amount_final(self):
        """A discounted line refunded by quantities, then its rest by its
        exact amount left (final), with a global discount on its own
        account: all back as Odoo's credit note books it."""
        self._allocate()
        sales_discounts = self.revenue.copy()
        lines = [
            {"price_unit": 33.33, "quantity": 7, "discount": 12.5},
            {"price_unit": 10.0, "quantity": 3},
            {"price_unit": -17.77, "account_id": sales_discounts.id},
        ]
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(lines)
        first, second = invoice.invoice_line_ids[:2]
        refunds = self._refund(invoice, [{"line_id": first.id, "quantity": 2}])
        refunds |= self._refund(invoice, [{"line_id": first.id, "quantity": 3}])
        refunds |= self._refund(
            invoice, [{"line_id": first.id, "amount": first.refundable_amount}]
        )
        refunds |= self._refund(invoice, [{"line_id": second.id}])
        self.assertRefundedAsOdoo(invoice, refunds, odoo_credit_note)

    # The company's discount account with cash rounding, negative quantities,
    # the invoice's last refund cancelled then made again.

    def _check_rounding(self, strategy):
        self._allocate()
        rounding = self._cash_rounding(strategy)
        sales_discounts = self.revenue.copy()
        lines = [
            {"price_unit": 10.01, "quantity": 3, "discount": 7},
            {"price_unit": 7.77, "discount": 15},
            {"price_unit": 3.33},
            {"price_unit": -2.22, "account_id": sales_discounts.id},
        ]
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(
            lines, cash_rounding=rounding
        )
        l1, l2, l3 = invoice.invoice_line_ids[:3]
        refunds = self._refund(
            invoice,
            [{"line_id": l1.id, "quantity": 1}, {"line_id": l2.id, "amount": 3.02}],
        )
        refunds |= self._refund(
            invoice, [{"line_id": line.id} for line in (l1, l2, l3)]
        )
        self.assertRefundedAsOdoo(invoice, refunds, odoo_credit_note)

    def test_cash_rounding_add_line_with_discount_accounts(self):
        self._check_rounding("add_invoice_line")

    def test_cash_rounding_biggest_tax_with_discount_accounts(self):
        self._check_rounding("biggest_tax")

    def test_negative_quantity_line_with_discount(self):
        """A line of negative quantity (goods taken back, -1 at 20.00, 10 %
        off): Odoo books its allocation the other way round."""
        self._allocate()
        lines = [
            {"price_unit": 100.0, "quantity": 3, "discount": 10},
            {"price_unit": 20.0, "quantity": -1, "discount": 10},
            {"price_unit": 50.0, "discount": 5},
        ]
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(lines)
        l1, _l2, l3 = invoice.invoice_line_ids
        refunds = self._refund(invoice, [{"line_id": l1.id, "quantity": 1}])
        refunds |= self._refund(invoice, [{"line_id": line.id} for line in (l1, l3)])
        self.assertRefundedAsOdoo(invoice, refunds, odoo_credit_note)

    def test_cancel_last_refund_that_carried_free_lines_then_again(self):
        """The last refund gives back the discount of a free line (100 %
        off, no refund takes it); cancelled, then the same lines refunded in
        two steps: all book what Odoo's credit note books."""
        self._allocate()
        sales_discounts = self.revenue.copy()
        lines = [
            {"price_unit": 100.0, "quantity": 2, "discount": 10},
            {"price_unit": 30.0, "discount": 100},
            {"price_unit": 40.0, "quantity": 3, "discount": 5},
            {"price_unit": -12.34, "account_id": sales_discounts.id, "discount": 10},
        ]
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(lines)
        l1, _free, l3, _disc = invoice.invoice_line_ids
        kept = self._refund(invoice, [{"line_id": l1.id}])
        last = self._refund(invoice, [{"line_id": l3.id}])
        self.assertEqual(invoice.partial_refund_status, "refunded")
        last.action_cancel_refund()
        self.assertEqual(invoice.partial_refund_status, "partial")
        kept |= self._refund(invoice, [{"line_id": l3.id, "quantity": 1}])
        kept |= self._refund(invoice, [{"line_id": l3.id}])
        self.assertRefundedAsOdoo(invoice, kept, odoo_credit_note)
