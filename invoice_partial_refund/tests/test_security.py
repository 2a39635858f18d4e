# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PartialRefundCommon


@tagged("post_install", "-at_install")
class TestPartialRefundSecurity(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data_2 = cls.setup_other_company()
        cls.invoice = cls._create_paid_invoice([{"price_unit": 100.0}])
        billing = cls.env.ref("account.group_account_invoice")
        cls.billing_user = cls.env["res.users"].create(
            {
                "name": "Billing",
                "login": "billing_no_refund",
                "groups_id": [Command.set([billing.id])],
                "company_id": cls.env.company.id,
                "company_ids": [Command.set(cls.env.company.ids)],
            }
        )
        cls.refunder = cls.env["res.users"].create(
            {
                "name": "Refunder",
                "login": "refunder",
                "email": "refunder@example.com",
                "groups_id": [
                    Command.set(
                        [cls.env.ref("invoice_partial_refund.group_partial_refund").id]
                    )
                ],
                "company_id": cls.env.company.id,
                "company_ids": [Command.set(cls.env.company.ids)],
            }
        )

    def test_billing_user_without_group_cannot_refund(self):
        invoice = self.invoice.with_user(self.billing_user)
        with self.assertRaisesRegex(AccessError, "Issue refunds"):
            invoice.action_partial_refund([{"line_id": invoice.invoice_line_ids.id}])
        # Refused for who they are, whatever they sent.
        for lines, options in (
            ("not a list", {}),
            ([{"line_id": -1, "amount": "ten"}], {}),
            ([{"line_id": invoice.invoice_line_ids.id}], {"journal_id": "bank"}),
        ):
            with self.assertRaisesRegex(AccessError, "Issue refunds"):
                invoice.action_partial_refund(lines, **options)
        with self.assertRaises(AccessError):
            self.env["account.partial.refund.wizard"].with_user(
                self.billing_user
            ).create({"move_id": invoice.id})
        self.assertFalse(self.invoice.partial_refund_ids)

    def test_group_member_refunds_and_billing_user_reads(self):
        invoice = self.invoice.with_user(self.refunder)
        refund_id = invoice.action_partial_refund(
            [{"line_id": invoice.invoice_line_ids.id, "amount": 10.0}]
        )
        refund = self.env["account.partial.refund"].browse(refund_id)
        self.assertRefundSettled(refund)
        self.assertEqual(refund.create_uid, self.refunder)
        as_billing = refund.with_user(self.billing_user)
        self.assertEqual(as_billing.amount_total, 11.5)
        with self.assertRaises(AccessError):
            as_billing.write({"reason": "changed"})

    def test_refund_history_is_kept_from_the_group(self):
        """A refund's messages are its audit trail: a member of the group
        posts notes and schedules activities on it, edits their own note,
        but cannot edit nor delete another's message, nor delete any through
        the refund (``message_ids``), nor write other chatter fields."""
        refund = self._refund(
            self.invoice,
            [{"line_id": self.invoice.invoice_line_ids.id, "amount": 10.0}],
        )
        # Another user's note (the business code's notes are the admin's too).
        others = refund.message_post(body="Sent by bank, TRX-1", message_type="comment")
        others |= refund.message_ids
        as_refunder = refund.with_user(self.refunder)
        own = as_refunder.message_post(
            body="Called the customer", message_type="comment"
        )
        own.write({"body": "Called the customer twice"})
        activity = as_refunder.activity_schedule(
            "mail.mail_activity_data_todo", summary="Check the bank"
        )
        self.assertEqual(activity.res_id, refund.id)
        message = others[0].with_user(self.refunder)
        with self.assertRaises(AccessError):
            message.write({"body": "Sent by cash, forged"})
        with self.assertRaises(AccessError):
            message.unlink()
        with self.assertRaises(AccessError):
            own.with_user(self.refunder).unlink()
        for vals in (
            {"message_ids": [Command.delete(others[0].id)]},
            {"message_ids": [Command.unlink(others[0].id)]},
            {"message_follower_ids": [Command.clear()]},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_refunder.write(vals)
        self.assertEqual(refund.message_ids & others, others)
        self.assertIn("Called the customer twice", own.body)

    def test_group_is_implied_by_billing_administrator(self):
        manager = self.env.ref("account.group_account_manager")
        self.assertIn(
            self.env.ref("invoice_partial_refund.group_partial_refund"),
            manager.all_implied_ids
            if "all_implied_ids" in manager._fields
            else manager.trans_implied_ids,
        )

    def test_multi_company_rule(self):
        refund = self._refund(
            self.invoice, [{"line_id": self.invoice.invoice_line_ids.id}]
        )
        company_2 = self.company_data_2["company"]
        other_user = self.env["res.users"].create(
            {
                "name": "Other company accountant",
                "login": "other_company",
                "groups_id": [
                    Command.set([self.env.ref("account.group_account_manager").id])
                ],
                "company_id": company_2.id,
                "company_ids": [Command.set(company_2.ids)],
            }
        )
        Refund = self.env["account.partial.refund"].with_user(other_user)
        self.assertFalse(Refund.search([("id", "=", refund.id)]))
        self.assertFalse(
            self.env["account.partial.refund.line"]
            .with_user(other_user)
            .search([("refund_id", "=", refund.id)])
        )
        with self.assertRaises(AccessError):
            refund.with_user(other_user).read(["name"])

    def test_refunds_numbered_by_their_company_sequence(self):
        """A company with its own refund sequence numbers its refunds with
        it, whichever company the user works in; the others share Odoo's."""
        company_2 = self.company_data_2["company"]
        self.env["ir.sequence"].create(
            {
                "name": "Refunds of company 2",
                "code": "account.partial.refund",
                "prefix": "RF2/",
                "company_id": company_2.id,
            }
        )
        invoice_2 = self._create_paid_invoice(
            [{"price_unit": 100.0}], company=company_2
        )
        # Working in company 1, company 2 allowed too (the company switcher).
        companies = self.invoice.company_id | company_2
        invoice_2 = invoice_2.with_context(allowed_company_ids=companies.ids)
        self.assertEqual(invoice_2.env.company, self.invoice.company_id)
        refund_2 = self._refund(invoice_2, [{"line_id": invoice_2.invoice_line_ids.id}])
        self.assertEqual(refund_2.company_id, company_2)
        self.assertTrue(refund_2.name.startswith("RF2/"), refund_2.name)
        refund_1 = self._refund(
            self.invoice, [{"line_id": self.invoice.invoice_line_ids.id}]
        )
        self.assertTrue(refund_1.name.startswith("RFND/"), refund_1.name)
