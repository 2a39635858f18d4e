# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Refunds in random pieces, seeded: whatever the lines, taxes, rounding and
currency, and however an invoice is refunded (amounts, quantities, whole
lines, in any order, over several refunds), the refunds together book what
Odoo's own credit note of an identical invoice books, each one settled, and
nothing can be refunded beyond.

The cases are drawn from a fixed seed (the same on every run); a failing
case's sub-test names its seed and what it refunded."""

import random

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import float_round

from .test_tax_configurations import TaxConfigurationCommon

CASES = 16
PRICES = (0.01, 0.07, 0.99, 1.0, 3.33, 9.99, 12.12, 19.95, 99.99, 123.45, 999.99)
QUANTITIES = (1.0, 1.0, 2.0, 3.0, 0.5, 7.0, 12.5)
DISCOUNTS = (0.0, 0.0, 0.0, 10.0, 12.5, 33.0)


@tagged("post_install", "-at_install")
class TestRandomRefundSequences(TaxConfigurationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.foreign = cls.setup_other_currency(
            "CHF", rates=[("2019-01-01", 0.93), ("2019-02-01", 0.97)]
        )

    def _tax_pool(self):
        """Sets of taxes a line may bear (a price-included one too)."""
        incl = {"price_include_override": "tax_included"}
        excl = {"price_include_override": "tax_excluded"}
        return [
            self.env["account.tax"],
            self._tax(21.0, **excl),
            self._tax(21.0, **incl),
            self._tax(6.0, **excl) | self._tax(0.5, "fixed", sequence=20, **excl),
            self._tax(7.7, **excl),
            self._tax(10.0, include_base_amount=True, sequence=1, **excl)
            | self._tax(5.0, is_base_affected=True, sequence=2, **excl),
            self._tax(
                19.0,
                tax_lines=[
                    (60.0, self.tax_account, "tax"),
                    (40.0, self.other_tax_account, "tax bis"),
                ],
            ),
        ]

    def _draw_lines(self, rng, taxes):
        return [
            {
                "name": f"line {index}",
                "price_unit": rng.choice(PRICES),
                "quantity": rng.choice(QUANTITIES),
                "discount": rng.choice(DISCOUNTS),
                "tax_ids": rng.choice(taxes).ids,
            }
            for index in range(1, rng.randint(1, 4) + 1)
        ]

    def _draw_request(self, rng, line):
        """A request refunding part or all of what ``line`` has left: its
        whole rest, a quantity of it, or an amount on the invoice's basis."""
        left = line.refundable_amount
        units_left = float_round(line.quantity - line.refunded_quantity, 2)
        choice = rng.random()
        if choice < 0.3 and units_left >= 2 and not line.refunded_amount:
            return {
                "line_id": line.id,
                "quantity": float(rng.randint(1, int(units_left) - 1)),
            }
        if choice < 0.7 and left >= 0.02:
            cents = rng.randint(1, round(left * 100) - 1)
            return {"line_id": line.id, "amount": cents / 100}
        return {"line_id": line.id}

    def _refund_randomly(self, rng, invoice, asked):
        """Refund ``invoice`` in up to three random refunds, then all that
        is left: return the refunds; ``asked`` gets what each asked."""
        lines = invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        refunds = self.env["account.partial.refund"]
        for _round in range(rng.randint(0, 3)):
            open_lines = lines.filtered(lambda line: line.refundable_amount > 0)
            if not open_lines:
                break
            chosen = rng.sample(list(open_lines), rng.randint(1, len(open_lines)))
            request = [self._draw_request(rng, line) for line in chosen]
            asked.append(request)
            refunds |= self._refund(invoice, request)
            self._new_request()
        rest = [{"line_id": line.id} for line in lines if line.refundable_amount > 0]
        if rest:
            asked.append(rest)
            refunds |= self._refund(invoice, rest)
        return refunds

    def _check_case(self, seed, taxes):
        rng = random.Random(seed)
        company = self.env.company
        company.tax_calculation_rounding_method = rng.choice(
            ("round_per_line", "round_globally")
        )
        currency = rng.choice((company.currency_id, self.foreign))
        lines = self._draw_lines(rng, taxes)
        asked = []  # shown as it stands if the case fails
        with self.subTest(
            seed=seed,
            lines=lines,
            asked=asked,
            rounding=company.tax_calculation_rounding_method,
            basis=company.account_price_include,
            currency=currency.name,
        ):
            partner = self.env["res.partner"].create({"name": f"Random {seed}"})
            invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(
                lines, partner=partner, currency=currency
            )
            refunds = self._refund_randomly(rng, invoice, asked)
            for refund in refunds:
                self.assertRefundSettled(refund)
            self.assertEqual(
                invoice.currency_id.compare_amounts(
                    sum(refunds.mapped("amount_total")), invoice.amount_total
                ),
                0,
            )
            self.assertSameBooksAsOdoo(refunds.credit_note_id, odoo_credit_note, lines)
            self.assertEqual(invoice.partial_refund_status, "refunded")
            self.assertAlmostEqual(self._partner_balance(partner), 0.0)
            line = invoice.invoice_line_ids[0]
            self.assertEqual(line.refundable_amount, 0.0)
            counts = self._counts(invoice)
            with self.assertRaises(UserError):
                self._refund(invoice, [{"line_id": line.id, "amount": 0.01}])
            self.assertEqual(self._counts(invoice), counts, "nothing written")

    def assertSameBooksAsOdoo(self, credit_notes, odoo_credit_note, rated_lines):
        """The credit notes book what Odoo's credit note books, per account,
        tax and grid, to the cent; in another currency, in it, and in the
        company's currency what Odoo's credit note at the invoice's rate
        (of an identical invoice of ``rated_lines``) books: each line's and
        each tax's last refund books what is left of it there."""
        if odoo_credit_note.currency_id == odoo_credit_note.company_currency_id:
            self.assertSameBooks(credit_notes, odoo_credit_note)
            return
        self.assertSameBooksIn(credit_notes, odoo_credit_note, "amount_currency")
        invoice = self._create_paid_invoice(
            rated_lines, currency=odoo_credit_note.currency_id, pay=False
        )
        refund_date, self.refund_date = self.refund_date, invoice.invoice_date
        try:
            at_invoice_rate = self._odoo_credit_note(invoice)
        finally:
            self.refund_date = refund_date
        self.assertSameBooksIn(credit_notes, at_invoice_rate, "balance")

    def test_one_refund_of_all_company_cents_rounding_globally(self):
        """Rounding globally in another currency, one refund of all lines
        books each line's revenue and base grid in the company's currency as
        Odoo's credit note does. Each credit note line hands Odoo's engine
        its base as booked on the invoice (its share of the invoice's
        rounding cents, so that refunds of a line add up to it, see
        `refund_shares`), which Odoo converts line by line; a line's last
        refund books what is left of it in the company's currency."""
        self.env.company.tax_calculation_rounding_method = "round_globally"
        taxes = self._tax_pool()
        lines = [
            {"price_unit": 99.99, "quantity": 12.5, "discount": 12.5},
            {"price_unit": 0.99, "quantity": 12.5, "discount": 12.5},
            {"price_unit": 999.99, "quantity": 0.5},
            {"price_unit": 19.95, "quantity": 2.0},
        ]
        for line, line_taxes in zip(
            lines, (taxes[1], taxes[3], taxes[0], taxes[0]), strict=True
        ):
            line["tax_ids"] = line_taxes.ids
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(
            lines, currency=self.foreign
        )
        refund = self._refund(
            invoice, [{"line_id": line.id} for line in invoice.invoice_line_ids]
        )
        self.assertRefundSettled(refund)
        self.assertSameBooksIn(
            refund.credit_note_id, odoo_credit_note, "amount_currency"
        )
        at_invoice_rate = self._create_paid_invoice(
            lines, currency=self.foreign, pay=False
        )
        self.refund_date = at_invoice_rate.invoice_date
        self.assertEqual(
            self._books_in(refund.credit_note_id, "balance"),
            self._books_in(self._odoo_credit_note(at_invoice_rate), "balance"),
        )

    def test_amounts_typed_tax_excluded(self):
        taxes = self._tax_pool()
        for seed in range(CASES):
            self._check_case(seed, taxes)

    def test_amounts_typed_tax_included(self):
        # Set before the company's first invoice (Odoo refuses it after).
        self.env.company.account_price_include = "tax_included"
        taxes = self._tax_pool()
        for seed in range(CASES, 2 * CASES):
            self._check_case(seed, taxes)
