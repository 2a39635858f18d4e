# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An integrator driving the refunds over XML-RPC, as a member of the refund
group: the refunds' and invoices' buttons called on several records, the
invoices and credit notes searched by their refund fields, the customer's
email asked for again."""

import xmlrpc.client

from odoo.tests import HttpCase, tagged
from odoo.tests.common import Transport

from .common import RefusedRefundCommon
from .test_malformed_calls import NOT_FOR_USERS


@tagged("post_install", "-at_install")
class TestRpcButtonsAndSearches(RefusedRefundCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.refunder = cls._create_user(
            "review_d_rpc",
            cls.env.ref("account.group_account_invoice")
            | cls.env.ref("invoice_partial_refund.group_partial_refund"),
        )
        cls.refunder.password = "review_d_rpc"

    def setUp(self):
        super().setUp()
        self.rpc = xmlrpc.client.ServerProxy(
            self.xmlrpc_url + "object", transport=Transport(self.cr), allow_none=True
        )

    def _execute(self, model, method, *args, **kwargs):
        return self.rpc.execute_kw(
            self.env.cr.dbname,
            self.refunder.id,
            "review_d_rpc",
            model,
            method,
            list(args),
            kwargs,
        )

    def assertFault(self, message, model, method, *args, **kwargs):
        """Refused as Odoo's warnings are (code 2, a sentence to act on)."""
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self._execute(model, method, *args, **kwargs)
        fault = caught.exception
        self.assertEqual(fault.faultCode, 2, fault.faultString)
        self.assertRegex(fault.faultString, message)
        self.assertNotRegex(fault.faultString, NOT_FOR_USERS)

    def _manual_refunds(self):
        """Two refunds of the invoice awaiting a manual refund (bank)."""
        return [
            self._refund(
                self.invoice,
                [{"line_id": line.id, "amount": 10.0}],
                journal_id=self.bank_journal.id,
            )
            for line in (self.line, self.line_qty)
        ]

    def test_buttons_called_on_several_records_say_one_at_a_time(self):
        """The refund's buttons that open a record (Mark as refunded, its
        credit note, its invoice) and the invoice's (Partial refund, its
        Refunds and Credit Notes smart buttons) open one: called over RPC on
        two, the answer is a sentence saying so, not Odoo's "Expected
        singleton" traceback; called with one id twice, they open it."""
        first, second = self._manual_refunds()
        other = self._create_paid_invoice([{"price_unit": 10.0}])
        Refund, Move = "account.partial.refund", "account.move"
        invoices = [self.invoice.id, other.id]
        for model, ids, method in (
            (Refund, [first.id, second.id], "action_open_confirm_wizard"),
            (Refund, [first.id, second.id], "action_open_credit_note"),
            (Refund, [first.id, second.id], "action_open_invoice"),
            (Move, invoices, "action_open_partial_refund_wizard"),
            (Move, invoices, "action_view_partial_refunds"),
            (Move, invoices, "action_view_partial_refund_credit_notes"),
            (
                Move,
                (first.credit_note_id | second.credit_note_id).ids,
                "action_open_partial_refund",
            ),
        ):
            with self.subTest(method=method):
                self.assertFault("one .* at a time", model, method, ids)
                action = self._execute(model, method, [ids[0], ids[0]])
                self.assertEqual(action["type"], "ir.actions.act_window")
        action = self._execute(Refund, "action_open_credit_note", [first.id] * 2)
        self.assertEqual(action["res_id"], first.credit_note_id.id)
        self.assertEqual(first.state, "manual")
        self.assertEqual(second.state, "manual")

    def test_invoices_and_credit_notes_searched_by_their_refund_fields(self):
        """The invoice's Refund Status (its badge) and a credit note's
        Partial Refund (a column of the credit notes list) are read over RPC,
        and searched: the search finds the invoices of that status, the
        credit notes of those refunds, never every journal entry (Odoo
        ignores a condition on a computed field it cannot search)."""
        first, _second = self._manual_refunds()
        whole = self._create_paid_invoice([{"price_unit": 30.0}])
        self._refund(whole, [{"line_id": whole.invoice_line_ids.id}])
        untouched = self._create_paid_invoice([{"price_unit": 20.0}])
        cancelled = self._create_paid_invoice([{"price_unit": 25.0}])
        self._refund(
            cancelled,
            [{"line_id": cancelled.invoice_line_ids.id, "amount": 5.0}],
            journal_id=self.bank_journal.id,
        ).action_cancel_refund()
        mine = self.invoice | whole | untouched | cancelled
        self.assertEqual(mine.ids, sorted(mine.ids))
        self.assertEqual(
            mine.mapped("partial_refund_status"),
            ["partial", "refunded", "none", "none"],
        )

        def search(domain):
            ids = self._execute("account.move", "search", domain)
            # In id order, as the records it is compared with.
            return self.env["account.move"].browse(sorted(ids))

        for domain, expected in (
            ([("partial_refund_status", "=", "partial")], self.invoice),
            ([("partial_refund_status", "=", "refunded")], whole),
            ([("partial_refund_status", "in", ["partial", "refunded"])], mine[:2]),
            ([("partial_refund_status", "!=", "none")], mine[:2]),
            ([("partial_refund_status", "=", "none")], untouched | cancelled),
            ([("partial_refund_status", "not in", ["partial"])], mine[1:]),
        ):
            with self.subTest(domain=domain):
                self.assertEqual(search([("id", "in", mine.ids), *domain]), expected)
        # Everything else than a refunded invoice is not refunded.
        self.assertIn(
            first.payment_id.move_id, search([("partial_refund_status", "=", "none")])
        )
        self.assertNotIn(
            first.payment_id.move_id,
            search([("partial_refund_status", "=", "partial")]),
        )
        refunds = self.env["account.partial.refund"].search(
            [("move_id", "in", mine.ids)], order="id"
        )
        self.assertEqual(len(refunds), 4)
        self.assertEqual(
            search([("partial_refund_id", "!=", False)]), refunds.credit_note_id
        )
        self.assertEqual(
            search([("partial_refund_id", "=", first.id)]), first.credit_note_id
        )
        self.assertEqual(
            search([("partial_refund_id", "in", [first.id])]), first.credit_note_id
        )
        self.assertEqual(
            search([("partial_refund_id", "=", first.name)]), first.credit_note_id
        )
        not_refunds = search([("partial_refund_id", "=", False)])
        self.assertIn(self.invoice, not_refunds)
        self.assertFalse(not_refunds & refunds.credit_note_id)
        self.assertEqual(
            search(
                [
                    ("id", "in", refunds.credit_note_id.ids),
                    ("partial_refund_id", "!=", first.id),
                ]
            ),
            refunds.credit_note_id - first.credit_note_id,
        )

    def test_email_the_customer_says_why_no_email_is_due(self):
        """**Email the Customer** over RPC on a refund whose customer has no
        email due says why: the money is not back yet, the refund was
        cancelled, or the company does not email its customers; never that
        the customer was already emailed when no email was sent. Nothing is
        sent or queued."""
        awaiting, cancelled = self._manual_refunds()
        self._execute("account.partial.refund", "action_cancel_refund", [cancelled.id])
        done = self._refund(
            self.invoice,
            [{"line_id": self.line.id, "amount": 5.0}],
            journal_id=self.cash_journal.id,
        )
        self.assertEqual(
            (awaiting | cancelled | done).mapped("state"),
            ["manual", "cancelled", "done"],
        )
        self.assertFalse(self.env.company.partial_refund_notify_customer)
        mails = self.env["mail.mail"].sudo().search_count([])
        for refund, message in (
            (awaiting, "is not refunded yet: .* once the money is back"),
            (cancelled, "was cancelled"),
            (done, "does not email its customers"),
        ):
            with self.subTest(state=refund.state):
                self.assertFault(
                    f"{refund.name} {message}" if refund != done else message,
                    "account.partial.refund",
                    "action_send_customer_email",
                    [refund.id],
                )
                with self.assertRaises(xmlrpc.client.Fault) as caught:
                    self._execute(
                        "account.partial.refund",
                        "action_send_customer_email",
                        [refund.id],
                    )
                self.assertNotIn("already emailed", caught.exception.faultString)
                self.assertFalse(refund.customer_email_pending)
                self.assertFalse(refund.customer_notified)
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails)
