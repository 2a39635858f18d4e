# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who is reminded of a manual refund, across companies and when the daily
job runs as OdooBot; the reminder as an automated activity of its own."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command
from odoo.modules.migration import load_script
from odoo.tests import tagged

from ..models import account_partial_refund_reminder_mixin
from .common import PartialRefundCommon

TODAY = date(2019, 2, 1)
REMINDER_LOGGER = account_partial_refund_reminder_mixin.__name__


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestManualRefundReminders(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data_2 = cls.setup_other_company()
        cls.company_a = cls.env.company
        cls.company_b = cls.company_data_2["company"]
        cls.activity_type = cls.env.ref(
            "invoice_partial_refund.mail_activity_type_manual_refund"
        )
        cls.refund_group = cls.env.ref("invoice_partial_refund.group_partial_refund")
        accountant = cls.env.ref("account.group_account_manager")
        cls.responsible = cls._create_user("responsible", accountant)
        cls.manager = cls._create_user("manager", accountant)
        # A salesperson of company B only, as in a group whose companies
        # share their salespeople's customers.
        cls.salesperson_b = cls._create_user(
            "salesperson_b", accountant, companies=cls.company_b
        )
        cls.clerk = cls._create_user("clerk", accountant | cls.refund_group)
        cls.company_a.write(
            {
                "partial_refund_user_id": cls.responsible.id,
                "partial_refund_delay": 3,
                "partial_refund_escalation_days": 5,
                "partial_refund_manager_id": cls.manager.id,
            }
        )
        cls.partner_a.email = "partner_a@example.com"
        cls.env.user.partner_id.email = "accountant@example.com"

    def _invoice(self, salesperson=None):
        return self._create_paid_invoice(
            [{"price_unit": 100.0}],
            salesperson=salesperson or self.env["res.users"],
            journal=self.bank_journal,
        )

    def _manual_refund(self, invoice, user=None, context=None):
        invoice = invoice.with_user(user or self.env.user)
        refund_id = invoice.with_context(**(context or {})).action_partial_refund(
            [{"line_id": invoice.invoice_line_ids.id, "amount": 10.0}],
            journal_id=self.bank_journal.id,
            date=TODAY,
        )
        return self.env["account.partial.refund"].browse(refund_id)

    def _activities(self, refunds):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "account.partial.refund"),
                ("res_id", "in", refunds.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _run_cron_as_odoobot(self):
        """As the scheduler runs it: as OdooBot."""
        return (
            self.env["account.partial.refund"]
            .with_user(SUPERUSER_ID)
            ._cron_manual_refund_reminders()
        )

    def assertBooksSettled(self, refund):
        """The invoice stays paid, the credit note is settled by the refund
        payment and the customer owes and is owed nothing."""
        self.assertRefundSettled(refund)
        self.assertTrue(
            refund.currency_id.is_zero(refund.move_id.amount_residual),
            "the invoice stays paid",
        )
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    # ------------------------------------------------------------
    # Companies
    # ------------------------------------------------------------

    def test_salesperson_of_another_company_with_web_client_context(self):
        """The web client sends the companies ticked in its switcher: the
        salesperson, allowed in company B only, is not chosen, and choosing
        does not fail the refund."""
        invoice = self._invoice(salesperson=self.salesperson_b)
        for allowed in (self.company_a, self.company_a | self.company_b):
            with self.subTest(allowed_company_ids=allowed.ids):
                refund = self._manual_refund(
                    invoice, context={"allowed_company_ids": allowed.ids}
                )
                self.assertEqual(refund.state, "manual")
                self.assertEqual(refund.company_id, self.company_a)
                self.assertRecordValues(
                    self._activities(refund),
                    [{"user_id": self.responsible.id, "automated": True}],
                )
                self.assertBooksSettled(refund)

    def test_salesperson_of_both_companies_is_reminded(self):
        self.salesperson_b.company_ids |= self.company_a
        invoice = self._invoice(salesperson=self.salesperson_b)
        refund = self._manual_refund(
            invoice,
            context={"allowed_company_ids": (self.company_a | self.company_b).ids},
        )
        self.assertEqual(self._activities(refund).user_id, self.salesperson_b)
        self.assertBooksSettled(refund)

    def test_responsible_of_another_company_is_not_reminded(self):
        """A company responsible who left the company: the refund's creator
        is reminded instead."""
        self.responsible.write(
            {
                "company_id": self.company_b.id,
                "company_ids": [Command.set(self.company_b.ids)],
            }
        )
        invoice = self._invoice()
        refund = self._manual_refund(invoice, user=self.clerk)
        self.assertEqual(self._activities(refund).user_id, self.clerk)

    def test_salesperson_who_cannot_mark_it_refunded_is_not_reminded(self):
        """A Billing salesperson reads the refund but could neither mark it
        refunded nor close its reminder: the company's responsible is
        reminded; given the group, the salesperson is."""
        billing = self._create_user(
            "billing_salesperson", self.env.ref("account.group_account_invoice")
        )
        refund = self._manual_refund(self._invoice(salesperson=billing))
        self.assertTrue(refund.with_user(billing).has_access("read"))
        self.assertEqual(self._activities(refund).user_id, self.responsible)
        self.assertBooksSettled(refund)

        billing.groups_id |= self.refund_group
        refund = self._manual_refund(self._invoice(salesperson=billing))
        self.assertEqual(self._activities(refund).user_id, billing)
        self.assertBooksSettled(refund)

    # ------------------------------------------------------------
    # The daily job
    # ------------------------------------------------------------

    def test_recreated_reminder_goes_to_the_creator_not_odoobot(self):
        """The reminder was marked done while the money is not sent: the
        daily job, running as OdooBot, gives it back to a person."""
        self.company_a.partial_refund_user_id = False
        refund = self._manual_refund(self._invoice(), user=self.clerk)
        self.assertEqual(refund.create_uid, self.clerk)
        activity = self._activities(refund)
        self.assertEqual(activity.user_id, self.clerk)
        activity.with_user(self.clerk).action_feedback(feedback="will do")
        self.assertFalse(self._activities(refund))
        with freeze_time(TODAY + timedelta(days=1)):
            self._run_cron_as_odoobot()
        self.assertRecordValues(
            self._activities(refund),
            [
                {
                    "user_id": self.clerk.id,
                    "automated": True,
                    "date_deadline": TODAY + timedelta(days=3),
                }
            ],
        )
        self.assertEqual(refund.state, "manual")
        self.assertBooksSettled(refund)

    def test_recreated_reminder_of_a_departed_creator_goes_to_the_manager(self):
        self.company_a.partial_refund_user_id = False
        refund = self._manual_refund(self._invoice(), user=self.clerk)
        self._activities(refund).action_feedback()
        self.clerk.active = False
        with freeze_time(TODAY + timedelta(days=1)):
            self._run_cron_as_odoobot()
        self.assertEqual(self._activities(refund).user_id, self.manager)
        # Nobody left who can read it: no reminder for OdooBot (nor anyone
        # who cannot act on it).
        self._activities(refund).action_feedback()
        self.manager.active = False
        with (
            freeze_time(TODAY + timedelta(days=2)),
            self.assertLogs(REMINDER_LOGGER, "WARNING"),
        ):
            self._run_cron_as_odoobot()
        self.assertFalse(self._activities(refund))
        self.assertNotIn(
            self.env.ref("base.user_root"),
            self.env["mail.activity"].search([("res_id", "=", refund.id)]).user_id,
        )

    def test_recreated_reminder_after_escalation_goes_to_the_manager(self):
        refund = self._manual_refund(self._invoice(), user=self.clerk)
        with freeze_time(TODAY + timedelta(days=3 + 5)):
            self._run_cron_as_odoobot()
        self.assertTrue(refund.escalated)
        self.assertEqual(self._activities(refund).user_id, self.manager)
        self._activities(refund).action_feedback()
        with freeze_time(TODAY + timedelta(days=3 + 6)):
            self._run_cron_as_odoobot()
        self.assertEqual(self._activities(refund).user_id, self.manager)
        escalations = refund.message_ids.filtered(
            lambda m: "escalated to Manager" in (m.body or "")
        )
        self.assertEqual(len(escalations), 1)

    def test_reminder_summary_in_its_assignee_language(self):
        """Made by a request in English and kept by the daily job (run as
        OdooBot), the reminder reads in its assignee's language; handed to
        the manager, in the manager's."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["invoice_partial_refund"], ["fr_FR"], overwrite=True
        )
        (self.clerk | self.responsible).lang = "fr_FR"
        self.manager.lang = "en_US"
        refund = self._manual_refund(
            self._invoice(), user=self.clerk, context={"lang": "en_US"}
        )
        activity = self._activities(refund)
        self.assertEqual(activity.user_id.lang, "fr_FR")
        self.assertTrue(activity.summary.startswith("Reverser "), activity.summary)
        with freeze_time(TODAY + timedelta(days=1)):
            self._run_cron_as_odoobot()
        self.assertTrue(activity.summary.startswith("Reverser "), activity.summary)
        with freeze_time(TODAY + timedelta(days=3 + 5)):
            self._run_cron_as_odoobot()
        self.assertEqual(activity.user_id, self.manager)
        self.assertTrue(activity.summary.startswith("Send "), activity.summary)

    # ------------------------------------------------------------
    # Only our own activities
    # ------------------------------------------------------------

    def _schedule_own_activities(self, refund):
        """What a person adds on a refund by hand: a to-do, and a note of
        the manual refund type for themselves."""
        Activity = self.env["mail.activity"].with_user(self.clerk)
        values = {
            "res_model_id": self.env["ir.model"]._get_id(refund._name),
            "res_id": refund.id,
            "user_id": self.clerk.id,
        }
        todo = Activity.create(
            {
                **values,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "summary": "Call the customer",
            }
        )
        own_reminder = Activity.create(
            {
                **values,
                "activity_type_id": self.activity_type.id,
                "summary": "Check the IBAN with the customer",
            }
        )
        return todo | own_reminder

    def test_cancel_removes_only_its_reminder(self):
        refund = self._manual_refund(self._invoice(), user=self.clerk)
        ours = self._activities(refund)
        own = self._schedule_own_activities(refund)
        refund.with_user(self.clerk).action_cancel_refund()
        self.assertEqual(refund.state, "cancelled")
        self.assertFalse(ours.exists(), "the reminder is removed")
        self.assertEqual(own.exists(), own, "the clerk's activities stay")
        credit_note = refund.credit_note_id
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_confirm_closes_only_its_reminder(self):
        refund = self._manual_refund(self._invoice(), user=self.clerk)
        ours = self._activities(refund)
        own = self._schedule_own_activities(refund)
        refund.with_user(self.clerk)._confirm_manual_refund(
            TODAY, "TRF-7", "bank_transfer"
        )
        self.assertEqual(refund.state, "done")
        self.assertFalse(ours.exists())
        self.assertEqual(own.exists(), own)
        done = refund.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.activity_type
        )
        self.assertEqual(len(done), 1, "the reminder is marked done, with feedback")
        self.assertIn("TRF-7", done.body)
        self.assertBooksSettled(refund)

    def test_daily_job_keeps_people_activities(self):
        """Duplicates are removed among the job's own reminders only."""
        refund = self._manual_refund(self._invoice(), user=self.clerk)
        ours = self._activities(refund)
        own = self._schedule_own_activities(refund)
        ours.copy()
        with freeze_time(TODAY + timedelta(days=1)):
            self._run_cron_as_odoobot()
        self.assertEqual(ours.exists(), ours)
        self.assertEqual(own.exists(), own)
        self.assertEqual(len(self._activities(refund)), 2, "ours and the clerk's")

    def test_daily_job_queries_do_not_grow_with_the_batch(self):
        """Reminders scheduled by the daily job cost the same for 5 and for
        25 refunds: scheduled together per user and deadline, their
        summaries written in one query (21 queries for either when this was
        written; the slack is for the ORM splitting batches differently)."""
        template = self._manual_refund(self._invoice(), user=self.clerk)

        def copies(count):
            return self.env["account.partial.refund"].concat(
                *(
                    template.sudo().copy({"state": "manual", "manual_due_date": TODAY})
                    for _index in range(count)
                )
            )

        def measure(refunds):
            self.env.flush_all()
            self.env.invalidate_all()
            count0 = self.env.cr.sql_log_count
            # As the daily job: as superuser.
            refunds.sudo()._ensure_manual_refund_activities(today=TODAY)
            self.env.flush_all()
            return self.env.cr.sql_log_count - count0

        measure(copies(2))  # warm the ormcaches
        small_refunds, large_refunds = copies(5), copies(25)
        small, large = measure(small_refunds), measure(large_refunds)
        self.assertEqual(len(self._activities(small_refunds | large_refunds)), 30)
        self.assertLessEqual(
            large,
            small + 5,
            f"reminders: {small} queries for 5 refunds, {large} for 25",
        )

    def test_migration_flags_the_reminders_of_18_0_1(self):
        """18.0.1 made its reminders without the automated flag: the 18.0.2
        migration flags one per refund awaiting a manual refund, so cancel and
        confirm find them, and leaves people's activities alone."""
        refund = self._manual_refund(self._invoice(), user=self.clerk)
        ours = self._activities(refund)
        own = self._schedule_own_activities(refund)
        ours.automated = False
        migration = load_script(
            "invoice_partial_refund/migrations/18.0.2.0.0/post-migrate.py",
            "post_migrate",
        )
        migration.flag_manual_refund_reminders(self.env)
        self.assertTrue(ours.automated)
        self.assertFalse(any(own.mapped("automated")))
        refund.with_user(self.clerk)._confirm_manual_refund(
            TODAY, "TRF-8", "bank_transfer"
        )
        self.assertFalse(ours.exists(), "the migrated reminder is closed")
        self.assertEqual(own.exists(), own)
        self.assertBooksSettled(refund)

    def test_migration_records_what_was_sent_by_hand(self):
        """Refunds marked as refunded before 18.0.2 did not record the
        amount: the migration sets what they were due then, so a gateway's
        return afterwards is owed alone and Cancel refund is refused."""
        sent = self._manual_refund(self._invoice(), user=self.clerk)
        sent._confirm_manual_refund(TODAY, "TRF-9", "bank_transfer")
        waiting = self._manual_refund(self._invoice(), user=self.clerk)
        (sent | waiting).sudo().manual_refunded_amount = 0.0
        migration = load_script(
            "invoice_partial_refund/migrations/18.0.2.0.0/post-migrate.py",
            "post_migrate",
        )
        migration.record_amounts_sent_by_hand(self.env)
        self.assertRecordValues(
            sent | waiting,
            [{"manual_refunded_amount": 11.5}, {"manual_refunded_amount": 0.0}],
        )
        self.assertAlmostEqual(sent._manual_amount(), 0.0)
        self.assertAlmostEqual(waiting._manual_amount(), 11.5)
