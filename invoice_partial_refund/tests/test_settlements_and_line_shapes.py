# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How an invoice was settled and what its lines look like, as an
accountant meets them (from an independent review): an invoice paid by
several means at once, lines with discounts, negative and free lines,
quantities in dozens or with three decimals, a receivable account changed
after the invoice, a contact of a company, a fiscal position. Each refund
settled, what is refunded never beyond what was paid, the customer's
balance nil and nothing left open on its account."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PartialRefundCommon


@tagged("post_install", "-at_install")
class TestSettlementsAndLineShapes(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.company_data["default_tax_sale"]
        cls.expense = cls.company_data["default_account_expense"]

    def _invoice(self, lines, partner=None, fiscal_position=None, post=True):
        """A posted customer invoice of ``lines`` (values of its lines, the
        default sale tax unless ``tax_ids`` is given), not paid."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.partner_a).id,
                "invoice_date": "2019-01-01",
                "date": "2019-01-01",
                "fiscal_position_id": fiscal_position and fiscal_position.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": f"line {index}",
                            "product_id": self.product_a.id,
                            "tax_ids": [Command.set(self.tax.ids)],
                            **values,
                        }
                    )
                    for index, values in enumerate(lines, start=1)
                ],
            }
        )
        if post:
            invoice.action_post()
        return invoice

    def assertBooksClosed(self, partner=None):
        self.assertFalse(self._open_receivable_lines(partner))
        self.assertAlmostEqual(self._partner_balance(partner), 0.0)

    # ------------------------------------------------------------
    # Several means of payment
    # ------------------------------------------------------------

    def _invoice_paid_by_several_means(self):
        """An invoice paid by a credit note of another invoice, the
        overpayment of a third, and a payment of it and a fourth invoice
        with 20.00 written off: ``(invoice, the written-off share of it,
        the credit note, the group payment, the fourth invoice)``."""
        other = self._invoice([{"price_unit": 200.0}])
        self._pay(other, self.bank_journal)
        credit_note = self._odoo_credit_note(other)
        overpaid = self._invoice([{"price_unit": 100.0}])
        self._pay(overpaid, self.bank_journal, amount=150.0)
        invoice = self._invoice(
            [
                {"price_unit": 400.0, "quantity": 3, "discount": 10},
                {"price_unit": 12.34, "quantity": 2.345},
                {"price_unit": 90.0, "tax_ids": []},
            ]
        )
        for move in (
            credit_note,
            overpaid.line_ids.matched_credit_ids.credit_move_id.move_id,
        ):
            invoice.js_assign_outstanding_line(self._outstanding_line(invoice, move))
        fourth = self._invoice([{"price_unit": 300.0}])
        residual, fourth_residual = invoice.amount_residual, fourth.amount_residual
        payment = (
            self.env["account.payment.register"]
            .with_context(
                active_model="account.move", active_ids=(invoice | fourth).ids
            )
            .create(
                {
                    "journal_id": self.bank_journal.id,
                    "payment_date": "2019-01-15",
                    "group_payment": True,
                    "amount": residual + fourth_residual - 20.0,
                    "payment_difference_handling": "reconcile",
                    "writeoff_account_id": self.expense.id,
                    "writeoff_label": "Write-off",
                }
            )
            ._create_payments()
        )
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertIn(fourth.payment_state, ("paid", "in_payment"))
        written_off = invoice.currency_id.round(
            20.0 * residual / (residual + fourth_residual)
        )
        return invoice, written_off, credit_note, payment, fourth

    def test_several_means_refunded_up_to_what_was_paid(self):
        invoice, written_off, __, __, __ = self._invoice_paid_by_several_means()
        paid = invoice.amount_total - written_off
        self.assertAlmostEqual(invoice._get_partial_refund_totals()[1], paid)
        line_1, line_2, line_3 = invoice.invoice_line_ids
        refunds = self._refund(
            invoice,
            [
                {"line_id": line_1.id, "quantity": 1},
                {"line_id": line_2.id, "amount": 10.01},
            ],
        )
        refunds |= self._refund(invoice, [{"line_id": line_1.id, "amount": 33.33}])
        with self.assertRaises(UserError):
            self._refund(
                invoice, [{"line_id": line.id} for line in invoice.invoice_line_ids]
            )
        refunds |= self._refund(
            invoice, [{"line_id": line_1.id}, {"line_id": line_2.id}]
        )
        left = invoice._get_partial_refund_totals()[1]
        self.assertAlmostEqual(left, line_3.price_total - written_off)
        refunds |= self._refund(invoice, [{"line_id": line_3.id, "amount": left}])
        with self.assertRaises(UserError):
            self._refund(invoice, [{"line_id": line_3.id, "amount": 0.01}])
        for refund in refunds:
            self.assertRefundSettled(refund)
        self.assertAlmostEqual(sum(refunds.mapped("amount_total")), paid)
        self.assertAlmostEqual(invoice._get_partial_refund_totals()[1], 0.0)
        self.assertBooksClosed()

    def test_write_off_entry_by_hand_is_not_refunded(self):
        """The rest of an invoice written off by an entry of the accountant's
        (a bad debt on an expense account, as Accounting's reconciliation
        write-off books it) was never paid: it is not refunded."""
        invoice = self._invoice(
            [
                {"price_unit": 1000.0, "tax_ids": []},
                {"price_unit": 190.0, "tax_ids": []},
            ]
        )
        self._pay(invoice, self.bank_journal, amount=1000.0)
        write_off = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2019-01-20",
                "journal_id": self.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Write-off",
                            "account_id": self.expense.id,
                            "debit": 190.0,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Write-off",
                            "account_id": self.receivable.id,
                            "partner_id": self.partner_a.id,
                            "credit": 190.0,
                        }
                    ),
                ],
            }
        )
        write_off.action_post()
        invoice.js_assign_outstanding_line(self._outstanding_line(invoice, write_off))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertAlmostEqual(invoice._get_partial_refund_totals()[1], 1000.0)
        line_1, line_2 = invoice.invoice_line_ids
        with self.assertRaises(UserError):
            self._refund(invoice, [{"line_id": line_1.id}, {"line_id": line_2.id}])
        refunds = self._refund(invoice, [{"line_id": line_2.id}])
        refunds |= self._refund(invoice, [{"line_id": line_1.id, "amount": 810.0}])
        with self.assertRaises(UserError):
            self._refund(invoice, [{"line_id": line_1.id, "amount": 0.01}])
        for refund in refunds:
            self.assertRefundSettled(refund)
        self.assertAlmostEqual(sum(refunds.mapped("amount_total")), 1000.0)
        self.assertBooksClosed()

    def test_what_paid_it_stays_matched_after_a_partial_refund(self):
        invoice, __, credit_note, payment, fourth = (
            self._invoice_paid_by_several_means()
        )
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids[0].id, "quantity": 1}]
        )
        credit_partial = invoice.line_ids.matched_credit_ids.filtered(
            lambda p: p.credit_move_id.move_id == credit_note
        )
        with self.assertRaises(UserError):
            invoice.js_remove_outstanding_partial(credit_partial.id)
        with self.assertRaises(UserError):
            payment.action_draft()
        with self.assertRaises(UserError):
            credit_note.button_draft()
        # The fourth invoice, not refunded, is unmatched from it as usual.
        fourth_partial = fourth.line_ids.matched_credit_ids
        fourth.js_remove_outstanding_partial(fourth_partial.id)
        self.assertEqual(fourth.payment_state, "not_paid")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertRefundSettled(refund)
        self.assertFalse(
            self._open_receivable_lines().filtered(lambda line: line.move_id != fourth)
            - payment.move_id.line_ids
        )
        # Once the refund is cancelled, the credit note is unmatched from it
        # as usual: it is owed again what the credit note paid.
        refund.action_cancel_refund()
        self.assertEqual(invoice.partial_refund_status, "none")
        invoice.js_remove_outstanding_partial(credit_partial.id)
        self.assertAlmostEqual(invoice.amount_residual, credit_note.amount_total)
        self.assertAlmostEqual(credit_note.amount_residual, credit_note.amount_total)

    # ------------------------------------------------------------
    # Lines as accountants type them
    # ------------------------------------------------------------

    def test_discounted_negative_dozens_and_three_decimals_as_odoo(self):
        self.env.ref("product.decimal_product_uom").digits = 3
        dozen = self.env.ref("uom.product_uom_dozen")
        lines = [
            {"price_unit": 400.0, "quantity": 3, "discount": 12.5},
            {"price_unit": 12.34, "quantity": 2.345},
            {"price_unit": 30.0, "quantity": 1.5, "product_uom_id": dozen.id},
            {"price_unit": 0.0, "quantity": 2},
            {"price_unit": -50.0},
        ]
        invoice = self._invoice(lines)
        self._pay(invoice, self.bank_journal)
        odoo_credit_note = self._odoo_credit_note(self._invoice(lines))
        line_1, line_2, line_3, __, __ = invoice.invoice_line_ids
        refunds = self._refund(
            invoice,
            [
                {"line_id": line_1.id, "quantity": 1},
                {"line_id": line_2.id, "quantity": 1.001},
                {"line_id": line_3.id, "quantity": 0.5},
            ],
        )
        refunds |= self._refund(
            invoice,
            [
                {"line_id": line_1.id, "amount": 33.33},
                {"line_id": line_3.id, "amount": 0.07},
            ],
        )
        refunds |= self._refund(
            invoice,
            [{"line_id": line.id} for line in (line_1, line_2, line_3)],
        )
        self.assertRefundedAsOdoo(invoice, refunds, odoo_credit_note)
        self.assertBooksClosed()

    # ------------------------------------------------------------
    # The customer's account
    # ------------------------------------------------------------

    def test_contact_fiscal_position_and_receivable_changed(self):
        company = self.env["res.partner"].create(
            {"name": "Customer Company", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": company.id}
        )
        other_tax = self.tax.copy({"name": "Mapped 10 %", "amount": 10.0})
        revenue = self.company_data["default_account_revenue"]
        other_revenue = revenue.copy()
        fiscal_position = self.env["account.fiscal.position"].create(
            {
                "name": "Mapped",
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": self.tax.id, "tax_dest_id": other_tax.id}
                    )
                ],
                "account_ids": [
                    Command.create(
                        {
                            "account_src_id": revenue.id,
                            "account_dest_id": other_revenue.id,
                        }
                    )
                ],
            }
        )
        lines = [
            {"price_unit": 100.0, "quantity": 2, "tax_ids": other_tax.ids},
            {"price_unit": 55.55, "tax_ids": other_tax.ids},
        ]
        invoice = self._invoice(lines, partner=contact, fiscal_position=fiscal_position)
        identical = self._invoice(
            lines, partner=contact, fiscal_position=fiscal_position
        )
        self._pay(invoice, self.bank_journal)
        receivable = self.receivable
        company.property_account_receivable_id = receivable.copy()
        odoo_credit_note = self._odoo_credit_note(identical)
        line_1, line_2 = invoice.invoice_line_ids
        refunds = self._refund(
            invoice,
            [
                {"line_id": line_1.id, "quantity": 1},
                {"line_id": line_2.id, "amount": 33.33},
            ],
        )
        refunds |= self._refund(
            invoice, [{"line_id": line_1.id}, {"line_id": line_2.id}]
        )
        self.assertRefundedAsOdoo(invoice, refunds, odoo_credit_note, company)
        # As Odoo's credit note: on the invoice's receivable account, not the
        # customer's of the day, its credit note and payment alike; nothing
        # open, nothing booked on the new account.
        for refund in refunds:
            self.assertEqual(refund.credit_note_id.commercial_partner_id, company)
            self.assertEqual(refund.payment_id.partner_id, company)
        owed = refunds.credit_note_id.line_ids | refunds.payment_id.move_id.line_ids
        owed = owed.filtered(lambda line: line.account_type == "asset_receivable")
        self.assertEqual(owed.account_id, receivable)
        odoo_owed = odoo_credit_note.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        self.assertEqual(odoo_owed.account_id, receivable)
        for account, count in (
            (receivable, 2 + 4),  # the invoice and its payment, 2 refunds
            (company.property_account_receivable_id, 0),
        ):
            lines = self.env["account.move.line"].search(
                [
                    ("partner_id", "=", company.id),
                    ("account_id", "=", account.id),
                    ("parent_state", "=", "posted"),
                    ("move_id", "not in", (identical | odoo_credit_note).ids),
                ]
            )
            self.assertEqual(len(lines), count)
            self.assertAlmostEqual(sum(lines.mapped("balance")), 0.0)
        self.assertBooksClosed(company)
