# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import secrets

from odoo import SUPERUSER_ID, _, api, fields, models

from .. import utils
from ..gateways import from_minor_units
from ..gateways.const import GATEWAY_SELECTION
from .account_partial_refund_gateway_client_mixin import minor_units

#: Refusals saying the customer may already have the money back, outside
#: Odoo: the charge refunded in the gateway's dashboard, or disputed.
MONEY_BACK_ALREADY = ("charge_already_refunded", "charge_disputed")

_logger = logging.getLogger(__name__)


class AccountPartialRefundGateway(models.Model):
    _name = "account.partial.refund.gateway"
    _inherit = [
        "account.partial.refund.gateway.client.mixin",
        "account.partial.refund.gateway.job.mixin",
    ]
    _description = "Partial Refund through a Gateway"
    _order = "id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    refund_id = fields.Many2one(
        comodel_name="account.partial.refund",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="refund_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="refund_id.currency_id", store=True)
    gateway = fields.Selection(
        selection=GATEWAY_SELECTION,
        required=True,
        readonly=True,
    )
    # The invoice's payments, found by the refund (not chosen): a branch's
    # invoice may be paid through its parent company, which Odoo allows.
    source_payment_id = fields.Many2one(
        comodel_name="account.payment",
        string="Refunded Payment",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    source_transaction_id = fields.Many2one(
        comodel_name="payment.transaction", readonly=True, ondelete="restrict"
    )
    # The Stripe account first asked for a payment recorded without a
    # transaction: asked again about this refund, whatever providers appear.
    stripe_provider_id = fields.Many2one(
        comodel_name="payment.provider", readonly=True, ondelete="set null"
    )
    payment_reference = fields.Char(
        string="Gateway Payment ID", required=True, readonly=True, index=True
    )
    amount = fields.Monetary(required=True, readonly=True)
    idempotency_key = fields.Char(readonly=True, copy=False, index=True)
    gateway_reference = fields.Char(
        string="Gateway Refund ID", readonly=True, copy=False, index="btree_not_null"
    )
    state = fields.Selection(
        selection=[
            ("requested", "Requested"),
            ("pending", "Pending"),
            ("succeeded", "Succeeded"),
            ("failed", "Failed"),
            ("canceled", "Canceled"),
        ],
        default="requested",
        required=True,
        readonly=True,
        index=True,
    )
    failure_reason = fields.Char(readonly=True)
    last_error = fields.Char(readonly=True)
    attempt_count = fields.Integer(readonly=True)
    last_sync_date = fields.Datetime(string="Last Checked", readonly=True, index=True)
    succeeded_date = fields.Datetime(
        string="Succeeded On",
        readonly=True,
        help="When the gateway reported the refund succeeded; the status sync "
        "keeps asking about it for a while after (a bank may still return it).",
    )
    transaction_id = fields.Many2one(
        comodel_name="payment.transaction",
        string="Refund Transaction",
        readonly=True,
        ondelete="set null",
    )
    refund_payment_id = fields.Many2one(
        comodel_name="account.payment",
        readonly=True,
        ondelete="set null",
        check_company=True,
    )
    manual_fallback = fields.Boolean(
        readonly=True,
        help="The gateway did not refund: the money must be sent back by hand.",
    )
    returned_payment_id = fields.Many2one(
        comodel_name="account.payment",
        string="Returned Refund",
        readonly=True,
        ondelete="set null",
        check_company=True,
        help="A refund the gateway reported failed after it succeeded (the "
        "customer's bank returned it): the payment booking the money back on the "
        "gateway's journal, on the day it was reported.",
    )
    returned_from_payment_id = fields.Many2one(
        comodel_name="account.payment",
        string="Refund Payment Returned",
        readonly=True,
        ondelete="set null",
        check_company=True,
        help="The payment of the refund that was returned; it stays as booked.",
    )

    _sql_constraints = [
        (
            "idempotency_key_unique",
            "UNIQUE(idempotency_key)",
            "A gateway refund's idempotency key is unique.",
        ),
    ]

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for record in records:
            # Stored with the record, in the transaction that creates it: the
            # same record always sends the same key, so however often it is
            # sent (retry, cron, repeated click) the gateway makes one refund.
            # Random, not derived from the database and the record's id: a
            # database restored from a backup (same uuid) gives its next
            # records the ids of records the gateway already refunded.
            record.idempotency_key = f"odoo-ipr-{record.id}-{secrets.token_hex(16)}"
        return records

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _gateway_label(self):
        """The gateway's name, as the messages about this record say it."""
        self.ensure_one()
        return dict(self._fields["gateway"]._description_selection(self.env))[
            self.gateway
        ]

    def _minor_amount(self):
        """The amount in the currency's minor units, as the gateway counts."""
        return minor_units(self.amount, self.currency_id)

    def _metadata(self):
        refund = self.refund_id
        return {
            "odoo_refund": refund.name,
            "odoo_invoice": refund.move_id.name,
            "odoo_credit_note": refund.credit_note_id.name or "",
        }

    def _refunded_minor_before(self):
        """What was already refunded of the same gateway payment by other
        records (GoCardless confirms the cumulative total)."""
        others = self._get_other_refunds_of_payment(("pending", "succeeded"))
        return sum(other._minor_amount() for other in others)

    def _get_other_refunds_of_payment(self, states):
        """The other records refunding the same gateway payment, in
        ``states``."""
        self.ensure_one()
        return self.search(
            [
                ("gateway", "=", self.gateway),
                ("payment_reference", "=", self.payment_reference),
                ("state", "in", states),
                ("id", "!=", self.id),
            ]
        )

    def _apply(self, result):
        """Apply the gateway's view of the refund (a `GatewayRefund`).

        States only move forward: requested → pending → succeeded, and
        failed or canceled are final. A refund the gateway reports failed
        after it succeeded (returned by the customer's bank) has its return
        booked (`_report_return`) and falls back to a manual refund. Events may
        arrive in any order: a late "pending" changes nothing.
        """
        self.ensure_one()
        if result.amount_minor != self._minor_amount():
            self.last_error = _(
                "The gateway refund %(reference)s is of %(amount)s, not %(expected)s.",
                reference=result.reference,
                amount=from_minor_units(result.amount_minor, result.currency),
                expected=self.amount,
            )
            return
        if self.state in ("failed", "canceled"):
            return
        self.gateway_reference = result.reference
        self.last_error = False
        tx = self._get_refund_transaction()
        if result.status == "pending":
            if self.state == "requested":
                self.state = "pending"
                if tx:
                    tx._set_pending()
                self.refund_id._update_state()
        elif result.status == "succeeded":
            if self.state in ("requested", "pending"):
                self._report_success(tx)
        else:
            if tx:
                tx._set_canceled(
                    state_message=result.failure_reason, extra_allowed_states=("done",)
                )
                # Booked here: Odoo's post-processing of a cancelled
                # transaction would cancel its payment, which stays (below).
                tx.is_post_processed = True
            date = None
            if self.state == "succeeded":
                self._report_return()
                # Sent by hand from now on, not at the refund's date.
                date = fields.Date.context_today(self)
            self._report_failure(
                result.status, result.failure_reason or result.status, date=date
            )

    def _get_refund_transaction(self):
        """The Odoo refund transaction of this Stripe refund, created on the
        first answer so that payment_stripe's own webhook handling finds it
        by the refund id instead of booking the refund a second time.

        Returned as superuser: the payment flow logs on the credit note as
        OdooBot then, not as the customer (who may have no email address).
        """
        self.ensure_one()
        if self.transaction_id or not self.source_transaction_id:
            return self.transaction_id.with_user(SUPERUSER_ID)
        # Then looked up: one payment_stripe's webhook committed is found
        # (see `payment.transaction._lock_for_refund`).
        self.source_transaction_id._lock_for_refund()
        tx = self.env["payment.transaction"].search(
            [
                ("provider_reference", "=", self.gateway_reference),
                ("provider_id", "=", self.source_transaction_id.provider_id.id),
                ("operation", "=", "refund"),
            ],
            limit=1,
        )
        if not tx:
            # Transactions are the payment flow's, written as superuser there too.
            tx = self.source_transaction_id.sudo()._create_child_transaction(
                self.amount,
                is_refund=True,
                provider_reference=self.gateway_reference,
                invoice_ids=[fields.Command.set(self.refund_id.credit_note_id.ids)],
            )
        self.transaction_id = tx
        return tx.with_user(SUPERUSER_ID)

    def _report_success(self, tx):
        """The money is back with the customer: book the refund payment and
        reconcile it with the credit note (once)."""
        now = fields.Datetime.now()
        # Heard from the gateway now: the daily look-again starts from here.
        self.write({"state": "succeeded", "succeeded_date": now, "last_sync_date": now})
        refund = self.refund_id
        if self.refund_payment_id:
            refund._update_state()
            return
        if tx:
            tx._set_done(extra_allowed_states=("done",))
        payment = self.env["account.partial.refund.booking"]._book_gateway_success(
            self, tx
        )
        self.refund_payment_id = payment
        refund._update_state()
        utils.post_internal_note(
            refund,
            _(
                "%(gateway)s refunded %(amount)s (refund %(reference)s).",
                gateway=self._gateway_label(),
                amount=self.currency_id.format(self.amount),
                reference=self.gateway_reference,
            ),
        )

    def _report_return(self):
        """The gateway refunded, then the customer's bank sent the money back
        (a closed card or account): book its return today on the gateway's
        journal, an inbound payment the customer is owed again, and leave
        the refund payment as it was booked: it went out, possibly in a
        period since closed or a payout since reconciled."""
        self.ensure_one()
        refunded = self.refund_payment_id
        returned = self.env["account.partial.refund.booking"]._book_gateway_return(self)
        self.write(
            {
                "returned_payment_id": returned.id,
                "returned_from_payment_id": refunded.id,
            }
        )
        utils.post_internal_note(
            self.refund_id,
            _(
                "%(gateway)s reports that the refund %(reference)s failed after it "
                "succeeded: its payment %(payment)s stays, the money back is booked "
                "by %(returned)s.",
                gateway=self._gateway_label(),
                reference=self.gateway_reference,
                payment=refunded._get_html_link(),
                returned=returned._get_html_link(),
            ),
        )

    def _report_failure(self, state, reason, date=None):
        """The gateway did not refund: keep the credit note, record why, and
        fall back to a refund by hand through the refund's manual method.

        :param date: date of the manual refund's payment, the refund's by
            default
        """
        self.ensure_one()
        if self.manual_fallback:
            return
        refund = self.refund_id
        self.write(
            {
                "state": state if state in ("failed", "canceled") else "failed",
                "failure_reason": (reason or "")[:500],
                "manual_fallback": True,
            }
        )
        self.refund_payment_id = self.env[
            "account.partial.refund.booking"
        ]._book_gateway_fallback(self, date=date)
        refund._update_state()
        values = {
            "gateway": self._gateway_label(),
            "amount": self.currency_id.format(self.amount),
            "reason": reason,
            "method": self.refund_payment_id.payment_method_line_id.display_name,
        }
        if reason in MONEY_BACK_ALREADY:
            # Given back outside Odoo (the gateway's dashboard, a dispute):
            # a person checks before anything is sent twice.
            message = _(
                "%(gateway)s did not refund %(amount)s: %(reason)s. The customer "
                "may already have this money back: check with %(gateway)s before "
                "sending anything through %(method)s, and mark the refund as "
                "refunded once the customer has it.",
                **values,
            )
        else:
            message = _(
                "%(gateway)s did not refund %(amount)s: %(reason)s. Send the money "
                "back by hand through %(method)s, then mark the refund as refunded.",
                **values,
            )
        utils.post_internal_note(refund, message)
