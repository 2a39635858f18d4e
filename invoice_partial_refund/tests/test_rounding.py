# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Never a cent off: an invoice refunded in full by partial refunds, in any
order, gives back exactly what it booked, and exactly what Odoo's own credit
note of the whole invoice books: untaxed, tax, total, each account, each tax,
each tax grid. Both tax rounding methods, prices with and without tax."""

from odoo import Command
from odoo.tests import tagged

from .common import PartialRefundCommon

#: Prices and quantities whose taxes do not divide evenly: with prices tax
#: excluded, the lines' own totals add up to 300.26, the invoice rounded
#: globally to 300.27.
LINES = [
    {"price_unit": 0.99, "quantity": 3, "taxes": (21,)},
    {"price_unit": 1.01, "quantity": 1, "taxes": (21,)},
    {"price_unit": 12.12, "quantity": 12.12, "taxes": (21, 6)},
    {"price_unit": 17.33, "quantity": 0.7, "discount": 7.5, "taxes": (6,)},
    {"price_unit": 3.33, "quantity": 3, "discount": 10, "taxes": (21, 6)},
    {"price_unit": 9.99, "quantity": 7, "taxes": (21,)},
    {"price_unit": 0.07, "quantity": 13, "taxes": (6,)},
]


@tagged("post_install", "-at_install")
class TestRounding(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tags = cls.env["account.account.tag"].create(
            [
                {"name": f"{tax} {kind} {document}", "applicability": "taxes"}
                for tax in ("21", "6")
                for document in ("invoice", "refund")
                for kind in ("base", "tax")
            ]
        )
        cls.taxes = {}
        for included in (False, True):
            for rate in (21, 6):
                cls.taxes[rate, included] = cls.env["account.tax"].create(
                    {
                        "name": f"{rate}%{' incl' if included else ''}",
                        "amount": rate,
                        "price_include_override": "tax_included"
                        if included
                        else "tax_excluded",
                        "invoice_repartition_line_ids": cls._repartition(
                            tags, rate, "invoice"
                        ),
                        "refund_repartition_line_ids": cls._repartition(
                            tags, rate, "refund"
                        ),
                    }
                )

    @classmethod
    def _repartition(cls, tags, rate, document):
        def tag(kind):
            return tags.filtered(lambda t: t.name == f"{rate} {kind} {document}").ids

        return [
            Command.create(
                {"repartition_type": "base", "tag_ids": [Command.set(tag("base"))]}
            ),
            Command.create(
                {"repartition_type": "tax", "tag_ids": [Command.set(tag("tax"))]}
            ),
        ]

    def _invoice_lines(self, included):
        return [
            {
                **{key: value for key, value in values.items() if key != "taxes"},
                "tax_ids": [self.taxes[rate, included].id for rate in values["taxes"]],
            }
            for values in LINES
        ]

    def _setup(self, rounding, included):
        """A paid invoice of `LINES` and Odoo's credit note of an identical
        one, in the company set to ``rounding``, prices and amounts typed
        with tax (``included``) or without."""
        company = self.env.company
        company.tax_calculation_rounding_method = rounding
        price_include = "tax_included" if included else "tax_excluded"
        if company.account_price_include != price_include:
            # Odoo refuses the change once the company invoiced: once per test.
            company.account_price_include = price_include
        lines = self._invoice_lines(included)
        invoice = self._create_paid_invoice(lines)
        odoo_credit_note = self._odoo_credit_note(
            self._create_paid_invoice(lines, pay=False)
        )
        return invoice, odoo_credit_note

    def _check_refunded_exactly(self, invoice, odoo_credit_note):
        refunds = invoice.partial_refund_ids
        credit_notes = refunds.credit_note_id
        for refund in refunds:
            self.assertRefundSettled(refund)
        currency = invoice.currency_id
        for field_name in ("amount_untaxed", "amount_tax", "amount_total"):
            self.assertEqual(
                currency.compare_amounts(
                    sum(credit_notes.mapped(field_name)), invoice[field_name]
                ),
                0,
                f"{field_name}: the credit notes add up to the invoice",
            )
            self.assertEqual(
                currency.compare_amounts(
                    sum(refunds.mapped(field_name)), invoice[field_name]
                ),
                0,
                f"{field_name}: the refunds add up to the invoice",
            )
        self.assertSameBooks(credit_notes, odoo_credit_note)
        self._check_lines_show_their_amounts(credit_notes)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertFalse(invoice.can_partial_refund)
        for line in invoice.invoice_line_ids:
            self.assertTrue(currency.is_zero(line.refundable_amount))
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def _check_lines_show_their_amounts(self, credit_notes):
        """What each credit note line shows (quantity, price, discount) gives
        its amount, as a document's line must: to the cent that rounding
        globally may move onto a line, as on Odoo's own invoice lines."""
        for credit_line in credit_notes.invoice_line_ids:
            included = all(credit_line.tax_ids.mapped("price_include"))
            shown = credit_line.price_unit * credit_line.quantity
            self.assertAlmostEqual(
                credit_line.currency_id.round(shown * (1 - credit_line.discount / 100)),
                credit_line.price_total if included else credit_line.price_subtotal,
                delta=0.0100001,
                msg=f"{credit_line.quantity} x {credit_line.price_unit} "
                f"less {credit_line.discount} %",
            )

    def test_round_globally_the_rest_after_amounts_shows_its_amount(self):
        """Rounding globally, 100 x 0.05 refunded 0.35 by amount, then 5
        units, then the rest: the last credit note line showed 95 x 0.05
        (4.75) for the 4.40 it books; it now shows a price that gives it."""
        self.env.company.tax_calculation_rounding_method = "round_globally"
        invoice = self._create_paid_invoice(
            [
                {"price_unit": 10.0, "quantity": 3},
                {"price_unit": 0.05, "quantity": 100},
            ]
        )
        line_a, line_b = invoice.invoice_line_ids
        refunds = self._refund(
            invoice,
            [
                {"line_id": line_a.id, "amount": 1.0},
                {"line_id": line_b.id, "amount": 0.35},
            ],
        )
        refunds |= self._refund(invoice, [{"line_id": line_b.id, "quantity": 5}])
        refunds |= self._refund(
            invoice, [{"line_id": line_a.id}, {"line_id": line_b.id}]
        )
        last = refunds[-1].credit_note_id.invoice_line_ids.filtered(
            lambda credit_line: credit_line.refund_origin_line_id == line_b
        )
        self.assertAlmostEqual(last.price_subtotal, 4.4)
        self.assertEqual(last.quantity, 95.0)
        self._check_lines_show_their_amounts(refunds.credit_note_id)
        for refund in refunds:
            self.assertRefundSettled(refund)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_early_payment_discount_base_taken_off_per_taxes(self):
        """An early payment discount ("included") taken: the payment books
        its untaxed discount per set of taxes (a fixed tax's base aside).
        Refunding every line gives back, for each tax, the base and the tax
        the customer paid for it: the invoice, its payment's discount and
        the credit notes net to 0 per tax (the base was taken off all lines
        by their amounts: a cent off per rate)."""
        fixed = self.env["account.tax"].create(
            {
                "name": "Eco-tax 0.70",
                "amount_type": "fixed",
                "amount": 0.7,
                "include_base_amount": True,
                "sequence": 1,
            }
        )
        high, low = self.taxes[21, False], self.taxes[6, False]
        low.sequence = 2
        term = self._early_discount_term("included")
        term.discount_percentage = 3
        for rounding in ("round_per_line", "round_globally"):
            with self.subTest(rounding=rounding):
                self.env.company.tax_calculation_rounding_method = rounding
                invoice = self._create_paid_invoice(
                    [
                        {"price_unit": 33.37, "quantity": 3, "tax_ids": high.ids},
                        {
                            "price_unit": 1.15,
                            "quantity": 7,
                            "tax_ids": (fixed | low).ids,
                        },
                    ],
                    payment_term=term,
                )
                self._check_early_discount_per_taxes(invoice, high | low | fixed)

    def _check_early_discount_per_taxes(self, invoice, taxes):
        payment = invoice._get_reconciled_payments()
        self.assertTrue(
            any(line.display_type == "epd" for line in payment.move_id.line_ids)
        )
        line_1, line_2 = invoice.invoice_line_ids
        refunds = self._refund(invoice, [{"line_id": line_1.id, "amount": 33.33}])
        refunds |= self._refund(invoice, [{"line_id": line_2.id, "quantity": 2}])
        refunds |= self._refund(
            invoice, [{"line_id": line_1.id}, {"line_id": line_2.id}]
        )
        for refund in refunds:
            self.assertRefundSettled(refund)
        moves = invoice | payment.move_id | refunds.credit_note_id
        for tax in taxes:
            tax_amount = sum(
                line.balance for line in moves.line_ids if line.tax_line_id == tax
            )
            self.assertAlmostEqual(tax_amount, 0.0, msg=f"{tax.name}: tax")
            if tax.amount_type != "fixed":  # one base per line: the line's
                base = sum(
                    line.balance for line in moves.line_ids if tax in line.tax_ids
                )
                self.assertAlmostEqual(base, 0.0, msg=f"{tax.name}: base")
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def _line_by_line(self, invoice, reverse=False):
        lines = invoice.invoice_line_ids
        for line in reversed(lines) if reverse else lines:
            self._refund(invoice, [{"line_id": line.id}])

    def _all_at_once(self, invoice):
        self._refund(
            invoice, [{"line_id": line.id} for line in invoice.invoice_line_ids]
        )

    def _by_amount_then_the_rest(self, invoice):
        lines = invoice.invoice_line_ids
        self._refund(
            invoice,
            [
                {
                    "line_id": line.id,
                    "amount": line.currency_id.round(line.refundable_amount / 3),
                }
                for line in lines
            ],
        )
        # A second partial round, a line at a time, then the rest at once.
        for line in lines[::2]:
            self._refund(
                invoice,
                [
                    {
                        "line_id": line.id,
                        "amount": line.currency_id.round(line.refundable_amount / 2),
                    }
                ],
            )
        self._refund(invoice, [{"line_id": line.id} for line in lines])

    def _by_quantity_then_the_rest(self, invoice):
        for line in invoice.invoice_line_ids:
            if line.quantity >= 2:
                self._refund(invoice, [{"line_id": line.id, "quantity": 1}])
        self._all_at_once(invoice)

    def _check_every_order(self, rounding, included):
        orders = {
            "line by line": self._line_by_line,
            "line by line, last first": lambda invoice: self._line_by_line(
                invoice, reverse=True
            ),
            "all at once": self._all_at_once,
            "by amount, then the rest": self._by_amount_then_the_rest,
            "by quantity, then the rest": self._by_quantity_then_the_rest,
        }
        for name, refund_all in orders.items():
            with self.subTest(order=name):
                invoice, odoo_credit_note = self._setup(rounding, included)
                refund_all(invoice)
                self._check_refunded_exactly(invoice, odoo_credit_note)

    def test_round_globally_tax_excluded(self):
        self._check_every_order("round_globally", included=False)

    def test_round_globally_tax_included(self):
        self._check_every_order("round_globally", included=True)

    def test_round_per_line_tax_excluded(self):
        self._check_every_order("round_per_line", included=False)

    def test_round_per_line_tax_included(self):
        self._check_every_order("round_per_line", included=True)

    def test_round_globally_invoice_is_a_cent_off_line_by_line(self):
        """The case of the issue: the lines' own rounded totals do not add up
        to the invoice's; the last refund still takes exactly what is left."""
        invoice, odoo_credit_note = self._setup("round_globally", included=False)
        lines = invoice.invoice_line_ids
        self.assertNotEqual(
            invoice.currency_id.compare_amounts(
                sum(lines.mapped("price_total")), invoice.amount_total
            ),
            0,
            "the example must show the rounding difference",
        )
        self._line_by_line(invoice)
        self._check_refunded_exactly(invoice, odoo_credit_note)

    def test_partial_refund_is_exact_on_the_amount_typed(self):
        self._check_exact_on_the_amount_typed(included=False)

    def test_partial_refund_is_exact_on_the_amount_typed_tax_included(self):
        self._check_exact_on_the_amount_typed(included=True)

    def _check_exact_on_the_amount_typed(self, included):
        invoice, _odoo_credit_note = self._setup("round_globally", included)
        line = invoice.invoice_line_ids[2]
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 12.34}])
        figure = "amount_total" if included else "amount_untaxed"
        self.assertAlmostEqual(refund[figure], 12.34)
        self.assertAlmostEqual(refund.credit_note_id[figure], 12.34)
        self.assertAlmostEqual(
            refund.credit_note_id.invoice_line_ids[
                "price_total" if included else "price_subtotal"
            ],
            12.34,
        )
        self.assertRefundSettled(refund)

    def test_round_globally_untaxed_lines_rest_after_amounts(self):
        """Rounding globally, two untaxed lines of 3 x 100.00 each refunded
        179.84 by amount, then both in full at once: each credit note line
        books exactly its amount (Odoo rounds the lines' sum, so a price
        that only rounds to it would lose a cent), the credit note equals
        the refund, and all that was paid goes back."""
        self.env.company.tax_calculation_rounding_method = "round_globally"
        invoice = self._create_paid_invoice(
            [
                {"price_unit": 100.0, "quantity": 3, "tax_ids": []},
                {"price_unit": 100.0, "quantity": 3, "tax_ids": []},
            ]
        )
        line_a, line_b = invoice.invoice_line_ids
        first = self._refund(
            invoice,
            [
                {"line_id": line_a.id, "amount": 179.84},
                {"line_id": line_b.id, "amount": 179.84},
            ],
        )
        rest = self._refund(invoice, [{"line_id": line_a.id}, {"line_id": line_b.id}])
        for refund in first | rest:
            self.assertRefundSettled(refund)
            self.assertAlmostEqual(
                refund.credit_note_id.amount_total, refund.amount_total
            )
            for credit_line in refund.credit_note_id.invoice_line_ids:
                self.assertAlmostEqual(
                    credit_line.price_unit
                    * credit_line.quantity
                    * (1 - credit_line.discount / 100),
                    credit_line.price_subtotal,
                    6,
                )
                self.assertAlmostEqual(
                    abs(credit_line.balance), credit_line.price_subtotal
                )
        self.assertAlmostEqual(rest.amount_total, 240.32)
        self.assertAlmostEqual(
            sum((first | rest).payment_id.mapped("amount")), invoice.amount_total
        )
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(self._partner_balance(), 0.0)
