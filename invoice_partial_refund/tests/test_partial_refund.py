# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.tests import tagged

from .common import PartialRefundCommon


@tagged("post_install", "-at_install")
class TestPartialRefund(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._create_paid_invoice(
            [
                {"price_unit": 100.0, "quantity": 2},
                {"price_unit": 33.33, "quantity": 3, "discount": 10},
                {"price_unit": 10.0},
            ]
        )
        cls.line_1, cls.line_2, cls.line_3 = cls.invoice.invoice_line_ids

    def test_refund_amount_cash_settles_everything(self):
        balance_before = self._partner_balance()
        self.assertAlmostEqual(balance_before, 0.0)
        refund = self._refund(
            self.invoice,
            [{"line_id": self.line_1.id, "amount": 50.0}],
            journal_id=self.cash_journal.id,
            reason="Damaged",
        )
        self.assertEqual(refund.state, "done")
        self.assertEqual(refund.refund_method, "immediate")
        self.assertRefundSettled(refund)
        # Paid on the spot: out of the cash register's own account, paid.
        cash_account = self.cash_journal.default_account_id
        self.assertEqual(refund.payment_id.state, "paid")
        self.assertEqual(refund.payment_id.outstanding_account_id, cash_account)
        self.assertAlmostEqual(
            sum(
                refund.payment_id.move_id.line_ids.filtered(
                    lambda line: line.account_id == cash_account
                ).mapped("balance")
            ),
            -57.5,
        )
        credit_line = refund.credit_note_id.invoice_line_ids
        self.assertRecordValues(
            credit_line,
            [
                {
                    "price_subtotal": 50.0,
                    "price_total": 57.5,
                    "account_id": self.line_1.account_id.id,
                    "product_id": self.line_1.product_id.id,
                    "tax_ids": self.line_1.tax_ids.ids,
                }
            ],
        )
        self.assertRecordValues(
            refund,
            [{"amount_untaxed": 50.0, "amount_tax": 7.5, "amount_total": 57.5}],
        )
        self.assertAlmostEqual(self._partner_balance(), balance_before)
        self.assertRecordValues(
            self.line_1,
            [
                {
                    "refunded_amount": 50.0,
                    "refundable_amount": 150.0,
                    "refunded_price_total": 57.5,
                }
            ],
        )
        # The invoice itself is untouched: still paid, not reconciled with the
        # credit note, which is a record and not store credit.
        self.assertEqual(self.invoice.payment_state, "paid")
        self.assertEqual(self.invoice.partial_refund_status, "partial")
        self.assertTrue(self.invoice.can_partial_refund)
        self.assertIn("Damaged", refund.credit_note_id.ref)
        outstanding = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.partner_a.id),
                ("account_id", "=", self.receivable.id),
                ("reconciled", "=", False),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertFalse(outstanding, "a refund must leave no open credit")

    def test_bank_method_awaits_manual_refund(self):
        refund = self._refund(
            self.invoice,
            [{"line_id": self.line_3.id}],
            journal_id=self.bank_journal.id,
        )
        self.assertEqual(refund.state, "manual")
        self.assertEqual(refund.refund_method, "manual")
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        # The payment waits for the bank statement on its outstanding account.
        self.assertEqual(refund.payment_id.state, "in_process")

    def test_full_line_copies_the_line(self):
        refund = self._refund(self.invoice, [{"line_id": self.line_2.id}])
        self.assertRecordValues(
            refund.credit_note_id.invoice_line_ids,
            [
                {
                    "quantity": 3.0,
                    "price_unit": 33.33,
                    "discount": 10.0,
                    "price_subtotal": self.line_2.price_subtotal,
                    "price_total": self.line_2.price_total,
                }
            ],
        )
        self.assertAlmostEqual(refund.amount_total, self.line_2.price_total)
        self.assertAlmostEqual(self.line_2.refundable_amount, 0.0)
        self.assertRefundSettled(refund)

    def test_quantity_refund(self):
        refund = self._refund(
            self.invoice, [{"line_id": self.line_1.id, "quantity": 1}]
        )
        self.assertRecordValues(
            refund.credit_note_id.invoice_line_ids,
            [{"quantity": 1.0, "price_subtotal": 100.0, "price_total": 115.0}],
        )
        self.assertEqual(self.line_1.refunded_quantity, 1.0)
        self.assertRefundSettled(refund)

    def test_repeated_refunds_add_up_to_the_line_to_the_cent(self):
        # 89.99 untaxed (3 x 33.33 - 10 %), 103.49 with 15 % tax: thirds do
        # not divide evenly, so the last refund must take the exact remainder.
        line = self.line_2
        refunds = self.env["account.partial.refund"]
        refunds |= self._refund(self.invoice, [{"line_id": line.id, "amount": 30.0}])
        refunds |= self._refund(self.invoice, [{"line_id": line.id, "quantity": 1}])
        refunds |= self._refund(self.invoice, [{"line_id": line.id}])
        for refund in refunds:
            self.assertRefundSettled(refund)
        self.assertAlmostEqual(
            sum(refunds.mapped("amount_untaxed")), line.price_subtotal
        )
        self.assertAlmostEqual(sum(refunds.mapped("amount_total")), line.price_total)
        self.assertAlmostEqual(
            sum(refunds.credit_note_id.mapped("amount_total")), line.price_total
        )
        self.assertAlmostEqual(
            sum(refunds.credit_note_id.invoice_line_ids.mapped("price_subtotal")),
            line.price_subtotal,
        )
        self.assertAlmostEqual(line.refundable_amount, 0.0)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_every_line_refunded(self):
        lines = self.invoice.invoice_line_ids
        refund = self._refund(self.invoice, [{"line_id": line.id} for line in lines])
        self.assertRefundSettled(refund)
        self.assertEqual(len(refund.credit_note_id.invoice_line_ids), 3)
        self.assertAlmostEqual(
            refund.credit_note_id.amount_total, self.invoice.amount_total
        )
        self.assertAlmostEqual(
            refund.credit_note_id.amount_untaxed, self.invoice.amount_untaxed
        )
        self.assertEqual(self.invoice.partial_refund_status, "refunded")
        self.assertFalse(self.invoice.can_partial_refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_several_lines_one_credit_note(self):
        refund = self._refund(
            self.invoice,
            [
                {"line_id": self.line_1.id, "amount": 20.0},
                {"line_id": self.line_3.id, "quantity": 0.5},
            ],
        )
        credit_note = refund.credit_note_id
        self.assertEqual(
            credit_note.invoice_line_ids.refund_origin_line_id,
            self.line_1 | self.line_3,
        )
        self.assertAlmostEqual(credit_note.amount_untaxed, 25.0)
        self.assertAlmostEqual(credit_note.amount_tax, 3.75)
        self.assertRefundSettled(refund)

    def _record_reconciliations(self):
        """Patch `account.move.line.reconcile` to record the lines of each
        call: ``(patcher, calls)``."""
        calls = []
        model = type(self.env["account.move.line"])
        reconcile = model.reconcile

        def recorded(lines):
            calls.append(lines)
            return reconcile(lines)

        return patch.object(model, "reconcile", recorded), calls

    def test_credit_note_is_not_reconciled_alone(self):
        """Posting the credit note skips Odoo's reconciliation of a reversal
        with its paid invoice, which would reconcile its lone receivable line
        with nothing; the refund payment settles it."""
        patcher, calls = self._record_reconciliations()
        with patcher:
            refund = self._refund(
                self.invoice,
                [{"line_id": self.line_3.id}],
                journal_id=self.bank_journal.id,
            )
        self.assertRefundSettled(refund)
        credit_note_lines = refund.credit_note_id.line_ids
        self.assertEqual(
            [lines.move_id for lines in calls if lines & credit_note_lines],
            [refund.credit_note_id | refund.payment_id.move_id],
        )
        # Odoo's own credit note is reconciled by Odoo as before.
        invoice = self._create_paid_invoice([{"price_unit": 10.0}])
        credit_note = self._odoo_credit_note(invoice, post=False)
        self.assertFalse(credit_note._is_partial_refund_reconciled_alone(invoice))

    def test_credit_note_reconciled_with_the_invoice_where_odoo_would(self):
        """An invoice line on a reconcilable account is open: Odoo's
        reconciliation of the reversal matches it with the credit note's
        line, as for Odoo's own credit note."""
        revenue = self.company_data["default_account_revenue"]
        revenue.reconcile = True
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        line = invoice.invoice_line_ids
        self.assertEqual(line.account_id, revenue)
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 40.0}])
        self.assertRefundSettled(refund)
        credit_line = refund.credit_note_id.invoice_line_ids
        self.assertEqual(credit_line.account_id, revenue)
        self.assertTrue(credit_line.reconciled)
        self.assertAlmostEqual(line.amount_residual, -60.0)
        # The credit note's debit matched with the invoice line's credit.
        self.assertEqual(credit_line.matched_credit_ids.credit_move_id, line)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_chatter_and_smart_button(self):
        refund = self._refund(
            self.invoice, [{"line_id": self.line_3.id, "amount": 4.0}]
        )
        message = self.invoice.message_ids[0]
        self.assertIn(refund.name, message.body)
        self.assertIn(refund.credit_note_id.name, message.body)
        self.assertEqual(self.invoice.partial_refund_count, 1)
        action = self.invoice.action_view_partial_refunds()
        self.assertEqual(action["res_id"], refund.id)
        self.assertEqual(self.invoice.partial_refund_credit_note_count, 1)
        action = self.invoice.action_view_partial_refund_credit_notes()
        self.assertEqual(action["res_id"], refund.credit_note_id.id)
        self.assertFalse(action["context"]["create"])
        self.assertTrue(refund.name.startswith("RFND/"))

    def test_chatter_breakdown_sums_the_lines_beyond_twenty(self):
        """The note on the invoice lists 20 lines one by one, the rest in one
        row, and its totals are the refund's."""
        invoice = self._create_paid_invoice(
            [{"name": f"Item {index:02d}", "price_unit": 10.0} for index in range(23)]
        )
        lines = invoice.invoice_line_ids
        refund = self._refund(invoice, [{"line_id": line.id} for line in lines])
        body = str(invoice.message_ids[0].body).replace("&nbsp;", "\xa0")
        self.assertIn("Item 19", body)
        self.assertNotIn("Item 20", body)
        self.assertIn("3 other lines", body)
        currency = invoice.currency_id
        # 23 × 10.00 untaxed, 15 % tax: the 3 others sum 30.00 + 4.50.
        others = body[body.index("3 other lines") :]
        for amount in (30.0, 4.5, 34.5, 230.0, 264.5):
            self.assertIn(currency.format(amount), others)
        self.assertAlmostEqual(refund.amount_total, 264.5)
        self.assertRefundSettled(refund)

    def test_analytic_distribution_is_copied(self):
        plan = self.env["account.analytic.plan"].create({"name": "Projects"})
        account = self.env["account.analytic.account"].create(
            {"name": "Shop", "plan_id": plan.id}
        )
        invoice = self._create_paid_invoice([{"price_unit": 40.0}])
        invoice.button_draft()
        invoice.invoice_line_ids.analytic_distribution = {str(account.id): 100}
        invoice.action_post()
        self._pay(invoice, self.bank_journal)
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 10.0}]
        )
        self.assertEqual(
            refund.credit_note_id.invoice_line_ids.analytic_distribution,
            {str(account.id): 100},
        )


