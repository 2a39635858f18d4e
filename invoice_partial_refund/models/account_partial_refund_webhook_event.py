# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models

from .. import utils
from ..gateways import GatewayError

_logger = logging.getLogger(__name__)


class AccountPartialRefundWebhookEvent(models.Model):
    """Webhook events already processed: gateways deliver an event at least
    once, and a repeated one must change nothing."""

    _name = "account.partial.refund.webhook.event"
    _description = "Partial Refund Webhook Event"
    _order = "id desc"

    gateway = fields.Selection(
        selection=[("stripe", "Stripe"), ("gocardless", "GoCardless")], required=True
    )
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
        """
        client = (
            utils.get_stripe_webhook_gateway(self.env)
            if gateway == "stripe"
            else utils.get_gocardless_gateway(self.env)
        )
        results = []
        for event in client.parse_webhook(payload, headers):
            try:
                results.append(self._process(gateway, event))
            except GatewayError:
                # Acknowledged all the same: the status-sync cron follows
                # the refund.
                _logger.exception("Could not process %s event %s", gateway, event.event_id)
                results.append(False)
        return results

    @api.model
    def _process(self, gateway, event):
        """Apply a verified `WebhookEvent` once.

        :return: True when processed now, False for a duplicate or an event
            about a refund this addon did not make
        """
        self.env.cr.execute(
            "INSERT INTO account_partial_refund_webhook_event "
            "(gateway, event_id, event_type, refund_reference, create_date, write_date, "
            "create_uid, write_uid) VALUES (%s, %s, %s, %s, now() at time zone 'UTC', "
            "now() at time zone 'UTC', %s, %s) ON CONFLICT (gateway, event_id) DO NOTHING "
            "RETURNING id",
            [
                gateway,
                event.event_id,
                event.event_type,
                event.refund_reference,
                self.env.uid,
                self.env.uid,
            ],
        )
        row = self.env.cr.fetchone()
        if not row:
            _logger.info("Ignored duplicate %s event %s", gateway, event.event_id)
            return False
        record = self.browse(row[0])
        share = self.env["account.partial.refund.gateway"].search(
            [("gateway", "=", gateway), ("gateway_reference", "=", event.refund_reference)],
            limit=1,
        )
        if not share:
            return False
        record.gateway_refund_id = share
        refund = event.refund or share._get_gateway_client().fetch_refund(
            event.refund_reference
        )
        locked = share._lock()
        if locked:
            locked._apply(refund)
        return True
