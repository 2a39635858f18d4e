# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer's email once the money is back: sent once, and never the
reason a refund's books fail."""

from contextlib import contextmanager
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models import account_partial_refund_notification_mixin
from .common import PartialRefundCommon
from .test_gateway_refunds import GatewayRefundCommon

TODAY = date(2019, 2, 1)
NO_PDF_ENGINE = "Unable to find Wkhtmltopdf on this system."
NOTIFICATION_LOGGER = account_partial_refund_notification_mixin.__name__


class CustomerEmailMixin:
    def _manual_refund(self):
        """40 of a paid invoice of 100 (115 with tax), by hand to the bank."""
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        return self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "amount": 40.0}],
            journal_id=self.bank_journal.id,
            date=TODAY,
        )

    def _customer_mails(self, refund):
        return (
            self.env["mail.mail"]
            .search([("model", "=", refund._name), ("res_id", "=", refund.id)])
            .filtered(lambda mail: self.partner_a in mail.recipient_ids)
        )

    def _notes(self, refund, text):
        return refund.message_ids.filtered(lambda m: text in (m.body or ""))

    @contextmanager
    def _pdf_engine_missing(self):
        """The PDF of the credit note cannot be rendered, as when
        wkhtmltopdf is not installed."""
        with (
            patch.object(
                type(self.env["ir.actions.report"]),
                "_render",
                side_effect=UserError(NO_PDF_ENGINE),
            ),
            self.assertLogs(NOTIFICATION_LOGGER, "WARNING"),
        ):
            yield

    def assertEmailFailureNoted(self, refund):
        self.assertFalse(refund.customer_notified)
        self.assertTrue(refund.customer_email_pending)
        self.assertEqual(refund.customer_email_error, NO_PDF_ENGINE)
        self.assertFalse(self._customer_mails(refund))
        failures = self._notes(refund, "could not be emailed")
        self.assertEqual(len(failures), 1)
        # Wkhtmltopdf's sentence ends with a full stop, so does the note's.
        self.assertIn(f"{NO_PDF_ENGINE} The refund itself is booked", failures.body)

    def assertEmailedOnce(self, refund):
        self.assertTrue(refund.customer_notified)
        self.assertFalse(refund.customer_email_pending)
        mail = self._customer_mails(refund)
        self.assertEqual(len(mail), 1)
        self.assertIn(refund.credit_note_id.name, mail.body_html)
        self.assertEqual(len(mail.attachment_ids), 1)
        emailed = self._notes(refund, "emailed to") - self._notes(
            refund, "could not be emailed"
        )
        self.assertEqual(len(emailed), 1)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCustomerEmail(CustomerEmailMixin, PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partial_refund_notify_customer = True
        cls.partner_a.email = "partner_a@example.com"
        cls.env.user.partner_id.email = "accountant@example.com"

    def test_email_button_with_a_refund_twice_emails_once(self):
        """Over RPC, ``action_send_customer_email`` on ``[id, id]`` (Odoo
        keeps duplicate ids). Expected: the customer is emailed once, as by
        the button."""
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "amount": 40.0}],
            journal_id=self.bank_journal.id,
            date=TODAY,
        )
        with self._pdf_engine_missing():
            refund._confirm_manual_refund(TODAY, "TRF-9", "bank_transfer")
        self.assertEmailFailureNoted(refund)
        self.env["account.partial.refund"].browse(
            [refund.id, refund.id]
        ).action_send_customer_email()
        self.assertEmailedOnce(refund)

    def _run_cron(self, day):
        with freeze_time(day):
            return self.env["account.partial.refund"]._cron_send_customer_emails()

    def test_money_sent_by_hand_stands_when_the_email_fails(self):
        refund = self._manual_refund()
        self.assertEqual(refund.state, "manual")
        with self._pdf_engine_missing():
            refund._confirm_manual_refund(TODAY, "TRF-1", "bank_transfer")
        self.assertRecordValues(
            refund,
            [
                {
                    "state": "done",
                    "manual_refund_reference": "TRF-1",
                    "manual_refund_date": TODAY,
                }
            ],
        )
        self.assertRefundSettled(refund)
        self.assertEqual(refund.payment_id.state, "in_process")
        self.assertTrue(refund.currency_id.is_zero(refund.move_id.amount_residual))
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertEmailFailureNoted(refund)

        # Tried again by the next day's job, once.
        self.assertFalse(self._run_cron(TODAY), "tried today already")
        self.assertEqual(self._run_cron(TODAY + timedelta(days=1)), refund)
        self.assertEmailedOnce(refund)
        self.assertFalse(self._run_cron(TODAY + timedelta(days=2)))
        refund._notify_customer()
        self.assertEmailedOnce(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_failure_noted_once_per_cause(self):
        refund = self._manual_refund()
        with self._pdf_engine_missing():
            refund._confirm_manual_refund(TODAY, "TRF-2", "cheque")
            self._run_cron(TODAY + timedelta(days=1))
            self._run_cron(TODAY + timedelta(days=2))
        self.assertEmailFailureNoted(refund)

    def test_button_sends_the_email_now(self):
        refund = self._manual_refund()
        with self._pdf_engine_missing():
            refund._confirm_manual_refund(TODAY, "TRF-3", "cash")
        self.assertEmailFailureNoted(refund)
        refund.action_send_customer_email()
        self.assertEmailedOnce(refund)
        with self.assertRaisesRegex(UserError, "already emailed"):
            refund.action_send_customer_email()
        self.assertEmailedOnce(refund)

    def test_email_the_mail_server_refused_is_made_again(self):
        """Queued, then refused by the mail server: the refund is due an
        email again (noted once), and the next day's job makes it anew."""
        refund = self._manual_refund()
        refund._confirm_manual_refund(TODAY, "TRF-4", "cheque")
        self.assertEmailedOnce(refund)
        mail = self._customer_mails(refund)
        mail.write({"state": "exception", "failure_reason": "Connection refused"})
        self._run_cron(TODAY + timedelta(days=1))
        self.assertEqual(len(self._notes(refund, "could not be emailed")), 1)
        self.assertIn(
            "Connection refused", self._notes(refund, "could not be emailed").body
        )
        self.assertTrue(refund.customer_notified)
        self.assertFalse(refund.customer_email_pending)
        again = self._customer_mails(refund) - mail
        self.assertEqual(len(again), 1)
        self.assertEqual(again.state, "outgoing")
        self.assertEqual(len(again.attachment_ids), 1)
        self._run_cron(TODAY + timedelta(days=2))
        self.assertEqual(self._customer_mails(refund) - mail, again, "made once")


@tagged("post_install", "-at_install")
class TestGatewayCustomerEmail(CustomerEmailMixin, GatewayRefundCommon):
    def test_gateway_success_stands_when_the_email_fails(self):
        self.env.company.partial_refund_notify_customer = True
        _invoice, intent, refund = self._stripe_refund(30.0)
        share = refund.gateway_ids
        with self._pdf_engine_missing():
            self._run_gateway_job()
        self.assertFalse(share.last_error)
        self.assertEqual(share.state, "succeeded")
        self.assertEqual(refund.state, "done")
        self.assertEqual(self.fake_stripe.refunded(intent), 3450)
        self.assertBooked(refund)
        self.assertEmailFailureNoted(refund)
        with freeze_time(date.today() + timedelta(days=1)):
            self.env["account.partial.refund"]._cron_send_customer_emails()
        self.assertEmailedOnce(refund)
        self.assertBooked(refund)
