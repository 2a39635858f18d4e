# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.modules.migration import load_script
from odoo.tests import Form, tagged

from odoo.addons.account_payment.tests.common import AccountPaymentCommon

from ..gateways import InvalidWebhook
from ..gateways.stripe_gateway import StripeGateway
from .common import PartialRefundCommon
from .fake_gateways import DROP_AFTER_CREATE, FakeGoCardless, FakeStripe


class GatewayRefundCommon(PartialRefundCommon, AccountPaymentCommon):
    """Invoices paid through Stripe (Odoo's payment flow) and GoCardless
    (recorded payment ids), refunded against fake gateways on 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's payment flow posts on the invoice as the current user.
        cls.env.user.partner_id.email = "accountant@example.com"
        cls.partner_a.email = "partner_a@example.com"
        cls.fake_stripe = FakeStripe().start()
        cls.addClassCleanup(cls.fake_stripe.stop)
        cls.fake_gocardless = FakeGoCardless().start()
        cls.addClassCleanup(cls.fake_gocardless.stop)
        cls.stripe = cls._prepare_provider(
            "stripe",
            update_values={
                "stripe_secret_key": cls.fake_stripe.secret,
                "stripe_publishable_key": "pk_test_fake",
                "partial_refund_webhook_secret": cls.fake_stripe.webhook_secret,
                "partial_refund_api_base": cls.fake_stripe.url,
            },
        )
        cls.stripe.journal_id = cls.bank_journal
        cls.company_data["company"].write(
            {
                "partial_refund_gocardless_access_token": cls.fake_gocardless.secret,
                "partial_refund_gocardless_webhook_secret": (
                    cls.fake_gocardless.webhook_secret
                ),
                "partial_refund_gocardless_api_base": cls.fake_gocardless.url,
            }
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "invoice_partial_refund.gateway_timeout", "1"
        )

    def setUp(self):
        super().setUp()
        for fake in (self.fake_stripe, self.fake_gocardless):
            fake.reset()
        self.fake_stripe.refund_status = "succeeded"
        self.fake_gocardless.refund_status = "created"
        self.fake_gocardless.refunds_enabled = True

    def _run_gateway_job(self):
        """Run the gateway job as a cron worker does once the refund is
        committed (it sends the shares, looks them up, syncs them)."""
        self.env["account.partial.refund.gateway"]._cron_sync_gateway_refunds()

    def _minor(self, amount, currency=None):
        currency = currency or self.env.company.currency_id
        return round(amount * 10**currency.decimal_places)

    def _pay_with_stripe(self, invoice, amount=None, provider=None, fake=None):
        """Pay the invoice through a Stripe transaction, as the payment flow
        does; return the PaymentIntent id.

        :param provider: the Stripe provider, the company's by default
            (``self.stripe``), with ``fake`` the fake Stripe behind it
        """
        amount = amount or invoice.amount_residual
        provider, fake = provider or self.stripe, fake or self.fake_stripe
        intent = fake.add_payment_intent(
            self._minor(amount, invoice.currency_id), invoice.currency_id.name
        )
        tx = (
            self.env["payment.transaction"]
            .with_company(provider.company_id)
            .create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": self.env.ref("payment.payment_method_card").id,
                    "reference": f"TX-{intent}",
                    "amount": amount,
                    "currency_id": invoice.currency_id.id,
                    "partner_id": invoice.partner_id.id,
                    "operation": "online_direct",
                    "provider_reference": intent,
                    "invoice_ids": [Command.set(invoice.ids)],
                }
            )
        )
        tx._set_done()
        tx._post_process()
        return intent

    def _stripe_refund(self, amount):
        """A Stripe-paid invoice of 100 (115 with tax) and a refund of
        ``amount`` requested on it, not sent yet."""
        invoice, intent = self._create_stripe_paid_invoice([{"price_unit": 100.0}])
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": amount}]
        )
        return invoice, intent, refund

    def _create_stripe_paid_invoice(self, lines, currency=None):
        invoice = self._create_paid_invoice(lines, currency=currency, pay=False)
        intent = self._pay_with_stripe(invoice)
        self.assertEqual(invoice.payment_state, "paid")
        return invoice, intent

    def _create_gocardless_paid_invoice(self, lines):
        invoice = self._create_paid_invoice(lines, pay=False)
        mandate_payment = self.fake_gocardless.add_payment(
            self._minor(invoice.amount_total), "USD"
        )
        payment = self._pay(invoice, self.bank_journal)
        payment.write(
            {
                "refund_gateway": "gocardless",
                "refund_gateway_reference": mandate_payment,
            }
        )
        return invoice, mandate_payment

    def _branch(self):
        """A branch of the company, the current user allowed in both."""
        root = self.env.company
        root.write({"child_ids": [Command.create({"name": "Stripe Branch"})]})
        self.env.cr.precommit.run()  # the branch's accounting
        branch = root.child_ids
        self.env.user.company_ids |= branch
        self.env = self.env(
            context=dict(self.env.context, allowed_company_ids=(root | branch).ids)
        )
        return root, branch

    def assertBranchRefundBooked(self, refund, root, branch):
        self.assertEqual(refund.state, "done")
        self.assertEqual(refund.gateway_ids.refund_payment_id.company_id, branch)
        self.assertRefundSettled_any(refund)
        # The parent may have received the money, the branch billed and
        # refunded it.
        self.assertAlmostEqual(
            self._partner_balance(company=root) + self._partner_balance(company=branch),
            0.0,
        )

    def _gocardless_refund_paid(self, refund, minor_amount):
        """Send ``refund``'s GoCardless share (pending: GoCardless pays it
        out later), then GoCardless's webhook: paid."""
        self._run_gateway_job()
        self.assertEqual(
            (refund.gateway_ids.state, refund.state), ("pending", "pending")
        )
        (gc_refund,) = self.fake_gocardless.refunds.values()
        self.assertEqual(gc_refund["amount"], minor_amount)
        payload, headers = self.fake_gocardless.signed_webhook(
            [{"action": "paid", "refund": gc_refund["id"]}]
        )
        self.fake_gocardless.set_status(gc_refund["id"], "paid")
        self.assertTrue(self._post_webhook("gocardless", payload, headers))

    def _stripe_refund_failed(
        self, share, reason="expired_or_canceled_card", event="refund.failed"
    ):
        """Stripe fails ``share``'s refund (``reason``; the money came back,
        if it had gone) and says so by its signed webhook ``event``: True when
        the event was processed now (not a duplicate)."""
        stored = self.fake_stripe.set_status(share.gateway_reference, "failed", reason)
        payload, headers = self.fake_stripe.signed_event(event, stored)
        return self._post_webhook("stripe", payload, headers)

    def _post_webhook(self, gateway, payload, headers):
        """What the webhook route does with a request; True when every event
        was processed now (not a duplicate)."""
        Event = self.env["account.partial.refund.webhook.event"].sudo()
        return all(Event._handle_webhook(gateway, payload, headers))

    def _assert_refused_look_up_waits(
        self, refund, refunded, change, answered="succeeded"
    ):
        """``refund``'s gateway share is made at the gateway but its answer
        lost; then ``change()`` makes the gateway refuse to be asked (a
        rotated key, a second provider): the share waits, nothing is owed by
        hand, until the gateway can be asked again (``change`` undone)."""
        share = refund.gateway_ids
        self.assertEqual(share.state, "requested")
        self.assertEqual(refunded(), 2300, "made at the gateway, answer lost")
        undo = change()
        share.sudo().last_sync_date = False
        self._run_gateway_job()
        self.assertEqual((share.state, refund.state), ("requested", "requested"))
        self.assertFalse(share.manual_fallback)
        self.assertTrue(share.last_error)
        self.assertFalse(share.refund_payment_id)
        self.assertFalse(refund.payment_id)
        self.assertEqual(refund._manual_amount(), 0.0)
        self.assertFalse(refund.activity_ids)
        undo()
        share.sudo().last_sync_date = False
        self._run_gateway_job()
        self.assertEqual(share.state, answered)
        self.assertEqual(refunded(), 2300, "found by its key, not refunded again")
        self.assertFalse(share.manual_fallback)
        if answered == "succeeded":
            self.assertBooked(refund)

    def _assert_rotated_key_waits(self, refund, intent):
        """`_assert_refused_look_up_waits` with the Stripe key rotated: the
        PaymentIntent ``intent`` was refunded at Stripe, its answer lost."""
        secret = self.fake_stripe.secret

        def rotate():
            self.fake_stripe.secret = "sk_rotated"
            return lambda: setattr(self.fake_stripe, "secret", secret)

        self.addCleanup(setattr, self.fake_stripe, "secret", secret)
        self._assert_refused_look_up_waits(
            refund, lambda: self.fake_stripe.refunded(intent), rotate
        )

    def assertBooked(self, refund):
        """Every share of the refund is paid and reconciled with the credit
        note; the customer's balance is back where it was."""
        self.assertRefundSettled_any(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def assertReturnBooked(self, share, first_payment):
        """A gateway refund returned after it succeeded: its payment stays as
        booked, the return is booked today by an inbound payment, which the
        manual fallback payment settles."""
        self.assertEqual(first_payment.move_id.state, "posted")
        self.assertNotEqual(first_payment.state, "canceled")
        self.assertEqual(share.returned_from_payment_id, first_payment)
        returned = share.returned_payment_id
        self.assertRecordValues(
            returned,
            [
                {
                    "payment_type": "inbound",
                    "amount": first_payment.amount,
                    "journal_id": first_payment.journal_id.id,
                    "date": fields.Date.context_today(returned),
                }
            ],
        )
        fallback = share.refund_payment_id
        self.assertNotEqual(fallback, first_payment)
        # Sent by hand from now on: dated today like the return, not at the
        # refund's date, whose period may be closed by then.
        self.assertEqual(fallback.date, returned.date)
        receivable = (first_payment | returned | fallback).move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(all(receivable.mapped("reconciled")))

    def assertRefundSettled_any(self, refund):
        credit_note = refund.credit_note_id
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
        payments = refund.payment_id | refund.gateway_ids.refund_payment_id
        self.assertAlmostEqual(sum(payments.mapped("amount")), refund.amount_total)
        receivable = (credit_note.line_ids | payments.move_id.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(all(receivable.mapped("reconciled")))


@tagged("post_install", "-at_install")
class TestStripeRefunds(GatewayRefundCommon):
    def _stripe_and_bank_refund_of_100(self):
        """An invoice of 230 paid 50 through Stripe and the rest by bank,
        refunded 100 (115.00): Stripe's 50 requested, the bank's 65 by hand.
        Return ``(invoice, PaymentIntent id, refund)``."""
        invoice = self._create_paid_invoice([{"price_unit": 200.0}], pay=False)
        intent = self._pay_with_stripe(invoice, amount=50.0)
        self._pay(invoice, self.bank_journal)
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 100.0}]
        )
        return invoice, intent, refund

    def test_branch_invoice_paid_through_the_parent_provider(self):
        """A branch's invoice paid through its parent company's Stripe (the
        payment the parent's): refunded through it, the refund payment the
        branch's, as its other payments; settled."""
        root, branch = self._branch()
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}], company=branch, pay=False
        )
        intent = self._pay_with_stripe(invoice)
        self.assertEqual(invoice.payment_state, "paid")
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 40.0}]
        )
        self.assertEqual(refund.gateway_ids.source_payment_id.company_id, root)
        self._run_gateway_job()
        self.assertEqual(self.fake_stripe.refunded(intent), 4600)
        self.assertBranchRefundBooked(refund, root, branch)
        # The parent's account signs the events of its branches' refunds.
        share = refund.gateway_ids
        self.assertTrue(self._stripe_refund_failed(share))
        self.assertRecordValues(share, [{"state": "failed", "manual_fallback": True}])
        self.assertEqual(refund.state, "manual")

    def test_branch_payment_recording_an_intent_of_the_parent_account(self):
        """A branch's payment recording a PaymentIntent, the branch without a
        Stripe account of its own: refunded through its parent's."""
        root, branch = self._branch()
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}], company=branch, pay=False
        )
        payment = self._pay(invoice, self.bank_journal)
        self.assertEqual(payment.company_id, branch)
        intent = self.fake_stripe.add_payment_intent(11500, "usd")
        payment.write({"refund_gateway": "stripe", "refund_gateway_reference": intent})
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 10.0}]
        )
        self._run_gateway_job()
        self.assertEqual(self.fake_stripe.refunded(intent), 1150)
        self.assertBranchRefundBooked(refund, root, branch)

    def test_stripe_paid_invoice_refunded_twice(self):
        invoice, intent = self._create_stripe_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 40.0}]
        )
        line_1, line_2 = invoice.invoice_line_ids
        first = self._refund(invoice, [{"line_id": line_1.id, "amount": 30.0}])
        share = first.gateway_ids
        self.assertRecordValues(
            share, [{"gateway": "stripe", "state": "requested", "amount": 34.5}]
        )
        self.assertEqual(first.state, "requested")
        self.assertFalse(first.payment_id, "no manual payment: Stripe takes it all")
        self.assertFalse(self.fake_stripe.refunds, "nothing is sent by the request")
        self._run_gateway_job()
        self.assertEqual(share.state, "succeeded")
        self.assertEqual(first.state, "done")
        (stripe_refund,) = self.fake_stripe.refunds.values()
        self.assertEqual(stripe_refund["amount"], 3450)
        self.assertEqual(stripe_refund["payment_intent"], intent)
        self.assertEqual(stripe_refund["metadata"]["odoo_refund"], first.name)
        self.assertEqual(
            stripe_refund["metadata"]["odoo_credit_note"], first.credit_note_id.name
        )
        self.assertEqual(
            stripe_refund["metadata"]["idempotency_key"], share.idempotency_key
        )
        # Registered as Odoo's refund transaction of the Stripe payment.
        self.assertRecordValues(
            share.transaction_id,
            [
                {
                    "operation": "refund",
                    "provider_reference": stripe_refund["id"],
                    "state": "done",
                    "amount": -34.5,
                }
            ],
        )
        self.assertEqual(share.transaction_id.payment_id, share.refund_payment_id)
        self.assertEqual(share.transaction_id.invoice_ids, first.credit_note_id)
        self.assertBooked(first)

        second = self._refund(invoice, [{"line_id": line_2.id}])
        self._run_gateway_job()
        self.assertEqual(second.state, "done")
        self.assertNotEqual(second.gateway_ids.idempotency_key, share.idempotency_key)
        self.assertEqual(self.fake_stripe.refunded(intent), 3450 + 4600)
        self.assertBooked(second)

    def test_idempotency_key_of_a_restored_database_is_new(self):
        """A database restored from a backup (same uuid) gives its next gateway
        refund the id of one the gateway already refunded: its key is new,
        never the refunded one's (the gateway would refuse it forever)."""
        invoice, _intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        key, share_id = share.idempotency_key, share.id
        sequence = "account_partial_refund_gateway_id_seq"
        self.env.cr.execute("SELECT last_value FROM " + sequence)
        (last_value,) = self.env.cr.fetchone()
        try:
            # The backup's state: the share does not exist yet.
            share.sudo().unlink()
            self.env.cr.execute("SELECT setval(%s, %s)", [sequence, share_id - 1])
            again = self._refund(
                invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 10.0}]
            ).gateway_ids
        finally:
            self.env.cr.execute("SELECT setval(%s, %s)", [sequence, last_value])
        self.assertEqual(again.id, share_id)
        self.assertNotEqual(again.idempotency_key, key)

    def test_payment_stripe_webhook_does_not_book_it_twice(self):
        invoice, _intent, refund = self._stripe_refund(10.0)
        self._run_gateway_job()
        tx = refund.gateway_ids.transaction_id
        stripe_refund = self.fake_stripe.refunds[tx.provider_reference]
        # What payment_stripe's controller hands over for charge.refund.updated.
        self.env["payment.transaction"]._handle_notification_data(
            "stripe",
            {
                "event_type": "charge.refund.updated",
                "object_id": stripe_refund["id"],
                "refund": stripe_refund,
            },
        )
        refund_txs = self.env["payment.transaction"].search(
            [("operation", "=", "refund"), ("provider_id", "=", self.stripe.id)]
        )
        self.assertEqual(refund_txs, tx)
        self.assertEqual(
            self.env["account.payment"].search_count(
                [
                    ("payment_type", "=", "outbound"),
                    ("partner_id", "=", self.partner_a.id),
                ]
            ),
            1,
        )
        self.assertBooked(refund)

    def test_repeated_send_makes_one_refund(self):
        invoice, intent, refund = self._stripe_refund(50.0)
        share = refund.gateway_ids
        self._run_gateway_job()
        self._run_gateway_job()  # a repeated run: nothing left to send
        share._send()  # a repeated send: nothing left to send
        share.sudo().state = "requested"  # as if the first answer had been lost
        share._send()  # the same key: the gateway answers the same refund
        self.assertEqual(len(self.fake_stripe.refunds), 1)
        self.assertEqual(self.fake_stripe.refunded(intent), 5750)
        # Booked once: one refund payment, settling the credit note.
        self.assertEqual(len(share.refund_payment_id), 1)
        self.assertBooked(refund)

    def test_crash_after_success_is_recovered_by_the_cron(self):
        invoice, intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids

        class Crash(Exception):
            pass

        # The gateway refunds, then the transaction that books it dies.
        with self.assertRaises(Crash), self.env.cr.savepoint():
            self._run_gateway_job()
            self.assertEqual(share.state, "succeeded")
            raise Crash
        share.invalidate_recordset()
        refund.invalidate_recordset()
        self.assertEqual(share.state, "requested")
        self.assertEqual(len(self.fake_stripe.refunds), 1)

        self._run_gateway_job()
        self.assertEqual(share.state, "succeeded")
        self.assertEqual(
            len(self.fake_stripe.refunds), 1, "found by its key, not resent"
        )
        self.assertEqual(refund.state, "done")
        self.assertBooked(refund)

    def test_worker_killed_after_the_answer_then_a_refused_look_up(self):
        """The worker dies after Stripe refunded and before the job committed
        its answer (kill -9, a time limit): all since the job's last commit
        is lost, but the attempt was committed before Stripe was asked.
        Then the key is rotated: the refused look-up sends nothing by hand
        (the refund is at Stripe), and once the key works, the refund is
        found by its key and booked once."""
        invoice, intent, refund = self._stripe_refund(20.0)
        cr = self.env.cr
        Share = type(self.env["account.partial.refund.gateway"])

        def commit(records):
            # What the job commits outlives the worker: here a savepoint,
            # which the killed worker's rollback stops at.
            records.env.flush_all()
            cr.execute("RELEASE SAVEPOINT job_committed")
            cr.execute("SAVEPOINT job_committed")

        class Killed(BaseException):
            """The worker's death: no `except Exception` catches it."""

        create_refund = StripeGateway.create_refund

        def create_then_die(gateway, **kwargs):
            create_refund(gateway, **kwargs)
            raise Killed

        cr.execute("SAVEPOINT job_committed")
        killed = False
        # Not Odoo's assertRaises: its own savepoint would not outlive a commit.
        with (
            patch.object(Share, "_commit_job_progress", commit),
            patch.object(StripeGateway, "create_refund", create_then_die),
        ):
            try:
                self._run_gateway_job()
            except Killed:
                killed = True
        self.assertTrue(killed)
        cr.execute("ROLLBACK TO SAVEPOINT job_committed")
        cr.execute("RELEASE SAVEPOINT job_committed")
        self.env.invalidate_all()
        self.assertEqual(self.fake_stripe.refunded(intent), 2300, "made at Stripe")
        share = refund.gateway_ids
        self.assertEqual((share.state, share.attempt_count), ("requested", 1))
        self._assert_rotated_key_waits(refund, intent)

    def test_lost_answer_stays_requested_then_cron_completes(self):
        # Stripe refunds, but no answer comes back, retries included (Odoo's
        # test mode stretches client timeouts to 10 s, so the timeout itself
        # is tier 1's: tests/test_stripe_gateway.py).
        invoice, _intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        self.fake_stripe.inject(DROP_AFTER_CREATE, times=3)
        self._run_gateway_job()
        self.assertEqual(share.state, "requested")
        self.assertTrue(share.last_error)
        self.assertEqual(refund.state, "requested")
        self.assertAlmostEqual(
            refund.credit_note_id.amount_residual,
            refund.amount_total,
            msg="no payment booked yet",
        )
        share.sudo().last_sync_date = False
        self._run_gateway_job()
        self.assertEqual(share.state, "succeeded")
        self.assertEqual(len(self.fake_stripe.refunds), 1)
        self.assertBooked(refund)

    def test_refused_look_up_after_lost_answer_refunds_nothing_by_hand(self):
        """The Stripe key is rotated after a refund whose answer was lost:
        the refund is at Stripe, so nothing falls back to a manual refund."""
        invoice, intent, refund = self._stripe_refund(20.0)
        self.fake_stripe.inject(DROP_AFTER_CREATE, times=3)
        self._run_gateway_job()
        self._assert_rotated_key_waits(refund, intent)

    def test_second_provider_keeps_the_refund_with_the_account_asked(self):
        """A payment recording its PaymentIntent: its refund is asked of the
        company's only Stripe provider. A second one enabled afterwards (an
        unknown PaymentIntent could then be either's) changes nothing for
        it: a lost answer is looked up, a pending refund followed, at the
        account asked, none of it sent by hand."""
        for status in ("lost", "pending"):
            with self.subTest(status=status):
                invoice = self._create_paid_invoice([{"price_unit": 100.0}], pay=False)
                payment = self._pay(invoice, self.bank_journal)
                intent = self.fake_stripe.add_payment_intent(11500, "usd")
                payment.write(
                    {"refund_gateway": "stripe", "refund_gateway_reference": intent}
                )
                line = invoice.invoice_line_ids
                refund = self._refund(invoice, [{"line_id": line.id, "amount": 20.0}])
                share = refund.gateway_ids
                if status == "lost":
                    self.fake_stripe.inject(DROP_AFTER_CREATE, times=3)
                else:
                    self.fake_stripe.refund_status = "pending"
                self._run_gateway_job()
                self.assertEqual(self.fake_stripe.refunded(intent), 2300)
                self.assertEqual(share.stripe_provider_id, self.stripe)
                self.assertEqual(
                    share.state, "requested" if status == "lost" else status
                )
                other = self.stripe.copy({"name": f"Stripe {status}", "state": "test"})
                self.fake_stripe.refund_status = "succeeded"
                if status == "pending":
                    self.fake_stripe.set_status(share.gateway_reference, "succeeded")
                share.sudo().last_sync_date = False
                self._run_gateway_job()
                self.assertEqual(share.state, "succeeded")
                self.assertFalse(share.manual_fallback)
                self.assertEqual(self.fake_stripe.refunded(intent), 2300)
                self.assertRefundSettled_any(refund)
                other.write({"state": "disabled"})

    def test_credit_note_in_transit_cannot_be_matched_by_hand(self):
        """While Stripe refunds it, the credit note cannot be matched with
        another invoice by Odoo's reconcile either (over RPC, a bank
        reconciliation; the payment widgets refuse it too): nothing is
        matched, and the gateway's refund then settles it."""
        self.fake_stripe.refund_status = "pending"
        _invoice, _intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        self._run_gateway_job()
        self.assertEqual(share.state, "pending")
        other = self._create_paid_invoice([{"price_unit": 50.0}], pay=False)

        def receivable(move):
            return move.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )

        credit_line = receivable(refund.credit_note_id)
        balance = self._partner_balance()
        partials = self.env["account.partial.reconcile"].search_count([])
        with self.assertRaisesRegex(UserError, "being refunded through a gateway"):
            (credit_line | receivable(other)).reconcile()
        self.assertEqual(
            self.env["account.partial.reconcile"].search_count([]), partials
        )
        self.assertFalse(credit_line.reconciled)
        self.assertAlmostEqual(self._partner_balance(), balance)
        self.assertAlmostEqual(credit_line.amount_residual, -refund.amount_total)
        self.assertEqual(other.payment_state, "not_paid")
        # The gateway's refund then settles it.
        self.fake_stripe.set_status(share.gateway_reference, "succeeded")
        share.sudo().last_sync_date = False
        self._run_gateway_job()
        self.assertEqual(share.state, "succeeded")
        self.assertRefundSettled_any(refund)
        self.assertAlmostEqual(self._partner_balance(), other.amount_total)

    def test_pending_then_failed_falls_back_to_manual(self):
        self.fake_stripe.refund_status = "pending"
        invoice, _intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        self._run_gateway_job()
        self.assertEqual((share.state, refund.state), ("pending", "pending"))
        self.assertEqual(share.transaction_id.state, "pending")
        self.assertFalse(share.refund_payment_id, "nothing is booked before success")
        self.assertEqual(invoice.partial_refund_status, "partial")
        # Meanwhile the open credit note is no store credit for a new invoice.
        other = self._create_paid_invoice([{"price_unit": 50.0}], pay=False)
        self.assertFalse(other.invoice_has_outstanding)
        credit_line = refund.credit_note_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        with self.assertRaisesRegex(UserError, "being refunded through a gateway"):
            other.js_assign_outstanding_line(credit_line.id)
        # Nor paid by hand meanwhile: the money would go out twice.
        Payment = self.env["account.payment"]
        residual, payments = credit_line.amount_residual, Payment.search_count([])
        register = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=refund.credit_note_id.ids
        )
        with self.assertRaisesRegex(
            UserError, f"belongs to the partial refund {refund.name}, which pays"
        ):
            register.create({}).action_create_payments()
        self.assertEqual(credit_line.amount_residual, residual)
        self.assertEqual(Payment.search_count([]), payments)
        other.button_draft()
        other.button_cancel()

        self._stripe_refund_failed(share, reason="lost_or_stolen_card")
        self.assertEqual(share.state, "failed")
        self.assertEqual(share.failure_reason, "lost_or_stolen_card")
        self.assertTrue(share.manual_fallback)
        self.assertEqual(share.transaction_id.state, "cancel")
        self.assertEqual(refund.state, "manual")
        self.assertEqual(share.refund_payment_id.journal_id, refund.journal_id)
        self.assertEqual(refund.credit_note_id.state, "posted")
        self.assertBooked(refund)

    def test_cancel_refused_once_a_fallback_payment_is_marked_paid(self):
        """Stripe failed a refund: its payment by hand (the fallback) is
        marked as paid (Odoo's `action_validate`, over RPC: the form hides
        it on payments with an entry). The money left: Cancel refund is
        refused, as for the refund's own payment, and nothing is written."""
        self.fake_stripe.refund_status = "pending"
        invoice, _intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        self._run_gateway_job()
        self._stripe_refund_failed(share)
        fallback = share.refund_payment_id
        self.assertRecordValues(share, [{"state": "failed", "manual_fallback": True}])
        self.assertEqual((refund.state, fallback.state), ("manual", "in_process"))
        fallback.action_validate()
        self.assertEqual(fallback.state, "paid")
        refund.invalidate_recordset(["can_cancel"])
        self.assertFalse(refund.can_cancel, "Cancel refund is hidden")
        counts, balance = self._counts(invoice), self._partner_balance()
        with self.assertRaisesRegex(UserError, "marked as paid"):
            refund.action_cancel_refund()
        self.assertEqual(refund.state, "manual")
        self.assertEqual(fallback.state, "paid")
        self.assertFalse(fallback.move_id.reversal_move_ids)
        self.assertFalse(refund.credit_note_id.reversal_move_ids)
        self.assertEqual(self._counts(invoice), counts)
        self.assertAlmostEqual(self._partner_balance(), balance)
        self.assertAlmostEqual(
            invoice.invoice_line_ids.refundable_amount, 80.0, msg="not again"
        )
        self.assertBooked(refund)
        # Marking it as refunded still closes it.
        refund._confirm_manual_refund(
            fields.Date.context_today(refund), "TRF-1", "bank_transfer"
        )
        self.assertEqual(refund.state, "done")

    def test_failed_after_success_is_booked_back(self):
        # A refund can fail after it succeeded (the customer's card was
        # closed): its payment is cancelled and the refund becomes manual.
        invoice, _intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        self._run_gateway_job()
        first_payment = share.refund_payment_id
        self.assertEqual(refund.state, "done")
        self._stripe_refund_failed(share, event="charge.refund.updated")
        # Odoo's post-processing of the cancelled refund transaction does not
        # cancel the refund payment behind the books' back.
        self.assertEqual(share.transaction_id.state, "cancel")
        # What Odoo's post-processing cron does with the transactions it
        # finds (it commits, so it cannot run in a test).
        self.env["payment.transaction"].sudo().search(
            [("id", "=", share.transaction_id.id), ("is_post_processed", "=", False)]
        )._post_process()
        self.assertRecordValues(
            share,
            [{"state": "failed", "manual_fallback": True}],
        )
        self.assertReturnBooked(share, first_payment)
        self.assertEqual(refund.state, "manual")
        self.assertBooked(refund)
        # A late "succeeded" changes nothing any more: failed is final.
        fallback = share.refund_payment_id
        stored = self.fake_stripe.set_status(share.gateway_reference, "succeeded")
        payload, headers = self.fake_stripe.signed_event("refund.updated", stored)
        self._post_webhook("stripe", payload, headers)
        self.assertEqual((share.state, share.refund_payment_id), ("failed", fallback))
        self.assertBooked(refund)

    def test_failed_after_success_is_found_by_the_cron(self):
        # Without webhooks, the status sync asks again about recent
        # successes once a day, and books a late failure back.
        _invoice, _intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        self._run_gateway_job()
        first_payment = share.refund_payment_id
        self.assertTrue(share.succeeded_date)
        cron = self._run_gateway_job
        path = f"/v1/refunds/{share.gateway_reference}"

        def fetches():
            return self.fake_stripe.requests.count(("GET", path))

        cron()  # just heard from Stripe: not asked again yet
        self.assertEqual(fetches(), 0)
        share.sudo().last_sync_date = fields.Datetime.subtract(
            fields.Datetime.now(), hours=25
        )
        cron()  # a day later, still succeeded: nothing changes
        self.assertEqual(fetches(), 1)
        self.assertEqual((share.state, refund.state), ("succeeded", "done"))

        self.fake_stripe.set_status(
            share.gateway_reference, "failed", "expired_or_canceled_card"
        )
        share.sudo().last_sync_date = fields.Datetime.subtract(
            fields.Datetime.now(), hours=25
        )
        cron()
        self.assertEqual(fetches(), 2)
        self.assertReturnBooked(share, first_payment)
        self.assertRecordValues(
            share,
            [
                {
                    "state": "failed",
                    "failure_reason": "expired_or_canceled_card",
                    "manual_fallback": True,
                }
            ],
        )
        self.assertEqual(refund.state, "manual")
        self.assertBooked(refund)

    def test_partly_refunded_at_the_gateway_cannot_be_cancelled(self):
        """Stripe refunded its 50, the bank's 65 awaits a manual refund: the
        refund cannot be cancelled (Stripe's money is back with the
        customer); the message says what to do, nothing is written."""
        _invoice, _intent, refund = self._stripe_and_bank_refund_of_100()
        self._run_gateway_job()
        self.assertEqual(
            (refund.gateway_ids.state, refund.state), ("succeeded", "manual")
        )
        self.assertFalse(refund.can_cancel, "Cancel refund is hidden")
        with self.assertRaisesRegex(UserError, "A gateway refunded part of"):
            refund.action_cancel_refund()
        self.assertEqual(refund.state, "manual")
        self.assertFalse(refund.credit_note_id.reversal_move_ids)
        self.assertBooked(refund)

    def _returned_foreign_refund(self, journal):
        """A refund of 46 (a CHF invoice paid through Stripe) whose manual
        journal is ``journal``; Stripe refunds at one rate, the customer's
        bank returns it at another: the fallback payment settles the return."""
        chf = self.setup_other_currency(
            "CHF", rates=[("2019-01-01", 0.9), ("2019-02-01", 0.85)]
        )
        today_rate = self.env["res.currency.rate"].create(
            {"currency_id": chf.id, "name": fields.Date.today(), "rate": 0.7}
        )
        invoice, _intent = self._create_stripe_paid_invoice(
            [{"price_unit": 100.0}], currency=chf
        )
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "amount": 40.0}],
            journal_id=journal.id,
        )
        self._run_gateway_job()
        self.assertEqual(refund.state, "done")
        share = refund.gateway_ids
        today_rate.rate = 0.5
        self.env.invalidate_all()
        self._stripe_refund_failed(share)
        self.assertEqual(refund.state, "manual")
        return refund

    def assertCustomerSettled(self):
        receivable = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.partner_a.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertAlmostEqual(sum(receivable.mapped("balance")), 0.0)
        self.assertEqual(receivable.filtered(lambda line: not line.reconciled).ids, [])

    def test_returned_foreign_refund_sent_through_a_third_currency(self):
        """The fallback through a GBP journal settles the return (booked at
        the day's rate), not the closed credit note: the customer's account
        is settled, nothing left as credit."""
        gbp = self.setup_other_currency("GBP", rates=[("2019-01-01", 0.75)])
        journal = self.bank_journal.copy(
            {"name": "Bank GBP", "code": "BGBP", "currency_id": gbp.id}
        )
        refund = self._returned_foreign_refund(journal)
        fallback = refund.gateway_ids.refund_payment_id
        self.assertEqual(fallback.currency_id, gbp)
        # 46 CHF at 0.5 (the return's rate): 92 in the company's currency.
        self.assertAlmostEqual(
            -sum(fallback.move_id.line_ids.filtered("credit").mapped("balance")),
            92.0,
        )
        self.assertCustomerSettled()

    def test_returned_foreign_refund_sent_in_the_company_currency(self):
        """The same through a journal set to the company's currency: the
        fallback and the return reconcile, nothing left open."""
        journal = self.bank_journal.copy(
            {
                "name": "Bank USD",
                "code": "BUSD",
                "currency_id": self.env.company.currency_id.id,
            }
        )
        self._returned_foreign_refund(journal)
        self.assertCustomerSettled()

    def test_returned_refund_then_cancelled(self):
        # The customer keeps the money after all: the refund awaiting its
        # manual refund is cancelled; the returned refund's payment and its
        # return settle each other.
        invoice, _intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        self._run_gateway_job()
        first_payment = share.refund_payment_id
        self._stripe_refund_failed(share)
        self.assertEqual(refund.state, "manual")
        # The returned refund's payment and its return are the refund's
        # books: undone by Cancel refund only.
        for payment in (first_payment, share.returned_payment_id):
            state = payment.state
            with self.assertRaisesRegex(UserError, "Cancel refund"):
                payment.action_draft()
            with self.assertRaisesRegex(UserError, "Cancel refund"):
                payment.action_cancel()
            with self.assertRaisesRegex(UserError, "Cancel refund"):
                payment.move_id.button_draft()
            self.assertEqual(payment.state, state)
            self.assertEqual(payment.move_id.state, "posted")
        refund.action_cancel_refund()
        self.assertEqual(refund.state, "cancelled")
        self.assertEqual(first_payment.move_id.state, "posted")
        self.assertEqual(share.refund_payment_id.state, "canceled")
        moves = (
            refund.credit_note_id
            | refund.credit_note_id.reversal_move_ids
            | first_payment.move_id
            | share.returned_payment_id.move_id
        )
        receivable = moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(all(receivable.mapped("reconciled")))
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertAlmostEqual(invoice.invoice_line_ids.refunded_amount, 0.0)

    def test_old_successes_are_not_asked_again(self):
        _invoice, _intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        self._run_gateway_job()
        long_ago = fields.Datetime.subtract(fields.Datetime.now(), days=31)
        share.sudo().write({"succeeded_date": long_ago, "last_sync_date": long_ago})
        self._run_gateway_job()
        self.assertNotIn(
            ("GET", f"/v1/refunds/{share.gateway_reference}"),
            self.fake_stripe.requests,
        )
        self.assertEqual(share.state, "succeeded")
        self.assertBooked(refund)

    def test_transaction_reference_is_not_looked_up(self):
        # Odoo's payment flow gave the PaymentIntent: no check to make.
        _invoice, intent, refund = self._stripe_refund(20.0)
        self._run_gateway_job()
        self.assertEqual(refund.gateway_ids.state, "succeeded")
        self.assertNotIn(
            ("GET", f"/v1/payment_intents/{intent}"), self.fake_stripe.requests
        )
        self.assertBooked(refund)

    def test_stripe_reference_of_a_transaction_cannot_be_recorded_again(self):
        """A PaymentIntent Odoo's payment flow took is refunded through its
        payment only: typed on another payment (a subscription's customer
        paying the same amount), it is refused, nothing written."""
        _invoice, intent = self._create_stripe_paid_invoice([{"price_unit": 100.0}])
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        payment = invoice._get_reconciled_payments()
        with self.assertRaisesRegex(
            ValidationError, f"{intent} is already recorded on PBNK"
        ):
            with self.env.cr.savepoint():
                payment.write(
                    {"refund_gateway": "stripe", "refund_gateway_reference": intent}
                )
        self.assertRecordValues(
            payment, [{"refund_gateway": False, "refund_gateway_reference": False}]
        )
        self.assertEqual(payment._get_refund_gateway(), (False, False, None))

    def test_recorded_stripe_reference_is_checked(self):
        invoice = self._create_paid_invoice([{"price_unit": 100.0}], pay=False)
        payment = self._pay(invoice, self.bank_journal)
        other = self.fake_stripe.add_payment_intent(11400, "usd")
        payment.write({"refund_gateway": "stripe", "refund_gateway_reference": other})
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 10.0}]
        )
        self._run_gateway_job()
        self.assertIn(
            ("GET", f"/v1/payment_intents/{other}"), self.fake_stripe.requests
        )
        self.assertTrue(refund.gateway_ids.manual_fallback)
        self.assertEqual(self.fake_stripe.refunded(other), 0)
        self.assertBooked(refund)

        right = self.fake_stripe.add_payment_intent(11500, "usd")
        payment.refund_gateway_reference = right
        second = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 10.0}]
        )
        self._run_gateway_job()
        self.assertEqual(second.gateway_ids.state, "succeeded")
        self.assertEqual(self.fake_stripe.refunded(right), 1150)
        self.assertBooked(second)

    def test_refused_by_stripe_falls_back_to_manual(self):
        invoice, intent = self._create_stripe_paid_invoice([{"price_unit": 100.0}])
        # Refunded directly in the Stripe dashboard meanwhile: nothing left.
        self.fake_stripe.refunds["re_dashboard"] = {
            "id": "re_dashboard",
            "payment_intent": intent,
            "amount": 11500,
            "status": "succeeded",
            "metadata": {},
        }
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 20.0}]
        )
        self._run_gateway_job()
        self.assertRecordValues(
            refund.gateway_ids,
            [
                {
                    "state": "failed",
                    "failure_reason": "charge_already_refunded",
                    "manual_fallback": True,
                }
            ],
        )
        self.assertEqual(refund.state, "manual")
        self.assertBooked(refund)

    def test_duplicate_and_forged_webhooks(self):
        self.fake_stripe.refund_status = "pending"
        invoice, _intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        self._run_gateway_job()
        stored = self.fake_stripe.set_status(share.gateway_reference, "succeeded")
        payload, headers = self.fake_stripe.signed_event(
            "refund.updated", stored, event_id="evt_dup"
        )
        forged, forged_headers = self.fake_stripe.signed_event(
            "refund.updated", stored, secret="whsec_attacker"
        )
        with self.assertRaises(InvalidWebhook):
            self._post_webhook("stripe", forged, forged_headers)
        self.assertEqual(share.state, "pending")
        self.assertTrue(self._post_webhook("stripe", payload, headers))
        self.assertEqual(share.state, "succeeded")
        self.assertFalse(self._post_webhook("stripe", payload, headers), "a duplicate")
        self.assertEqual(len(share.refund_payment_id), 1)
        self.assertBooked(refund)

    def test_jpy(self):
        jpy = self.setup_other_currency("JPY", rates=[("2019-01-01", 150.0)])
        invoice, intent = self._create_stripe_paid_invoice(
            [{"price_unit": 12000.0}], currency=jpy
        )
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 1001.0}]
        )
        self._run_gateway_job()
        (stripe_refund,) = self.fake_stripe.refunds.values()
        self.assertEqual(stripe_refund["amount"], 1151)  # yen: no minor unit
        self.assertEqual(stripe_refund["currency"], "jpy")
        self.assertEqual(refund.state, "done")
        self.assertBooked(refund)

    def test_refusal_after_the_refund_journal_was_archived(self):
        """Stripe refuses after the refund's bank journal was archived: the
        fallback payment goes through an active bank journal of the
        invoice's company (Odoo posts nothing in an archived one), and the
        refund awaits its manual refund instead of retrying forever."""
        invoice, intent, refund = self._stripe_refund(20.0)
        journal = refund.journal_id
        self.bank_journal.copy({"name": "Bank 2", "code": "BNK2"})
        self.fake_stripe.payment_intents.pop(intent)  # Stripe refuses
        journal.action_archive()
        self._run_gateway_job()
        share = refund.gateway_ids
        self.assertRecordValues(share, [{"state": "failed", "manual_fallback": True}])
        self.assertFalse(share.last_error)
        fallback = share.refund_payment_id
        self.assertTrue(fallback.journal_id.active)
        self.assertNotEqual(fallback.journal_id, journal)
        note = refund.message_ids.filtered(lambda m: "did not refund" in (m.body or ""))
        self.assertIn(fallback.payment_method_line_id.display_name, note.body)
        self.assertEqual(refund.state, "manual")
        self.assertBooked(refund)

    def test_split_with_a_bank_payment(self):
        invoice = self._create_paid_invoice([{"price_unit": 200.0}], pay=False)
        intent = self._pay_with_stripe(invoice, amount=50.0)
        self._pay(invoice, self.bank_journal)
        self.assertEqual(invoice.payment_state, "paid")
        line = invoice.invoice_line_ids
        split = invoice._get_partial_refund_gateway_split(115.0)
        self.assertEqual(
            [(s["gateway"], s["amount"]) for s in split], [("stripe", 50.0)]
        )
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 100.0}])
        self.assertEqual(refund.gateway_ids.amount, 50.0)
        self.assertAlmostEqual(refund.payment_id.amount, 65.0)
        self._run_gateway_job()
        self.assertEqual(self.fake_stripe.refunded(intent), 5000)
        self.assertEqual(refund.state, "manual", "the bank part is sent by hand")
        self.assertBooked(refund)
        # The wizard shows the split before anything happens.
        wizard = (
            self.env["account.partial.refund.wizard"]
            .with_context(default_move_id=invoice.id)
            .create({"move_id": invoice.id})
        )
        wizard.line_ids.write(
            {"selected": True, "refund_mode": "amount", "amount": 10.0}
        )
        self.assertIn("Stripe, payment " + intent, wizard.split_html)
        self.assertIn("0.00 still refundable there", wizard.split_html)
        self.assertIn("11.50", wizard.split_html)
        # Stripe's part is used up: the next refund is all manual.
        self.assertFalse(invoice._get_partial_refund_gateway_split(10.0))
        (empty,) = invoice._get_partial_refund_gateway_split(10.0, include_empty=True)
        self.assertEqual((empty["available"], empty["refund_count"]), (0.0, 1))

    def test_payment_of_two_invoices_gives_back_what_it_paid_of_each(self):
        """One Stripe payment of two invoices (the portal's "pay all"): 50 of
        the first (whose other 65 came by bank) and all 115 of the second.
        Each invoice's refund goes back through Stripe up to what Stripe
        paid of it, never more, and the rest by hand."""
        first = self._create_paid_invoice([{"price_unit": 100.0}], pay=False)
        self._pay(first, self.bank_journal, amount=65.0)
        second = self._create_paid_invoice([{"price_unit": 100.0}], pay=False)
        intent = self._pay_with_stripe(first | second, amount=165.0)
        self.assertEqual((first | second).mapped("payment_state"), ["paid"] * 2)
        split = first._get_partial_refund_gateway_split(115.0)
        self.assertEqual(
            [(s["gateway"], s["amount"]) for s in split], [("stripe", 50.0)]
        )
        refund = self._refund(first, [{"line_id": first.invoice_line_ids.id}])
        self.assertEqual(refund.gateway_ids.amount, 50.0)
        self.assertAlmostEqual(refund.payment_id.amount, 65.0, msg="by hand")
        self.assertFalse(first._get_partial_refund_gateway_split(1.0))
        # The second invoice's 115 all go back through Stripe.
        refund_2 = self._refund(second, [{"line_id": second.invoice_line_ids.id}])
        self.assertEqual(refund_2.gateway_ids.amount, 115.0)
        self.assertFalse(refund_2.payment_id)
        self._run_gateway_job()
        self.assertEqual(self.fake_stripe.refunded(intent), 16500)
        self.assertEqual(refund_2.state, "done")
        self.assertEqual(refund.state, "manual", "the bank's 65 by hand")
        for done in (refund, refund_2):
            self.assertRefundSettled_any(done)

    def test_bank_part_is_owed_at_once_while_the_gateway_works(self):
        """Stripe's 50 requested, the bank's 65 booked as paid to the
        customer: the 65 is to be sent by hand now, reminded and confirmable,
        whatever Stripe does meanwhile; the credit note stays out of the
        customer's outstanding credits until Stripe answers."""
        invoice, intent, refund = self._stripe_and_bank_refund_of_100()
        self.assertEqual(refund.gateway_ids.state, "requested")
        self.assertEqual(refund.state, "manual")
        self.assertTrue(refund.manual_due_date)
        activity_type = self.env.ref(
            "invoice_partial_refund.mail_activity_type_manual_refund"
        )
        reminder = refund.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(len(reminder), 1)
        self.assertIn(
            refund.credit_note_id, invoice._get_partial_refund_credit_notes_in_transit()
        )
        self.assertFalse(refund.can_cancel, "Cancel refund is hidden")
        with self.assertRaisesRegex(UserError, "went through a gateway"):
            refund.action_cancel_refund()
        confirm = self.env["account.partial.refund.confirm.wizard"].create(
            {"refund_id": refund.id, "reference": "TRF-65"}
        )
        self.assertAlmostEqual(confirm.amount, 65.0)
        confirm.action_confirm()
        self.assertEqual(refund.state, "pending", "Stripe has yet to answer")
        self.assertFalse(reminder.exists())
        self.assertAlmostEqual(refund.manual_refunded_amount, 65.0)
        self._run_gateway_job()
        self.assertEqual(self.fake_stripe.refunded(intent), 5000)
        self.assertEqual(refund.state, "done")
        self.assertFalse(invoice._get_partial_refund_credit_notes_in_transit())
        self.assertBooked(refund)

    def test_gateway_refusal_while_the_bank_part_is_confirmed(self):
        """Stripe's 50 and the bank's 65 of a refund: the user opens Mark as
        refunded (65 shown); Stripe refuses meanwhile, its 50 falls back by
        hand. Confirming the 65 the user saw is refused, nothing written
        (the 50 would be taken as sent); the reminder says 115 at once; the
        dialog opened again shows 115."""
        _invoice, intent, refund = self._stripe_and_bank_refund_of_100()
        reminder = refund.activity_ids
        self.assertIn(refund.currency_id.format(65.0), reminder.summary)
        Confirm = self.env["account.partial.refund.confirm.wizard"].with_context(
            default_refund_id=refund.id
        )
        dialog = Form(Confirm)
        self.assertAlmostEqual(dialog.amount, 65.0)
        dialog.reference = "TRF-65"
        self.fake_stripe.payment_intents.pop(intent)  # Stripe refuses
        self._run_gateway_job()
        self.assertTrue(refund.gateway_ids.manual_fallback)
        self.assertEqual(reminder.exists(), reminder, "the same reminder")
        self.assertIn(refund.currency_id.format(115.0), reminder.summary)
        confirm = dialog.save()
        self.assertAlmostEqual(confirm.amount, 65.0, msg="as shown")
        with self.assertRaisesRegex(UserError, "now owes .*115.00 by hand"):
            confirm.action_confirm()
        self.assertEqual(refund.state, "manual")
        self.assertAlmostEqual(refund.manual_refunded_amount, 0.0)
        self.assertTrue(reminder.exists())
        dialog = Form(Confirm)
        self.assertAlmostEqual(dialog.amount, 115.0)
        dialog.reference = "TRF-115"
        dialog.save().action_confirm()
        self.assertEqual(refund.state, "done")
        self.assertAlmostEqual(refund.manual_refunded_amount, 115.0)
        self.assertBooked(refund)

    def test_migration_awaits_the_bank_parts_left_waiting(self):
        """18.0.1 left a refund part gateway, part bank waiting for the
        gateway, the bank part unreminded: the 18.0.2 migration makes it
        await a manual refund, with its reminder."""
        _invoice, _intent, refund = self._stripe_and_bank_refund_of_100()
        refund.activity_ids.unlink()
        refund.sudo().write({"state": "requested", "manual_due_date": False})
        migration = load_script(
            "invoice_partial_refund/migrations/18.0.2.0.0/post-migrate.py",
            "post_migrate",
        )
        migration.await_bank_parts(self.env)
        self.assertEqual(refund.state, "manual")
        self.assertTrue(refund.manual_due_date)
        self.assertEqual(len(refund.activity_ids), 1)

    def test_returned_after_the_bank_part_was_sent_awaits_a_manual_refund(self):
        """Stripe's 50 refunded, the bank's 65 sent by hand and confirmed (the
        refund is done), then the customer's bank returns Stripe's 50: the
        customer is owed it again, by hand. The refund awaits a manual
        refund again, with its reminder, instead of staying done."""
        invoice, intent, refund = self._stripe_and_bank_refund_of_100()
        share = refund.gateway_ids
        self._run_gateway_job()
        self.assertEqual(self.fake_stripe.refunded(intent), 5000)
        # The 65 was overdue and went to the manager.
        manager = self._create_user(
            "refund_manager",
            self.env.ref("account.group_account_manager")
            | self.env.ref("invoice_partial_refund.group_partial_refund"),
        )
        self.env.company.partial_refund_manager_id = manager
        overdue = fields.Date.add(refund.manual_due_date, days=30)
        refund._ensure_manual_refund_activities(today=overdue)
        self.assertTrue(refund.escalated)
        self.assertEqual(refund.activity_ids.user_id, manager)
        refund._confirm_manual_refund(refund.date, "TRF-65", "bank_transfer")
        self.assertEqual(refund.state, "done")
        self.assertIn("65.00 sent by hand", refund.message_ids[:1].body, "noted")
        first_payment = share.refund_payment_id
        self._stripe_refund_failed(share)
        self.assertRecordValues(share, [{"state": "failed", "manual_fallback": True}])
        self.assertReturnBooked(share, first_payment)
        self.assertEqual(refund.state, "manual")
        self.assertFalse(refund.manual_refund_date)
        activities = refund.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref(
                    "invoice_partial_refund.mail_activity_type_manual_refund"
                )
            )
        )
        self.assertEqual(len(activities), 1)
        # A new debt, due in the company's delay: reminded to its usual
        # responsible, escalated only if it is overdue in turn.
        self.assertFalse(refund.escalated)
        self.assertNotEqual(activities.user_id, manager)
        # Only Stripe's 50 is owed: the bank's 65 went out already.
        self.assertAlmostEqual(refund.manual_refunded_amount, 65.0)
        self.assertAlmostEqual(refund._manual_amount(), 50.0)
        self.assertIn(refund.currency_id.format(50.0), activities.summary)
        self.assertBooked(refund)
        # Cancelling would undo the 65 the customer has: refused, nothing
        # written.
        bank_payment = refund.payment_id
        self.assertFalse(refund.can_cancel, "Cancel refund is hidden")
        with self.assertRaisesRegex(UserError, "already sent by hand"):
            refund.action_cancel_refund()
        self.assertEqual(refund.state, "manual")
        self.assertNotEqual(bank_payment.state, "canceled")
        self.assertFalse(refund.credit_note_id.reversal_move_ids)
        # What the Mark as refunded wizard shows.
        confirm = self.env["account.partial.refund.confirm.wizard"].create(
            {"refund_id": refund.id, "reference": "TRF-50"}
        )
        self.assertAlmostEqual(confirm.amount, 50.0)
        # Sent again by hand and confirmed: done.
        confirm.action_confirm()
        self.assertEqual(refund.state, "done")
        self.assertAlmostEqual(refund.manual_refunded_amount, 115.0)
        self.assertIn("50.00 sent by hand", refund.message_ids[:1].body)
        self.assertBooked(refund)

    def test_returned_after_a_cash_refund_owes_the_gateway_part_alone(self):
        """Stripe's 50 refunded, the cash part (65) paid on the spot, then
        the customer's bank returns Stripe's 50: 50 is owed by hand, not
        the cash already handed over."""
        invoice = self._create_paid_invoice([{"price_unit": 200.0}], pay=False)
        intent = self._pay_with_stripe(invoice, amount=50.0)
        self._pay(invoice, self.cash_journal)
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "amount": 100.0}],
            journal_id=self.cash_journal.id,
        )
        self.assertEqual(refund.refund_method, "immediate")
        share = refund.gateway_ids
        self._run_gateway_job()
        self.assertEqual(refund.state, "done")
        self._stripe_refund_failed(share)
        self.assertEqual(refund.state, "manual")
        self.assertAlmostEqual(refund._manual_amount(), 50.0)
        refund._confirm_manual_refund(refund.date, "TRF-50", "bank_transfer")
        self.assertEqual(refund.state, "done")
        self.assertAlmostEqual(refund.manual_refunded_amount, 50.0)
        self.assertEqual(share.payment_reference, intent)
        self.assertBooked(refund)


