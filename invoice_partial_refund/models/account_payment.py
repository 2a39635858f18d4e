# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..gateways.const import GATEWAY_SELECTION


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
