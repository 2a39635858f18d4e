# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import PartialRefundCommon

TODAY = date(2019, 2, 1)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestManualRefunds(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref(
            "invoice_partial_refund.mail_activity_type_manual_refund"
        )
        accountant_group = cls.env.ref("account.group_account_manager")
        cls.salesperson = cls._create_user("salesperson", accountant_group)
        cls.responsible = cls._create_user("responsible", accountant_group)
        cls.manager = cls._create_user("manager", accountant_group)
        cls.env.company.write(
            {
                "partial_refund_user_id": cls.responsible.id,
                "partial_refund_delay": 3,
                "partial_refund_escalation_days": 5,
                "partial_refund_manager_id": cls.manager.id,
            }
        )
        cls.partner_a.email = "partner_a@example.com"
        cls.env.user.partner_id.email = "accountant@example.com"

    def _manual_refund(self, salesperson=None, amount=10.0):
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}],
            salesperson=salesperson or self.env["res.users"],
            journal=self.bank_journal,
        )
        return self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "amount": amount}],
            journal_id=self.bank_journal.id,
            date=TODAY,
        )

    def _activities(self, refunds):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "account.partial.refund"),
                ("res_id", "in", refunds.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def test_one_activity_for_the_salesperson(self):
        refund = self._manual_refund(salesperson=self.salesperson)
        self.assertEqual(refund.state, "manual")
        self.assertEqual(refund.manual_due_date, TODAY + timedelta(days=3))
        activity = self._activities(refund)
        self.assertRecordValues(
            activity,
            [
                {
                    "user_id": self.salesperson.id,
                    "date_deadline": TODAY + timedelta(days=3),
                }
            ],
        )
        self.assertIn("11.50", activity.summary)

    def test_company_responsible_without_salesperson(self):
        refund = self._manual_refund(salesperson=False)
        self.assertEqual(self._activities(refund).user_id, self.responsible)

    def test_salesperson_without_access_gets_no_activity(self):
        sales_only = self._create_user("sales_only", self.env.ref("base.group_user"))
        refund = self._manual_refund(salesperson=sales_only)
        self.assertEqual(self._activities(refund).user_id, self.responsible)

    def test_cash_refund_needs_no_reminder(self):
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id}],
            journal_id=self.cash_journal.id,
        )
        self.assertEqual(refund.state, "done")
        self.assertFalse(self._activities(refund))
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_reminder_job_twice_leaves_one_activity(self):
        refund = self._manual_refund(salesperson=self.salesperson)
        Refund = self.env["account.partial.refund"]
        Refund._cron_manual_refund_reminders()
        with freeze_time(TODAY + timedelta(days=1)):
            Refund._cron_manual_refund_reminders()
            Refund._cron_manual_refund_reminders()
        self.assertEqual(len(self._activities(refund)), 1)
        # A lost or duplicated activity is put right.
        self._activities(refund).copy()
        with freeze_time(TODAY + timedelta(days=2)):
            Refund._cron_manual_refund_reminders()
        self.assertEqual(len(self._activities(refund)), 1)
        self._activities(refund).unlink()
        with freeze_time(TODAY + timedelta(days=3)):
            Refund._cron_manual_refund_reminders()
        self.assertEqual(len(self._activities(refund)), 1)

    def test_overdue_deadline_moves_then_escalates(self):
        refund = self._manual_refund(salesperson=self.salesperson)
        Refund = self.env["account.partial.refund"]
        overdue = TODAY + timedelta(days=3 + 2)
        with freeze_time(overdue):
            Refund._cron_manual_refund_reminders()
        activity = self._activities(refund)
        self.assertEqual(activity.date_deadline, overdue)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertFalse(refund.escalated)
        escalation_day = TODAY + timedelta(days=3 + 5)
        with freeze_time(escalation_day):
            Refund._cron_manual_refund_reminders()
        activity = self._activities(refund)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.date_deadline, escalation_day)
        self.assertTrue(refund.escalated)
        self.assertIn("escalated to Manager", refund.message_ids[0].body)
        with freeze_time(escalation_day + timedelta(days=1)):
            Refund._cron_manual_refund_reminders()
        self.assertEqual(
            len(refund.message_ids.filtered(lambda m: "escalated" in (m.body or ""))), 1
        )

    def test_reminder_of_a_user_who_left_goes_to_the_next(self):
        """The salesperson reminded is archived, then the next one leaves the
        company: the daily job hands the reminder on each time (it stays
        one), without an "assigned to you" email."""
        refund = self._manual_refund(salesperson=self.salesperson)
        Refund = self.env["account.partial.refund"]
        self.salesperson.active = False
        mails = self.env["mail.mail"].search_count([])
        with freeze_time(TODAY + timedelta(days=1)):
            Refund._cron_manual_refund_reminders()
        self.assertEqual(self._activities(refund).user_id, self.responsible)
        elsewhere = self.env["res.company"].create({"name": "Elsewhere"})
        self.responsible.write(
            {"company_id": elsewhere.id, "company_ids": [(6, 0, elsewhere.ids)]}
        )
        with freeze_time(TODAY + timedelta(days=2)):
            Refund._cron_manual_refund_reminders()
        activity = self._activities(refund)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, refund.create_uid)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)

    def test_escalation_sends_no_assignment_email(self):
        refund = self._manual_refund(salesperson=self.salesperson)
        mails = self.env["mail.mail"].search_count([])
        with freeze_time(TODAY + timedelta(days=3 + 5)):
            self.env["account.partial.refund"]._cron_manual_refund_reminders()
        self.assertEqual(self._activities(refund).user_id, self.manager)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)

    def test_reminders_work_in_batches(self):
        template = self._manual_refund(salesperson=self.salesperson)
        refunds = template
        for _index in range(24):
            refunds |= template.sudo().copy(
                {"state": "manual", "manual_due_date": TODAY}
            )
        self.assertEqual(len(self._activities(refunds)), 1)
        Refund = self.env["account.partial.refund"]
        calls = []
        # Refunds committed by other tests (the concurrency test's) count too.
        pending = Refund.sudo().search_count([("state", "=", "manual")])
        self.assertGreaterEqual(pending, 25)
        with freeze_time(TODAY + timedelta(days=1)):
            while True:
                done = Refund._cron_manual_refund_reminders(batch_size=10)
                if not done:
                    break
                calls.append(len(done))
        self.assertEqual(
            calls, [10] * (pending // 10) + ([pending % 10] if pending % 10 else [])
        )
        activities = self._activities(refunds)
        self.assertEqual(len(activities), 25)
        self.assertEqual(set(activities.mapped("res_id")), set(refunds.ids))

    def test_mark_as_refunded(self):
        refund = self._manual_refund(salesperson=self.salesperson)
        action = refund.action_open_confirm_wizard()
        wizard_form = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        )
        wizard_form.reference = "TRF-2019-0042"
        wizard_form.means = "bank_transfer"
        wizard_form.date = TODAY
        wizard_form.save().action_confirm()
        self.assertRecordValues(
            refund,
            [
                {
                    "state": "done",
                    "manual_refund_reference": "TRF-2019-0042",
                    "manual_refund_means": "bank_transfer",
                    "manual_refund_date": TODAY,
                }
            ],
        )
        self.assertFalse(self._activities(refund), "the reminder is closed")
        # Confirming records that the money was sent; the books, settled when
        # the refund was made, stay as they were.
        self.assertRefundSettled(refund)
        self.assertEqual(refund.payment_id.state, "in_process")
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        done_message = refund.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.activity_type
        )
        self.assertIn("TRF-2019-0042", done_message.body)
        with self.assertRaisesRegex(UserError, "not awaiting a manual refund"):
            refund._confirm_manual_refund(TODAY, "again", "cheque")
        # Its Mark as refunded (over RPC: the button is hidden) opens nothing.
        with self.assertRaisesRegex(UserError, "not awaiting a manual refund"):
            refund.action_open_confirm_wizard()

    def test_mark_as_refunded_checks_how_and_when(self):
        """How the money was sent is one of the choices, and when is between
        the refund's date and today (a later day is a typo, or money not sent
        yet); refused, nothing is written and the reminder stays."""
        refund = self._manual_refund(salesperson=self.salesperson)
        Confirm = self.env["account.partial.refund.confirm.wizard"]
        sent_between = "was sent between the refund's date, .*, and today"
        for values, message in (
            ({"means": "bitcoin", "date": TODAY}, "Say how the money was sent"),
            ({"means": "cheque", "date": TODAY - timedelta(days=1)}, sent_between),
            ({"means": "cheque", "date": TODAY + timedelta(days=1)}, sent_between),
            ({"means": "cheque", "date": "2099-01-01"}, sent_between),
        ):
            with self.subTest(values=values):
                wizard = Confirm.create(
                    {"refund_id": refund.id, "reference": "X-1", **values}
                )
                with self.assertRaisesRegex(UserError, message):
                    wizard.action_confirm()
                self.assertEqual(refund.state, "manual")
                self.assertFalse(refund.manual_refund_reference)
                self.assertTrue(self._activities(refund))

    def test_entries_follow_the_refund(self):
        """Odoo's Reset to Draft and Cancel on the refund's credit note or
        payment would leave the refund counting entries that book nothing:
        refused, pointing to Cancel refund, the books unchanged."""
        refund = self._manual_refund(salesperson=self.salesperson, amount=40.0)
        credit_note, payment = refund.credit_note_id, refund.payment_id
        # Not offered where refused.
        for move in credit_note | payment.move_id:
            self.assertFalse(move.show_reset_to_draft_button)
        calls = (
            credit_note.button_draft,
            credit_note.button_cancel,
            payment.action_draft,
            payment.action_cancel,
            payment.action_reject,
            payment.move_id.button_draft,
        )
        for call in calls:
            with self.subTest(call=call.__name__):
                with self.assertRaisesRegex(UserError, "click Cancel refund"):
                    call()
                self.assertEqual(credit_note.state, "posted")
                self.assertEqual(payment.move_id.state, "posted")
                self.assertRefundSettled(refund)
        # Odoo's own reversal (Reverse, and Reverse and create invoice)
        # neither: it would settle the credit note instead of the payment.
        Reversal = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=credit_note.ids
        )
        for method in ("refund_moves", "modify_moves"):
            with self.subTest(call=method):
                wizard = Reversal.create(
                    {"journal_id": credit_note.journal_id.id, "date": TODAY}
                )
                with self.assertRaisesRegex(UserError, "click Cancel refund"):
                    getattr(wizard, method)()
                self.assertFalse(credit_note.reversal_move_ids)
                self.assertRefundSettled(refund)
        # Cancelled, the refund's entries are undone by reversals, and stay
        # so: reset, the credit note (or the payment) would be open again, a
        # credit the customer could use on a refundable invoice.
        refund.action_cancel_refund()
        balance = self._partner_balance()
        reversals = (credit_note | payment.move_id).reversal_move_ids
        self.assertEqual(len(reversals), 2)
        (credit_note | payment.move_id | reversals).invalidate_recordset()
        for move in credit_note | payment.move_id | reversals:
            self.assertFalse(move.show_reset_to_draft_button)
        for move in credit_note | payment.move_id | reversals:
            for name in ("button_draft", "button_cancel"):
                with self.subTest(move=move.name, call=name):
                    with self.assertRaisesRegex(
                        UserError, f"cancelled partial refund {refund.name}"
                    ):
                        getattr(move, name)()
                    self.assertEqual(move.state, "posted")
                    self.assertEqual(credit_note.amount_residual, 0.0)
                    self.assertAlmostEqual(self._partner_balance(), balance)
        for name in ("action_draft", "action_cancel", "action_reject"):
            with self.subTest(call=name):
                with self.assertRaisesRegex(
                    UserError, f"cancelled partial refund {refund.name}"
                ):
                    getattr(payment, name)()
                self.assertEqual(payment.state, "canceled")
        self.assertAlmostEqual(refund.line_ids.invoice_line_id.refundable_amount, 100.0)

    def test_entries_stay_matched_on_the_customer_account(self):
        """Unmatched from its refund payment (the credit note's payment
        widget, any unreconciliation), a refund's credit note would be a
        credit the customer could use, or be paid again, beside the money
        sent: refused, for Billing users too, the books unchanged; and once
        the refund is cancelled, from the reversal that undid it. The refund
        payment's own bank reconciliation stays the user's to undo."""
        refund = self._manual_refund(salesperson=self.salesperson, amount=40.0)
        credit_note, payment = refund.credit_note_id, refund.payment_id

        def receivable(move):
            return move.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            )

        partial = receivable(credit_note).matched_debit_ids
        self.assertEqual(partial.debit_move_id, receivable(payment.move_id))
        balance = self._partner_balance()
        billing = self._create_user(
            "billing_clerk", self.env.ref("account.group_account_invoice")
        )
        for user in (self.env.user, billing):
            calls = {
                "js_remove_outstanding_partial": lambda user=user: (
                    credit_note.with_user(user).js_remove_outstanding_partial(
                        partial.id
                    )
                ),
                "remove_move_reconcile[credit note]": receivable(credit_note)
                .with_user(user)
                .remove_move_reconcile,
                "remove_move_reconcile[payment]": receivable(payment.move_id)
                .with_user(user)
                .remove_move_reconcile,
            }
            for name, call in calls.items():
                with self.subTest(user=user.login, call=name):
                    with self.assertRaisesRegex(
                        UserError, f"belongs to the partial refund {refund.name}"
                    ):
                        call()
                    self.assertTrue(partial.exists())
                    self.assertRefundSettled(refund)
                    self.assertEqual(credit_note.payment_state, "paid")
                    self.assertAlmostEqual(self._partner_balance(), balance)
        # The payment matched with the bank's side of it (a statement, here
        # an entry by hand on its outstanding account), then unmatched.
        outstanding = payment.move_id.line_ids.filtered(
            lambda line: line.account_id == payment.outstanding_account_id
        )
        bank_side = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": TODAY,
                "journal_id": self.bank_journal.id,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": outstanding.account_id.id,
                            "debit": -outstanding.balance,
                        }
                    ),
                    Command.create(
                        {
                            "account_id": self.bank_journal.default_account_id.id,
                            "credit": -outstanding.balance,
                        }
                    ),
                ],
            }
        )
        bank_side.action_post()
        (outstanding | bank_side.line_ids[0]).reconcile()
        self.assertTrue(outstanding.reconciled)
        outstanding.remove_move_reconcile()
        self.assertFalse(outstanding.reconciled)
        self.assertRefundSettled(refund)
        # Cancelled: the credit note stays matched with its reversal.
        refund.action_cancel_refund()
        reversal = credit_note.reversal_move_ids
        self.assertEqual(
            receivable(credit_note).matched_debit_ids.debit_move_id.move_id, reversal
        )
        balance = self._partner_balance()
        for line in receivable(credit_note) | receivable(reversal):
            with self.subTest(move=line.move_id.name):
                with self.assertRaisesRegex(
                    UserError, f"cancelled partial refund {refund.name}"
                ):
                    line.remove_move_reconcile()
                self.assertEqual(credit_note.amount_residual, 0.0)
                self.assertEqual(reversal.amount_residual, 0.0)
                self.assertAlmostEqual(self._partner_balance(), balance)

    def test_refunded_invoice_stays_posted(self):
        """Reset to draft (or cancelled), a refunded invoice's lines could be
        changed under the money sent back and it would no longer be paid;
        Odoo's Credit Note of all of it (Reverse, Reverse and create invoice)
        would credit the refunded line again, left as the customer's credit:
        refused while a refund stands, for Billing users too; allowed once
        the refunds are cancelled."""
        refund = self._manual_refund(salesperson=self.salesperson, amount=40.0)
        invoice = refund.move_id
        billing = self._create_user(
            "billing_clerk", self.env.ref("account.group_account_invoice")
        )
        for user in (self.env.user, billing):
            Reversal = (
                self.env["account.move.reversal"]
                .with_user(user)
                .with_context(active_model="account.move", active_ids=invoice.ids)
            )
            calls = {
                "button_draft": invoice.with_user(user).button_draft,
                "button_cancel": invoice.with_user(user).button_cancel,
            }
            for method in ("refund_moves", "modify_moves"):
                wizard = Reversal.create(
                    {"journal_id": invoice.journal_id.id, "date": TODAY}
                )
                calls[method] = getattr(wizard, method)
            for name, call in calls.items():
                with self.subTest(user=user.login, call=name):
                    with self.assertRaisesRegex(
                        UserError, f"{refund.name}.*click Cancel refund"
                    ):
                        call()
                    self.assertEqual(invoice.state, "posted")
                    self.assertEqual(invoice.payment_state, "paid")
                    self.assertEqual(invoice.reversal_move_ids, refund.credit_note_id)
                    self.assertRefundSettled(refund)
        self.assertFalse(invoice.show_reset_to_draft_button)
        refund.action_cancel_refund()
        invoice.invalidate_recordset(["show_reset_to_draft_button"])
        self.assertTrue(invoice.show_reset_to_draft_button)
        invoice.button_draft()
        self.assertEqual(invoice.state, "draft")

    def test_what_paid_a_refunded_invoice_stays_matched(self):
        """The customer's payment funded the money a refund sent back:
        unmatched from the invoice (its Reset to Draft or Cancel, the
        invoice's payment widget, any unreconciliation), the invoice would
        be owed again in full while that money stays sent. Refused while a
        refund stands, for Billing users too, the books unchanged; allowed
        once the refunds are cancelled."""
        refund = self._manual_refund(salesperson=self.salesperson, amount=40.0)
        invoice = refund.move_id
        payment = invoice._get_reconciled_payments()
        self.assertEqual(len(payment), 1)
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        partial = receivable.matched_credit_ids
        self.assertEqual(partial.credit_move_id.move_id, payment.move_id)
        balance, state = self._partner_balance(), payment.state
        billing = self._create_user(
            "billing_clerk", self.env.ref("account.group_account_invoice")
        )
        for user in (self.env.user, billing):
            paid = payment.with_user(user)
            calls = {
                "action_draft": paid.action_draft,
                "action_cancel": paid.action_cancel,
                "action_reject": paid.action_reject,
                "button_draft": paid.move_id.button_draft,
                "js_remove_outstanding_partial": lambda user=user: invoice.with_user(
                    user
                ).js_remove_outstanding_partial(partial.id),
                "remove_move_reconcile": receivable.with_user(
                    user
                ).remove_move_reconcile,
            }
            for name, call in calls.items():
                with self.subTest(user=user.login, call=name):
                    with self.assertRaisesRegex(
                        UserError, f"{refund.name}.*what paid it.*Cancel refund"
                    ):
                        call()
                    self.assertTrue(partial.exists())
                    self.assertEqual(payment.state, state)
                    self.assertEqual(payment.move_id.state, "posted")
                    self.assertEqual(invoice.payment_state, "paid")
                    self.assertEqual(invoice.amount_residual, 0.0)
                    self.assertAlmostEqual(self._partner_balance(), balance)
                    self.assertRefundSettled(refund)
        refund.action_cancel_refund()
        payment.action_draft()
        self.assertEqual(payment.state, "draft")
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertAlmostEqual(invoice.amount_residual, invoice.amount_total)
        # The refund's entries reversed, the payment undone: owed in full.
        self.assertAlmostEqual(self._partner_balance(), balance + invoice.amount_total)

    def test_payment_of_two_invoices_stays_matched_with_the_refunded_one(self):
        """One payment of two invoices, one of them partly refunded: the
        other is unmatched from it freely; the payment itself stays posted."""
        refunded, other = (
            self._create_paid_invoice([{"price_unit": price}], pay=False)
            for price in (100.0, 50.0)
        )
        payment = self._pay(refunded | other, self.bank_journal, group_payment=True)
        refund = self._refund(
            refunded,
            [{"line_id": refunded.invoice_line_ids.id, "amount": 40.0}],
            journal_id=self.bank_journal.id,
            date=TODAY,
        )
        state, balance = payment.state, self._partner_balance()
        self.assertAlmostEqual(balance, 0.0)
        with self.assertRaisesRegex(UserError, f"{refund.name}.*what paid it"):
            payment.action_draft()
        self.assertEqual(payment.state, state)
        self.assertAlmostEqual(self._partner_balance(), balance)
        self.assertEqual(refunded.payment_state, "paid")
        self.assertEqual(other.payment_state, "paid")
        partial = other.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).matched_credit_ids
        other.js_remove_outstanding_partial(partial.id)
        self.assertEqual(other.payment_state, "not_paid")
        self.assertEqual(refunded.payment_state, "paid")
        self.assertRefundSettled(refund)
        # Unmatched, not undone: the payment's 57.50 is the customer's credit.
        self.assertAlmostEqual(self._partner_balance(), balance)

    def test_cancel_refund_reverses_the_books(self):
        refund = self._manual_refund(salesperson=self.salesperson, amount=40.0)
        line = refund.line_ids.invoice_line_id
        self.assertAlmostEqual(line.refundable_amount, 60.0)
        credit_note, payment = refund.credit_note_id, refund.payment_id
        self.assertTrue(refund.can_cancel, "Cancel refund is shown")
        refund.action_cancel_refund()
        self.assertEqual(refund.state, "cancelled")
        self.assertEqual(payment.state, "canceled")
        # Never deleted nor reset to draft: the payment's entry stays posted
        # and a posted reversal, reconciled with it, cancels it.
        self.assertEqual(payment.move_id.state, "posted")
        payment_reversal = payment.move_id.reversal_move_ids
        self.assertEqual(payment_reversal.state, "posted")
        self.assertTrue(
            all(
                payment.move_id.line_ids.filtered(
                    lambda line: line.account_id.reconcile
                ).mapped("reconciled")
            )
        )
        self.assertEqual(
            credit_note.state, "posted", "a posted credit note is never deleted"
        )
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
        reversal = credit_note.reversal_move_ids
        self.assertEqual(reversal.move_type, "out_invoice")
        self.assertAlmostEqual(reversal.amount_total, credit_note.amount_total)
        self.assertTrue(credit_note.currency_id.is_zero(reversal.amount_residual))
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertFalse(self._open_receivable_lines())
        self.assertAlmostEqual(line.refundable_amount, 100.0, msg="refundable again")
        self.assertFalse(self._activities(refund))
        self.assertFalse(refund.can_cancel, "Cancel refund is hidden")
        with self.assertRaisesRegex(
            UserError, "Only a refund awaiting a manual refund"
        ):
            refund.action_cancel_refund()

    def test_cancel_refund_with_a_tax_on_a_reconcilable_account(self):
        """A sale tax booked on a reconcilable account: Odoo matches the
        credit note's tax line with the invoice's when posting it, and the
        cancellation's reversal unmatches them; the refund is cancelled, the
        books back as before it."""
        tax = self.company_data["default_tax_sale"].copy({"name": "Tax reconciled"})
        tax_account = tax.invoice_repartition_line_ids.filtered(
            lambda rep: rep.repartition_type == "tax"
        ).account_id
        tax_account.reconcile = True
        invoice = self._create_paid_invoice(
            [{"price_unit": 10.03, "quantity": 7, "tax_ids": tax.ids}],
            journal=self.bank_journal,
        )
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "quantity": 2}],
            journal_id=self.bank_journal.id,
            date=TODAY,
        )
        tax_lines = (invoice | refund.credit_note_id).line_ids.filtered("tax_line_id")
        self.assertTrue(tax_lines.matched_debit_ids | tax_lines.matched_credit_ids)
        refund.action_cancel_refund()
        self.assertEqual(refund.state, "cancelled")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertAlmostEqual(
            sum(
                self.env["account.move.line"]
                .search([("account_id", "=", tax_account.id)])
                .mapped("balance")
            ),
            sum(invoice.line_ids.filtered("tax_line_id").mapped("balance")),
        )
        self.assertAlmostEqual(
            invoice.invoice_line_ids.refundable_amount, invoice.amount_untaxed
        )

    def test_done_refund_cannot_be_cancelled(self):
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id}],
            journal_id=self.cash_journal.id,
        )
        with self.assertRaisesRegex(
            UserError, "Only a refund awaiting a manual refund"
        ):
            refund.action_cancel_refund()
        self.assertRefundSettled(refund)
        self.assertNotEqual(refund.payment_id.state, "canceled")

    def test_credit_note_in_invoice_analysis(self):
        refund = self._manual_refund()
        credit_note = refund.credit_note_id
        self.env.flush_all()
        rows = self.env["account.invoice.report"].search(
            [("move_id", "=", credit_note.id)]
        )
        self.assertEqual(rows.move_type, "out_refund")
        self.assertAlmostEqual(sum(rows.mapped("price_subtotal")), -10.0)
        self.assertEqual(credit_note.reversed_entry_id, refund.move_id)
        self.assertIn(credit_note, refund.move_id.reversal_move_ids)
        ledger_lines = self.env["account.move.line"].search(
            [("partner_id", "=", self.partner_a.id), ("move_id", "=", credit_note.id)]
        )
        # In the customer's ledger: the credit note's receivable line, settled
        # by the refund payment.
        receivable = ledger_lines.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(receivable.balance, -refund.amount_total)
        self.assertTrue(receivable.reconciled)

    def test_customer_email_only_once_refunded(self):
        self.env.company.partial_refund_notify_customer = True
        refund = self._manual_refund(salesperson=self.salesperson)
        template = self.env.ref(
            "invoice_partial_refund.mail_template_partial_refund_done"
        )

        def customer_mails():
            return (
                self.env["mail.mail"]
                .search([("model", "=", refund._name), ("res_id", "=", refund.id)])
                .filtered(lambda mail: self.partner_a in mail.recipient_ids)
            )

        self.assertFalse(customer_mails(), "nothing before the money is sent")
        refund._confirm_manual_refund(fields.Date.today(), "TRF-1", "bank_transfer")
        mail = customer_mails()
        self.assertEqual(len(mail), 1)
        self.assertIn(refund.move_id.name, mail.subject)
        self.assertIn(refund.credit_note_id.name, mail.body_html)
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertTrue(refund.customer_notified)
        refund._notify_customer()
        self.assertEqual(len(customer_mails()), 1, "sent once")
        self.assertEqual(template.model, refund._name)

    def test_no_email_when_disabled(self):
        refund = self._manual_refund()
        refund._confirm_manual_refund(fields.Date.today(), "TRF-1", "cheque")
        self.assertEqual(refund.state, "done")
        self.assertFalse(refund.customer_notified)
        self.assertFalse(
            self.env["mail.mail"]
            .search([("model", "=", refund._name), ("res_id", "=", refund.id)])
            .filtered(lambda mail: self.partner_a in mail.recipient_ids)
        )
