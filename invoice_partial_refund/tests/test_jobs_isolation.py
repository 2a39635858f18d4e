# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The jobs' loops over records (the gateway job, the customer emails, the
manual refund reminders): a record that fails undoes only its own changes
and is noted; a concurrency error is no record's failure: it ends the run,
noted nowhere, and the next run does the work once."""

from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo.tests import tagged

from .. import utils
from .common import PartialRefundCommon
from .test_customer_email import TODAY, CustomerEmailMixin
from .test_gateway_refunds import GatewayRefundCommon


def serialization_failure(*args, **kwargs):
    raise psycopg2.errors.SerializationFailure(
        "could not serialize access due to concurrent update"
    )


@tagged("post_install", "-at_install")
class TestEachInSavepoint(PartialRefundCommon):
    def _partners(self):
        return self.env["res.partner"].create(
            [{"name": name} for name in ("Ann", "Bob", "Cid")]
        )

    def test_a_failing_record_undoes_only_its_own_changes(self):
        partners = self._partners()
        noted = []

        def handle(partner):
            partner.name += " seen"
            if partner.name.startswith("Bob"):
                raise ValueError("Bob is broken")

        utils.each_in_savepoint(
            partners, handle, lambda record, error: noted.append((record, str(error)))
        )
        self.assertEqual(partners.mapped("name"), ["Ann seen", "Bob", "Cid seen"])
        self.assertEqual(noted, [(partners[1], "Bob is broken")])

    def test_a_concurrency_error_ends_the_loop_noted_nowhere(self):
        partners = self._partners()
        handled, noted = [], []

        def handle(partner):
            handled.append(partner.name)
            if partner.name == "Bob":
                serialization_failure()

        with self.assertRaises(psycopg2.errors.SerializationFailure):
            utils.each_in_savepoint(
                partners, handle, lambda record, error: noted.append(record)
            )
        self.assertEqual(handled, ["Ann", "Bob"])
        self.assertFalse(noted)


@tagged("post_install", "-at_install")
class TestGatewayJobConcurrency(GatewayRefundCommon):
    def test_the_job_run_again_refunds_once(self):
        """The gateway refunded, then booking its answer meets a concurrent
        update: the job stops there (the answer is no failure of the share)
        and its next run asks again by the same key: the customer gets the
        money once, the books once."""
        _invoice, intent, refund = self._stripe_refund(30.0)
        share = refund.gateway_ids
        gateway_model = type(self.env["account.partial.refund.gateway"])
        with (
            patch.object(gateway_model, "_apply", serialization_failure),
            self.assertRaises(psycopg2.errors.SerializationFailure),
        ):
            self._run_gateway_job()
        self.assertEqual(self.fake_stripe.refunded(intent), 3450)
        self.assertRecordValues(share, [{"state": "requested", "last_error": False}])
        self.assertEqual(refund.state, "requested")

        self._run_gateway_job()
        self.assertEqual(self.fake_stripe.refunded(intent), 3450, "refunded once")
        self.assertEqual(share.state, "succeeded")
        self.assertEqual(refund.state, "done")
        self.assertEqual(len(share.refund_payment_id), 1)
        self.assertBooked(refund)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCustomerEmailConcurrency(CustomerEmailMixin, PartialRefundCommon):
    def test_a_concurrency_error_is_no_email_failure(self):
        self.env.company.partial_refund_notify_customer = True
        self.partner_a.email = "partner_a@example.com"
        refund = self._manual_refund()
        refund_model = type(refund)
        with (
            patch.object(
                refund_model, "_send_customer_email_now", serialization_failure
            ),
            self.assertRaises(psycopg2.errors.SerializationFailure),
        ):
            refund._confirm_manual_refund(TODAY, "TRF-5", "bank_transfer")
        self.assertFalse(refund.customer_email_error)
        self.assertFalse(self._notes(refund, "could not be emailed"))