@tagged("post_install", "-at_install")
class TestPartialRefundTaxes(PartialRefundCommon):
    """Rounding: the amounts typed are exact and a line's refunds add up to the
    line, tax excluded or included, several taxes, discounts, both rounding
    methods."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax_21_incl = cls.env["account.tax"].create(
            {"name": "21% incl", "amount": 21, "price_include_override": "tax_included"}
        )
        cls.tax_21 = cls.env["account.tax"].create(
            {"name": "21%", "amount": 21, "price_include_override": "tax_excluded"}
        )
        cls.tax_7 = cls.env["account.tax"].create({"name": "7%", "amount": 7})

    def _refund_in_three(self, line, invoice, booked_total=None):
        """Refund what remains of ``line`` in three refunds, the last one of
        the remainder, and check all refunds of the line add up to it.

        :param booked_total: what the line weighs in the invoice's total when
            it is not its own rounded total (round globally: the invoice's
            rounding cents are spread over its lines)
        """
        if booked_total is None:
            booked_total = line.price_total
        third = line.currency_id.round(line.refundable_amount / 3)
        refunds = self._refund(invoice, [{"line_id": line.id, "amount": third}])
        refunds |= self._refund(invoice, [{"line_id": line.id, "amount": third}])
        refunds |= self._refund(invoice, [{"line_id": line.id}])
        for refund in refunds:
            self.assertRefundSettled(refund)
        all_refunds = line.partial_refund_line_ids.refund_id
        self.assertAlmostEqual(sum(all_refunds.mapped("amount_total")), booked_total)
        self.assertAlmostEqual(
            sum(all_refunds.credit_note_id.mapped("amount_total")), booked_total
        )
        self.assertAlmostEqual(line.refundable_amount, 0.0)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        return refunds

    def test_tax_excluded_several_taxes_round_per_line(self):
        invoice = self._create_paid_invoice(
            [
                {
                    "price_unit": 10.01,
                    "quantity": 7,
                    "tax_ids": (self.tax_21 | self.tax_7).ids,
                }
            ]
        )
        line = invoice.invoice_line_ids
        refunds = self._refund_in_three(line, invoice)
        self.assertAlmostEqual(
            sum(refunds.mapped("amount_untaxed")), line.price_subtotal
        )
        for refund in refunds[:2]:
            self.assertAlmostEqual(refund.amount_untaxed, 23.36)

    def test_withholding_tax_never_changes_sign(self):
        """A withholding tax (-15 %) rounded away from zero by small refunds
        (-0.495 as -0.50) is used up before the line: the next refunds take
        none of it, never a withholding of the invoice's sign; all the
        refunds give back what Odoo's credit note of the invoice books."""
        withholding = self.env["account.tax"].create(
            {"name": "-15% withholding", "amount": -15}
        )
        lines = [{"price_unit": 10.0, "tax_ids": (self.tax_21 | withholding).ids}]
        invoice = self._create_paid_invoice(lines)
        odoo_credit_note = self._odoo_credit_note(
            self._create_paid_invoice(lines, pay=False)
        )
        line = invoice.invoice_line_ids
        refunds = self.env["account.partial.refund"]
        for amount in (3.3, 3.3, 3.3, 0.05):
            refunds |= self._refund(invoice, [{"line_id": line.id, "amount": amount}])
        refunds |= self._refund(invoice, [{"line_id": line.id}])
        key = str(withholding.id)
        for refund in refunds:
            self.assertRefundSettled(refund)
            self.assertLessEqual(refund.line_ids.tax_amounts.get(key, 0.0), 0.0)
            tax_lines = refund.credit_note_id.line_ids.filtered(
                lambda tax_line: tax_line.tax_line_id == withholding
            )
            # The withholding lowers what the credit note gives back: booked
            # as a credit, against the invoice's debit.
            self.assertLessEqual(sum(tax_lines.mapped("balance")), 0.0)
        self.assertSameBooks(refunds.credit_note_id, odoo_credit_note)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_tax_excluded_round_globally(self):
        self.env.company.tax_calculation_rounding_method = "round_globally"
        invoice = self._create_paid_invoice(
            [
                {"price_unit": 0.99, "quantity": 3, "tax_ids": self.tax_21.ids},
                {"price_unit": 1.01, "quantity": 1, "tax_ids": self.tax_21.ids},
            ]
        )
        # Tax 0.6237 + 0.2121 = 0.8358, booked 0.84: Odoo puts the cent the
        # lines' own roundings (0.62 + 0.21) miss on the larger line, whose
        # refunds take it, so that both lines refunded give the invoice back.
        line_1, line_2 = invoice.invoice_line_ids
        self.assertAlmostEqual(line_1.price_total, 3.59)
        self._refund_in_three(line_1, invoice, booked_total=3.60)
        self._refund_in_three(line_2, invoice, booked_total=1.22)
        credit_notes = invoice.partial_refund_ids.credit_note_id
        self.assertAlmostEqual(
            sum(credit_notes.mapped("amount_total")), invoice.amount_total
        )
        self.assertAlmostEqual(sum(credit_notes.mapped("amount_tax")), 0.84)

    def test_tax_included_prices_and_display(self):
        self.env.company.account_price_include = "tax_included"
        invoice = self._create_paid_invoice(
            [
                {
                    "price_unit": 99.99,
                    "quantity": 1,
                    "discount": 5,
                    "tax_ids": self.tax_21_incl.ids,
                }
            ]
        )
        line = invoice.invoice_line_ids
        self.assertEqual(line._refund_basis(), "price_total")
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 12.34}])
        self.assertAlmostEqual(refund.amount_total, 12.34)
        self.assertAlmostEqual(refund.credit_note_id.amount_total, 12.34)
        self.assertAlmostEqual(line.refunded_amount, 12.34)
        self._refund_in_three(line, invoice)

    def test_invoice_pdf_shows_the_refunded_untaxed_under_the_subtotal(self):
        """Odoo's invoice report prints each line's untaxed subtotal, also
        where the screen shows prices tax included: what was refunded of it
        is shown tax excluded beneath."""
        self.env.company.account_price_include = "tax_included"
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        # 23.00 tax included: 20.00 untaxed.
        self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 23.0}]
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", invoice.ids)[0]
            .decode()
        )
        refunded = html.split("Refunded:", 1)[1].split("</div>", 1)[0]
        self.assertIn("20.00", refunded)
        self.assertNotIn("23.00", refunded)

    def test_tax_included_display_with_tax_excluded_prices(self):
        # A 21 % tax added on top moves totals in steps of 1.21 cents: the
        # rounding cent goes to the tax so the total is the amount typed.
        self.env.company.account_price_include = "tax_included"
        invoice = self._create_paid_invoice(
            [{"price_unit": 10.0, "quantity": 1, "tax_ids": self.tax_21.ids}]
        )
        line = invoice.invoice_line_ids
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 4.13}])
        self.assertAlmostEqual(refund.amount_total, 4.13)
        self.assertAlmostEqual(refund.credit_note_id.amount_total, 4.13)
        self.assertRefundSettled(refund)
        rest = self._refund(invoice, [{"line_id": line.id}])
        self.assertAlmostEqual(rest.amount_total, 12.10 - 4.13)
        self.assertAlmostEqual(line.refundable_amount, 0.0)
        self.assertRefundSettled(rest)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_tax_excluded_display_with_tax_included_prices(self):
        invoice = self._create_paid_invoice(
            [{"price_unit": 121.0, "quantity": 1, "tax_ids": self.tax_21_incl.ids}]
        )
        line = invoice.invoice_line_ids
        self.assertAlmostEqual(line.price_subtotal, 100.0)
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 33.33}])
        self.assertAlmostEqual(refund.amount_untaxed, 33.33)
        self._refund_in_three(line, invoice)

    def test_no_tax_line(self):
        invoice = self._create_paid_invoice([{"price_unit": 20.0, "tax_ids": []}])
        line = invoice.invoice_line_ids
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 7.77}])
        self.assertAlmostEqual(refund.credit_note_id.amount_total, 7.77)
        self.assertRefundSettled(refund)
        # A later request reads the first refund from the database, where its
        # empty tax per tax is stored as nothing.
        self.env.invalidate_all()
        rest = self._refund(invoice, [{"line_id": line.id}])
        self.assertAlmostEqual(rest.credit_note_id.amount_total, 12.23)
        self.assertRefundSettled(rest)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_credit_note_lines_carry_refund_tax_grids(self):
        # The tax report reads credit notes through the refund repartition
        # lines' tags, which differ from the invoice's in most countries.
        tags = self.env["account.account.tag"].create(
            [
                {"name": name, "applicability": "taxes"}
                for name in ("invoice base", "refund base", "refund tax")
            ]
        )
        invoice_base, refund_base, refund_tax = tags
        self.tax_21.invoice_repartition_line_ids.filtered(
            lambda rep: rep.repartition_type == "base"
        ).tag_ids = invoice_base
        refund_reps = self.tax_21.refund_repartition_line_ids
        refund_reps.filtered(
            lambda rep: rep.repartition_type == "base"
        ).tag_ids = refund_base
        refund_reps.filtered(
            lambda rep: rep.repartition_type == "tax"
        ).tag_ids = refund_tax
        invoice = self._create_paid_invoice(
            [
                {"price_unit": 40.0, "quantity": 2, "tax_ids": self.tax_21.ids},
                {"price_unit": 9.99, "quantity": 3, "tax_ids": self.tax_21.ids},
            ]
        )
        line_1, line_2 = invoice.invoice_line_ids
        refund = self._refund(
            invoice, [{"line_id": line_1.id}, {"line_id": line_2.id, "amount": 12.5}]
        )
        credit_note = refund.credit_note_id
        self.assertRecordValues(
            credit_note.invoice_line_ids,
            [
                {"tax_tag_ids": refund_base.ids, "balance": 80.0},
                {"tax_tag_ids": refund_base.ids, "balance": 12.5},
            ],
        )
        tax_line = credit_note.line_ids.filtered("tax_line_id")
        self.assertRecordValues(
            tax_line, [{"tax_tag_ids": refund_tax.ids, "balance": 19.43}]
        )
        self.assertRefundSettled(refund)

    def test_sale_tax_on_credit_note_lines(self):
        invoice = self._create_paid_invoice(
            [{"price_unit": 50.0, "tax_ids": (self.tax_21 | self.tax_7).ids}]
        )
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 10.0}]
        )
        tax_lines = refund.credit_note_id.line_ids.filtered("tax_line_id")
        self.assertEqual(tax_lines.tax_line_id, self.tax_21 | self.tax_7)
        self.assertAlmostEqual(sum(tax_lines.mapped("balance")), 2.8)
        self.assertEqual(
            refund.credit_note_id.invoice_line_ids.tax_ids, self.tax_21 | self.tax_7
        )
        self.assertTrue(all(tax_lines.mapped(lambda line: line.balance > 0)))

    def test_invoice_paid_by_a_bank_statement_line(self):
        """Paid by reconciling a bank statement line (no payment record):
        refunded by hand through that bank journal, the books settled."""
        invoice = self._create_paid_invoice([{"price_unit": 100.0}], pay=False)
        statement_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": "2019-01-15",
                "payment_ref": invoice.name,
                "partner_id": self.partner_a.id,
                "amount": invoice.amount_total,
            }
        )
        _liquidity, suspense, _other = statement_line._seek_for_lines()
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        statement_line.move_id.button_draft()
        suspense.account_id = receivable.account_id
        statement_line.move_id.action_post()
        (suspense | receivable).reconcile()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 40.0}]
        )
        self.assertEqual(refund.journal_id, self.bank_journal)
        self.assertEqual(refund.state, "manual")
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
