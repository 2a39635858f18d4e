# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer's email and the refunds paid on the spot in another
company; the gateway job across companies, as the scheduler runs it: the
refunds of another company than the job's user's, booked and reminded with
that company's journals and settings (from an independent review)."""

from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .test_companies_manual_refunds import (
    EMAILS_CRON,
    GATEWAY_CRON,
    NOTIFICATION_LOGGER,
    REMINDERS_CRON,
    TODAY,
    TwoCompaniesCommon,
    run_cron,
)
from .test_gateway_refunds import GatewayRefundCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCustomerEmailAcrossCompanies(TwoCompaniesCommon):
    def test_cash_refund_in_the_other_company(self):
        """Paid on the spot in B's cash journal by a user whose current
        company is A: done at once, no reminder, the customer emailed from
        B."""
        self.company_b.write(
            {"partial_refund_notify_customer": True, "email": "b@example.com"}
        )
        cash_b = self.company_data_2["default_journal_cash"]
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}], company=self.company_b, journal=cash_b
        )
        refund_id = invoice.with_context(
            allowed_company_ids=(self.company_a | self.company_b).ids
        ).action_partial_refund(
            [{"line_id": invoice.invoice_line_ids.id, "amount": 40.0}],
            journal_id=cash_b.id,
        )
        refund = self.env["account.partial.refund"].browse(refund_id)
        self.assertRecordValues(
            refund, [{"state": "done", "refund_method": "immediate"}]
        )
        self.assertFalse(self._activities(refund))
        self.assertRefundSettled(refund)
        self.assertEqual(refund.payment_id.journal_id, cash_b)
        self.assertAlmostEqual(self._partner_balance(company=self.company_b), 0.0)
        mail = self._customer_mails(refund)
        self.assertEqual(mail.recipient_ids, self.partner_a)
        self.assertIn("b@example.com", mail.email_from)

    def test_customer_without_email_is_not_said_emailed(self):
        self.company_a.partial_refund_notify_customer = True
        self.partner_a.email = False
        refund = self._manual_refund()
        with self.assertLogs(NOTIFICATION_LOGGER, "WARNING"):
            self._confirm(refund)
        self.assertEqual(refund.state, "done")
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        # Nothing queued for nobody, no PDF made, the reason noted.
        self.assertFalse(self._customer_mails(refund))
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", refund._name), ("res_id", "=", refund.id)]
            )
        )
        self.assertFalse(refund.customer_notified)
        self.assertTrue(refund.customer_email_pending)
        self.assertIn("no valid email address", refund.customer_email_error)
        self.assertFalse(
            refund.message_ids.filtered(
                lambda m: "emailed to" in m.body and "could not" not in m.body
            )
        )
        # The daily job makes nothing while the address is missing, and
        # sends once it is given.
        with freeze_time(TODAY + timedelta(days=1)):
            self._run_cron(EMAILS_CRON)
        self.assertFalse(self._customer_mails(refund))
        self.assertEqual(
            len(refund.message_ids.filtered(lambda m: "could not" in m.body)), 1
        )
        # The button says why, and keeps nothing of its attempt.
        with (
            self.assertRaisesRegex(UserError, "partner_a has no valid email address"),
            self.assertLogs(NOTIFICATION_LOGGER, "WARNING"),
        ):
            refund.action_send_customer_email()
        self.assertTrue(refund.customer_email_pending)
        self.assertFalse(self._customer_mails(refund))
        self.partner_a.email = "partner_a@example.com"
        with freeze_time(TODAY + timedelta(days=2)):
            self._run_cron(EMAILS_CRON)
        self.assertTrue(refund.customer_notified)
        self.assertEqual(
            self._customer_mails(refund).recipient_ids, refund.move_id.partner_id
        )

    def test_customer_email_in_the_partner_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["invoice_partial_refund"], ["fr_FR"], overwrite=True
        )
        self.company_a.partial_refund_notify_customer = True
        self.partner_a.lang = "fr_FR"
        refund = self._manual_refund()
        self._confirm(refund)
        mail = self._customer_mails(refund)
        self.assertEqual(mail.recipient_ids, self.partner_a)
        self.assertIn("remboursement de", mail.subject)
        self.assertEqual(len(mail.attachment_ids), 1)

    def test_email_job_run_by_hand_from_the_other_company(self):
        """B's customer email that failed is made by the daily job run by
        hand from company A: from B, with its credit note, once."""
        self.company_b.write(
            {"partial_refund_notify_customer": True, "email": "b@example.com"}
        )
        refund = self._manual_refund(self.company_b)
        with (
            patch.object(
                type(self.env["ir.actions.report"]),
                "_render",
                side_effect=UserError("No PDF engine."),
            ),
            self.assertLogs(NOTIFICATION_LOGGER, "WARNING"),
        ):
            self._confirm(refund)
        self.assertTrue(refund.customer_email_pending)
        in_a = self.env(
            context=dict(self.env.context, allowed_company_ids=self.company_a.ids)
        )
        for day in (1, 2):
            with freeze_time(TODAY + timedelta(days=day)):
                in_a.ref(EMAILS_CRON).method_direct_trigger()
        mail = self._customer_mails(refund)
        self.assertEqual(len(mail), 1)
        self.assertIn("b@example.com", mail.email_from)
        self.assertIn(refund.credit_note_id.name, mail.body_html)
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertTrue(refund.customer_notified)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestGatewayJobAcrossCompanies(GatewayRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data_2 = cls.setup_other_company()
        cls.company_b = cls.company_data_2["company"]
        cls.bank_b = cls.company_data_2["default_journal_bank"]
        accountant = cls.env.ref("account.group_account_manager")
        cls.responsible_b = cls._create_user(
            "responsible_b", accountant, companies=cls.company_b
        )
        cls.company_b.write(
            {
                "partial_refund_user_id": cls.responsible_b.id,
                "partial_refund_delay": 10,
                "partial_refund_gocardless_access_token": cls.fake_gocardless.secret,
                "partial_refund_gocardless_api_base": cls.fake_gocardless.url,
            }
        )
        cls.env.user.company_ids |= cls.company_b

    def _gocardless_refund_in_b(self):
        invoice = self._create_paid_invoice(
            [{"price_unit": 80.0}],
            company=self.company_b,
            salesperson=self.env["res.users"],
            pay=False,
        )
        mandate_payment = self.fake_gocardless.add_payment(
            self._minor(invoice.amount_total, invoice.currency_id),
            invoice.currency_id.name,
        )
        self._pay(invoice, self.bank_b).write(
            {
                "refund_gateway": "gocardless",
                "refund_gateway_reference": mandate_payment,
            }
        )
        refund_id = invoice.with_context(
            allowed_company_ids=(self.company_b | self.env.company).ids
        ).action_partial_refund([{"line_id": invoice.invoice_line_ids.id}], date=TODAY)
        return self.env["account.partial.refund"].browse(refund_id)

    def assertSettledInB(self, refund):
        credit_note = refund.credit_note_id
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
        payments = refund.payment_id | refund.gateway_ids.refund_payment_id
        self.assertEqual(payments.company_id, self.company_b)
        self.assertEqual(payments.journal_id, self.bank_b)
        self.assertAlmostEqual(self._partner_balance(company=self.company_b), 0.0)
        self.assertFalse(self._open_receivable_lines())

    def test_refusal_in_the_other_company_by_the_scheduler(self):
        self.fake_gocardless.refunds_enabled = False
        refund = self._gocardless_refund_in_b()
        run_cron(self.env, GATEWAY_CRON)
        self.assertEqual(refund.state, "manual")
        self.assertEqual(refund.manual_due_date, TODAY + timedelta(days=10))
        self.assertEqual(refund.activity_ids.user_id, self.responsible_b)
        self.assertSettledInB(refund)
        run_cron(self.env, REMINDERS_CRON)
        run_cron(self.env, REMINDERS_CRON)
        self.assertEqual(len(refund.activity_ids), 1)

    def test_success_in_the_other_company_by_the_scheduler(self):
        refund = self._gocardless_refund_in_b()
        run_cron(self.env, GATEWAY_CRON)
        self.assertEqual(refund.state, "pending")
        (gc_refund,) = self.fake_gocardless.refunds.values()
        self.fake_gocardless.set_status(gc_refund["id"], "paid")
        refund.gateway_ids.sudo().last_sync_date = False
        run_cron(self.env, GATEWAY_CRON)
        self.assertEqual(refund.state, "done")
        self.assertSettledInB(refund)

    def test_gateway_payment_of_the_other_company_is_not_named(self):
        """B's GoCardless payment id typed on a payment of A, in A: refused
        as recorded on a payment of another company, without naming it."""
        refund = self._gocardless_refund_in_b()
        recorded = refund.gateway_ids.payment_reference
        payment = self._create_paid_invoice([{"price_unit": 80.0}])
        payment = payment._get_reconciled_payments().with_context(
            allowed_company_ids=[self.env.company.id]
        )
        with self.assertRaisesRegex(
            ValidationError,
            f"{recorded} is already recorded on a payment of another company",
        ):
            with self.env.cr.savepoint():
                payment.write(
                    {
                        "refund_gateway": "gocardless",
                        "refund_gateway_reference": recorded,
                    }
                )
        self.assertFalse(payment.refund_gateway_reference)

    def test_run_manually_from_the_other_company(self):
        """An administrator whose current company is A runs the jobs by hand
        (Run Manually): B's refund is sent, refused, booked and reminded in
        B as by the scheduler."""
        self.fake_gocardless.refunds_enabled = False
        refund = self._gocardless_refund_in_b()
        in_a = self.env(
            context=dict(self.env.context, allowed_company_ids=[self.env.company.id])
        )
        in_a.ref(GATEWAY_CRON).method_direct_trigger()
        self.assertEqual(refund.state, "manual")
        self.assertEqual(refund.activity_ids.user_id, self.responsible_b)
        self.assertSettledInB(refund)
        refund.activity_ids.unlink()
        with freeze_time(TODAY + timedelta(days=1)):
            in_a.ref(REMINDERS_CRON).method_direct_trigger()
        self.assertEqual(refund.activity_ids.user_id, self.responsible_b)

    def test_stripe_refund_of_the_other_company_by_the_scheduler(self):
        """B's own Stripe account refunds B's invoice, booked in B."""
        stripe_b = self._prepare_provider(
            "stripe",
            company=self.company_b,
            update_values={
                "stripe_secret_key": self.fake_stripe.secret,
                "stripe_publishable_key": "pk_test_fake",
                "partial_refund_api_base": self.fake_stripe.url,
            },
        )
        stripe_b.journal_id = self.bank_b
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}], company=self.company_b, pay=False
        )
        intent = self._pay_with_stripe(invoice, provider=stripe_b)
        self.assertEqual(invoice.payment_state, "paid")
        refund_id = invoice.with_context(
            allowed_company_ids=(self.company_b | self.env.company).ids
        ).action_partial_refund(
            [{"line_id": invoice.invoice_line_ids.id, "amount": 20.0}], date=TODAY
        )
        refund = self.env["account.partial.refund"].browse(refund_id)
        run_cron(self.env, GATEWAY_CRON)
        self.assertEqual(refund.state, "done")
        self.assertFalse(refund.activity_ids)
        self.assertEqual(self.fake_stripe.refunded(intent), 2300)
        self.assertSettledInB(refund)
