# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Values reach a new record through its defaults as well as through the
values of a call: the context's ``default_<field>`` keys and the user's own
defaults (``ir.default``, which any internal user sets for themselves), both
applied by Odoo's `default_get` after `create` has read the values. What
only the addon's business code (or the refund group) may set is refused
there too, and the business code's own records take none of a caller's
defaults."""

from contextlib import contextmanager

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PartialRefundCommon

TODAY = "2019-02-01"
REFUND_GROUP = "invoice_partial_refund.group_partial_refund"
CONFIRM_WIZARD = "account.partial.refund.confirm.wizard"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDefaultsFromContext(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data_2 = cls.setup_other_company()
        refund_group = cls.env.ref(REFUND_GROUP)
        cls.billing = cls._create_user(
            "billing_defaults", cls.env.ref("account.group_account_invoice")
        )
        cls.refunder = cls._create_user("refunder_defaults", refund_group)
        cls.other_refunder = cls._create_user(
            "refunder_b_defaults", refund_group, cls.company_data_2["company"]
        )
        cls.tax = cls.company_data["default_tax_sale"]
        cls.invoice, cls.refund = cls._create_refunded_invoice(cls.refunder, TODAY)
        # A draft invoice a Billing user adds lines to.
        cls.draft = cls.env["account.move"].create(cls._invoice_values())

    @classmethod
    def _invoice_values(cls, move_type="out_invoice"):
        return {
            "move_type": move_type,
            "partner_id": cls.partner_a.id,
            "invoice_date": TODAY,
            "invoice_line_ids": [Command.create(cls._line_values())],
        }

    @classmethod
    def _line_values(cls):
        return {
            "name": "one more",
            "price_unit": 100.0,
            "tax_ids": [Command.set(cls.tax.ids)],
        }

    def _payment_values(self):
        return {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": self.partner_a.id,
            "amount": 20.0,
            "journal_id": self.bank_journal.id,
        }

    def _refund_line_defaults(self):
        """The context of a caller giving each `REFUND_LINE_FIELDS` by
        default: a line refunding the invoice's, booking no tax on 100."""
        return {
            "default_refund_origin_line_id": self.invoice.invoice_line_ids[0].id,
            "default_refund_manual_tax_amounts": {
                str(self.tax.id): {
                    "tax_amount_currency": 0.0,
                    "base_amount_currency": 100.0,
                }
            },
            "default_refund_discount_allocation": {"lines": {}},
        }

    @contextmanager
    def assertRefused(self, exception, message):
        """The call raises ``exception`` saying ``message``, and what it
        wrote before is rolled back, as the transaction of an RPC call."""
        with self.assertRaisesRegex(exception, message), self.env.cr.savepoint():
            yield

    def _ledger(self):
        """What a refused call leaves as it was, read as superuser: the
        entries, items and payments, the books of the invoice and of the
        draft, the customer's balance, the refund and its Mark as refunded
        wizards."""
        self.env.flush_all()
        self.env.invalidate_all()
        env = self.env(su=True)
        return {
            "moves": env["account.move"].search_count([]),
            "lines": env["account.move.line"].search_count([]),
            "payments": env["account.payment"].search_read(
                [], ["refund_gateway", "refund_gateway_reference"], order="id"
            ),
            "books": self._books(self.invoice | self.refund.credit_note_id),
            "draft": self._books(self.draft),
            "balance": self._partner_balance(),
            "refund": self.refund.read(
                [
                    "state",
                    "manual_refunded_amount",
                    "manual_refund_reference",
                    "manual_refund_date",
                ]
            ),
            "confirm_wizards": env[CONFIRM_WIZARD].search_count([]),
        }

    # ------------------------------------------------------------
    # Where a payment's refunds go (refund_gateway, its reference)
    # ------------------------------------------------------------

    def test_gateway_of_a_payment_by_default_refused(self):
        """A Billing user names the gateway that took a payment neither in
        the values of a payment nor by default (the context's or their own):
        refused when the payment is created and when the form asks its
        defaults, also through Odoo's Register Payment; no payment."""
        Payment = self.env["account.payment"].with_user(self.billing)
        unpaid = self._create_paid_invoice([{"price_unit": 20.0}], pay=False)
        before = self._ledger()
        for defaults in (
            {
                "default_refund_gateway": "stripe",
                "default_refund_gateway_reference": "pi_123",
            },
            {"default_refund_gateway_reference": "pi_123"},
        ):
            with self.subTest(defaults=defaults):
                Defaulted = Payment.with_context(**defaults)
                with self.assertRefused(AccessError, "which gateway took"):
                    Defaulted.create(self._payment_values())
                with self.assertRefused(AccessError, "which gateway took"):
                    Defaulted.default_get(list(Payment._fields))
                register = (
                    self.env["account.payment.register"]
                    .with_user(self.billing)
                    .with_context(
                        active_model="account.move", active_ids=unpaid.ids, **defaults
                    )
                    .create({"journal_id": self.bank_journal.id})
                )
                with self.assertRefused(AccessError, "which gateway took"):
                    register.action_create_payments()
        self.env["ir.default"].with_user(self.billing).set(
            "account.payment", "refund_gateway_reference", "pi_123", user_id=True
        )
        with self.assertRefused(AccessError, "which gateway took"):
            Payment.create(self._payment_values())
        self.assertEqual(self._ledger(), before)
        self.assertEqual(unpaid.payment_state, "not_paid")

    def test_gateway_of_a_payment_by_default_for_the_refund_group(self):
        """The refund group names it by default too; a Billing user's own
        payments are created as before."""
        payment = (
            self.env["account.payment"]
            .with_user(self.refunder)
            .with_context(
                default_refund_gateway="stripe", default_refund_gateway_reference="pi_1"
            )
            .create(self._payment_values())
        )
        self.assertRecordValues(
            payment, [{"refund_gateway": "stripe", "refund_gateway_reference": "pi_1"}]
        )
        plain = (
            self.env["account.payment"]
            .with_user(self.billing)
            .create(self._payment_values())
        )
        self.assertFalse(plain.sudo().refund_gateway)
        self.assertFalse(plain.sudo().refund_gateway_reference)

    # ------------------------------------------------------------
    # What a credit note line refunds and books (REFUND_LINE_FIELDS)
    # ------------------------------------------------------------

    def test_refund_fields_of_a_journal_item_by_default_refused(self):
        """A Billing user gives no journal item what a partial refund's
        credit note line refunds and books (here: the invoice line it
        refunds, no tax on 100) by default: refused on a new invoice or
        credit note, on a line added to a draft, on a line created alone,
        on Odoo's credit note of an invoice, and by their own default; the
        books stay as they were."""
        Move = self.env["account.move"].with_user(self.billing)
        Line = self.env["account.move.line"].with_user(self.billing)
        draft = self.draft.with_user(self.billing)
        unpaid = self._create_paid_invoice([{"price_unit": 30.0}], pay=False)
        before = self._ledger()
        message = "written by the refund itself"
        for name, value in self._refund_line_defaults().items():
            context = {name: value}
            with self.subTest(default=name):
                for move_type in ("out_invoice", "out_refund"):
                    with self.assertRefused(AccessError, message):
                        Move.with_context(**context).create(
                            self._invoice_values(move_type)
                        )
                with self.assertRefused(AccessError, message):
                    draft.with_context(**context).write(
                        {"invoice_line_ids": [Command.create(self._line_values())]}
                    )
                with self.assertRefused(AccessError, message):
                    Line.with_context(**context).create(
                        {"move_id": self.draft.id, **self._line_values()}
                    )
                with self.assertRefused(AccessError, message):
                    Line.with_context(**context).default_get(list(Line._fields))
                reversal = (
                    self.env["account.move.reversal"]
                    .with_user(self.billing)
                    .with_context(active_model="account.move", active_ids=unpaid.ids)
                    .create({"journal_id": unpaid.journal_id.id})
                )
                with self.assertRefused(AccessError, message):
                    reversal.with_context(**context).refund_moves()
        self.env["ir.default"].with_user(self.billing).set(
            "account.move.line",
            "refund_origin_line_id",
            self.invoice.invoice_line_ids[0].id,
            user_id=True,
        )
        with self.assertRefused(AccessError, message):
            draft.write({"invoice_line_ids": [Command.create(self._line_values())]})
        self.assertEqual(self._ledger(), before)
        self.assertFalse(unpaid.reversal_move_ids)

    def test_refunded_totals_by_default_are_recomputed(self):
        """What an invoice line shows as refunded follows its refunds: given
        by default, Odoo recomputes it (no guard needed)."""
        line = (
            self.env["account.move.line"]
            .with_user(self.billing)
            .with_context(
                default_refunded_price_subtotal=80.0,
                default_refunded_price_total=92.0,
                default_refunded_quantity=1.0,
            )
            .create({"move_id": self.draft.id, **self._line_values()})
        )
        self.env.flush_all()
        line.invalidate_recordset()
        self.assertRecordValues(
            line,
            [
                {
                    "refunded_price_subtotal": 0.0,
                    "refunded_price_total": 0.0,
                    "refunded_quantity": 0.0,
                    "refundable_amount": 100.0,
                }
            ],
        )

    def test_refund_books_none_of_its_callers_defaults(self):
        """The refund group's refund made with a context full of defaults
        (the refund's state and manual refund, the journal items' refund
        fields, the gateway of its payment) books and records what the same
        refund of an identical invoice without them does."""
        refunder_env = self.env(user=self.refunder)
        invoices = [
            self._create_paid_invoice([{"price_unit": 100.0}, {"price_unit": 50.0}])
            for _index in range(2)
        ]
        defaults = {
            **self._refund_line_defaults(),
            "default_state": "done",
            "default_manual_refunded_amount": 11.5,
            "default_manual_refund_reference": "NEVER-SENT",
            "default_customer_notified": True,
            "default_refund_gateway": "stripe",
            "default_refund_gateway_reference": "pi_123",
        }
        refunds = []
        for invoice, context in zip(invoices, (defaults, {}), strict=True):
            refund_id = (
                invoice.with_env(refunder_env)
                .with_context(**context)
                .action_partial_refund(
                    [{"line_id": invoice.invoice_line_ids[0].id, "amount": 10.0}],
                    journal_id=self.bank_journal.id,
                    date=TODAY,
                )
            )
            refunds.append(self.env["account.partial.refund"].browse(refund_id))
        defaulted, plain = refunds
        self.assertRefundSettled(defaulted)
        self.assertSameBooks(defaulted.credit_note_id, plain.credit_note_id)
        self.assertSameBooks(defaulted.payment_id.move_id, plain.payment_id.move_id)
        for name in (
            "state",
            "manual_refunded_amount",
            "manual_refund_reference",
            "customer_notified",
        ):
            self.assertEqual(defaulted[name], plain[name], name)
        self.assertEqual(defaulted.state, "manual")
        self.assertEqual(
            defaulted.credit_note_id.line_ids.filtered("refund_origin_line_id"),
            defaulted.line_ids.credit_note_line_id,
        )
        self.assertFalse(defaulted.payment_id.refund_gateway)
        self.assertFalse(defaulted.payment_id.refund_gateway_reference)

    def test_cancellation_books_none_of_its_callers_defaults(self):
        """Cancel refund, by the refund group with the journal items' refund
        fields by default: its reversal books back what the credit note
        booked (not a line refunding the invoice's, nor another tax)."""
        credit_note = self.refund.credit_note_id
        books = self._books(credit_note)
        self.refund.with_user(self.refunder).with_context(
            **self._refund_line_defaults()
        ).action_cancel_refund()
        self.assertEqual(self.refund.state, "cancelled")
        reversal = credit_note.reversal_move_ids
        # Its accounts, taxes and grids the other way (the totals are the
        # documents' own, unsigned).
        self.assertEqual(
            self._books(reversal),
            {
                key: amount if key[0] == "total" else -amount
                for key, amount in books.items()
            },
        )
        self.assertFalse(reversal.line_ids.refund_origin_line_id)
        self.assertEqual(
            reversal.invoice_line_ids.mapped("refund_manual_tax_amounts"),
            credit_note.invoice_line_ids.mapped("refund_manual_tax_amounts"),
        )
        self.assertFalse(
            (reversal.line_ids - reversal.invoice_line_ids).filtered(
                "refund_manual_tax_amounts"
            )
        )
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertFalse(self._open_receivable_lines())
        self.assertAlmostEqual(
            self.invoice.invoice_line_ids[0].refundable_amount, 100.0
        )

    # ------------------------------------------------------------
    # Mark as refunded: the refund it confirms, the amount sent
    # ------------------------------------------------------------

    def test_mark_as_refunded_of_a_refund_one_may_not_change(self):
        """A Billing user, and the refund group of another company, are
        given no Mark as refunded wizard of the refund, nor shown what it
        owes, by default (the context's, their own): refused before
        anything reads the refund as superuser; nothing is written."""
        spec = {"refund_id": {"fields": {"display_name": {}}}, "amount": {}}
        before = self._ledger()
        for user in (self.billing, self.other_refunder):
            with self.subTest(user=user.login):
                Confirm = self.env[CONFIRM_WIZARD].with_user(user)
                Defaulted = Confirm.with_context(default_refund_id=self.refund.id)
                with self.assertRaises(AccessError):
                    Defaulted.default_get(["refund_id", "amount", "currency_id"])
                with self.assertRaises(AccessError):
                    Defaulted.onchange({}, [], spec)
                with self.assertRaises(AccessError):
                    Defaulted.create({"reference": "TRF-X"})
                self.env["ir.default"].with_user(user).set(
                    CONFIRM_WIZARD, "refund_id", self.refund.id, user_id=True
                )
                with self.assertRaises(AccessError):
                    Confirm.default_get(["refund_id", "amount"])
                with self.assertRaises(AccessError):
                    Confirm.onchange({}, [], spec)
                with self.assertRefused(UserError, "Choose the refund"):
                    Confirm.create({"reference": "TRF-X"})
        self.assertEqual(self._ledger(), before)
        self.assertEqual(self.refund.state, "manual")

    def test_mark_as_refunded_amount_by_default(self):
        """The amount sent given by default is checked as a typed one: a
        number within what the API takes, and what the refund owes by hand
        when confirmed; the refund stays awaiting its manual refund."""
        Confirm = self.env[CONFIRM_WIZARD].with_user(self.refunder)
        values = {"refund_id": self.refund.id, "reference": "TRF-X"}
        before = self._ledger()
        for amount in (float("nan"), float("inf"), 1e300):
            with self.subTest(amount=amount):
                with self.assertRaises(ValidationError):
                    Confirm.with_context(default_amount=amount).create(values)
                with self.assertRaises(ValidationError):
                    Confirm.with_context(default_amount=amount).default_get(
                        ["refund_id", "amount"]
                    )
        self.assertEqual(self._ledger(), before)
        wizard = Confirm.with_context(default_amount=1.0).create(values)
        with self.assertRefused(UserError, "now owes"):
            wizard.action_confirm()
        self.assertEqual(self.refund.state, "manual")
        self.assertFalse(self.refund.manual_refund_reference)

    def test_mark_as_refunded_by_the_refund_group(self):
        """The refund group's Mark as refunded, opened by its button (the
        refund by default), confirms the refund; the books, settled when it
        was made, stay."""
        balance = self._partner_balance()
        refund = self.refund.with_user(self.refunder)
        action = refund.action_open_confirm_wizard()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertAlmostEqual(form.amount, refund.amount_total)
        form.reference = "TRF-OWN"
        form.save().action_confirm()
        self.assertRecordValues(
            self.refund,
            [
                {
                    "state": "done",
                    "manual_refund_reference": "TRF-OWN",
                    "manual_refunded_amount": refund.amount_total,
                }
            ],
        )
        self.assertRefundSettled(self.refund)
        self.assertAlmostEqual(self._partner_balance(), balance)
