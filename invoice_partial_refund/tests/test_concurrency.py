# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import closing

import psycopg2

from odoo import SUPERUSER_ID, Command, api, sql_db
from odoo.exceptions import UserError
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name


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

    def _refund(self, cr, amount):
        env = api.Environment(cr, SUPERUSER_ID, {})
        invoice = env["account.move"].browse(self.invoice_id)
        refund_id = invoice.action_partial_refund(
            [{"line_id": self.line_id, "amount": amount}]
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
