# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

from odoo import api, fields, models

from .. import utils
from ..gateways import GatewayRefused, GatewayUnavailable, InvalidWebhook
from ..gateways.const import GATEWAY_SELECTION

_logger = logging.getLogger(__name__)


class _DuplicateEvent(Exception):
    pass


class AccountPartialRefundWebhookEvent(models.Model):
    """Webhook events already processed: gateways deliver an event at least
    once, and a repeated one must change nothing."""

    _name = "account.partial.refund.webhook.event"
    _description = "Partial Refund Webhook Event"
    _order = "id desc"

    gateway = fields.Selection(selection=GATEWAY_SELECTION, required=True)
    event_id = fields.Char(required=True)
    event_type = fields.Char()
    refund_reference = fields.Char(index=True)
    gateway_refund_id = fields.Many2one(
        comodel_name="account.partial.refund.gateway", ondelete="set null"
    )

    _sql_constraints = [
        ("event_unique", "UNIQUE(gateway, event_id)", "Each event is processed once."),
    ]

    @api.model
    def _handle_webhook(self, gateway, payload, headers, company_id=None):
        """Verify a webhook request with the secret of the account it comes
        from and process its refund events.

        :param payload: the raw request body
        :param company_id: the company the webhook address names, if any:
            only its secret is tried then
        :return: list of booleans, one per refund event (see `_process`)
        :raise InvalidWebhook: the request is not signed with the secret of
            any account it may come from
        :raise GatewayUnavailable: an event could not be applied now; the
            caller answers with an error so that the gateway sends it again
        """
        error = InvalidWebhook(f"No {gateway} webhook secret is configured.")
        for company, client in self._get_webhook_clients(gateway, payload, company_id):
            try:
                events = client.parse_webhook(payload, headers)
            except InvalidWebhook as invalid:
                error = invalid
                continue
            Event = self.with_company(company)
            companies = self._get_account_companies(gateway, company)
            return [Event._process(gateway, event, companies) for event in events]
        raise error

    @api.model
    def _get_account_companies(self, gateway, company):
        """The companies that refund through the account whose webhook secret
        ``company`` holds: itself, and for GoCardless every company with the
        same account (the same access token and address), e.g. as the
        18.0.2.0.0 migration leaves one former global account. GoCardless
        sends each of the account's events to each of its webhook addresses:
        the first that checks out applies it, whichever company it is about.
        """
        company = company.sudo()
        token = company.partial_refund_gocardless_access_token
        if gateway != "gocardless" or not token:
            return company
        return company.search(
            [
                ("partial_refund_gocardless_access_token", "=", token),
                (
                    "partial_refund_gocardless_environment",
                    "=",
                    company.partial_refund_gocardless_environment,
                ),
                (
                    "partial_refund_gocardless_api_base",
                    "=",
                    company.partial_refund_gocardless_api_base,
                ),
            ]
        )

    @api.model
    def _get_webhook_clients(self, gateway, payload, company_id=None):
        """The accounts a webhook may come from, as ``(company, client)``
        pairs, each client with its account's webhook secret.

        Stripe: the provider of our gateway refund the event is about, found
        from the unverified body (it only chooses the secret to verify with),
        or every Stripe provider with a refunds webhook secret for a refund
        this addon did not make. GoCardless: the company of the webhook
        address, or every company with a webhook secret.
        """
        # Secrets are readable by administrators only; a webhook is public.
        if gateway == "stripe":
            providers = self._get_stripe_webhook_providers(payload)
            if company_id:
                providers = providers.filtered(lambda p: p.company_id.id == company_id)
            return [
                (provider.company_id, utils.get_stripe_gateway(provider))
                for provider in providers
            ]
        companies = self.env["res.company"].sudo().search([])
        if company_id:
            companies = companies.filtered(lambda c: c.id == company_id)
        return [
            (company, utils.get_gocardless_gateway(company))
            for company in companies
            if company.partial_refund_gocardless_webhook_secret
        ]

    @api.model
    def _get_stripe_webhook_providers(self, payload):
        """The Stripe providers whose refunds webhook secret may sign this
        body (see `_get_webhook_clients`)."""
        try:
            refund = json.loads(payload)["data"]["object"]
            references = [refund.get("id"), refund.get("payment_intent")]
        except (ValueError, TypeError, KeyError, AttributeError):
            references = []
        references = [ref for ref in references if isinstance(ref, str) and ref]
        shares = self.env["account.partial.refund.gateway"].sudo()
        if references:
            shares = shares.search(
                [
                    ("gateway", "=", "stripe"),
                    "|",
                    ("gateway_reference", "in", references),
                    ("payment_reference", "in", references),
                ]
            )
        providers = self.env["payment.provider"].sudo()
        for share in shares:
            try:
                providers |= share._get_stripe_provider()
            except GatewayRefused:
                continue
        if not shares:
            providers = providers.search(
                [
                    ("code", "=", "stripe"),
                    ("partial_refund_webhook_secret", "!=", False),
                ]
            )
        return providers

    @api.model
    def _process(self, gateway, event, companies):
        """Apply a verified `WebhookEvent` once.

        The event is recorded as processed only once it was applied, in the
        same savepoint: an event that fails is not lost, the gateway sends it
        again. The refund is always fetched from the gateway rather than
        read from the event, whose snapshot may be older than another one
        already applied.

        :param companies: the companies whose account signed the event (see
            `_get_account_companies`): only their refunds (and their
            branches') are looked at
        :return: True when processed now, False for a duplicate or an event
            about a refund this addon did not make
        """
        if self.search_count(
            [("gateway", "=", gateway), ("event_id", "=", event.event_id)], limit=1
        ):
            _logger.info("Ignored duplicate %s event %s", gateway, event.event_id)
            return False
        share = self.env["account.partial.refund.gateway"].search(
            [
                ("gateway", "=", gateway),
                ("gateway_reference", "=", event.refund_reference),
                # Their branches' refunds too, made through their account.
                ("company_id", "child_of", companies.ids),
            ],
            limit=1,
        )
        # Applied in its own company (that of the account may be another).
        share = share.with_company(share.company_id)
        try:
            with self.env.cr.savepoint():
                self._apply_and_record(gateway, event, share)
        except _DuplicateEvent:
            return False
        return bool(share)

    @api.model
    def _apply_and_record(self, gateway, event, share):
        """Apply the event's refund (fetched again) and record the event."""
        if share:
            locked = share._lock()
            if not locked:
                raise GatewayUnavailable(
                    f"Gateway refund {share.id} is being processed; retry later."
                )
            refund = share._get_gateway_client().fetch_refund(event.refund_reference)
            state = locked.state
            locked._apply(refund)
            if locked.state != state:
                # Told as the job's answers are (sent on commit only).
                locked._notify_gateway_answer()
        self.env.cr.execute(
            "INSERT INTO account_partial_refund_webhook_event "
            "(gateway, event_id, event_type, refund_reference, gateway_refund_id, "
            "create_date, write_date, create_uid, write_uid) VALUES "
            "(%s, %s, %s, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC', "
            "%s, %s) ON CONFLICT (gateway, event_id) DO NOTHING RETURNING id",
            [
                gateway,
                event.event_id,
                event.event_type,
                event.refund_reference,
                share.id or None,
                self.env.uid,
                self.env.uid,
            ],
        )
        if not self.env.cr.fetchone():
            # Another delivery of the same event won the race: this one's
            # changes go with the savepoint.
            raise _DuplicateEvent
