# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.account_payment.tests.common import AccountPaymentCommon

from .common import RefusedRefundCommon


@tagged("post_install", "-at_install")
class TestPartialRefundErrors(RefusedRefundCommon, AccountPaymentCommon):
    """Each bad request gets a clear error and writes nothing."""

    def assertRefused(self, message, invoice=None, lines=None, **options):
        """Assert the refund is refused with ``message`` and writes nothing."""
        invoice = invoice or self.invoice
        lines = [{"line_id": self.line.id, "amount": 10.0}] if lines is None else lines
        counts = self._counts(invoice)
        with self.assertRaisesRegex(UserError, message):
            self._refund(invoice, lines, **options)
        self.assertEqual(self._counts(invoice), counts)

    def assertNothingLeftToRefund(self, invoice, line):
        """A cent more of ``line`` is refused with nothing written (see
        `assertRefused`), the invoice is refunded and the customer's
        balance is 0."""
        self.assertRefused(
            "beyond what the customer paid",
            invoice=invoice,
            lines=[{"line_id": line.id, "amount": 0.01}],
        )
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_no_line(self):
        self.assertRefused("Select at least one invoice line", lines=[])

    def test_amount_zero_or_negative(self):
        self.assertRefused(
            "must be positive", lines=[{"line_id": self.line.id, "amount": 0}]
        )
        self.assertRefused(
            "must be positive", lines=[{"line_id": self.line.id, "amount": -5.0}]
        )

    def test_amount_over_remainder(self):
        self.assertRefused(
            "only .* is still refundable",
            lines=[{"line_id": self.line.id, "amount": 100.01}],
        )
        self._refund(self.invoice, [{"line_id": self.line.id, "amount": 60.0}])
        self.assertRefused(
            "only .*40.00.* is still refundable",
            lines=[{"line_id": self.line.id, "amount": 40.01}],
        )

    def test_huge_amount_shown_as_sent(self):
        """The largest amount taken is shown to its cent in the message; one
        beyond it is refused as too large (1e15 would read as
        1,000,000,000,000,001.00)."""
        self.assertRefused(
            "cannot refund an amount of .*999,999,999,999.99 .* only",
            lines=[{"line_id": self.line.id, "amount": 999_999_999_999.99}],
        )
        for amount in (10**12 + 0.01, 1e15):
            self.assertRefused(
                "too large: at most 1000000000000",
                lines=[{"line_id": self.line.id, "amount": amount}],
            )

    def test_quantity_over_remainder(self):
        self.assertRefused(
            "only 4.00 is still refundable",
            lines=[{"line_id": self.line_qty.id, "quantity": 5}],
        )
        # Quantities as the user's language writes them.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.assertRefused(
            "5,50 .* 4,00",
            invoice=self.invoice.with_context(lang="fr_FR"),
            lines=[{"line_id": self.line_qty.id, "quantity": 5.5}],
        )

    def test_fully_refunded_line(self):
        self._refund(self.invoice, [{"line_id": self.line.id}])
        self.assertRefused("already fully refunded", lines=[{"line_id": self.line.id}])

    def test_too_many_decimals(self):
        self.assertRefused(
            "more decimals than USD allows",
            lines=[{"line_id": self.line.id, "amount": 10.005}],
        )

    def test_amount_and_quantity(self):
        self.assertRefused(
            "either by amount or by quantity",
            lines=[{"line_id": self.line.id, "amount": 1.0, "quantity": 1}],
        )

    def test_draft_invoice(self):
        invoice = self._create_paid_invoice([{"price_unit": 10.0}], pay=False)
        invoice.button_draft()
        self.assertRefused(
            "is not posted",
            invoice=invoice,
            lines=[{"line_id": invoice.invoice_line_ids.id}],
        )

    def test_cancelled_invoice(self):
        invoice = self._create_paid_invoice([{"price_unit": 10.0}], pay=False)
        invoice.button_draft()
        invoice.button_cancel()
        self.assertRefused(
            "is not posted",
            invoice=invoice,
            lines=[{"line_id": invoice.invoice_line_ids.id}],
        )

    def test_unpaid_invoice(self):
        invoice = self._create_paid_invoice([{"price_unit": 10.0}], pay=False)
        self.assertRefused(
            "is not paid",
            invoice=invoice,
            lines=[{"line_id": invoice.invoice_line_ids.id}],
        )

    def test_partially_paid_invoice(self):
        invoice = self._create_paid_invoice([{"price_unit": 10.0}], pay=False)
        self._pay(invoice, self.bank_journal, amount=5.0)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertRefused(
            "is not paid",
            invoice=invoice,
            lines=[{"line_id": invoice.invoice_line_ids.id}],
        )

    def test_vendor_bill(self):
        bill = self.init_invoice("in_invoice", amounts=[50.0], post=True)
        self.assertRefused(
            "Only customer invoices",
            invoice=bill,
            lines=[{"line_id": bill.invoice_line_ids.id}],
        )

    def test_line_of_another_invoice(self):
        other = self._create_paid_invoice([{"price_unit": 10.0}])
        self.assertRefused(
            "is not a product line of invoice",
            lines=[{"line_id": other.invoice_line_ids.id}],
        )

    def test_not_a_product_line(self):
        tax_line = self.invoice.line_ids.filtered("tax_line_id")[:1]
        self.assertRefused(
            "is not a product line of invoice", lines=[{"line_id": tax_line.id}]
        )

    def test_discount_line(self):
        """A discount line is not refunded itself: it lowers what the line
        bearing its tax was paid, which that line gives back (80 + 15 %)."""
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": -20.0, "name": "Loyalty discount"}]
        )
        product_line, discount_line = invoice.invoice_line_ids
        self.assertRefused(
            "is a discount or a zero line",
            invoice=invoice,
            lines=[{"line_id": discount_line.id}],
        )
        self.assertRefused(
            "only .*80.00.* is still refundable",
            invoice=invoice,
            lines=[{"line_id": product_line.id, "amount": 80.01}],
        )
        refund = self._refund(invoice, [{"line_id": product_line.id}])
        self.assertAlmostEqual(refund.amount_untaxed, 80.0)
        self.assertAlmostEqual(refund.amount_total, invoice.amount_total)
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertRecordValues(
            product_line, [{"refunded_amount": 80.0, "refundable_amount": 0.0}]
        )
        self.assertAlmostEqual(invoice.partial_refundable_amount, 0.0)
        self.assertEqual(invoice.partial_refund_status, "refunded")

    def test_mixed_early_payment_discount_paid_late(self):
        """A "mixed" early payment discount lowers the invoice's tax whether
        paid early or not: the lines' refunds carry it, and refunding every
        line gives back exactly what was paid, never refused."""
        term = self._early_discount_term("mixed")
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 50.0}],
            payment_term=term,
            pay=False,
        )
        # 150 + 15 % of 147.
        self.assertAlmostEqual(invoice.amount_total, 172.05)
        self._pay(invoice, self.bank_journal, payment_date="2019-03-15")
        self.assertEqual(invoice.payment_state, "paid")
        line_1, line_2 = invoice.invoice_line_ids
        first = self._refund(invoice, [{"line_id": line_1.id, "amount": 50.0}])
        rest = self._refund(invoice, [{"line_id": line_1.id}, {"line_id": line_2.id}])
        refunds = first | rest
        for refund in refunds:
            self.assertRefundSettled(refund)
            self.assertAlmostEqual(
                refund.amount_total, refund.credit_note_id.amount_total
            )
        credit_notes = refunds.credit_note_id
        self.assertAlmostEqual(sum(refunds.mapped("amount_total")), 172.05)
        self.assertAlmostEqual(sum(credit_notes.mapped("amount_tax")), 22.05)
        self.assertAlmostEqual(sum(refunds.payment_id.mapped("amount")), 172.05)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_early_payment_discount_counts(self):
        # The customer paid 112.70 of 115: 98.00 and 14.70 of tax.
        for request in ({}, {"amount": 98.0}):
            with self.subTest(request=request):
                invoice = self._create_paid_invoice(
                    [{"price_unit": 100.0}], payment_term=self._early_discount_term()
                )
                self.assertEqual(invoice.payment_state, "paid")
                self.assertAlmostEqual(
                    invoice._get_partial_refund_early_discount(), 2.3
                )
                line = invoice.invoice_line_ids
                # The line weighs what the customer paid for it.
                self.assertAlmostEqual(line.refundable_amount, 98.0)
                self.assertRefused(
                    r"98\.00 is still refundable",
                    invoice=invoice,
                    lines=[{"line_id": line.id, "amount": 98.01}],
                )
                refund = self._refund(invoice, [{"line_id": line.id, **request}])
                self.assertRecordValues(
                    refund, [{"amount_untaxed": 98.0, "amount_total": 112.7}]
                )
                self.assertRefundSettled(refund)
                self.assertRefused(
                    "already fully refunded",
                    invoice=invoice,
                    lines=[{"line_id": line.id, "amount": 0.01}],
                )
                self.assertAlmostEqual(invoice.partial_refundable_amount, 0.0)
                self.assertEqual(line.refundable_amount, 0.0)
                self.assertEqual(invoice.partial_refund_status, "refunded")
                self.assertFalse(invoice.can_partial_refund)

    def test_quantity_of_a_line_paid_early_refunds_what_was_paid(self):
        """Paid early, 2 % off: a unit of 2 at 100 gives back what was paid
        for it, 98.00 and its tax, 14.70 (not the tax of its price, 15.00);
        the second unit the rest."""
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0, "quantity": 2}],
            payment_term=self._early_discount_term(),
        )
        line = invoice.invoice_line_ids
        first = self._refund(invoice, [{"line_id": line.id, "quantity": 1}])
        self.assertRecordValues(
            first, [{"amount_untaxed": 98.0, "amount_tax": 14.7, "amount_total": 112.7}]
        )
        self.assertEqual(first.credit_note_id.invoice_line_ids.quantity, 1.0)
        second = self._refund(invoice, [{"line_id": line.id, "quantity": 1}])
        self.assertRecordValues(second, [{"amount_untaxed": 98.0, "amount_tax": 14.7}])
        for refund in first | second:
            self.assertRefundSettled(refund)
        self.assertAlmostEqual(invoice.partial_refundable_amount, 0.0)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_paid_early_the_discount_is_taken_off_every_line(self):
        """Paid early, the discount is taken off the lines as the payment
        books it: per set of taxes ("included"), or as one line without tax
        ("mixed", "excluded": a discount of the whole invoice), over all the
        lines by their untaxed amounts; not off the untaxed lines alone."""
        tax = self.company_data["default_tax_sale"]
        for computation in ("included", "mixed", "excluded"):
            with self.subTest(computation=computation):
                invoice = self._create_paid_invoice(
                    [
                        {"price_unit": 100.0, "quantity": 5, "tax_ids": tax.ids},
                        {"price_unit": 40.0, "tax_ids": []},
                    ],
                    payment_term=self._early_discount_term(computation),
                )
                taxed, untaxed = invoice.invoice_line_ids
                shares = invoice._refund_invoice_shares()
                # 2 % of 540.00 untaxed: 10.00 and 0.80.
                self.assertAlmostEqual(shares[taxed.id].untaxed, 490.0)
                self.assertAlmostEqual(shares[untaxed.id].untaxed, 39.2)
                refund = self._refund(invoice, [{"line_id": taxed.id, "quantity": 1}])
                self.assertAlmostEqual(refund.amount_untaxed, 98.0)
                self.assertRefundSettled(refund)

    def test_paid_early_all_of_it_back_to_the_cent_tax_by_tax(self):
        """Paid early with a discount, on lines of several taxes, refunded in
        parts until all the customer paid is back: the tax of each rate and
        the income come back to nil with the payment's discount lines, as
        with Odoo's credit note of what was paid; nothing left on a line."""
        tax_21, tax_6 = self.env["account.tax"].create(
            [
                {"name": "21 % epd", "amount": 21.0, "type_tax_use": "sale"},
                {"name": "6 % epd", "amount": 6.0, "type_tax_use": "sale"},
            ]
        )
        # A reverse charge: +21 % on one account, -21 % on another.
        repartition = [
            Command.create({"repartition_type": "base"}),
            Command.create(
                {
                    "repartition_type": "tax",
                    "factor_percent": 100.0,
                    "account_id": self.company_data["default_account_tax_sale"].id,
                }
            ),
            Command.create(
                {
                    "repartition_type": "tax",
                    "factor_percent": -100.0,
                    "account_id": self.company_data["default_account_tax_purchase"].id,
                }
            ),
        ]
        reverse_charge = self.env["account.tax"].create(
            {
                "name": "21 % reverse charge epd",
                "amount": 21.0,
                "type_tax_use": "sale",
                "invoice_repartition_line_ids": repartition,
                "refund_repartition_line_ids": repartition,
            }
        )
        for computation in ("included", "mixed", "excluded"):
            with self.subTest(computation=computation):
                term = self._early_discount_term(computation)
                invoice = self._create_paid_invoice(
                    [
                        {"price_unit": 19.99, "quantity": 3, "tax_ids": tax_21.ids},
                        {
                            "price_unit": 13.37,
                            "quantity": 2.5,
                            "discount": 7,
                            "tax_ids": tax_6.ids,
                        },
                        {"price_unit": 45.55, "tax_ids": []},
                        {
                            "price_unit": 17.77,
                            "quantity": 7,
                            "tax_ids": reverse_charge.ids,
                        },
                    ],
                    payment_term=term,
                )
                line_1, line_2, line_3, line_4 = invoice.invoice_line_ids
                paid = (
                    invoice.amount_total - invoice._get_partial_refund_early_discount()
                )
                self.assertLess(paid, invoice.amount_total)
                refunds = self._refund(
                    invoice,
                    [
                        {"line_id": line_1.id, "quantity": 1},
                        {"line_id": line_2.id, "amount": 5.0},
                        {"line_id": line_3.id, "amount": 10.0},
                    ],
                )
                refunds |= self._refund(
                    invoice,
                    [{"line_id": line.id} for line in (line_1, line_2, line_3)]
                    + [{"line_id": line_4.id, "quantity": 3}],
                )
                refunds |= self._refund(invoice, [{"line_id": line_4.id}])
                for refund in refunds:
                    self.assertRefundSettled(refund)
                self.assertAlmostEqual(sum(refunds.mapped("amount_total")), paid)
                self.assertEqual(invoice.partial_refund_status, "refunded")
                self.assertEqual(
                    invoice.invoice_line_ids.mapped("refundable_amount"), [0.0] * 4
                )
                payment_moves = (
                    invoice.line_ids.matched_credit_ids.credit_move_id.move_id
                )
                moves = invoice | payment_moves | refunds.credit_note_id
                tax_lines = moves.line_ids.filtered("tax_line_id").grouped(
                    lambda line: (line.tax_line_id, line.account_id)
                )
                for key, lines in tax_lines.items():
                    self.assertAlmostEqual(sum(lines.mapped("balance")), 0.0, msg=key)
                results = moves.line_ids.filtered(
                    lambda line: line.account_id.internal_group in ("income", "expense")
                )
                self.assertAlmostEqual(sum(results.mapped("balance")), 0.0)
                self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_payment_difference_written_off_counts(self):
        """Paid 100.00 of 115.00, the 15.00 left written off ("Mark as fully
        paid"): the invoice is paid, but only the 100.00 the customer paid
        can go back to them, by the payment register or a statement line."""
        for via in ("payment", "payment, the chart's outstanding account", "statement"):
            with self.subTest(via=via):
                invoice = self._create_paid_invoice([{"price_unit": 100.0}], pay=False)
                self._settle_with_write_off(invoice, 100.0, via)
                self.assertEqual(invoice.payment_state, "paid")
                self.assertAlmostEqual(invoice._get_partial_refund_written_off(), 15.0)
                self.assertAlmostEqual(invoice.partial_refundable_amount, 100.0)
                line = invoice.invoice_line_ids
                self.assertRefused(
                    r"100\.00 is left", invoice=invoice, lines=[{"line_id": line.id}]
                )
                # 86.96 + 15 % = 100.00: all the customer paid.
                refund = self._refund(invoice, [{"line_id": line.id, "amount": 86.96}])
                self.assertAlmostEqual(refund.amount_total, 100.0)
                self.assertAlmostEqual(refund.payment_id.amount, 100.0)
                self.assertRefundSettled(refund)
                self.assertNothingLeftToRefund(invoice, line)
                self.assertEqual(line.refundable_amount, 0.0)

    def test_credit_note_by_hand_settling_the_invoice_counts(self):
        """115.00, of which 23.00 settled by a credit note made by hand (a
        goodwill gesture, no invoice reversed) and 92.00 paid: only the 92.00
        the customer paid can go back to them, and the refunds of all the
        lines stop there."""
        invoice = self._create_paid_invoice(
            [{"price_unit": 60.0}, {"price_unit": 40.0}], pay=False
        )
        goodwill = self._credit_note_by_hand(20.0)
        self._settle_with(invoice, goodwill)
        self._pay(invoice, self.bank_journal)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertAlmostEqual(invoice.partial_refundable_amount, 92.0)
        line_60, line_40 = invoice.invoice_line_ids
        self.assertRefused(
            r"92\.00 is left",
            invoice=invoice,
            lines=[{"line_id": line_60.id}, {"line_id": line_40.id}],
        )
        refund = self._refund(invoice, [{"line_id": line_60.id}])
        refund |= self._refund(invoice, [{"line_id": line_40.id, "amount": 20.0}])
        for each in refund:
            self.assertRefundSettled(each)
        self.assertAlmostEqual(sum(refund.mapped("payment_id.amount")), 92.0)
        self.assertNothingLeftToRefund(invoice, line_40)
        self.assertAlmostEqual(goodwill.amount_residual, 0.0)

    def test_credit_note_of_another_invoice_settling_the_invoice_is_paid(self):
        """A credit note reversing another invoice (its goods returned, the
        customer's credit) settling 23.00 of this one pays it as money does:
        all 115.00 may go back."""
        other = self._create_paid_invoice([{"price_unit": 20.0}])
        credit = self._odoo_credit_note(other)
        invoice = self._create_paid_invoice([{"price_unit": 100.0}], pay=False)
        self._settle_with(invoice, credit)
        self._pay(invoice, self.bank_journal)
        self.assertAlmostEqual(invoice.partial_refundable_amount, 115.0)
        refund = self._refund(invoice, [{"line_id": invoice.invoice_line_ids.id}])
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(refund.payment_id.amount, 115.0)
        self.assertRefused(
            "already fully refunded",
            invoice=invoice,
            lines=[{"line_id": invoice.invoice_line_ids.id, "amount": 0.01}],
        )
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(credit.amount_residual, 0.0)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def _credit_note_by_hand(self, price_unit):
        """A credit note of ``price_unit`` (default sale tax) made by hand:
        it reverses no invoice."""
        credit_note = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.partner_a.id,
                "invoice_date": "2019-01-10",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Goodwill",
                            "price_unit": price_unit,
                            "tax_ids": [
                                Command.set(self.company_data["default_tax_sale"].ids)
                            ],
                        }
                    )
                ],
            }
        )
        credit_note.action_post()
        return credit_note

    def _settle_with(self, invoice, credit_note):
        """Reconcile ``credit_note`` with ``invoice`` through the invoice's
        "Outstanding credits" widget."""
        invoice.js_assign_outstanding_line(self._outstanding_line(invoice, credit_note))

    def _settle_with_write_off(self, invoice, amount, via):
        write_off = self.company_data["default_account_expense"]
        if via.startswith("payment"):
            # As Odoo 18 sets up a bank journal: its method books on the
            # company's Outstanding Receipts account, not one of its own.
            methods = self.bank_journal.inbound_payment_method_line_ids
            if via != "payment":
                methods.payment_account_id = False
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create(
                {
                    "journal_id": self.bank_journal.id,
                    "payment_date": "2019-01-15",
                    "amount": amount,
                    "payment_difference_handling": "reconcile",
                    "writeoff_account_id": write_off.id,
                    "writeoff_label": "Write-off",
                }
            )._create_payments()
            return
        statement_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": "2019-01-15",
                "payment_ref": invoice.name,
                "partner_id": invoice.partner_id.id,
                "amount": amount,
            }
        )
        _liquidity, suspense, _other = statement_line._seek_for_lines()
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        # As the reconciliation widget books it: the suspense line becomes
        # the customer's, a write-off line closes the difference.
        statement_line.move_id.button_draft()
        statement_line.move_id.write(
            {
                "line_ids": [
                    Command.update(
                        suspense.id,
                        {
                            "account_id": receivable.account_id.id,
                            "balance": -invoice.amount_total,
                        },
                    ),
                    Command.create(
                        {
                            "name": "Write-off",
                            "account_id": write_off.id,
                            "balance": invoice.amount_total - amount,
                        }
                    ),
                ]
            }
        )
        statement_line.move_id.action_post()
        (
            statement_line.move_id.line_ids.filtered(
                lambda line: line.account_id == receivable.account_id
            )
            | receivable
        ).reconcile()

    def test_early_payment_discount_of_one_invoice_in_a_grouped_payment(self):
        # One payment for two invoices, only one of them with a discount:
        # each keeps its own.
        discounted = self._create_paid_invoice(
            [{"price_unit": 100.0}], payment_term=self._early_discount_term(), pay=False
        )
        full = self._create_paid_invoice([{"price_unit": 200.0}], pay=False)
        payment = self._pay(discounted | full, self.bank_journal, group_payment=True)
        self.assertEqual(len(payment), 1)
        self.assertAlmostEqual(payment.amount, 112.7 + 230.0)
        self.assertAlmostEqual(discounted._get_partial_refund_early_discount(), 2.3)
        self.assertAlmostEqual(full._get_partial_refund_early_discount(), 0.0)
        refund = self._refund(full, [{"line_id": full.invoice_line_ids.id}])
        self.assertAlmostEqual(refund.amount_total, 230.0)
        self.assertRefundSettled(refund)
        self.assertEqual(discounted.payment_state, "paid")
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_early_payment_discounts_of_a_grouped_payment(self):
        """One payment for invoices with early discounts, two in time, one
        too late for its own: each keeps its own discount, none for the late
        one. The grouped payment's discount lines (merged by tax) are no
        invoice's own: the discount caps each invoice in all."""
        term = self._early_discount_term()
        on_time = self._create_paid_invoice(
            [{"price_unit": 100.0}], payment_term=term, pay=False
        )
        untaxed = self._create_paid_invoice(
            [{"price_unit": 100.0, "tax_ids": []}], payment_term=term, pay=False
        )
        late = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner_a.id,
                "invoice_date": "2018-10-01",
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "price_unit": 200.0,
                            "tax_ids": self.company_data["default_tax_sale"].ids,
                        }
                    )
                ],
            }
        )
        late.action_post()
        invoices = on_time | untaxed | late
        self._pay(invoices, self.bank_journal, group_payment=True)
        self.assertEqual(set(invoices.mapped("payment_state")), {"paid"})
        for invoice, discount in ((on_time, 2.3), (untaxed, 2.0), (late, 0.0)):
            self.assertAlmostEqual(
                invoice._get_partial_refund_early_discount(), discount
            )
            self.assertEqual(
                invoice._get_partial_refund_early_discount_parts(), ({}, {})
            )
        refunds = self._refund(late, [{"line_id": late.invoice_line_ids.id}])
        self.assertAlmostEqual(refunds.amount_total, 230.0)
        for invoice, paid in ((on_time, 112.7), (untaxed, 98.0)):
            refunds |= self._refund(
                invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 98.0}]
            )
            self.assertAlmostEqual(refunds[-1:].amount_total, paid)
            self.assertEqual(invoice.partial_refund_status, "refunded")
        for refund in refunds:
            self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_odoo_credit_note_of_a_line_shows_partly_refunded(self):
        """Odoo's own credit note of one line, before any partial refund: the
        invoice shows partly refunded, with what it credited."""
        native = self._odoo_credit_note(self.invoice, post=False)
        native.invoice_line_ids[1:].unlink()
        native.action_post()
        self.invoice.invalidate_recordset()
        self.assertEqual(self.invoice.partial_refund_status, "partial")
        self.assertAlmostEqual(
            self.invoice.partial_refunded_amount, native.amount_total
        )
        self.assertTrue(self.invoice.can_partial_refund)

    def test_odoo_credit_note_counts(self):
        native = self._odoo_credit_note(self.invoice, post=False)
        # Odoo's credit note takes 100 and 2 x 40, 207 with tax: 92 of the
        # 299 paid is left, less than the 184 of the four units.
        native.invoice_line_ids[1].quantity = 2
        native.action_post()
        self.assertRefused(
            "beyond what the customer paid",
            lines=[{"line_id": self.line_qty.id, "quantity": 4}],
        )

    def test_odoo_credit_note_of_everything_leaves_no_button(self):
        """Fully credited with Odoo's own Credit Note button (the invoice paid,
        its credit note left open): nothing is left to refund, the Partial
        refund button is gone, a call is refused."""
        self.assertTrue(self.invoice.can_partial_refund)
        self._odoo_credit_note(self.invoice)
        self.invoice.invalidate_recordset()
        self.assertAlmostEqual(self.invoice.partial_refundable_amount, 0.0)
        self.assertFalse(self.invoice.can_partial_refund)
        # Shown as refunded (the form's badge and amounts, the PDF's rows).
        self.assertEqual(self.invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(
            self.invoice.partial_refunded_amount, self.invoice.amount_total
        )
        self.assertRefused(
            "beyond what the customer paid", lines=[{"line_id": self.line.id}]
        )

    def test_same_line_twice(self):
        self.assertRefused(
            "refunded once per refund",
            lines=[{"line_id": self.line.id}, {"line_id": self.line.id, "amount": 1.0}],
        )

    def test_malformed_lines(self):
        self.assertRefused("dictionary with a “line_id”", lines=[self.line.id])
        self.assertRefused(
            "must be a number", lines=[{"line_id": self.line.id, "amount": "5"}]
        )
        self.assertRefused(
            "Unknown keys", lines=[{"line_id": self.line.id, "price": 5}]
        )

    def test_unknown_option(self):
        with self.assertRaisesRegex(UserError, "Unknown refund options"):
            self.invoice.action_partial_refund(
                [{"line_id": self.line.id}], journal=self.bank_journal.id
            )

    def test_gateway_the_invoice_was_not_paid_with(self):
        gateway_line = (
            self.provider.journal_id.inbound_payment_method_line_ids.filtered(
                lambda line: line.payment_provider_id == self.provider
            )
        )
        self.assertTrue(gateway_line)
        self.assertRefused(
            "only go through the gateway that took the payment",
            payment_method_line_id=gateway_line.id,
        )

    def test_inbound_method(self):
        self.assertRefused(
            "cannot refund this invoice",
            payment_method_line_id=self.inbound_payment_method_line.id,
        )

    def test_date_in_locked_period(self):
        self.env.company.fiscalyear_lock_date = fields.Date.from_string("2019-03-31")
        self.assertRefused("in a locked period")

    def test_sale_lock_date(self):
        self.env.company.sale_lock_date = fields.Date.from_string("2019-03-31")
        self.assertRefused("in a locked period")

    def test_not_a_date(self):
        self.assertRefused("is not a date", date="31/12/2019")

    def test_date_before_invoice(self):
        self.assertRefused("before the invoice date", date="2018-12-31")

    def test_date_after_today(self):
        """A refund is booked when it is made: not after today, but for an
        invoice dated later (Odoo allows it), on its date."""
        today = fields.Date.context_today(self.invoice)
        self.assertRefused("is after today", date=str(fields.Date.add(today, days=1)))
        later = fields.Date.add(today, days=10)
        invoice = self.invoice.copy({"invoice_date": later, "date": later})
        invoice.action_post()
        self._pay(invoice, self.company_data["default_journal_bank"])
        line = invoice.invoice_line_ids[0]
        self.assertRefused(
            "is after today",
            invoice=invoice,
            lines=[{"line_id": line.id}],
            date=str(fields.Date.add(later, days=1)),
        )
        refund = self._refund(invoice, [{"line_id": line.id}], date=str(later))
        self.assertEqual(refund.credit_note_id.date, later)
        self.assertRefundSettled(refund)

    def test_other_company_journal(self):
        other_bank = self.company_data_2["default_journal_bank"]
        self.assertRefused("belongs to another company", journal_id=other_bank.id)
        self.assertRefused(
            "belongs to another company",
            payment_method_line_id=other_bank.outbound_payment_method_line_ids[0].id,
        )

    def test_archived_journal(self):
        """The invoice was paid through a bank journal archived since: the
        refund goes by an active one by default, never offered the archived
        one; passed explicitly, it is refused by name, nothing written."""
        paid_journal = self.invoice._get_reconciled_payments().journal_id
        self.bank_journal.copy({"name": "Other Bank", "code": "OBNK"})
        self.assertEqual(
            self.invoice._get_partial_refund_method_line().journal_id, paid_journal
        )
        paid_journal.action_archive()
        self.assertNotIn(
            paid_journal,
            self.invoice._get_partial_refund_method_lines().journal_id,
        )
        self.assertRefused("is archived", journal_id=paid_journal.id)
        self.assertRefused(
            "is archived",
            payment_method_line_id=paid_journal.outbound_payment_method_line_ids[0].id,
        )
        refund = self._refund(self.invoice, [{"line_id": self.line.id}])
        self.assertNotEqual(refund.journal_id, paid_journal)
        self.assertTrue(refund.journal_id.active)
        self.assertRefundSettled(refund)

    def assertRefusedOnOdooCreditNote(self, call, native, figure):
        """``call`` on Odoo's credit note ``native`` of the invoice is refused
        for its partial refunds: ``native`` keeps its state, the invoice its
        ``figure``."""
        state, before = native.state, self.invoice[figure]
        with self.assertRaisesRegex(UserError, "has partial refunds"):
            call()
        self.assertEqual(native.state, state)
        self.invoice.invalidate_recordset()
        self.assertAlmostEqual(self.invoice[figure], before)

    def test_odoo_draft_credit_note_cannot_be_posted_after_a_partial_refund(self):
        """Odoo's credit note of the whole invoice left in draft, then a
        partial refund: posting the draft would credit the refunded line
        again (the customer keeps its money and a credit). Refused, the
        credit note stays in draft, the invoice's figures unchanged; once
        the refund is cancelled it posts."""
        balance = self._partner_balance()
        native = self._odoo_credit_note(self.invoice, post=False)
        refund = self._refund(self.invoice, [{"line_id": self.line.id}])
        self.assertRefusedOnOdooCreditNote(
            native.action_post, native, "partial_refunded_amount"
        )
        refund.action_cancel_refund()
        native.action_post()
        self.assertEqual(native.state, "posted")
        # Odoo's own outcome: the invoice was paid, its credit note is the
        # customer's credit, the refund's entries reversed.
        self.assertAlmostEqual(native.amount_residual, native.amount_total)
        self.assertAlmostEqual(self._partner_balance(), balance - native.amount_total)

    def test_odoo_credit_note_posted_before_a_partial_refund_stays_posted(self):
        """Odoo's credit note of one line, posted before a partial refund of
        the other: it cannot be reset to draft while the refund stands (it
        would stop counting, the invoice more refundable, and could not be
        posted again); nothing changes."""
        native = self._odoo_credit_note(self.invoice, post=False)
        native.invoice_line_ids[1:].unlink()
        native.action_post()
        self._refund(self.invoice, [{"line_id": self.line_qty.id, "quantity": 1}])
        self.assertRefusedOnOdooCreditNote(
            native.button_draft, native, "partial_refundable_amount"
        )