@tagged("post_install", "-at_install")
class TestGoCardlessRefunds(GatewayRefundCommon):
    def test_branch_payment_through_the_parent_account(self):
        """A branch without a GoCardless account of its own, its invoice paid
        through its parent's: refunded through the parent's account, whose
        webhook settles the branch's refund."""
        root, branch = self._branch()
        self.assertFalse(branch.sudo().partial_refund_gocardless_access_token)
        invoice = self._create_paid_invoice(
            [{"price_unit": 80.0}], company=branch, pay=False
        )
        mandate_payment = self.fake_gocardless.add_payment(
            self._minor(invoice.amount_total), "USD"
        )
        self._pay(invoice, self.bank_journal).write(
            {
                "refund_gateway": "gocardless",
                "refund_gateway_reference": mandate_payment,
            }
        )
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 30.0}]
        )
        self._gocardless_refund_paid(refund, 3450)
        self.assertBranchRefundBooked(refund, root, branch)

    def test_paid_after_its_payment_journal_was_archived(self):
        """GoCardless pays out a refund after the journal of the payment it
        refunds was archived (Odoo posts nothing in it): the money is gone,
        so it is booked, in the refund's bank journal if active, else an
        active one of the company, with a note, instead of retrying for
        ever; its return by the customer's bank likewise."""
        invoice, _mandate_payment = self._create_gocardless_paid_invoice(
            [{"price_unit": 80.0}]
        )
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 30.0}]
        )
        share = refund.gateway_ids
        self._run_gateway_job()
        self.assertEqual(share.state, "pending")
        archived = share.source_payment_id.journal_id
        other = self.bank_journal.copy({"name": "Bank 2", "code": "BNK2"})
        archived.action_archive()
        self.fake_gocardless.set_status(share.gateway_reference, "paid")
        share._sync()
        self.assertFalse(share.last_error)
        self.assertEqual((share.state, refund.state), ("succeeded", "done"))
        payment = share.refund_payment_id
        self.assertEqual(payment.journal_id, other)
        self.assertEqual(payment.move_id.state, "posted")
        note = refund.message_ids.filtered(lambda m: "is archived" in (m.body or ""))
        self.assertIn(other.display_name, note.body)
        self.assertBooked(refund)

        other.action_archive()
        archived.action_unarchive()
        # Bounced by the customer's bank, found by the daily check.
        self.fake_gocardless.set_status(share.gateway_reference, "bounced")
        share.sudo().last_sync_date = fields.Datetime.subtract(
            fields.Datetime.now(), hours=25
        )
        self._run_gateway_job()
        self.assertFalse(share.last_error)
        returned = share.returned_payment_id
        self.assertRecordValues(
            returned,
            [{"payment_type": "inbound", "amount": 34.5, "journal_id": archived.id}],
        )
        self.assertEqual(returned.move_id.state, "posted")
        self.assertEqual(refund.state, "manual")
        self.assertBooked(refund)

    def test_gocardless_refund_pending_then_paid(self):
        invoice, mandate_payment = self._create_gocardless_paid_invoice(
            [{"price_unit": 80.0}]
        )
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 30.0}]
        )
        share = refund.gateway_ids
        self.assertEqual(
            (share.gateway, share.payment_reference), ("gocardless", mandate_payment)
        )
        self._gocardless_refund_paid(refund, 3450)
        self.assertEqual((share.state, refund.state), ("succeeded", "done"))
        self.assertEqual(share.refund_payment_id.journal_id, self.bank_journal)
        self.assertBooked(refund)

        second = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 10.0}]
        )
        wizard = self.env["account.partial.refund.wizard"].create(
            {"move_id": invoice.id}
        )
        wizard.line_ids.write(
            {"selected": True, "refund_mode": "amount", "amount": 5.0}
        )
        self.assertIn("GoCardless, payment " + mandate_payment, wizard.split_html)
        self.assertIn("3 of 5 refunds left", wizard.split_html)
        self.assertIn("1 refund(s) still pending", wizard.split_html)
        self._run_gateway_job()
        self.assertEqual(self.fake_gocardless.refunded(mandate_payment), 3450 + 1150)
        self.assertEqual(second.gateway_ids.state, "pending")

    def test_a_refund_waits_for_the_earlier_unanswered_one(self):
        """GoCardless made a refund but its answer was lost; a second refund of
        the same payment is not sent before the first is found (its total
        confirmation would leave the first out and be refused): both go
        through GoCardless, none by hand."""
        invoice, mandate_payment = self._create_gocardless_paid_invoice(
            [{"price_unit": 80.0}]
        )
        line = invoice.invoice_line_ids
        first = self._refund(invoice, [{"line_id": line.id, "amount": 30.0}])
        self.fake_gocardless.inject(DROP_AFTER_CREATE, times=3)
        self._run_gateway_job()
        self.assertEqual(first.gateway_ids.state, "requested")
        self.assertEqual(len(self.fake_gocardless.refunds), 1)
        second = self._refund(invoice, [{"line_id": line.id, "amount": 10.0}])
        self._run_gateway_job()
        self.assertEqual(second.gateway_ids.state, "requested")
        self.assertIn("earlier refund", second.gateway_ids.last_error)
        self.assertEqual(len(self.fake_gocardless.refunds), 1, "not sent yet")
        (first | second).gateway_ids.sudo().last_sync_date = False
        self._run_gateway_job()
        self._run_gateway_job()
        self.assertEqual(first.gateway_ids.state, "pending")
        self.assertEqual(second.gateway_ids.state, "pending")
        self.assertFalse((first | second).gateway_ids.filtered("manual_fallback"))
        self.assertEqual(self.fake_gocardless.refunded(mandate_payment), 3450 + 1150)
        self.assertEqual(len(self.fake_gocardless.refunds), 2)

    def _gocardless_refund_of_20(self):
        """A GoCardless-paid invoice of 115 and a refund of 20 (23.00) on it,
        not sent yet; with the mandate payment's id."""
        invoice, mandate_payment = self._create_gocardless_paid_invoice(
            [{"price_unit": 100.0}]
        )
        line = invoice.invoice_line_ids
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 20.0}])
        return refund, mandate_payment

    def _revoke_token(self):
        """Revoke the company's GoCardless token (until the test ends);
        return what restores it."""
        secret = self.fake_gocardless.secret
        self.addCleanup(setattr, self.fake_gocardless, "secret", secret)
        self.fake_gocardless.secret = "gc_revoked"
        return lambda: setattr(self.fake_gocardless, "secret", secret)

    def test_failed_booking_then_revoked_token_refunds_nothing_by_hand(self):
        """GoCardless refunds, but booking its answer fails (the record's
        savepoint is rolled back; its attempt was recorded before); then the
        token is revoked: the refund is at GoCardless, nothing falls back by
        hand."""
        refund, mandate_payment = self._gocardless_refund_of_20()
        Share = type(self.env["account.partial.refund.gateway"])
        with patch.object(Share, "_apply", side_effect=UserError("Booking failed")):
            self._run_gateway_job()
        share = refund.gateway_ids
        self.assertIn("Booking failed", share.last_error)
        self._assert_refused_look_up_waits(
            refund,
            lambda: self.fake_gocardless.refunded(mandate_payment),
            self._revoke_token,
            answered="pending",
        )

    def test_refused_refund_whose_fallback_failed_falls_back_later(self):
        """GoCardless refuses (refunds not enabled: nothing refunded) and the
        fallback payment fails to book; then the token is revoked: nothing
        was refunded at GoCardless, so the next run still books the refund
        by hand (the refusal is no attempt that may have refunded)."""
        refund, mandate_payment = self._gocardless_refund_of_20()
        share = refund.gateway_ids
        self.fake_gocardless.refunds_enabled = False
        Booking = type(self.env["account.partial.refund.booking"])
        with patch.object(
            Booking, "_book_gateway_fallback", side_effect=UserError("Booking failed")
        ):
            self._run_gateway_job()
        self.assertEqual((share.state, share.attempt_count), ("requested", 0))
        self._revoke_token()
        share.sudo().last_sync_date = False
        self._run_gateway_job()
        self.assertRecordValues(share, [{"state": "failed", "manual_fallback": True}])
        self.assertEqual(self.fake_gocardless.refunded(mandate_payment), 0)
        self.assertEqual(refund.state, "manual")
        self.assertBooked(refund)

    def test_revoked_token_after_lost_answer_refunds_nothing_by_hand(self):
        """The GoCardless token is revoked after a refund whose answer was
        lost: the refund is at GoCardless, nothing falls back by hand."""
        refund, mandate_payment = self._gocardless_refund_of_20()
        self.fake_gocardless.inject(DROP_AFTER_CREATE, times=3)
        self._run_gateway_job()
        self._assert_refused_look_up_waits(
            refund,
            lambda: self.fake_gocardless.refunded(mandate_payment),
            self._revoke_token,
            answered="pending",  # paid out later, see _gocardless_refund_paid
        )

    def test_refunds_not_enabled_fall_back_to_manual(self):
        self.fake_gocardless.refunds_enabled = False
        invoice, _payment = self._create_gocardless_paid_invoice([{"price_unit": 80.0}])
        refund = self._refund(invoice, [{"line_id": invoice.invoice_line_ids.id}])
        self._run_gateway_job()
        self.assertRecordValues(
            refund.gateway_ids,
            [
                {
                    "state": "failed",
                    "failure_reason": "refunds_not_enabled",
                    "manual_fallback": True,
                }
            ],
        )
        self.assertEqual(refund.state, "manual")
        self.assertIn("refunds_not_enabled", refund.message_ids[0].body)
        self.assertBooked(refund)

    def _refund_recorded_reference(self, reference):
        """A GoCardless-recorded invoice of 80 (92 with tax) whose payment
        carries ``reference``, wholly refunded; the gateway share sent."""
        invoice, _payment = self._create_gocardless_paid_invoice([{"price_unit": 80.0}])
        invoice._get_reconciled_payments().refund_gateway_reference = reference
        refund = self._refund(invoice, [{"line_id": invoice.invoice_line_ids.id}])
        self._run_gateway_job()
        return refund

    def test_recorded_reference_of_another_payment_is_not_refunded(self):
        # A typo that names another customer's payment of another amount.
        other = self.fake_gocardless.add_payment(25000, "USD")
        refund = self._refund_recorded_reference(other)
        share = refund.gateway_ids
        # Refused before the gateway was asked to refund: no attempt.
        self.assertRecordValues(
            share, [{"state": "failed", "manual_fallback": True, "attempt_count": 0}]
        )
        self.assertIn(f"{other} recorded on", share.failure_reason)
        self.assertIn("payment of 250.00 USD, not of $\xa092.00", share.failure_reason)
        self.assertEqual(self.fake_gocardless.refunds, {})
        self.assertEqual(self.fake_gocardless.refunded(other), 0)
        self.assertEqual(refund.state, "manual")
        self.assertIn("Gateway Payment ID", refund.message_ids[0].body)
        self.assertBooked(refund)

    def test_recorded_reference_in_another_currency_is_not_refunded(self):
        other = self.fake_gocardless.add_payment(self._minor(92.0), "EUR")
        refund = self._refund_recorded_reference(other)
        self.assertTrue(refund.gateway_ids.manual_fallback)
        self.assertEqual(self.fake_gocardless.refunds, {})
        self.assertEqual(refund.state, "manual")
        self.assertBooked(refund)

    def test_recorded_reference_must_look_like_a_payment_id(self):
        invoice = self._create_paid_invoice([{"price_unit": 10.0}])
        payment = invoice._get_reconciled_payments()
        for gateway, reference in (
            ("gocardless", "https://manage.gocardless.com/payments/PM123"),
            ("gocardless", "pi_3MtwBwLkdIwHu7ix28a3tqPa"),
            ("stripe", "ch_3MtwBwLkdIwHu7ix28a3tqPa"),
        ):
            with self.assertRaisesRegex(ValidationError, "is not a .* payment id"):
                payment.write(
                    {"refund_gateway": gateway, "refund_gateway_reference": reference}
                )
        payment.write(
            {"refund_gateway": "gocardless", "refund_gateway_reference": " PM0012AB "}
        )
        self.assertEqual(payment._get_refund_gateway()[:2], ("gocardless", "PM0012AB"))

    def test_recorded_reference_is_recorded_once(self):
        """One gateway payment, one Odoo payment: its id typed on a second
        payment (even spaced) is refused, nothing written; once the first no
        longer names it (corrected), the second may, and the first not."""
        _invoice, mandate_payment = self._create_gocardless_paid_invoice(
            [{"price_unit": 80.0}]
        )
        first = self.env["account.payment"].search(
            [("refund_gateway_reference", "=", mandate_payment)]
        )
        second = self._create_paid_invoice(
            [{"price_unit": 80.0}], partner=self.partner_b
        )._get_reconciled_payments()
        for typed in (mandate_payment, f" {mandate_payment} "):
            with self.subTest(typed=typed):
                values = {"refund_gateway": "gocardless"}
                values["refund_gateway_reference"] = typed
                with self.assertRaisesRegex(
                    ValidationError,
                    f"{mandate_payment} is already recorded on {first.name}",
                ):
                    with self.env.cr.savepoint():
                        second.write(values)
                self.assertFalse(second.refund_gateway_reference)
        other = self.fake_gocardless.add_payment(self._minor(92.0), "USD")
        first.refund_gateway_reference = other
        second.write(
            {
                "refund_gateway": "gocardless",
                "refund_gateway_reference": mandate_payment,
            }
        )
        self.assertEqual(
            second._get_refund_gateway()[:2], ("gocardless", mandate_payment)
        )
        with self.assertRaisesRegex(ValidationError, "already recorded"):
            with self.env.cr.savepoint():
                first.refund_gateway_reference = mandate_payment

    def test_unknown_recorded_reference_is_not_refunded(self):
        refund = self._refund_recorded_reference("PM0000TYPO")
        self.assertRecordValues(
            refund.gateway_ids,
            [
                {
                    "state": "failed",
                    "failure_reason": "resource_not_found",
                    "manual_fallback": True,
                }
            ],
        )
        self.assertEqual(self.fake_gocardless.refunds, {})
        self.assertBooked(refund)

    def test_recorded_reference_checked_again_when_the_gateway_is_back(self):
        self.fake_gocardless.down = True
        invoice, mandate_payment = self._create_gocardless_paid_invoice(
            [{"price_unit": 80.0}]
        )
        refund = self._refund(invoice, [{"line_id": invoice.invoice_line_ids.id}])
        share = refund.gateway_ids
        self._run_gateway_job()
        self.assertRecordValues(
            share, [{"state": "requested", "manual_fallback": False}]
        )
        self.assertEqual(self.fake_gocardless.refunds, {})
        # Nothing booked yet: the credit note waits for the gateway.
        self.assertFalse(share.refund_payment_id)
        self.assertAlmostEqual(refund.credit_note_id.amount_residual, 92.0)
        self.assertAlmostEqual(self._partner_balance(), -92.0)
        self.fake_gocardless.down = False
        share.sudo().last_sync_date = False
        self._run_gateway_job()
        self.assertEqual(share.state, "pending")
        self.assertEqual(self.fake_gocardless.refunded(mandate_payment), 9200)

    def test_sync_follows_pending_refunds(self):
        invoice, _payment = self._create_gocardless_paid_invoice([{"price_unit": 80.0}])
        refund = self._refund(invoice, [{"line_id": invoice.invoice_line_ids.id}])
        share = refund.gateway_ids
        self._run_gateway_job()
        self.fake_gocardless.set_status(share.gateway_reference, "paid")
        share.sudo().last_sync_date = False
        self._run_gateway_job()
        self.assertEqual(share.state, "succeeded")
        self.assertBooked(refund)


