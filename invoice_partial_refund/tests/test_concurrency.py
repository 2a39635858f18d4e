# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import closing

import psycopg2

from odoo import SUPERUSER_ID, Command, api, fields, sql_db
from odoo.exceptions import UserError
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestPartialRefundConcurrency(BaseCase):
    """Two transactions refunding the same line, on real connections: they can
    never together refund more than the line.

    The data is committed (other connections must see it) on a partner of
    its own in the database's main company.
    """

    def setUp(self):
        super().setUp()
        self.dbname = get_db_name()
        with closing(self._cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            bank = env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
            )
            partner = env["res.partner"].create({"name": "Concurrent customer"})
            invoice = (
                env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_line_ids": [
                            Command.create(
                                {"name": "Chair", "price_unit": 100.0, "tax_ids": []}
                            )
                        ],
                    }
                )
            )
            invoice.action_post()
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"journal_id": bank.id})._create_payments()
            self.assertEqual(invoice.payment_state, "paid")
            # Its own connection: the other connections must see the data.
            cr.commit()  # pylint: disable=invalid-commit
            self.invoice_id = invoice.id
            self.line_id = invoice.invoice_line_ids.id

    def _cursor(self):
        return sql_db.db_connect(self.dbname).cursor()

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def _refund(self, cr, amount, **options):
        env = api.Environment(cr, SUPERUSER_ID, {})
        invoice = env["account.move"].browse(self.invoice_id)
        refund_id = invoice.action_partial_refund(
            [{"line_id": self.line_id, "amount": amount}], **options
        )
        env.flush_all()
        return refund_id

    def test_two_transactions_cannot_overrun_a_line(self):
        with (
            closing(self._cursor()) as cr1,
            closing(self._cursor()) as cr2,
            closing(self._cursor()) as cr3,
        ):
            self._refund(cr1, 60.0)

            # While the first refund is not committed, the second is refused
            # at once with a clear error.
            with self.assertRaisesRegex(UserError, "being recorded right now"):
                self._refund(cr2, 60.0)
            cr2.rollback()

            # A transaction that started before the first one committed sees
            # the old remainder: PostgreSQL refuses its lock, and Odoo retries
            # the request (see odoo.service.model.retrying).
            cr3.execute("SELECT 1")
            cr1.commit()  # pylint: disable=invalid-commit
            with self.assertRaises(psycopg2.errors.SerializationFailure):
                self._refund(cr3, 60.0)
            cr3.rollback()

        # The retry sees the first refund and is refused on the remainder.
        with closing(self._cursor()) as cr4:
            with self.assertRaisesRegex(
                UserError, "only .*40.00.* is still refundable"
            ):
                self._refund(cr4, 60.0)
            cr4.rollback()
            env = api.Environment(cr4, SUPERUSER_ID, {})
            line = env["account.move.line"].browse(self.line_id)
            self.assertAlmostEqual(line.refunded_price_subtotal, 60.0)
            self.assertEqual(len(line.partial_refund_line_ids), 1)
            refund = line.partial_refund_line_ids.refund_id
            self.assertEqual(refund.credit_note_id.amount_total, 60.0)
            self.assertTrue(
                refund.credit_note_id.currency_id.is_zero(
                    refund.credit_note_id.amount_residual
                )
            )

    def test_one_call_sent_twice_at_once_refunds_once(self):
        """An integration retrying a call with its idempotency key while the
        first is still being carried out: the retry is refused while the
        first runs (the client tries again later); one that started before
        the first committed cannot see its refund, and fails to serialize
        on the invoice's lock (Odoo retries it); the retry after the first
        committed answers its refund. One refund, one credit note."""
        key = {"idempotency_key": "order-7/refund-1"}
        with (
            closing(self._cursor()) as cr1,
            closing(self._cursor()) as cr2,
            closing(self._cursor()) as cr3,
        ):
            refund_id = self._refund(cr1, 60.0, **key)
            with self.assertRaisesRegex(UserError, "being recorded right now"):
                self._refund(cr2, 60.0, **key)
            cr2.rollback()
            cr3.execute("SELECT 1")  # its snapshot taken before the commit
            cr1.commit()  # pylint: disable=invalid-commit
            with (
                self.assertRaises(psycopg2.errors.SerializationFailure),
                mute_logger("odoo.sql_db"),
            ):
                self._refund(cr3, 60.0, **key)
            cr3.rollback()
        with closing(self._cursor()) as cr4:
            self.assertEqual(self._refund(cr4, 60.0, **key), refund_id)
            cr4.commit()  # pylint: disable=invalid-commit
            line = self._env(cr4)["account.move.line"].browse(self.line_id)
            self.assertEqual(len(line.partial_refund_line_ids), 1)
            self.assertAlmostEqual(line.refunded_price_subtotal, 60.0)
            credit_note = line.partial_refund_line_ids.refund_id.credit_note_id
            self.assertEqual(credit_note.amount_total, 60.0)
            self.assertTrue(
                credit_note.currency_id.is_zero(credit_note.amount_residual)
            )

    def test_two_transactions_deciding_a_refunds_state_serialize(self):
        """The gateway job applying a gateway's answer and a user marking
        the refund as refunded, at once, each derive the refund's state from
        its money as they see it: the second to do so fails to serialize
        (Odoo retries it, see odoo.service.model.retrying), and the retry
        reads what the first wrote. Else a refund marked as refunded while
        its gateway's part fell back to a refund by hand would stay pending,
        the money owed by hand lost from its reminders."""
        with closing(self._cursor()) as cr:
            refund_id = self._refund(cr, 60.0)
            self.assertEqual(
                self._env(cr)["account.partial.refund"].browse(refund_id).state,
                "manual",
            )
            cr.commit()  # pylint: disable=invalid-commit
        with closing(self._cursor()) as cr1, closing(self._cursor()) as cr2:
            refund_1 = self._env(cr1)["account.partial.refund"].browse(refund_id)
            refund_2 = self._env(cr2)["account.partial.refund"].browse(refund_id)
            today = fields.Date.context_today(refund_2)
            self.assertEqual(refund_2.state, "manual")  # the user's request started
            refund_1._update_state()  # the job: a gateway answered
            refund_1.env.flush_all()
            cr1.commit()  # pylint: disable=invalid-commit
            with (
                self.assertRaises(psycopg2.errors.SerializationFailure),
                mute_logger("odoo.sql_db"),
            ):
                refund_2._confirm_manual_refund(today, "TRF-1", "bank_transfer")
                refund_2.env.flush_all()
            cr2.rollback()
        with closing(self._cursor()) as cr3:
            refund = self._env(cr3)["account.partial.refund"].browse(refund_id)
            refund._confirm_manual_refund(today, "TRF-1", "bank_transfer")
            self.assertEqual(refund.state, "done")
            cr3.commit()  # pylint: disable=invalid-commit

    def test_two_refund_transactions_of_one_payment_serialize(self):
        """The gateway job recording the Stripe refund it made and
        payment_stripe's webhook recording the same refund (its
        ``charge.refunded`` event), at once: whichever comes second fails to
        serialize (Odoo retries the webhook's request; the job runs again)
        and then finds the first's refund transaction by the refund's id,
        which payment_stripe skips: the refund is booked once."""
        with closing(self._cursor()) as cr:
            env = self._env(cr)
            invoice = env["account.move"].browse(self.invoice_id)
            source_id = (
                env["payment.transaction"]
                .create(
                    {
                        "provider_id": env.ref("payment.payment_provider_stripe").id,
                        "payment_method_id": env.ref("payment.payment_method_card").id,
                        "reference": f"IPR-CONCURRENT-{invoice.id}",
                        "amount": invoice.amount_total,
                        "currency_id": invoice.currency_id.id,
                        "partner_id": invoice.partner_id.id,
                        "state": "done",
                    }
                )
                .id
            )
            cr.commit()  # pylint: disable=invalid-commit

        def refunds_recorded(cr):
            source = self._env(cr)["payment.transaction"].browse(source_id)
            refunds = source.child_transaction_ids.filtered(
                lambda tx: tx.operation == "refund"
            )
            return sorted(refunds.mapped("provider_reference"))

        # The job first, then payment_stripe's webhook first.
        for first, second in (("re_1", "re_2"), ("re_3", "re_4")):
            with closing(self._cursor()) as cr1, closing(self._cursor()) as cr2:
                recorded = refunds_recorded(cr2)  # the second's transaction started
                source_1 = self._env(cr1)["payment.transaction"].browse(source_id)
                source_1._create_child_transaction(
                    10.0, is_refund=True, provider_reference=first
                )
                source_1.env.flush_all()
                cr1.commit()  # pylint: disable=invalid-commit
                self.assertNotIn(first, refunds_recorded(cr2), "not seen by the second")
                source_2 = self._env(cr2)["payment.transaction"].browse(source_id)
                with (
                    self.assertRaises(psycopg2.errors.SerializationFailure),
                    mute_logger("odoo.sql_db"),
                ):
                    source_2._create_child_transaction(
                        10.0, is_refund=True, provider_reference=second
                    )
                cr2.rollback()
            with closing(self._cursor()) as cr3:
                # The retry sees the first's refund transaction.
                self.assertEqual(refunds_recorded(cr3), sorted([*recorded, first]))
        with closing(self._cursor()) as cr4:
            self.assertEqual(refunds_recorded(cr4), ["re_1", "re_3"])
