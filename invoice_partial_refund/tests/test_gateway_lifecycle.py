# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lifecycle of gateway refunds beside Odoo's own payment flow: refunds
made outside the addon, a provider's journal archived, a payment another
provider took, a currency the gateway counts otherwise, a payment the bank
statement shows sent, a neutralized copy of the database."""

from contextlib import suppress

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.modules.neutralize import neutralize_database
from odoo.tests import tagged

from .test_gateway_refunds import GatewayRefundCommon


@tagged("post_install", "-at_install")
class TestGatewayLifecycle(GatewayRefundCommon):
    def _native_stripe_refund(self, intent, amount):
        """Refund ``amount`` of the Stripe payment ``intent`` as Odoo's own
        Refund button on the payment does (or payment_stripe's webhook for a
        refund made in Stripe's dashboard): a refund at Stripe, then Odoo's
        refund transaction, done and post-processed (its outbound payment,
        ``source_payment_id`` the refunded payment)."""
        status, stripe_refund = self.fake_stripe._new_refund(
            {"payment_intent": intent, "amount": str(self._minor(amount))}
        )
        self.assertEqual(status, 200)
        source_tx = self.env["payment.transaction"].search(
            [("provider_reference", "=", intent)]
        )
        refund_tx = source_tx._create_child_transaction(
            amount, is_refund=True, provider_reference=stripe_refund["id"]
        )
        refund_tx._set_done()
        refund_tx._post_process()
        self.assertEqual(refund_tx.payment_id.source_payment_id, source_tx.payment_id)
        return source_tx.payment_id

    def test_split_counts_refunds_made_outside_the_addon(self):
        """An invoice of 115 paid through Stripe, 100 of it refunded by Odoo's
        own Refund button on the payment (or in Stripe's dashboard, which
        payment_stripe's webhook books the same way): 15 is left at Stripe
        (Odoo's ``amount_available_for_refund``), and 15 is all the customer
        paid that was not given back. The split offers Stripe at most those
        15; a partial refund beyond them is refused, nothing written; one
        within them goes through Stripe."""
        invoice, intent = self._create_stripe_paid_invoice([{"price_unit": 100.0}])
        payment = self._native_stripe_refund(intent, 100.0)
        self.assertAlmostEqual(payment.amount_available_for_refund, 15.0)
        (share,) = invoice._get_partial_refund_gateway_split(23.0, include_empty=True)
        self.assertAlmostEqual(share["available"], 15.0)
        self.assertAlmostEqual(share["amount"], 15.0)
        line = invoice.invoice_line_ids
        with self.assertRaisesRegex(UserError, "beyond what the customer paid"):
            self._refund(invoice, [{"line_id": line.id, "amount": 20.0}])
        self.assertFalse(invoice.partial_refund_ids)
        refund = self._refund(invoice, [{"line_id": line.id, "amount": 10.0}])
        self.assertAlmostEqual(refund.gateway_ids.amount, 11.5)
        self._run_gateway_job()
        self.assertEqual(self.fake_stripe.refunded(intent), 10000 + 1150)
        self.assertEqual(refund.state, "done")
        self.assertFalse(refund.gateway_ids.manual_fallback)
        self.assertRefundSettled_any(refund)

    def test_share_stripe_cannot_count_falls_back_instead_of_waiting_forever(self):
        """An invoice in Malagasy ariary (two decimals in Odoo, none at
        Stripe: https://docs.stripe.com/currencies#zero-decimal) paid through
        Stripe, refunded 115.12 (100.10 + 15 % tax): Stripe cannot be asked
        for a fraction of an ariary (``minor_units`` raises GatewayRefused
        "amount_not_supported", a refusal by its docstring). Expected: the
        refund falls back to a manual refund with that reason, as any
        refusal does, and the accountant is reminded (or Stripe is asked for
        what it can refund, the rest by hand): it never stays "requested"."""
        mga = self.setup_other_currency("MGA", rates=[("2019-01-01", 4000.0)])
        invoice, _intent = self._create_stripe_paid_invoice(
            [{"price_unit": 1000.0}], currency=mga
        )
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 100.10}]
        )
        share = refund.gateway_ids
        self.assertAlmostEqual(share.amount, 115.12)
        self._run_gateway_job()
        self.assertNotEqual(
            share.state, "requested", f"stuck, only noted: {share.last_error!r}"
        )
        self.assertIn(refund.state, ("manual", "done"))
        if share.manual_fallback:
            self.assertEqual(share.failure_reason, "amount_not_supported")
            self.assertTrue(refund.activity_ids, "the accountant is reminded")

    def test_odoo_refund_button_sees_what_the_addon_refunds(self):
        """A Stripe payment of 115, 23 of it being refunded by a partial
        refund (its gateway share "requested", the job not run yet): Odoo's
        own Refund button on the payment (``payment.refund.wizard``, which
        reads ``amount_available_for_refund``) must not offer those 23 again,
        else the customer is refunded 115 by Odoo's button, Stripe then
        refuses the addon's 23 and they are owed by hand: 138 for 115 paid."""
        invoice, intent = self._create_stripe_paid_invoice([{"price_unit": 100.0}])
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 20.0}]
        )
        self.assertEqual(refund.gateway_ids.state, "requested")
        payment = refund.gateway_ids.source_payment_id
        payment.invalidate_recordset(["amount_available_for_refund"])
        self.assertLessEqual(
            payment.amount_available_for_refund,
            92.0,
            "the 23 requested of Stripe are not refundable again",
        )

    def test_stripe_success_after_the_provider_journal_was_archived(self):
        """Stripe refunds a share after the journal of the Stripe provider (the
        journal of the refunded payment) was archived: the money is gone, so
        it must be booked (in an active journal, with a note, as the
        GoCardless and recorded-payment paths do through
        ``_get_gateway_journal``) and the refund must be done."""
        invoice, intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        other = self.bank_journal.copy({"name": "Bank 2", "code": "BNK2"})
        self.stripe.journal_id.action_archive()
        self._run_gateway_job()
        self.assertEqual(self.fake_stripe.refunded(intent), 2300, "Stripe refunded")
        self.assertEqual(
            (share.state, refund.state),
            ("succeeded", "done"),
            f"booking failed: {share.last_error!r}",
        )
        self.assertTrue(share.refund_payment_id.journal_id.active)
        self.assertIn(
            share.refund_payment_id.journal_id, other | self.stripe.journal_id
        )
        self.assertBooked(refund)

    def test_payment_taken_by_another_provider_is_not_refunded_through_stripe(self):
        """A payment made through Odoo's payment flow with another provider
        (here the payment module's test provider; PayPal, Adyen… alike): its
        transaction says which gateway took the money. Its refunds must not
        go through Stripe because someone typed a PaymentIntent id of the
        same amount on the payment (another customer's charge: a fixed price,
        a subscription): either the fields are refused on such a payment, or
        the refund goes back by hand."""
        invoice = self._create_paid_invoice([{"price_unit": 100.0}], pay=False)
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": self.dummy_provider.id,
                "payment_method_id": self.env.ref("payment.payment_method_card").id,
                "reference": "TX-OTHER-PROVIDER",
                "amount": invoice.amount_residual,
                "currency_id": invoice.currency_id.id,
                "partner_id": invoice.partner_id.id,
                "operation": "online_direct",
                "provider_reference": "other_provider_charge_1",
                "invoice_ids": [Command.set(invoice.ids)],
            }
        )
        tx._set_done()
        tx._post_process()
        self.assertEqual(invoice.payment_state, "paid")
        payment = tx.payment_id
        # Another customer's Stripe charge of the same amount.
        intent = self.fake_stripe.add_payment_intent(11500, "usd")
        with suppress(ValidationError, UserError), self.env.cr.savepoint():
            payment.write(
                {"refund_gateway": "stripe", "refund_gateway_reference": intent}
            )
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 20.0}]
        )
        self._run_gateway_job()
        self.assertEqual(
            self.fake_stripe.refunded(intent),
            0,
            "a charge Stripe did not take for this payment is not refunded",
        )
        self.assertFalse(refund.gateway_ids.filtered(lambda g: g.gateway == "stripe"))

    def test_refund_whose_payment_the_bank_statement_shows_cannot_be_cancelled(self):
        """A manual refund of 23 through the bank: its payment is matched
        with the bank statement line of the transfer (the money left the
        bank; Odoo shows the payment "Paid"), before anyone clicked Mark as
        refunded. Cancel refund must be refused (its money is out: "A refund
        may be cancelled while no money left"), else the bank statement line
        is unmatched, the invoice lines are refundable again and the customer
        can be refunded a second time."""
        invoice = self._create_paid_invoice([{"price_unit": 100.0}])
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids.id, "amount": 20.0}],
            journal_id=self.bank_journal.id,
        )
        self.assertEqual(refund.state, "manual")
        payment = refund.payment_id
        outstanding = payment.move_id.line_ids.filtered(
            lambda line: line.account_id == payment.outstanding_account_id
        )
        statement_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": "2019-02-03",
                "payment_ref": refund.name,
                "partner_id": invoice.partner_id.id,
                "amount": -payment.amount,
            }
        )
        _liquidity, suspense, _other = statement_line._seek_for_lines()
        # As the reconciliation widget matches it with the payment.
        statement_line.move_id.button_draft()
        statement_line.move_id.write(
            {
                "line_ids": [
                    Command.update(
                        suspense.id, {"account_id": payment.outstanding_account_id.id}
                    )
                ]
            }
        )
        statement_line.move_id.action_post()
        matched = statement_line.move_id.line_ids.filtered(
            lambda line: line.account_id == payment.outstanding_account_id
        )
        (matched | outstanding).reconcile()
        self.assertEqual(payment.state, "paid", "the bank shows the money left")
        with self.assertRaises(UserError, msg="its money left the bank"):
            refund.action_cancel_refund()
        self.assertTrue(outstanding.reconciled)
        self.assertEqual(refund.state, "manual")

    def test_neutralized_copy_cannot_refund_through_gocardless(self):
        """A neutralized copy of the database (a staging or test copy of
        production: ``odoo-bin neutralize``, Odoo.sh's staging branches)
        must not move real money: Odoo's neutralization clears the Stripe
        keys (payment_stripe's ``data/neutralize.sql``), and this addon's
        GoCardless accounts must be neutralized likewise (their access
        tokens cleared, or back to the sandbox), or a refund tried out in the
        copy, sent by the gateway job run by hand there, refunds a real
        customer through the live account, beside production."""
        company = self.env.company.sudo()
        company.write(
            {
                "partial_refund_gocardless_access_token": "live_token_of_production",
                "partial_refund_gocardless_environment": "live",
                "partial_refund_gocardless_api_base": False,
            }
        )
        self.env.flush_all()
        neutralize_database(self.env.cr)
        self.env.invalidate_all()
        self.assertFalse(
            company.partial_refund_gocardless_access_token
            and company.partial_refund_gocardless_environment == "live",
            "the neutralized copy still refunds through the live GoCardless account",
        )

    def test_charge_already_refunded_is_checked_before_sending(self):
        """The Stripe charge of an invoice of 115 was refunded in full in
        Stripe's dashboard (no record in Odoo: no webhook of payment_stripe
        configured). A partial refund of 23 is then refused by Stripe with
        ``charge_already_refunded``: the customer may already have the money
        back. The refund waits for a person (a manual refund and its
        reminder), and its note says to check with Stripe before sending
        anything, not to send the money."""
        invoice, intent = self._create_stripe_paid_invoice([{"price_unit": 100.0}])
        status, _stripe_refund = self.fake_stripe._new_refund(
            {"payment_intent": intent, "amount": "11500"}
        )
        self.assertEqual(status, 200)
        refund = self._refund(
            invoice, [{"line_id": invoice.invoice_line_ids.id, "amount": 20.0}]
        )
        self._run_gateway_job()
        share = refund.gateway_ids
        self.assertEqual(share.failure_reason, "charge_already_refunded")
        self.assertEqual(refund.state, "manual")
        self.assertEqual(self.fake_stripe.refunded(intent), 11500)
        notes = refund.message_ids.mapped("body")
        self.assertTrue(
            any("may already have this money back" in body for body in notes), notes
        )
        self.assertFalse(any("Send the money back by hand" in body for body in notes))

    def test_returned_stripe_refund_is_not_counted_as_refunded(self):
        """An invoice of 115 paid through Stripe; a refund of 23 sent through
        Stripe succeeds, then the customer's bank returns it (Stripe's
        ``refund.failed``): Stripe counts nothing refunded of the charge any
        more (115 refundable), the share is failed, its payment stays booked
        (``returned_from_payment_id``) beside the return, and the refund
        awaits a manual refund. The refund is then cancelled, and the whole
        invoice refunded again: 115, which the charge can take. Expected:
        all of it through Stripe (one share of 115), nothing left to send by
        hand: the returned refund's payment is a share's, not a refund of
        Odoo's payment flow."""
        invoice, intent, refund = self._stripe_refund(20.0)
        share = refund.gateway_ids
        self._run_gateway_job()
        self.assertEqual(share.state, "succeeded")
        self._stripe_refund_failed(share)
        self.assertEqual(refund.state, "manual")
        self.assertEqual(self.fake_stripe.refunded(intent), 0)
        refund.action_cancel_refund()
        self.assertEqual(refund.state, "cancelled")
        again = self._refund(invoice, [{"line_id": invoice.invoice_line_ids.id}])
        self.assertAlmostEqual(again.amount_total, 115.0)
        self.assertEqual(
            [(g.gateway, g.amount) for g in again.gateway_ids], [("stripe", 115.0)]
        )
        self.assertFalse(again.payment_id, "nothing to send back by hand")