@tagged("post_install", "-at_install")
class TestMappedReceivable(GatewayRefundCommon):
    """The customer's fiscal position maps the receivable account: the
    invoice and its credit notes are booked on the mapped account, and
    every refund payment settles them there, as Odoo's register pays on the
    account of the lines it pays."""

    def setUp(self):
        super().setUp()
        self.mapped = self.receivable.copy({"code": "121999", "reconcile": True})
        self.partner_a.property_account_position_id = self.env[
            "account.fiscal.position"
        ].create(
            {
                "name": "Receivable mapped",
                "account_ids": [
                    Command.create(
                        {
                            "account_src_id": self.receivable.id,
                            "account_dest_id": self.mapped.id,
                        }
                    )
                ],
            }
        )

    def assertSettledOnTheMappedAccount(self, refund):
        payments = refund.payment_id | refund.gateway_ids.refund_payment_id
        receivable = (refund.credit_note_id | payments.move_id).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.account_id, self.mapped)
        self.assertTrue(all(receivable.mapped("reconciled")))
        self.assertEqual(payments.destination_account_id, self.mapped)
        self.assertAlmostEqual(sum(payments.mapped("amount")), refund.amount_total)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertFalse(self._open_receivable_lines())

    def test_manual_refund(self):
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 50.0}]
        )
        self.assertEqual(
            invoice.line_ids.filtered(
                lambda line: line.display_type == "payment_term"
            ).account_id,
            self.mapped,
        )
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids[0].id, "amount": 10.0}]
        )
        self.assertRefundSettled(refund)
        self.assertSettledOnTheMappedAccount(refund)

    def test_stripe_refund_and_its_return(self):
        """A payment recording its PaymentIntent (Odoo's online payment of such
        an invoice pays on the customer's own account, left open)."""
        invoice = self._create_paid_invoice([{"price_unit": 100.0}], pay=False)
        payment = self._pay(invoice, self.bank_journal)
        self.assertEqual(invoice.payment_state, "paid")
        intent = self.fake_stripe.add_payment_intent(11500, "usd")
        payment.write({"refund_gateway": "stripe", "refund_gateway_reference": intent})
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 20.0}]
        )
        self._run_gateway_job()
        share = refund.gateway_ids
        self.assertEqual((share.state, refund.state), ("succeeded", "done"))
        self.assertSettledOnTheMappedAccount(refund)
        first_payment = share.refund_payment_id
        self.fake_stripe.set_status(
            share.gateway_reference, "failed", "expired_or_canceled_card"
        )
        share.sudo().last_sync_date = fields.Datetime.subtract(
            fields.Datetime.now(), hours=25
        )
        self._run_gateway_job()
        self.assertReturnBooked(share, first_payment)
        self.assertEqual(share.returned_payment_id.destination_account_id, self.mapped)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_gocardless_refund(self):
        invoice, _mandate_payment = self._create_gocardless_paid_invoice(
            [{"price_unit": 80.0}]
        )
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 30.0}]
        )
        self._gocardless_refund_paid(refund, 3450)
        self.assertEqual(refund.state, "done")
        self.assertSettledOnTheMappedAccount(refund)
