# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..gateways.const import GATEWAY_SELECTION

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
        tracking=True,
        help="For payments recorded or imported outside Odoo's payment flow: the "
        "gateway that took the money, so that refunds go back through it.",
    )
    refund_gateway_reference = fields.Char(
        string="Gateway Payment ID",
        tracking=True,
        help="Stripe PaymentIntent id (pi_…) or GoCardless payment id (PM…).",
        copy=False,
    )

    @api.constrains("refund_gateway", "refund_gateway_reference")
    def _check_refund_gateway_reference(self):
        for payment in self:
            reference = (payment.refund_gateway_reference or "").strip()
            if not (payment.refund_gateway and reference):
                continue
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

    def _get_refund_gateway(self):
        """Return ``(code, payment reference, transaction)`` of the gateway
        that took this payment, or ``(False, False, None)``.

        A Stripe transaction of Odoo's payment flow wins: its provider
        reference is the PaymentIntent id. Otherwise the fields filled by
        whoever recorded the payment.
        """
        self.ensure_one()
        tx = self.payment_transaction_id
        if tx and tx.provider_code == "stripe" and tx.operation != "refund":
            if tx.provider_reference:
                return "stripe", tx.provider_reference, tx
        if self.refund_gateway and self.refund_gateway_reference:
            return self.refund_gateway, self.refund_gateway_reference.strip(), None
        return False, False, None
