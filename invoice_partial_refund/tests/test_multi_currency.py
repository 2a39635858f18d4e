# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.account_move_refund_guard_mixin import UNDOING_REFUNDS
from .common import PartialRefundCommon


@tagged("post_install", "-at_install")
class TestPartialRefundMultiCurrency(PartialRefundCommon):
    """The credit note is in the invoice's currency at the invoice's rate; the
    payment at the refund date's rate, the difference booked by Odoo's
    exchange difference entry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.jpy = cls.setup_other_currency(
            "JPY", rates=[("2019-01-01", 150.0), ("2019-02-01", 160.0)]
        )
        cls.kwd = cls.setup_other_currency(
            "KWD", rates=[("2019-01-01", 0.30), ("2019-02-01", 0.31)]
        )

    def _check_rate_and_balance(self, invoice, refund):
        credit_note = refund.credit_note_id
        self.assertEqual(credit_note.currency_id, invoice.currency_id)
        self.assertEqual(
            credit_note.invoice_currency_rate, invoice.invoice_currency_rate
        )
        for line in credit_note.line_ids:
            self.assertAlmostEqual(
                line.balance,
                self.env.company.currency_id.round(
                    line.amount_currency / invoice.invoice_currency_rate
                ),
                msg="credit note lines are converted at the invoice's rate",
            )
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        # What the Refunds reports add up: the credit note's receivable, in
        # the company's currency.
        receivable = credit_note.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(refund.company_currency_id, self.env.company.currency_id)
        self.assertAlmostEqual(
            refund.amount_total_company, -sum(receivable.mapped("balance"))
        )
        self.assertAlmostEqual(
            refund.amount_total_company,
            self.env.company.currency_id.round(
                refund.amount_total / invoice.invoice_currency_rate
            ),
            delta=0.011,
        )

    def test_reports_add_up_refunds_in_company_currency(self):
        """Refunds of invoices in two currencies: the Refunds pivot and
        graph add up their totals in the company's currency, not yen and
        dinars together."""
        refunds = self.env["account.partial.refund"]
        for currency, price in ((self.jpy, 12345.0), (self.kwd, 10.5)):
            invoice = self._create_paid_invoice(
                [{"price_unit": price}], currency=currency
            )
            refunds |= self._refund(invoice, [{"line_id": invoice.invoice_line_ids.id}])
            self._check_rate_and_balance(invoice, refunds[-1:])
        groups = self.env["account.partial.refund"].read_group(
            [("id", "in", refunds.ids)], ["amount_total_company:sum"], []
        )
        self.assertAlmostEqual(
            groups[0]["amount_total_company"],
            sum(-refund.credit_note_id.amount_total_signed for refund in refunds),
        )
        for view in ("pivot", "graph"):
            arch = self.env["account.partial.refund"].get_view(view_type=view)["arch"]
            self.assertIn('name="amount_total_company"', arch)
            self.assertNotIn('name="amount_total"', arch)

    def test_early_payment_discount_when_the_rate_moved(self):
        """Paid early at another rate than the invoice's (Odoo books an
        exchange difference with the payment): each line still weighs what
        the customer paid for it, less its part of the discount, tax by
        tax; refunding every line in full gives back exactly what was paid."""
        chf = self.setup_other_currency(
            "CHF", rates=[("2019-01-01", 0.9), ("2019-01-10", 0.8)]
        )
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 50.0}],
            currency=chf,
            payment_term=self._early_discount_term(),
        )
        self.assertEqual(invoice.payment_state, "paid")
        self.assertTrue(invoice.line_ids.matched_credit_ids.exchange_move_id)
        line_1, line_2 = invoice.invoice_line_ids
        self.assertAlmostEqual(line_1.refundable_amount, 98.0)
        self.assertAlmostEqual(line_2.refundable_amount, 49.0)
        refund = self._refund(invoice, [{"line_id": line_1.id}, {"line_id": line_2.id}])
        self.assertRecordValues(
            refund, [{"amount_untaxed": 147.0, "amount_total": 169.05}]
        )
        tax_line = refund.credit_note_id.line_ids.filtered("tax_line_id")
        self.assertAlmostEqual(tax_line.amount_currency, 22.05)  # 14.70 + 7.35
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(invoice.partial_refundable_amount, 0.0)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_jpy(self):
        invoice = self._create_paid_invoice(
            [{"price_unit": 12345.0, "quantity": 3}], currency=self.jpy
        )
        line = invoice.invoice_line_ids
        with self.assertRaisesRegex(UserError, "more decimals than JPY allows"):
            self._refund(invoice, [{"line_id": line.id, "amount": 100.5}])
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 10001.0}])
        self.assertEqual(refund.amount_untaxed, 10001.0)
        self.assertEqual(
            refund.amount_total, 11501.0
        )  # 15 % of 10001, rounded to the yen
        self._check_rate_and_balance(invoice, refund)
        rest = self._refund(invoice, [{"line_id": line.id}])
        self.assertEqual(refund.amount_total + rest.amount_total, line.price_total)
        self._check_rate_and_balance(invoice, rest)

    def test_kwd_three_decimals(self):
        # Kuwaiti companies price to the fils: Product Price at 3 decimals.
        self.env.ref("product.decimal_price").digits = 3
        invoice = self._create_paid_invoice(
            [{"price_unit": 10.125, "quantity": 2}], currency=self.kwd
        )
        line = invoice.invoice_line_ids
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 1.234}])
        self.assertAlmostEqual(refund.amount_untaxed, 1.234)
        self.assertAlmostEqual(refund.credit_note_id.amount_untaxed, 1.234)
        self._check_rate_and_balance(invoice, refund)
        with self.assertRaisesRegex(UserError, "more decimals than KWD allows"):
            self._refund(invoice, [{"line_id": line.id, "amount": 1.2345}])
        rest = self._refund(invoice, [{"line_id": line.id}])
        self.assertAlmostEqual(
            refund.amount_total + rest.amount_total, line.price_total
        )
        self._check_rate_and_balance(invoice, rest)

    def test_currency_rounded_to_five_cents(self):
        """An amount between two of the currency's smallest amounts (10.03
        where it counts by 0.05) is refused, nothing written; a multiple of
        it is refunded exactly."""
        currency = self.setup_other_currency(
            "CHF", rates=[("2016-01-01", 1.0)], rounding=0.05
        )
        invoice = self._create_paid_invoice([{"price_unit": 100.0}], currency=currency)
        line = invoice.invoice_line_ids
        before = self._counts(invoice)
        with self.assertRaisesRegex(UserError, "not a multiple of the smallest amount"):
            self._refund(invoice, [{"line_id": line.id, "amount": 10.03}])
        self.assertEqual(self._counts(invoice), before)
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 10.05}])
        self.assertAlmostEqual(refund.credit_note_id.amount_untaxed, 10.05)
        self.assertRefundSettled(refund)

    def test_kwd_round_globally_untaxed_line_in_full(self):
        """3 × 0.33 less 3.3 % = 0.957 KWD without tax, rounding globally:
        no price of 2 decimals gives 0.957 but the line's own, which books
        the whole line again, as Odoo's credit note does; by quantity too."""
        self.env.company.tax_calculation_rounding_method = "round_globally"
        lines = [{"price_unit": 0.33, "quantity": 3, "discount": 3.3, "tax_ids": []}]
        for request in ({}, {"quantity": 3}):
            with self.subTest(request=request):
                invoice = self._create_paid_invoice(lines, currency=self.kwd)
                line = invoice.invoice_line_ids
                self.assertAlmostEqual(line.price_subtotal, 0.957)
                refund = self._refund(invoice, [{"line_id": line.id, **request}])
                credit_line = refund.credit_note_id.invoice_line_ids
                self.assertEqual(
                    (credit_line.quantity, credit_line.price_unit), (3.0, 0.33)
                )
                self.assertAlmostEqual(refund.amount_total, 0.957)
                self._check_rate_and_balance(invoice, refund)
                self.assertEqual(invoice.partial_refund_status, "refunded")

    def test_round_globally_untaxed_lines_together(self):
        """Rounding globally, Odoo rounds the sum of a credit note's lines:
        two lines whose own figures only round to their amounts (3.33 less
        12.5 % = 2.91375) and a third are refunded together exactly, each
        alone too."""
        self.env.company.tax_calculation_rounding_method = "round_globally"
        lines = [
            {"price_unit": 3.33, "discount": 12.5, "tax_ids": []},
            {"price_unit": 3.33, "discount": 12.5, "tax_ids": []},
            {"price_unit": 10.0, "tax_ids": []},
        ]
        invoice = self._create_paid_invoice(lines)
        refund = self._refund(
            invoice, [{"line_id": line.id} for line in invoice.invoice_line_ids]
        )
        self.assertAlmostEqual(refund.amount_total, invoice.amount_total)
        self.assertRefundSettled(refund)
        invoice = self._create_paid_invoice(lines)
        for line in invoice.invoice_line_ids:
            self.assertRefundSettled(self._refund(invoice, [{"line_id": line.id}]))
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_partly_then_fully_books_the_invoice_in_company_currency(self):
        """In another currency, the partial refunds of an invoice together
        book what Odoo's credit note of it books, in the company's currency
        too (the rate unchanged since the invoice)."""
        currency = self.setup_other_currency("CHF", rates=[("2016-01-01", 1.3337)])
        self._check_partly_then_fully(currency)

    def test_discounts_on_a_separate_account_in_company_currency(self):
        """Discounts booked on accounts of their own (Odoo's discount
        allocation, a global discount line on a sales discount account), in
        another currency: the refunds of an invoice give them back there, as
        Odoo's credit note books them, in the company's currency too (the
        discount lines are converted once per credit note, their cents
        follow the refunds)."""
        discount_account = self.company_data["default_account_expense"].copy()
        self.env.company.account_discount_expense_allocation_id = discount_account
        sales_discounts = self.company_data["default_account_revenue"].copy()
        currency = self.setup_other_currency("CHF", rates=[("2016-01-01", 1.3337)])
        lines = [
            {"price_unit": 99.99, "quantity": 3, "discount": 7.5},
            {"price_unit": 12.12, "quantity": 12.12, "discount": 7.5},
            {"price_unit": 17.33, "quantity": 0.7, "discount": 12.5},
            {"price_unit": -33.33, "account_id": sales_discounts.id},
        ]
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(
            lines, currency=currency
        )
        invoice_lines = invoice.invoice_line_ids[:3]
        refunds = self._refund(
            invoice,
            [
                {"line_id": invoice_lines[0].id, "quantity": 1},
                {"line_id": invoice_lines[1].id, "amount": 33.33},
            ],
        )
        refunds |= self._refund(
            invoice,
            [
                {"line_id": invoice_lines[1].id, "amount": 44.44},
                {"line_id": invoice_lines[2].id, "amount": 3.37},
            ],
        )
        refunds |= self._refund(
            invoice, [{"line_id": line.id} for line in invoice_lines]
        )

        def books(moves, field_name):
            books = {}
            for line in moves.line_ids:
                key = line.account_id
                books[key] = round(books.get(key, 0.0) + line[field_name], 2)
            return books

        for refund in refunds:
            self.assertRefundSettled(refund)
        credit_notes = refunds.credit_note_id
        self.assertEqual(
            books(credit_notes, "amount_currency"),
            books(odoo_credit_note, "amount_currency"),
        )
        ours, odoo = books(credit_notes, "balance"), books(odoo_credit_note, "balance")
        self.assertEqual(set(ours), set(odoo))
        for account, balance in ours.items():
            # Each credit note converts its own lines (a line's refunds can
            # add up a cent away, see the next test; the receivable takes
            # their sum), not its discounts.
            delta = 0.0 if account in discount_account | sales_discounts else 0.011
            if account == self.receivable:
                delta = 0.011 * len(refunds)
            self.assertAlmostEqual(balance, odoo[account], delta=delta, msg=account)
        self.assertLess(ours[discount_account], 0.0)
        self.assertLess(ours[sales_discounts], 0.0)

    def test_partly_then_fully_in_company_currency_round_globally(self):
        """Rounding globally, an invoice in CHF refunded partly (quantities,
        amounts) then fully: in the company's currency too, the credit notes
        book per account, tax and grid what Odoo's credit note of the whole
        invoice books. Odoo's engine converts each credit note line on its
        own; each line's last refund books what is left of it there."""
        currency = self.setup_other_currency("CHF", rates=[("2016-01-01", 1.3337)])
        self.env.company.tax_calculation_rounding_method = "round_globally"
        self._check_partly_then_fully(currency)

    def test_one_refund_of_all_books_the_tax_in_company_currency(self):
        """Rounding globally in a foreign currency, Odoo converts the
        invoice's unrounded tax (3 x 10.01 CHF at 15 %: 4.5045 CHF, 15.02 USD
        at 0.3, where its rounded 4.50 CHF would give 15.00): one refund of
        it all books that tax in the company's currency, on the tax account
        and the tax grid, as Odoo's credit note of it."""
        self.env.company.tax_calculation_rounding_method = "round_globally"
        currency = self.setup_other_currency("CHF", rates=[("2016-01-01", 0.3)])
        for lines in (
            [{"price_unit": 10.01}] * 3,
            [{"price_unit": 10.01}],
            [{"price_unit": 0.03}] * 3,  # the invoice's cent on one line
        ):
            with self.subTest(lines=lines):
                invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(
                    lines, currency=currency
                )
                refund = self._refund(
                    invoice, [{"line_id": line.id} for line in invoice.invoice_line_ids]
                )
                self.assertRefundSettled(refund)
                ours, odoo = (
                    self._books(refund.credit_note_id),
                    self._books(odoo_credit_note),
                )
                taxes = {
                    key: amount
                    for key, amount in odoo.items()
                    if key[0] in ("tax", "grid")
                }
                self.assertTrue(taxes)
                self.assertEqual({key: ours.get(key) for key in taxes}, taxes)
                self.assertEqual(
                    invoice.currency_id.compare_amounts(
                        refund.credit_note_id.amount_tax, odoo_credit_note.amount_tax
                    ),
                    0,
                )
                self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_cancelling_undoes_the_credit_note_at_its_rate(self):
        """A refund cancelled once the rate has moved: the reversal of its
        credit note books the very amounts the credit note booked (at the
        invoice's rate), so revenue and tax are back where they were in the
        company's currency, and the customer's account is closed."""
        currency = self.setup_other_currency(
            "CHF",
            rates=[
                ("2019-01-01", 0.9),
                ("2019-02-01", 1.1),
                (fields.Date.to_string(fields.Date.today()), 1.37),
            ],
        )
        invoice = self._create_paid_invoice(
            [{"price_unit": 40.0, "quantity": 2}, {"price_unit": 9.99, "quantity": 3}],
            currency=currency,
        )
        line = invoice.invoice_line_ids[0]
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 40.0}])
        credit_note = refund.credit_note_id
        refund.action_cancel_refund()
        reversal = credit_note.reversal_move_ids
        self.assertEqual(len(reversal), 1)
        self.assertEqual(reversal.invoice_currency_rate, invoice.invoice_currency_rate)
        self.assertEqual(
            {
                key: amount
                for key, amount in self._books(credit_note | reversal).items()
                if key[0] != "total"
            },
            {},
            "revenue, tax, grids and receivable undone in the company's currency",
        )
        self.assertEqual(credit_note.payment_state, "paid")
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertEqual(line.refundable_amount, line.price_subtotal)

    def _check_partly_then_fully(self, currency):
        lines = [
            {"price_unit": 99.99, "quantity": 3},
            {"price_unit": 12.12, "quantity": 12.12},
            {"price_unit": 0.99, "quantity": 7, "discount": 10},
            {"price_unit": 17.33, "quantity": 0.7},
        ]
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(
            lines, currency=currency
        )
        invoice_lines = invoice.invoice_line_ids
        first = self._refund(
            invoice,
            [
                {"line_id": invoice_lines[0].id, "quantity": 1},
                {"line_id": invoice_lines[1].id, "amount": 33.33},
                {"line_id": invoice_lines[3].id, "amount": 3.37},
            ],
        )
        second = self._refund(
            invoice,
            [
                {"line_id": invoice_lines[1].id, "amount": 44.44},
                {"line_id": invoice_lines[2].id, "quantity": 3},
            ],
        )
        rest = self._refund(invoice, [{"line_id": line.id} for line in invoice_lines])
        refunds = first | second | rest
        for refund in refunds:
            self.assertRefundSettled(refund)
        self.assertSameBooks(refunds.credit_note_id, odoo_credit_note)
        credit_notes = refunds.credit_note_id
        self.assertAlmostEqual(
            sum(credit_notes.mapped("amount_total_signed")),
            -invoice.amount_total_signed,
        )

    def test_refund_through_a_journal_in_another_currency(self):
        """As Odoo's payment register pays through a bank journal with a
        currency of its own: the refund payment is in that currency, at the
        refund date's rate, and settles the credit note to the cent (no
        credit left open by a rate's rounding), 0 and 3 decimals alike."""
        for currency, rate in ((self.jpy, 160.0), (self.kwd, 0.31)):
            with self.subTest(currency=currency.name):
                journal = self.env["account.journal"].create(
                    {
                        "name": f"Bank {currency.name}",
                        "type": "bank",
                        "code": f"B{currency.name}",
                        "currency_id": currency.id,
                    }
                )
                invoice = self._create_paid_invoice(
                    [{"price_unit": 100.0}, {"price_unit": 33.33}]
                )
                line = invoice.invoice_line_ids[1]
                refund = self._refund(
                    invoice,
                    [{"line_id": line.id, "amount": 12.34}],
                    journal_id=journal.id,
                )
                payment = refund.payment_id
                self.assertRecordValues(
                    payment, [{"currency_id": currency.id, "journal_id": journal.id}]
                )
                self.assertAlmostEqual(
                    payment.amount, currency.round(refund.amount_total * rate)
                )
                credit_note = refund.credit_note_id
                self.assertTrue(
                    credit_note.currency_id.is_zero(credit_note.amount_residual)
                )
                receivable = (credit_note | payment.move_id).line_ids.filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                )
                self.assertTrue(all(receivable.mapped("reconciled")))
                self.assertEqual(len(receivable.full_reconcile_id), 1)
                self.assertAlmostEqual(sum(receivable.mapped("balance")), 0.0)
                self.assertAlmostEqual(self._partner_balance(), 0.0)
                # Sent by hand: the amount asked is the refund's, in its currency.
                self.assertAlmostEqual(refund._manual_amount(), refund.amount_total)

    def test_foreign_invoice_through_a_journal_in_a_third_currency(self):
        """A foreign invoice refunded through a bank journal in a third
        currency: the payment is the refund's amount at its date's rate, and
        worth that rate in the company's currency, in the bank's books too;
        the credit note (at the invoice's rate) closes in its currency, the
        rates' difference booked as an exchange difference (a gain or a
        loss), as through a journal in the company's currency; no credit is
        left open, and Cancel refund undoes it all. Yen through dinars, the
        yen weaker then stronger than on the invoice; dinars through yen."""
        self.setup_other_currency(
            "JPY",
            rates=[("2019-01-01", 150.0), ("2019-02-01", 160.0), ("2019-03-01", 140.0)],
        )
        for currency, journal_currency, date in (
            (self.jpy, self.kwd, "2019-02-15"),
            (self.jpy, self.kwd, "2019-03-01"),
            (self.kwd, self.jpy, "2019-02-15"),
        ):
            with self.subTest(invoice=currency.name, journal=journal_currency.name):
                journal = self._bank_journal(journal_currency)
                invoice = self._create_paid_invoice(
                    [{"price_unit": 10000.0}], currency=currency
                )
                line = invoice.invoice_line_ids
                refund = self._refund(
                    invoice,
                    [{"line_id": line.id, "amount": 1234.0}],
                    journal_id=journal.id,
                    date=date,
                )
                payment = refund.payment_id
                self.assertEqual(payment.currency_id, journal_currency)
                self.assertAlmostEqual(
                    payment.amount,
                    currency._convert(
                        refund.amount_total,
                        journal_currency,
                        self.env.company,
                        refund.date,
                    ),
                )
                self._check_third_currency_books(refund, [payment])
                refund.action_cancel_refund()
                self._check_nothing_open()
                self.assertEqual(line.refundable_amount, line.price_subtotal)

    def test_third_currency_payments_settling_part_of_a_credit_note(self):
        """Payments in a third currency that each settle part of a foreign
        credit note (a gateway's share pending, the rest paid by hand): each
        settles its amount in the credit note's currency, whatever the
        company's currency matched at the credit note's rate and rounded, and
        the last closes it. Yen through dinars, the payment worth less than
        the yen it settles; dinars through yen, worth more (a cent of the
        company's is worth more than a fils there)."""
        self.setup_other_currency(
            "KWD",
            rates=[("2019-01-01", 0.30), ("2019-02-01", 0.31), ("2019-03-01", 0.29)],
        )
        for currency, journal_currency, date, first_amount in (
            (self.jpy, self.kwd, "2019-02-15", 1000.0),
            (self.kwd, self.jpy, "2019-03-01", 500.0),
        ):
            with self.subTest(invoice=currency.name, journal=journal_currency.name):
                self._check_paid_in_parts(
                    currency, journal_currency, date, first_amount
                )

    def _check_paid_in_parts(self, currency, journal_currency, date, first_amount):
        journal = self._bank_journal(journal_currency)
        invoice = self._create_paid_invoice(
            [{"price_unit": 10000.0}], currency=currency
        )
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "amount": 1234.0}],
            journal_id=journal.id,
            date=date,
        )
        booking = self.env["account.partial.refund.booking"]
        # Its payment undone and the credit note open again, as Cancel refund
        # undoes them (see the guard), the exchange difference with them.
        undoing = self.env.cr.cache.setdefault(UNDOING_REFUNDS, set())
        undoing.add(refund.id)
        try:
            refund.credit_note_id.line_ids.remove_move_reconcile()
            booking._cancel_payments(refund.payment_id)
        finally:
            undoing.discard(refund.id)
        credit_note = refund.credit_note_id
        total = refund.amount_total
        self.assertAlmostEqual(credit_note.amount_residual, total)
        value = -credit_note.amount_total_signed
        method_line = journal.outbound_payment_method_line_ids[:1]
        first = booking._create_payment(refund, first_amount, journal, method_line)
        rest = currency.round(total - first_amount)
        self.assertAlmostEqual(credit_note.amount_residual, rest)
        # What is left, at the credit note's rate.
        self.assertAlmostEqual(
            -credit_note.amount_residual_signed,
            self.env.company.currency_id.round(value * rest / total),
        )
        second = booking._create_payment(refund, rest, journal, method_line)
        self._check_third_currency_books(refund, [first, second])

    def _bank_journal(self, currency):
        code = f"B3{currency.name}"
        return self.env["account.journal"].search(
            [("code", "=", code), ("company_id", "=", self.env.company.id)]
        ) or self.env["account.journal"].create(
            {
                "name": f"Bank {currency.name} 3",
                "type": "bank",
                "code": code,
                "currency_id": currency.id,
            }
        )

    def _check_third_currency_books(self, refund, payments):
        credit_note = refund.credit_note_id
        company_currency = self.env.company.currency_id
        booked = 0.0
        for payment in payments:
            liquidity = payment.move_id.line_ids.filtered(
                lambda line, p=payment: line.account_id != p.destination_account_id
            )
            # Worth its date's rate, in the bank's books too.
            worth = payment.currency_id._convert(
                payment.amount, company_currency, self.env.company, payment.date
            )
            self.assertAlmostEqual(liquidity.balance, -worth)
            booked -= liquidity.balance
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
        self.assertTrue(company_currency.is_zero(credit_note.amount_residual_signed))
        receivable = (credit_note | payments[0].move_id).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        for payment in payments:
            receivable |= payment.move_id.line_ids.filtered("reconciled")
        self.assertTrue(all(receivable.mapped("reconciled")))
        self.assertEqual(len(receivable.full_reconcile_id), 1)
        matched = receivable.full_reconcile_id.reconciled_line_ids
        exchanges = (matched - receivable).move_id
        self.assertEqual(
            exchanges.journal_id, self.env.company.currency_exchange_journal_id
        )
        self.assertEqual(set(exchanges.mapped("state")), {"posted"})
        # The rates' difference: the credit note's value less the payments'.
        exchange_receivable = exchanges.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(
            sum(exchange_receivable.mapped("balance")),
            -credit_note.amount_total_signed - booked,
        )
        self._check_nothing_open()

    def _check_nothing_open(self):
        self.assertFalse(self._open_receivable_lines())
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_foreign_invoice_through_a_journal_in_the_company_currency(self):
        """A bank journal set to the company's currency pays a yen invoice's
        refund in it, at the refund date's rate, as Odoo's register does:
        the credit note closes in yen, the rate's difference booked as an
        exchange difference, no credit left open."""
        journal = self.env["account.journal"].create(
            {
                "name": "Bank in the company's currency",
                "type": "bank",
                "code": "BCUR",
                "currency_id": self.env.company.currency_id.id,
            }
        )
        invoice = self._create_paid_invoice(
            [{"price_unit": 10000.0}], currency=self.jpy
        )
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "amount": 1234.0}],
            journal_id=journal.id,
        )
        payment = refund.payment_id
        self.assertEqual(payment.currency_id, self.env.company.currency_id)
        # 1 419 yen at 160 yen to the dollar on the refund date.
        self.assertAlmostEqual(refund.amount_total, 1419.0)
        self.assertAlmostEqual(payment.amount, 8.87)
        credit_note = refund.credit_note_id
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
        self.assertIn(credit_note.payment_state, ("paid", "in_payment"))
        receivable = (credit_note | payment.move_id).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(all(receivable.mapped("reconciled")))
        self.assertAlmostEqual(self._partner_balance(), 0.0)
