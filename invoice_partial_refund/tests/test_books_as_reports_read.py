# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The books as Odoo's reports read them (from an independent review): the
Invoice Analysis, foreign currencies at several rates, sections and notes
(the charts' tax grids: test_chart_grids). Each test compares an
invoice refunded partly then fully with an identical invoice reversed by
Odoo's own credit note, or with nothing left."""

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PartialRefundCommon


class ReportedBooksCommon(PartialRefundCommon):
    """What Odoo's reports read of an invoice and its credit notes."""

    def _invoice_analysis(self, moves):
        """Odoo's Invoice Analysis of ``moves``, summed by product and
        account: quantity, untaxed amounts in both currencies."""
        self.env.flush_all()
        rows = self.env["account.invoice.report"].search([("move_id", "in", moves.ids)])
        totals = {}
        for row in rows:
            key = (row.product_id.display_name, row.account_id.code)
            figures = totals.setdefault(key, [0.0, 0.0, 0.0])
            figures[0] += row.quantity
            figures[1] += row.price_subtotal
            figures[2] += row.price_subtotal_currency
        return {
            key: [round(value, 2) for value in figures]
            for key, figures in totals.items()
        }

    def _books_in(self, moves, field_name):
        """Per account, tax grid and tax, ``field_name`` (``balance`` or
        ``amount_currency``) of ``moves``' lines, payment terms aside."""
        books = {}
        for line in moves.line_ids.filtered(
            lambda line: line.display_type != "payment_term"
        ):
            keys = [("account", line.account_id.code)]
            keys += [("grid", tag.name) for tag in line.tax_tag_ids]
            if line.tax_line_id:
                keys.append(("tax", line.tax_line_id.name))
            for key in keys:
                books[key] = round(books.get(key, 0.0) + line[field_name], 2)
        return {key: amount for key, amount in books.items() if amount}

    def assertAnalysisAsOdoo(self, invoice, refunds, odoo_credit_note):
        """The Invoice Analysis of the invoice and its refunds adds up to
        nothing in amounts, per product and account, as that of an identical
        invoice and Odoo's credit note. Not in quantities: a refund by amount
        counts one unit returned (its credit note line is one unit at the
        amount, as a credit note typed at an amount; see USAGE)."""
        identical = odoo_credit_note.reversed_entry_id
        odoo = self._invoice_analysis(identical | odoo_credit_note)
        self.assertTrue(all(not any(figures) for figures in odoo.values()), odoo)
        ours = self._invoice_analysis(invoice | refunds.credit_note_id)
        self.assertEqual(
            {key: figures[1:] for key, figures in ours.items()},
            {key: figures[1:] for key, figures in odoo.items()},
        )


@tagged("post_install", "-at_install")
class TestInvoiceAnalysis(ReportedBooksCommon):
    def test_invoice_analysis_after_partial_then_full_refunds(self):
        """Refunded partly (a quantity, an amount) then fully: the Invoice
        Analysis counts the invoice's amounts given back, per product and
        account, as after Odoo's credit note of it."""
        lines = [
            {"price_unit": 99.99, "quantity": 3},
            {"price_unit": 12.12, "quantity": 5, "product_id": self.product_b.id},
            {"price_unit": 0.99, "quantity": 7, "discount": 10},
        ]
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(lines)
        refunds = self._refund_quantity_amount_then_rest(invoice)
        self.assertRefundedAsOdoo(invoice, refunds, odoo_credit_note)
        self.assertAnalysisAsOdoo(invoice, refunds, odoo_credit_note)

    def test_invoice_analysis_of_a_cancelled_refund_by_amount(self):
        """A refund by amount, then cancelled: the Invoice Analysis counts
        its amount given back, then nothing (its unit returned, then back)."""
        invoice = self._create_paid_invoice([{"price_unit": 40.0, "quantity": 4}])
        before = self._invoice_analysis(invoice)
        line = invoice.invoice_line_ids
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 10.0}])
        credit_note = refund.credit_note_id
        analysis = self._invoice_analysis(invoice | credit_note)
        self.assertEqual(list(analysis.values())[0][:2], [3.0, 150.0])
        refund.action_cancel_refund()
        cancelled = self.env["account.move"].search(
            [("reversed_entry_id", "=", credit_note.id)]
        )
        self.assertEqual(cancelled.move_type, "out_invoice")
        self.assertEqual(
            self._invoice_analysis(invoice | credit_note | cancelled), before
        )


