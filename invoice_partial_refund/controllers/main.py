# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from werkzeug.exceptions import Forbidden

from odoo import http
from odoo.http import request

from ..gateways import GatewayError, InvalidWebhook

_logger = logging.getLogger(__name__)


class PartialRefundWebhookController(http.Controller):
    @http.route(
        [
            "/invoice_partial_refund/webhook/stripe",
            "/invoice_partial_refund/webhook/gocardless",
        ],
        type="http",
        methods=["POST"],
        auth="public",
        csrf=False,
    )
    def refund_webhook(self):
        """Process a gateway's refund events: Stripe's refund.updated,
        refund.failed and charge.refund.updated, GoCardless's refund events.

        The signature is checked on the raw body with the gateway's SDK;
        anything that does not check out is answered Forbidden.
        """
        gateway = request.httprequest.path.rstrip("/").rsplit("/", 1)[1]
        Event = request.env["account.partial.refund.webhook.event"].sudo()
        try:
            Event._handle_webhook(
                gateway, request.httprequest.get_data(), request.httprequest.headers
            )
        except InvalidWebhook as error:
            _logger.warning("Refused a %s refund webhook: %s", gateway, error)
            raise Forbidden() from error
        except GatewayError as error:
            # Not applied, not recorded: the gateway sends the event again.
            _logger.warning(
                "Could not apply a %s refund webhook now: %s", gateway, error
            )
            return request.make_json_response({"error": "retry later"}, status=503)
        return request.make_json_response("")
