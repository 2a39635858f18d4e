# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from werkzeug.exceptions import Forbidden

from odoo import http
from odoo.http import request

from .. import utils
from ..gateways import GatewayError, InvalidWebhook

_logger = logging.getLogger(__name__)


class PartialRefundWebhookController(http.Controller):
    _stripe_webhook_url = "/invoice_partial_refund/webhook/stripe"
    _gocardless_webhook_url = "/invoice_partial_refund/webhook/gocardless"

    @http.route(_stripe_webhook_url, type="http", methods=["POST"], auth="public", csrf=False)
    def stripe_webhook(self):
        """Process Stripe's refund events (refund.updated, refund.failed,
        charge.refund.updated), checked on the raw body with the SDK."""
        gateway = utils.get_stripe_webhook_gateway(request.env)
        return self._process(gateway, "stripe")

    @http.route(
        _gocardless_webhook_url, type="http", methods=["POST"], auth="public", csrf=False
    )
    def gocardless_webhook(self):
        """Process GoCardless's refund events, checked on the raw body with
        the SDK."""
        gateway = utils.get_gocardless_gateway(request.env)
        return self._process(gateway, "gocardless")

    def _process(self, gateway, code):
        payload = request.httprequest.get_data()
        try:
            events = gateway.parse_webhook(payload, request.httprequest.headers)
        except InvalidWebhook as error:
            _logger.warning("Refused a %s refund webhook: %s", code, error)
            raise Forbidden() from error
        Event = request.env["account.partial.refund.webhook.event"].sudo()
        for event in events:
            try:
                Event._process(code, event)
            except GatewayError:
                # Acknowledged: the status-sync cron follows the refund.
                _logger.exception("Could not process %s event %s", code, event.event_id)
        return request.make_json_response("")