@tagged("post_install", "-at_install")
class TestForeignCurrencyBooks(ReportedBooksCommon):
    """Rates on the invoice's date, each payment's and the refunds' dates
    all different."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency(
            "EUR",
            rates=[
                ("2019-01-01", 1.1),
                ("2019-01-10", 1.3),
                ("2019-01-15", 0.9),
                ("2019-02-01", 1.25),
                ("2019-02-10", 0.7),
            ],
        )
        cls.chf = cls.setup_other_currency(
            "CHF", rates=[("2019-01-01", 1.5), ("2019-02-01", 1.7)]
        )

    def test_paid_twice_refunded_at_other_rates(self):
        """Paid in two payments at two rates, refunded partly, then fully
        at two other dates, through the company's currency then a third
        currency's journal: nothing left open, the customer's balance nil,
        the Invoice Analysis back to nothing in the company's currency."""
        lines = [
            {"price_unit": 99.99, "quantity": 3},
            {"price_unit": 12.12, "quantity": 5, "product_id": self.product_b.id},
        ]
        invoice = self._create_paid_invoice(lines, currency=self.eur, pay=False)
        self._pay(invoice, self.bank_journal, amount=100.0, payment_date="2019-01-10")
        self._pay(invoice, self.bank_journal)
        self.assertEqual(invoice.payment_state, "paid")
        line_1, line_2 = invoice.invoice_line_ids
        chf_journal = self.env["account.journal"].create(
            {
                "name": "Bank CHF",
                "type": "bank",
                "code": "BCHF",
                "currency_id": self.chf.id,
            }
        )
        refunds = self._refund(
            invoice,
            [
                {"line_id": line_1.id, "quantity": 1},
                {"line_id": line_2.id, "amount": 33.33},
            ],
        )
        refunds |= self._refund(
            invoice,
            [{"line_id": line.id} for line in invoice.invoice_line_ids],
            date=fields.Date.from_string("2019-02-10"),
            journal_id=chf_journal.id,
        )
        self.assertRefundSettled(refunds[0])
        # Paid back in francs: the credit note settled all the same.
        credit_note = refunds[1].credit_note_id
        self.assertEqual(refunds[1].payment_id.currency_id, self.chf)
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(
            sum(refunds.mapped("amount_total")), invoice.amount_total
        )
        self.assertFalse(self._open_receivable_lines())
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        # In amounts (a refund by amount counts a unit returned: see USAGE).
        analysis = self._invoice_analysis(invoice | refunds.credit_note_id)
        self.assertTrue(
            all(not any(figures[1:]) for figures in analysis.values()), analysis
        )

    def _invoice_with_sections(self, pay=True):
        invoice = self._create_paid_invoice(
            [
                {"price_unit": 99.99, "quantity": 3},
                {"price_unit": 12.12, "quantity": 5},
            ],
            pay=False,
        )
        invoice.button_draft()
        invoice.write(
            {
                "invoice_line_ids": [
                    Command.create(
                        {"display_type": "line_section", "name": "Goods", "sequence": 0}
                    ),
                    Command.create(
                        {"display_type": "line_note", "name": "Thanks", "sequence": 99}
                    ),
                ]
            }
        )
        invoice.action_post()
        if pay:
            self._pay(invoice, self.bank_journal)
        return invoice

    def test_early_payment_discount_partly_then_fully(self):
        """Paid early (2 % off) at another rate than the invoice's, refunded
        partly then fully at a third and a fourth: every account but the
        receivable and the bank's nets to nothing in the invoice's
        currency, the tax account in the company's too, nothing left open."""
        invoice = self._create_paid_invoice(
            [
                {"price_unit": 99.99, "quantity": 3},
                {"price_unit": 12.12, "quantity": 5},
            ],
            currency=self.eur,
            payment_term=self._early_discount_term(),
        )
        payments = invoice.line_ids.matched_credit_ids.credit_move_id.move_id
        self.assertTrue(payments.line_ids.filtered("tax_line_id"))
        refunds = self._refund_quantity_amount_then_rest(invoice)
        for refund in refunds:
            self.assertRefundSettled(refund)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        moves = invoice | payments | refunds.credit_note_id
        lines = moves.line_ids.filtered(
            lambda line: (
                line.account_id.account_type
                not in ("asset_receivable", "asset_cash", "asset_current")
            )
        )
        self.assertAlmostEqual(sum(lines.mapped("amount_currency")), 0.0)
        tax = self.company_data["default_tax_sale"]
        tax_lines = moves.line_ids.filtered(lambda line: line.tax_line_id == tax)
        self.assertAlmostEqual(sum(tax_lines.mapped("amount_currency")), 0.0)
        self.assertFalse(self._open_receivable_lines())
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_refunded_the_next_year_after_the_locks(self):
        """Refunded the next year, the last year locked (every lock date):
        the credit notes and payments booked in the open year, as Odoo's
        credit note of an identical invoice, in both currencies; the
        customer's balance nil."""
        self.eur.rate_ids.create(
            {"name": "2020-01-10", "rate": 1.4, "currency_id": self.eur.id}
        )
        lines = [
            {"price_unit": 99.99, "quantity": 3},
            {"price_unit": 12.12, "quantity": 5},
        ]
        invoice = self._create_paid_invoice(lines, currency=self.eur)
        identical = self._create_paid_invoice(lines, currency=self.eur)
        last_day = fields.Date.from_string("2019-12-31")
        self.env.company.write(
            {
                "fiscalyear_lock_date": last_day,
                "tax_lock_date": last_day,
                "sale_lock_date": last_day,
                "hard_lock_date": last_day,
            }
        )
        self.refund_date = fields.Date.from_string("2020-01-10")
        odoo_credit_note = self._odoo_credit_note(identical)
        self._pay(odoo_credit_note, self.bank_journal, payment_date=self.refund_date)
        refunds = self._refund_quantity_amount_then_rest(invoice)
        for refund in refunds:
            self.assertRefundSettled(refund)
            self.assertEqual(refund.credit_note_id.date, self.refund_date)
            self.assertEqual(refund.payment_id.date, self.refund_date)
        lines = refunds.credit_note_id.line_ids
        partials = lines.matched_debit_ids | lines.matched_credit_ids
        exchange = partials.exchange_move_id | lines.full_reconcile_id.exchange_move_id
        self.assertTrue(exchange)
        self.assertTrue(all(date > last_day for date in exchange.mapped("date")))
        self.assertEqual(
            self._books_in(refunds.credit_note_id, "amount_currency"),
            self._books_in(odoo_credit_note, "amount_currency"),
        )
        self.assertFalse(self._open_receivable_lines())
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_sections_and_notes(self):
        """An invoice with a section and a note: its product lines refunded
        partly then fully book what Odoo's credit note books; a section is
        no line to refund (a clear error, nothing written)."""
        invoice = self._invoice_with_sections()
        odoo_credit_note = self._odoo_credit_note(
            self._invoice_with_sections(pay=False)
        )
        section = invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "line_section"
        )
        self.assertTrue(section)
        counts = self._counts(invoice)
        with self.assertRaises(UserError):
            self._refund(invoice, [{"line_id": section.id}])
        self.assertEqual(self._counts(invoice), counts)
        products = invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        refunds = self._refund(
            invoice,
            [
                {"line_id": products[0].id, "quantity": 1},
                {"line_id": products[1].id, "amount": 33.33},
            ],
        )
        refunds |= self._refund(invoice, [{"line_id": line.id} for line in products])
        self.assertRefundedAsOdoo(invoice, refunds, odoo_credit_note)
        self.assertAnalysisAsOdoo(invoice, refunds, odoo_credit_note)
