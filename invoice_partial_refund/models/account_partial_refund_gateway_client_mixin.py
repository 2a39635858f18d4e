# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The gateway client of a gateway share, with the credentials of the account
that took the payment, and the check of a payment reference typed on the Odoo
payment."""

from odoo import _, models

from .. import utils
from ..gateways import (
    GatewayRefused,
    from_minor_units,
    to_minor_units,
)


class AccountPartialRefundGatewayClientMixin(models.AbstractModel):
    """The gateway client part of `account.partial.refund.gateway` (its only
    user)."""

    _name = "account.partial.refund.gateway.client.mixin"
    _description = "Partial Refund Gateway Client"

    def _get_gateway_client(self):
        """The gateway client of this record, with the credentials of the
        account that took the payment: the Stripe provider's, or the
        company's GoCardless account.

        :raise GatewayRefused: no usable Stripe provider (the refund is then
            made by hand, with that reason)
        """
        self.ensure_one()
        if self.gateway == "stripe":
            return utils.get_stripe_gateway(self._get_stripe_provider(pin=True))
        # The company's GoCardless account, else its nearest parent's (a
        # branch paid through its parent's account; `parent_ids` runs from
        # the root to the company itself).
        companies = self.company_id.sudo().parent_ids.filtered(
            "partial_refund_gocardless_access_token"
        )
        return utils.get_gocardless_gateway(companies[-1:] or self.company_id)

    def _get_stripe_provider(self, pin=False):
        """The Stripe `payment.provider` whose account took the payment.

        :param pin: the gateway job asks it about this refund: it is kept
            for the refund (`stripe_provider_id`), even once a second
            provider makes the choice unclear

        :raise GatewayRefused: no single active Stripe provider of the
            company, for a payment recorded without a transaction
        """
        self.ensure_one()
        provider = self.source_transaction_id.provider_id or self.stripe_provider_id
        if provider:
            return provider
        # A recorded PaymentIntent names no provider: only an unambiguous one
        # may refund it, of the payment's company, else of the nearest parent
        # company that has one (a branch paid through its parent's account).
        company = self.source_payment_id.company_id or self.company_id
        providers = (
            self.env["payment.provider"]
            .sudo()
            .search(
                [
                    ("company_id", "in", company.parent_ids.ids),
                    ("code", "=", "stripe"),
                    ("state", "in", ("enabled", "test")),
                ]
            )
        )
        # `parent_ids` runs from the root to the company itself.
        nearest = company.parent_ids.filtered(lambda c: c in providers.company_id)[-1:]
        provider = providers.filtered(lambda p: p.company_id == nearest)
        if len(provider) != 1:
            raise GatewayRefused(
                "No single active Stripe provider for this company.",
                reason="stripe_provider_ambiguous",
            )
        if pin:
            self.sudo().stripe_provider_id = provider
        return provider

    def _check_recorded_payment(self, gateway):
        """Make sure a payment reference typed on the Odoo payment (not given
        by Odoo's payment flow) is that payment at the gateway: same currency
        and amount. A typo must not refund another customer's payment.

        :raise GatewayRefused: it is not (the refund is then made by hand)
        :raise GatewayUnavailable: no answer; checked again on the next try
        """
        payment = self.source_payment_id
        currency = payment.currency_id
        found = gateway.fetch_payment(self.payment_reference)
        expected = minor_units(payment.amount, currency)
        if found.currency == currency.name and found.amount_minor == expected:
            return
        raise GatewayRefused(
            _(
                "the gateway payment %(reference)s recorded on %(payment)s is a "
                "payment of %(found)s %(found_currency)s, not of %(amount)s: check "
                "the Gateway Payment ID of the payment",
                reference=self.payment_reference,
                payment=payment.name,
                found=from_minor_units(found.amount_minor, found.currency or "XXX"),
                found_currency=found.currency,
                amount=currency.format(payment.amount),
            )
        )


def minor_units(amount, currency):
    """``amount`` in the minor units of ``currency`` (a `res.currency`), as
    gateways count, computed from the amount rounded to the currency's
    decimals, not from float noise.

    :raise GatewayRefused: the gateway counts the currency with fewer
        decimals than Odoo and the amount does not fit
    """
    try:
        return to_minor_units(
            f"{currency.round(amount):.{currency.decimal_places}f}", currency.name
        )
    except ValueError as error:
        raise GatewayRefused(str(error), reason="amount_not_supported") from error
