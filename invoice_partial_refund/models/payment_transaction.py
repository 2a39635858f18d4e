# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from .. import utils


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _create_child_transaction(
        self, amount, is_refund=False, **custom_create_values
    ):
        """Override of `payment`: a refund transaction is created once its
        payment's transaction is locked (`_lock_for_refund`)."""
        if is_refund:
            self._lock_for_refund()
        return super()._create_child_transaction(
            amount, is_refund=is_refund, **custom_create_values
        )

    def _lock_for_refund(self):
        """Rewrite these payment transactions' rows (their write date) before
        a refund of them is recorded. The gateway job records the Stripe
        refund it made (its refund transaction, then its payment, see
        `account.partial.refund.gateway._get_refund_transaction`) while
        payment_stripe's webhook may record the same refund from Stripe's
        ``charge.refunded`` event, in a transaction of its own that cannot
        see the job's until it commits: the refund would be booked twice.
        Both lock the payment's transaction first (`utils.rewrite_rows`):
        the second runs again (Odoo retries the webhook's request; the job
        runs again) and finds the first's refund transaction by the
        refund's id."""
        utils.rewrite_rows(self)
