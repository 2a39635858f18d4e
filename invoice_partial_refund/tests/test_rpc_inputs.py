# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What calls over XML-RPC / JSON-RPC can send beyond the refund's own
arguments: a record's id twice, numbers the ORM fails on (NaN, infinities,
1e308), float noise, internal fields of journal items, settings out of
range, an invoice dated later than today."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import PartialRefundCommon

TODAY = date(2019, 2, 1)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestRpcInputs(PartialRefundCommon):
    def _manual_refund(self, amount=10.0):
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}], journal=self.bank_journal
        )
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "amount": amount}],
            journal_id=self.bank_journal.id,
            date=TODAY,
        )
        self.assertEqual(refund.state, "manual")
        return invoice, refund

    def test_cancel_called_with_a_refund_twice_cancels_it_once(self):
        """Over RPC, ``execute_kw(..., "action_cancel_refund", [[id, id]])``
        browses the refund twice (Odoo keeps duplicate ids). Expected: the
        refund is cancelled once: one reversal of its credit note, the
        customer's receivable back where it was before the refund (nothing
        open)."""
        invoice, refund = self._manual_refund()
        balance = self._partner_balance()
        credit_note = refund.credit_note_id
        duplicated = self.env["account.partial.refund"].browse([refund.id, refund.id])
        duplicated.action_cancel_refund()
        reversals = self.env["account.move"].search(
            [("reversed_entry_id", "=", credit_note.id)]
        )
        self.assertEqual(len(reversals), 1, "the credit note reversed once")
        self.assertFalse(self._open_receivable_lines(), "the customer owes again")
        self.assertEqual(refund.state, "cancelled")
        self.assertAlmostEqual(self._partner_balance(), balance)

    def test_amount_with_float_noise_is_refunded(self):
        """An integration computes the amount it refunds: ``1.1 * 3`` is
        ``3.3000000000000003`` in Python and JavaScript alike, sent as such
        over XML-RPC / JSON-RPC. The code's own decimals check tolerates such
        float noise (`refund_amounts._has_at_most_decimals`, below 5e-10).
        Expected: 3.30 refunded."""
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "amount": 1.1 * 3}],
            journal_id=self.bank_journal.id,
            date=TODAY,
        )
        self.assertAlmostEqual(refund.amount_untaxed, 3.30)
        self.assertRefundSettled(refund)

    def test_positive_amount_below_a_cent_is_not_called_negative(self):
        """``{"amount": 0.004}`` is positive; it has more decimals than USD
        allows, as ``10.005`` (refused with "more decimals than USD allows",
        see test_partial_refund_errors.test_too_many_decimals). Expected: that
        same explanation (or any not claiming the amount is not positive),
        nothing written."""
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        with self.assertRaises(UserError) as caught:
            self._refund(
                invoice,
                [{"line_id": invoice.invoice_line_ids.id, "amount": 0.004}],
                journal_id=self.bank_journal.id,
                date=TODAY,
            )
        self.assertNotIn("must be positive", str(caught.exception))
        self.assertIn("decimals", str(caught.exception))
        self.assertFalse(invoice.partial_refund_ids)

    def test_invoice_dated_later_is_refunded_on_its_date_by_default(self):
        """A paid invoice dated after today (invoiced ahead, paid already):
        `_check_partial_refund_date` says "an invoice dated later is refunded
        on its date" and accepts dates up to it. Expected: a call without
        ``date`` (the documented default) refunds it, on the invoice's date."""
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}], journal=self.bank_journal
        )
        self.assertEqual(str(invoice.invoice_date), "2019-01-01")
        with freeze_time("2018-12-20"):
            action = invoice.action_open_partial_refund_wizard()
            self.assertEqual(action["context"]["default_date"], "2019-01-01")
            refund_id = invoice.action_partial_refund(
                [{"line_id": invoice.invoice_line_ids.id, "amount": 10.0}],
                journal_id=self.bank_journal.id,
            )
        refund = self.env["account.partial.refund"].browse(refund_id)
        self.assertEqual(str(refund.date), "2019-01-01")
        self.assertRefundSettled(refund)

    def test_wizard_onchange_with_non_finite_or_huge_amounts_is_clean(self):
        """The web client's onchange of the wizard (JSON-RPC, which carries
        NaN and infinities; or a user typing 1e308 in the amount) with a
        ticked line. Expected: the preview shows the line's problem, or a
        clean Odoo error (as `create` and `write` refuse such numbers in
        `_check_numbers`: "must be a number", "too large")."""
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        Wizard = self.env["account.partial.refund.wizard"]
        spec = {
            "move_id": {},
            "amount_total": {},
            "error_message": {},
            "line_ids": {
                "fields": {
                    "invoice_line_id": {},
                    "selected": {},
                    "refund_mode": {},
                    "amount": {},
                    "refund_quantity": {},
                    "error": {},
                }
            },
        }
        for value in (float("nan"), float("inf"), 1e308):
            for mode, field in (("amount", "amount"), ("quantity", "refund_quantity")):
                values = {
                    "move_id": invoice.id,
                    "line_ids": [
                        (
                            0,
                            0,
                            {
                                "invoice_line_id": invoice.invoice_line_ids.id,
                                "selected": True,
                                "refund_mode": mode,
                                field: value,
                            },
                        )
                    ],
                }
                with self.subTest(mode=mode, value=value):
                    with self.assertRaisesRegex(
                        ValidationError, "must be a number|too large"
                    ):
                        Wizard.onchange(values, ["line_ids"], spec)

    def test_confirm_wizard_with_non_finite_or_huge_amount_is_clean(self):
        """**Mark as refunded** over JSON-RPC / XML-RPC: the confirmation
        wizard created (or its onchange run) with an ``amount`` of NaN,
        infinity or 1e308. Expected: a clean Odoo error naming the amount
        (as the refund wizard's lines refuse such numbers, `_check_numbers`),
        nothing written."""
        _invoice, refund = self._manual_refund()
        Confirm = self.env["account.partial.refund.confirm.wizard"]
        for value in (float("nan"), float("inf"), 1e308):
            calls = {
                "create": lambda value=value: Confirm.create(
                    {
                        "refund_id": refund.id,
                        "reference": "TRF",
                        "means": "bank_transfer",
                        "amount": value,
                    }
                ),
                "onchange": lambda value=value: Confirm.onchange(
                    {"refund_id": refund.id, "amount": value},
                    ["amount"],
                    {"refund_id": {}, "amount": {}},
                ),
            }
            for name, call in calls.items():
                with self.subTest(call=name, value=value):
                    with self.assertRaisesRegex(
                        ValidationError, "must be a number|too large"
                    ):
                        call()
        self.assertEqual(refund.state, "manual")

    def test_journal_items_cannot_be_given_refund_fields_over_rpc(self):
        """What a partial refund's credit note line refunds and books
        (`refund_manual_tax_amounts`, the tax the engine books for it;
        `refund_origin_line_id`; `refund_discount_allocation`) is written by
        the refund's booking alone. Over RPC a Billing user (no refund group
        needed) giving an ordinary invoice line manual tax amounts would
        have the invoice book the tax given there (0 here) while the line
        bears 15 %: refused on create and on write, nothing written; the
        invoice, posted as it is, books its tax."""
        billing = self._create_user(
            "rpc_billing", self.env.ref("account.group_account_invoice")
        )
        tax = self.company_data["default_tax_sale"]
        manual = {
            str(tax.id): {"tax_amount_currency": 0.0, "base_amount_currency": 100.0}
        }
        line_values = {
            "name": "tampered",
            "product_id": self.product_a.id,
            "quantity": 1.0,
            "price_unit": 100.0,
            "tax_ids": [(6, 0, tax.ids)],
        }
        Move = self.env["account.move"].with_user(billing)
        values = {
            "move_type": "out_invoice",
            "partner_id": self.partner_a.id,
            "invoice_date": "2019-01-01",
        }
        other = self._create_paid_invoice([{"price_unit": 10.0}]).invoice_line_ids
        count = Move.search_count([])
        for field, value in (
            ("refund_manual_tax_amounts", manual),
            ("refund_origin_line_id", other.id),
            ("refund_discount_allocation", {"lines": {}}),
        ):
            with self.subTest(field=field):
                # As a call's transaction: rolled back on the error.
                with (
                    self.assertRaisesRegex(AccessError, "written by the refund"),
                    self.env.cr.savepoint(),
                ):
                    Move.create(
                        {
                            **values,
                            "invoice_line_ids": [(0, 0, {**line_values, field: value})],
                        }
                    )
        self.assertEqual(Move.search_count([]), count, "nothing written")
        invoice = Move.create({**values, "invoice_line_ids": [(0, 0, line_values)]})
        with self.assertRaisesRegex(AccessError, "written by the refund"):
            invoice.invoice_line_ids.write({"refund_manual_tax_amounts": manual})
        invoice.action_post()
        self.assertAlmostEqual(
            invoice.amount_tax, invoice.currency_id.round(100.0 * tax.amount / 100.0)
        )

    def _refund_billing_user(self):
        """A Billing user of the refund group."""
        users = self.env["res.users"].search([("login", "=", "rpc_refund_billing")])
        return users or self._create_user(
            "rpc_refund_billing",
            self.env.ref("account.group_account_invoice")
            | self.env.ref("invoice_partial_refund.group_partial_refund"),
        )

    def test_debit_note_of_a_partial_refunds_credit_note(self):
        """Odoo's Debit Note (account_debit_note, installed here) of a
        partial refund's posted credit note, "Copy Lines" ticked, by a
        Billing user: a legitimate Odoo flow (the customer is charged again
        part of what was credited; the partial refund stays as it is). It
        must create the debit note, whose lines are the credit note's lines
        but no partial refund's credit note lines: no refunded invoice line,
        no manual tax amounts, no discounts given back (those are copied for
        the cancellation's reversal only)."""
        if "account.debit.note" not in self.env:
            self.skipTest("account_debit_note is not installed")
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 40.0}]
        )
        credit_note = refund.credit_note_id
        self.assertTrue(credit_note.invoice_line_ids.refund_manual_tax_amounts)
        wizard = (
            self.env["account.debit.note"]
            .with_user(self._refund_billing_user())
            .with_context(active_model="account.move", active_ids=credit_note.ids)
            .create({"reason": "charged again", "copy_lines": True})
        )
        action = wizard.create_debit()
        debit_note = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(debit_note.debit_origin_id, credit_note)
        lines = debit_note.invoice_line_ids
        self.assertTrue(lines)
        self.assertFalse(lines.refund_manual_tax_amounts)
        self.assertFalse(lines.refund_discount_allocation)
        self.assertFalse(lines.refund_origin_line_id)

    def test_refund_line_fields_cannot_be_cleared(self):
        """A credit note line's partial refund fields (``refund_origin_line_id``,
        ``refund_manual_tax_amounts``, ``refund_discount_allocation``) cannot
        be cleared over RPC either (``write({name: False})`` by a Billing
        user): an AccessError and nothing written. Cleared, the credit note's
        discounts given back are no longer the refund's (the discount lines
        are synced again from its price and discount), its lines no longer
        name the invoice lines they refund (it reads as Odoo's own credit
        note: `_get_odoo_credit_notes`), and its taxes are no longer the
        manual amounts computed for it at the next recomputation."""
        self.env.company.account_discount_expense_allocation_id = self.company_data[
            "default_account_expense"
        ].copy()
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0, "quantity": 3, "discount": 10}]
        )
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "quantity": 1}]
        )
        credit_line = refund.credit_note_id.invoice_line_ids
        self.assertTrue(credit_line.refund_discount_allocation)
        books = sorted(
            (line.account_id.id, line.balance)
            for line in refund.credit_note_id.line_ids
        )
        billing = self._refund_billing_user()
        for name in (
            "refund_discount_allocation",
            "refund_manual_tax_amounts",
            "refund_origin_line_id",
        ):
            with self.subTest(field=name):
                line = credit_line.with_user(billing)
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    line.write({name: False})
                self.assertTrue(credit_line[name])
                self.assertEqual(
                    sorted(
                        (line.account_id.id, line.balance)
                        for line in refund.credit_note_id.line_ids
                    ),
                    books,
                )

    def test_manual_refund_days_out_of_range_are_refused(self):
        """The manual refund delay and the escalation days are from 0 to ten
        years: a typo of 99999999 days would make every refund by hand fail
        on its due date (past year 9999); a negative delay would make it due
        before it is made. Refused when saved, with the setting's name;
        the bounds themselves are taken."""
        company = self.env.company
        for name in ("partial_refund_delay", "partial_refund_escalation_days"):
            for days in (99_999_999, 3651, -1, -5):
                with self.subTest(setting=name, days=days):
                    with self.assertRaisesRegex(ValidationError, "from 0 to 3650"):
                        with self.env.cr.savepoint():
                            company.write({name: days})
                            company.flush_recordset()
            company.write({name: 3650})
            company.write({name: 0})
        _invoice, refund = self._manual_refund()
        self.assertEqual(refund.manual_due_date, refund.date)
