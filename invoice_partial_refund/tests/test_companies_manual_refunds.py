# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The manual refunds across companies and users (from an independent
review): their reminders, the scheduled actions as Odoo runs them, the
confirmation and the customer's email."""

from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models import (
    account_partial_refund_notification_mixin,
    account_partial_refund_reminder_mixin,
)
from .common import PartialRefundCommon

TODAY = date(2019, 2, 1)
REMINDERS_CRON = "invoice_partial_refund.ir_cron_manual_refund_reminders"
REMINDER_LOGGER = account_partial_refund_reminder_mixin.__name__
NOTIFICATION_LOGGER = account_partial_refund_notification_mixin.__name__
EMAILS_CRON = "invoice_partial_refund.ir_cron_partial_refund_customer_emails"
GATEWAY_CRON = "invoice_partial_refund.ir_cron_sync_gateway_refunds"


def run_cron(env, xmlid):
    """As the scheduler runs a scheduled action: its server action as its
    user (OdooBot)."""
    cron = env.ref(xmlid)
    cron.ir_actions_server_id.with_user(cron.user_id).run()


class TwoCompaniesCommon(PartialRefundCommon):
    """Two companies, each with its own settings and responsible users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data_2 = cls.setup_other_company()
        cls.company_a = cls.env.company
        cls.company_b = cls.company_data_2["company"]
        cls.activity_type = cls.env.ref(
            "invoice_partial_refund.mail_activity_type_manual_refund"
        )
        accountant = cls.env.ref("account.group_account_manager")
        cls.responsible_a = cls._create_user("responsible_a", accountant)
        cls.responsible_b = cls._create_user(
            "responsible_b", accountant, companies=cls.company_b
        )
        cls.manager_b = cls._create_user(
            "manager_b", accountant, companies=cls.company_b
        )
        cls.clerk_a = cls._create_user("clerk_a", accountant)
        cls.company_a.write(
            {
                "partial_refund_user_id": cls.responsible_a.id,
                "partial_refund_delay": 3,
                "partial_refund_escalation_days": 5,
            }
        )
        cls.company_b.write(
            {
                "partial_refund_user_id": cls.responsible_b.id,
                "partial_refund_delay": 10,
                "partial_refund_escalation_days": 2,
                "partial_refund_manager_id": cls.manager_b.id,
            }
        )
        cls.env.user.company_ids |= cls.company_b
        cls.partner_a.email = "partner_a@example.com"
        cls.env.user.partner_id.email = "accountant@example.com"

    def _manual_refund(self, company=None, amount=10.0):
        company = company or self.company_a
        data = self.company_data if company == self.company_a else self.company_data_2
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}],
            company=company,
            salesperson=self.env["res.users"],
            journal=data["default_journal_bank"],
        )
        refund_id = invoice.with_context(
            allowed_company_ids=(company | self.company_a | self.company_b).ids
        ).action_partial_refund(
            [{"line_id": invoice.invoice_line_ids.id, "amount": amount}],
            journal_id=data["default_journal_bank"].id,
            date=TODAY,
        )
        return self.env["account.partial.refund"].browse(refund_id)

    def _activities(self, refunds):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "account.partial.refund"),
                    ("res_id", "in", refunds.ids),
                    ("activity_type_id", "=", self.activity_type.id),
                ]
            )
        )

    def _run_cron(self, xmlid=REMINDERS_CRON):
        run_cron(self.env, xmlid)

    def _confirm(self, refund, **values):
        wizard = self.env["account.partial.refund.confirm.wizard"].create(
            {"refund_id": refund.id, "reference": "TR-1", **values}
        )
        return wizard.action_confirm()

    def _customer_mails(self, refund):
        return self.env["mail.mail"].search(
            [("model", "=", refund._name), ("res_id", "=", refund.id)]
        )


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestManualRefundsAcrossCompanies(TwoCompaniesCommon):
    def test_each_company_reminds_with_its_own_settings(self):
        refund_a = self._manual_refund()
        refund_b = self._manual_refund(self.company_b)
        self.assertRecordValues(
            self._activities(refund_a) | self._activities(refund_b),
            [
                {
                    "user_id": self.responsible_a.id,
                    "date_deadline": TODAY + timedelta(days=3),
                },
                {
                    "user_id": self.responsible_b.id,
                    "date_deadline": TODAY + timedelta(days=10),
                },
            ],
        )
        with freeze_time(TODAY + timedelta(days=12)):
            self._run_cron()
            self._run_cron()
        self.assertRecordValues(
            self._activities(refund_a) | self._activities(refund_b),
            [
                {
                    "user_id": self.responsible_a.id,
                    "date_deadline": TODAY + timedelta(days=12),
                },
                {
                    "user_id": self.manager_b.id,
                    "date_deadline": TODAY + timedelta(days=12),
                },
            ],
        )
        self.assertFalse(refund_a.escalated)
        self.assertTrue(refund_b.escalated)

    def test_one_refund_failing_does_not_stop_the_reminders_of_the_others(self):
        refund_1 = self._manual_refund()
        refund_2 = self._manual_refund(self.company_b)
        self._activities(refund_1 | refund_2).unlink()
        Refund = type(self.env["account.partial.refund"])
        summary = Refund._manual_refund_summary

        def broken_summary(refund, user):
            if refund == refund_1:
                raise ValueError("broken refund")
            return summary(refund, user)

        with (
            patch.object(Refund, "_manual_refund_summary", broken_summary),
            freeze_time(TODAY + timedelta(days=1)),
            self.assertLogs(REMINDER_LOGGER, "ERROR") as logs,
        ):
            self._run_cron()
        self.assertIn(refund_1.name, logs.output[0])
        self.assertFalse(self._activities(refund_1))
        self.assertEqual(self._activities(refund_2).user_id, self.responsible_b)
        self.assertEqual(refund_2.reminder_checked_on, TODAY + timedelta(days=1))
        # The next day, the failing refund is reminded once it works again.
        with freeze_time(TODAY + timedelta(days=2)):
            self._run_cron()
        self.assertEqual(self._activities(refund_1).user_id, self.responsible_a)
        self.assertEqual(len(self._activities(refund_2)), 1)

    def test_days_zero_escalate_once_overdue_not_when_made(self):
        """A company's delay and escalation days of 0: due the day it is
        made, with its usual responsible; escalated the first day it is
        overdue, not on the day it is due (nor by the refund itself)."""
        self.company_b.write(
            {"partial_refund_delay": 0, "partial_refund_escalation_days": 0}
        )
        refund = self._manual_refund(self.company_b)
        self._run_cron()
        self.assertFalse(refund.escalated)
        self.assertRecordValues(
            self._activities(refund),
            [{"user_id": self.responsible_b.id, "date_deadline": TODAY}],
        )
        self.assertFalse(refund.message_ids.filtered(lambda m: "overdue" in m.body))
        with freeze_time(TODAY + timedelta(days=1)):
            self._run_cron()
        self.assertTrue(refund.escalated)
        self.assertRecordValues(
            self._activities(refund),
            [{"user_id": self.manager_b.id, "date_deadline": TODAY + timedelta(1)}],
        )

    # ------------------------------------------------------------
    # Companies and users
    # ------------------------------------------------------------

    def test_user_of_one_company_never_acts_on_the_other(self):
        refund_b = self._manual_refund(self.company_b)
        clerk = self.clerk_a
        Refund = self.env["account.partial.refund"].with_user(clerk)
        self.assertFalse(Refund.search([("id", "=", refund_b.id)]))
        for call in (
            lambda r: r.read(["name"]),
            lambda r: r.action_cancel_refund(),
            lambda r: r.action_open_confirm_wizard(),
            lambda r: r.action_send_customer_email(),
            lambda r: r.write({"activity_ids": [Command.clear()]}),
            lambda r: r.line_ids.read(["amount_total"]),
            lambda r: r.unlink(),
        ):
            with self.assertRaises(AccessError):
                call(refund_b.with_user(clerk))
        with self.assertRaises(UserError):
            self.env["account.partial.refund.confirm.wizard"].with_user(clerk).create(
                {"refund_id": refund_b.id, "reference": "X"}
            )
        self.assertEqual(refund_b.state, "manual")
        self.assertEqual(len(self._activities(refund_b)), 1)

    def test_user_of_both_companies_in_one(self):
        refund_b = self._manual_refund(self.company_b)
        user = self._create_user(
            "both",
            self.env.ref("account.group_account_manager"),
            companies=self.company_a | self.company_b,
        )
        in_a = refund_b.with_user(user).with_context(
            allowed_company_ids=self.company_a.ids
        )
        with self.assertRaises(AccessError):
            in_a.action_cancel_refund()
        with self.assertRaises(AccessError):
            in_a.env["account.partial.refund.confirm.wizard"].create(
                {"refund_id": refund_b.id, "reference": "X"}
            )
        self.assertFalse(
            in_a.env["mail.activity"].search(
                [("res_model", "=", refund_b._name), ("res_id", "=", refund_b.id)]
            )
        )
        in_both = refund_b.with_user(user).with_context(
            allowed_company_ids=(self.company_a | self.company_b).ids
        )
        wizard = in_both.env["account.partial.refund.confirm.wizard"].create(
            {"refund_id": refund_b.id, "reference": "TR-1"}
        )
        wizard.action_confirm()
        self.assertEqual(refund_b.state, "done")
        self.assertFalse(self._activities(refund_b))
        self.assertRefundSettled(refund_b)
        self.assertAlmostEqual(self._partner_balance(company=self.company_b), 0.0)

    def test_cancel_in_the_other_company_keeps_its_books_there(self):
        """Cancel refund of company B's refund by a user whose current
        company is A: its reversals are B's, the customer's balance there
        back where it was, only its reminder removed."""
        refund = self._manual_refund(self.company_b, amount=40.0)
        own = refund.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.responsible_b.id
        )
        line = refund.line_ids.invoice_line_id
        refund.with_context(
            allowed_company_ids=(self.company_a | self.company_b).ids
        ).action_cancel_refund()
        self.assertEqual(refund.state, "cancelled")
        reversals = (
            refund.credit_note_id.reversal_move_ids
            | refund.payment_id.move_id.reversal_move_ids
        )
        self.assertEqual(len(reversals), 2)
        self.assertEqual(reversals.company_id, self.company_b)
        self.assertEqual(reversals.mapped("state"), ["posted", "posted"])
        self.assertTrue(
            refund.currency_id.is_zero(refund.credit_note_id.amount_residual)
        )
        self.assertAlmostEqual(self._partner_balance(company=self.company_b), 0.0)
        self.assertFalse(self._open_receivable_lines())
        self.assertAlmostEqual(line.refundable_amount, 100.0)
        self.assertFalse(self._activities(refund))
        self.assertEqual(own.exists(), own)

    # ------------------------------------------------------------
    # Confirmation
    # ------------------------------------------------------------

    def test_second_confirmation_is_refused_and_changes_nothing(self):
        refund = self._manual_refund()
        Confirm = self.env["account.partial.refund.confirm.wizard"]
        first = Confirm.create({"refund_id": refund.id, "reference": "A"})
        second = Confirm.create({"refund_id": refund.id, "reference": "B"})
        first.action_confirm()
        with self.assertRaisesRegex(UserError, "not awaiting a manual refund"):
            second.action_confirm()
        self.assertRecordValues(
            refund,
            [
                {
                    "state": "done",
                    "manual_refunded_amount": 11.5,
                    "manual_refund_reference": "A",
                }
            ],
        )
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
