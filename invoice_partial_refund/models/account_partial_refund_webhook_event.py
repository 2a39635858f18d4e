# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models

from .. import utils
from ..gateways import GatewayUnavailable
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
    def _handle_webhook(self, gateway, payload, headers):
        """Verify a webhook request and process its refund events.

        :param payload: the raw request body
        :return: list of booleans, one per refund event (see `_process`)
        :raise InvalidWebhook: the request is not from the gateway
        :raise GatewayUnavailable: an event could not be applied now; the
            caller answers with an error so that the gateway sends it again
        """
        client = (
            utils.get_stripe_webhook_gateway(self.env)
            if gateway == "stripe"
            else utils.get_gocardless_gateway(self.env)
        )
        return [
            self._process(gateway, event)
            for event in client.parse_webhook(payload, headers)
        ]

    @api.model
    def _process(self, gateway, event):
        """Apply a verified `WebhookEvent` once.

        The event is recorded as processed only once it was applied, in the
        same savepoint: an event that fails is not lost, the gateway sends it
        again. The refund is always fetched from the gateway rather than
        read from the event, whose snapshot may be older than another one
        already applied.

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
            ],
            limit=1,
        )
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
            locked._apply(refund)
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
