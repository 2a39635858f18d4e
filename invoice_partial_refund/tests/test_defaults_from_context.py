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
from odoo.exceptions import AccessError
from odoo.tests import tagged

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
        cls.invoice = cls._create_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 50.0}]
        )
        with freeze_time(TODAY):
            refund_id = cls.invoice.with_user(cls.refunder).action_partial_refund(
                [{"line_id": cls.invoice.invoice_line_ids[0].id, "amount": 10.0}],
                journal_id=cls.bank_journal.id,
                date=TODAY,
            )
        cls.refund = cls.env["account.partial.refund"].browse(refund_id)
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
