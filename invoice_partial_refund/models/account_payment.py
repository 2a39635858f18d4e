# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..gateways.const import GATEWAY_SELECTION
from .account_partial_refund_request_mixin import REFUND_GROUP

#: The fields that decide where the next refund of an invoice is sent.
REFUND_GATEWAY_FIELDS = ("refund_gateway", "refund_gateway_reference")

#: What a payment id of each gateway looks like: a Stripe PaymentIntent, a
#: GoCardless payment.
GATEWAY_PAYMENT_ID_PATTERNS = {
    "stripe": (re.compile(r"pi_[A-Za-z0-9]+"), "pi_3MtwBwLkdIwHu7ix28a3tqPa"),
    "gocardless": (re.compile(r"PM[0-9A-Z]+"), "PM0012ABC34DEF"),
}


class AccountPayment(models.Model):
    _inherit = "account.payment"

    refund_gateway = fields.Selection(
        selection=GATEWAY_SELECTION,
        string="Paid Through Gateway",
        copy=False,
        tracking=True,
        groups=REFUND_GROUP,
        help="For payments recorded or imported outside Odoo's payment flow: the "
        "gateway that took the money, so that refunds go back through it.",
    )
    refund_gateway_reference = fields.Char(
        string="Gateway Payment ID",
        tracking=True,
        groups=REFUND_GROUP,
        help="Stripe PaymentIntent id (pi_…) or GoCardless payment id (PM…).",
        copy=False,
    )

    partial_refund_locked = fields.Boolean(
        compute="_compute_partial_refund_locked",
        help="A partial refund's payment, or one that paid a partly refunded "
        "invoice: Reset to Draft, Cancel and Reject are refused on it.",
    )

    @api.depends("move_id", "state")
    def _compute_partial_refund_locked(self):
        # The buttons `action_draft`, `action_cancel` and `action_reject`
        # would only raise: not offered.
        for payment in self:
            payment.partial_refund_locked = (
                bool(payment.move_id) and payment.move_id._is_unbooking_refused()
            )

    @api.constrains("refund_gateway", "refund_gateway_reference")
    def _check_refund_gateway_reference(self):
        for payment in self:
            reference = (payment.refund_gateway_reference or "").strip()
            if not (payment.refund_gateway and reference):
                continue
            provider = payment.payment_transaction_id.provider_id
            if provider and provider.code != payment.refund_gateway:
                raise ValidationError(
                    _(
                        "%(payment)s was paid through %(provider)s: its refunds "
                        "cannot go through another gateway.",
                        payment=payment.display_name,
                        provider=provider.display_name,
                    )
                )
            pattern, example = GATEWAY_PAYMENT_ID_PATTERNS[payment.refund_gateway]
            if not pattern.fullmatch(reference):
                raise ValidationError(
                    _(
                        "“%(reference)s” is not a %(gateway)s payment id: copy the "
                        "id itself, such as %(example)s.",
                        reference=reference,
                        gateway=dict(self._fields["refund_gateway"].selection)[
                            payment.refund_gateway
                        ],
                        example=example,
                    )
                )
            payment._check_refund_gateway_reference_unique(reference)

    def _check_refund_gateway_reference_unique(self, reference):
        """A gateway payment is refunded through one Odoo payment only: the
        same id on a second payment (a copy, a typo naming another
        customer's payment of the same amount, as a subscription's) would
        send that payment's refunds to the first one's customer, and give
        back its money twice over."""
        self.ensure_one()
        # As superuser: the other payment may be another company's, or the
        # transaction one the user may not read; only its name is told.
        others = (
            self.sudo()
            .search(
                [
                    ("id", "!=", self.id),
                    ("refund_gateway", "=", self.refund_gateway),
                    ("refund_gateway_reference", "ilike", reference),
                    ("state", "not in", ("canceled", "rejected")),
                ]
            )
            .filtered(lambda other: other.refund_gateway_reference.strip() == reference)
        )
        others |= (
            self.env["payment.transaction"]
            .sudo()
            .search(
                [
                    ("provider_code", "=", self.refund_gateway),
                    ("provider_reference", "=", reference),
                    ("payment_id", "not in", (self.id, False)),
                    ("payment_id.state", "not in", ("canceled", "rejected")),
                ]
            )
            .payment_id
        )
        if others:
            other = others[0]
            raise ValidationError(
                _(
                    "The gateway payment %(reference)s is already recorded on "
                    "%(other)s: its refunds go through that payment only. "
                    "Check the Gateway Payment ID of %(payment)s.",
                    reference=reference,
                    other=other.name
                    if other.company_id in self.env.companies
                    else _("a payment of another company"),
                    payment=self.display_name,
                )
            )

    @api.model
    def default_get(self, fields_list):
        """Override of `account` to let only the refund group say where the
        refunds of a payment go by default too (the context's ``default_*``
        keys, the user's own `ir.default`: `create` adds them after checking
        the call's values)."""
        defaults = super().default_get(fields_list)
        self._check_refund_gateway_rights([defaults])
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        """Override of `account` to let only the refund group say where the
        refunds of a payment go."""
        self._check_refund_gateway_rights(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        """Override of `account` to let only the refund group say where the
        refunds of a payment go."""
        self._check_refund_gateway_rights([vals])
        if vals.get("state") in ("draft", "canceled", "rejected"):
            # A plain field over RPC: written, it is Reset to Draft, Cancel
            # or Reject without their checks (see `action_draft`).
            self.filtered(lambda p: p.state != vals["state"]).move_id._check_unbooking()
        return super().write(vals)

    def _compute_amount_available_for_refund(self):
        """Override of `account_payment`: what partial refunds asked the
        gateway for and it has not refunded yet (no refund payment so far)
        is not offered again by Odoo's Refund button."""
        res = super()._compute_amount_available_for_refund()
        waiting = (
            self.env["account.partial.refund.gateway"]
            .sudo()
            .search(
                [
                    ("source_payment_id", "in", self._origin.ids),
                    ("state", "in", ("requested", "pending")),
                ]
            )
        )
        for payment in self:
            amount = sum(
                waiting.filtered(
                    lambda g, p=payment._origin: g.source_payment_id == p
                ).mapped("amount")
            )
            if amount and payment.amount_available_for_refund:
                payment.amount_available_for_refund = max(
                    payment.amount_available_for_refund - amount, 0.0
                )
        return res

    def _get_refunded_by_odoo(self):
        """``{payment: amount}``: what Odoo's payment flow refunded of these
        payments (the Refund button on a payment, a refund in the gateway's
        dashboard its webhook books), in their currency; not the partial
        refunds' gateway refunds, booked or not yet. Only a payment of Odoo's
        payment flow (a transaction's) has such refunds."""
        refunded = dict.fromkeys(self, 0.0)
        payments = self.filtered("payment_transaction_id")
        if not payments:
            return refunded
        shares = (
            self.env["account.partial.refund.gateway"]
            .sudo()
            .search([("source_payment_id", "in", payments.ids)])
        )
        # Any payment of a share: its refund, returned or not, its return.
        ours = (
            shares.refund_payment_id
            | shares.returned_from_payment_id
            | shares.returned_payment_id
        )
        for refund in payments.sudo().search(
            [
                ("source_payment_id", "in", payments.ids),
                ("payment_type", "=", "outbound"),
                ("state", "!=", "canceled"),
                ("id", "not in", ours.ids),
            ]
        ):
            refunded[refund.source_payment_id.with_env(self.env)] += refund.amount
        # Refunds asked by the Refund button whose payment Odoo books later
        # (pending at the gateway, or done until its post-processing cron):
        # the gateway counts them already, and so must the next refund.
        for payment in payments:
            unbooked = (
                payment.payment_transaction_id.sudo().child_transaction_ids.filtered(
                    lambda tx: (
                        tx.operation == "refund"
                        and tx.state not in ("cancel", "error")
                        and not tx.payment_id
                        and tx not in shares.transaction_id
                    )
                )
            )
            refunded[payment] -= sum(unbooked.mapped("amount"))  # negative amounts
        return refunded

    def action_draft(self):
        """Override of `account`: a partial refund's payment follows the
        refund, and what paid a partly refunded invoice stays matched with
        it (see `account.move._check_unbooking`)."""
        self.move_id._check_unbooking()
        return super().action_draft()

    def action_cancel(self):
        """Override of `account`, as `action_draft`."""
        self.move_id._check_unbooking()
        return super().action_cancel()

    def action_reject(self):
        """Override of `account`, as `action_draft`: a refund payment the
        bank rejected will not go out (Cancel refund says so and makes the
        lines refundable again); a customer's payment rejected funded no
        refund."""
        self.move_id._check_unbooking()
        return super().action_reject()

    @api.model
    def _check_refund_gateway_rights(self, vals_list):
        # Also enforced by the fields' groups; checked here too so that no
        # path (a related field, a sudo-less import) writes them unchecked.
        if self.env.su or self.env.user.has_group(REFUND_GROUP):
            return
        if any(name in vals for vals in vals_list for name in REFUND_GATEWAY_FIELDS):
            raise AccessError(
                _(
                    "Only members of the “Issue refunds” group can say which "
                    "gateway took a payment: it decides where its refunds go."
                )
            )

    def _get_refund_gateway(self):
        """Return ``(code, payment reference, transaction)`` of the gateway
        that took this payment, or ``(False, False, None)``.

        A Stripe transaction of Odoo's payment flow wins: its provider
        reference is the PaymentIntent id. A transaction of another provider
        took the money: no gateway of ours refunds it. Otherwise the fields
        filled by whoever recorded the payment.
        """
        self.ensure_one()
        tx = self.payment_transaction_id
        if tx and tx.provider_code == "stripe" and tx.operation != "refund":
            if tx.provider_reference:
                return "stripe", tx.provider_reference, tx
        elif tx:
            return False, False, None
        if self.refund_gateway and self.refund_gateway_reference:
            return self.refund_gateway, self.refund_gateway_reference.strip(), None
        return False, False, None
