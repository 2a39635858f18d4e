# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from werkzeug.exceptions import BadRequest, Forbidden, RequestEntityTooLarge

from odoo import http
from odoo.http import request

from ..gateways import GatewayError, InvalidWebhook

_logger = logging.getLogger(__name__)

#: The largest body a webhook route reads (Odoo's default is 128 MiB): an
#: event of Stripe is a few kilobytes, a batch of GoCardless's events some
#: hundreds; a public route must not read and hash more before its signature
#: refuses it. Larger bodies are answered 413 Request Entity Too Large.
MAX_WEBHOOK_BYTES = 2 * 1024 * 1024


def _read_body(httprequest):
    """The raw body of ``httprequest``, refused (413) if it announces more
    than `MAX_WEBHOOK_BYTES`. Not a route's ``max_content_length``: under
    Werkzeug 2.2 (Odoo 18's) it bounds form data, not `get_data`, and a body
    announced over it was answered 400, not 413. A body sent without its
    length is not read by Werkzeug 2.2 (`get_data` is empty)."""
    if (httprequest.content_length or 0) > MAX_WEBHOOK_BYTES:
        raise RequestEntityTooLarge()
    return httprequest.get_data()


class PartialRefundWebhookController(http.Controller):
    @http.route(
        [
            "/invoice_partial_refund/webhook/stripe",
            "/invoice_partial_refund/webhook/gocardless",
            # One endpoint per company, for companies with GoCardless
            # accounts of their own.
            "/invoice_partial_refund/webhook/gocardless/<int:company_id>",
        ],
        type="http",
        methods=["POST"],
        auth="public",
        csrf=False,
    )
    def refund_webhook(self, company_id=None):
        """Process a gateway's refund events: Stripe's refund.updated,
        refund.failed and charge.refund.updated, GoCardless's refund events.

        The signature is checked on the raw body with the gateway's SDK;
        anything that does not check out is answered Forbidden, a request that
        cannot be read at all Bad Request: never a server error. The secret
        is that of the account the event comes from: the Stripe provider of
        the refund, the company of the GoCardless address (any company's on
        the address without one).
        """
        gateway = request.httprequest.path.strip("/").split("/")[2]
        # The public user: the gateway's signature, checked first, is the access.
        Event = request.env["account.partial.refund.webhook.event"].sudo()
        try:
            Event._handle_webhook(
                gateway,
                _read_body(request.httprequest),
                request.httprequest.headers,
                company_id=company_id,
            )
        except InvalidWebhook as error:
            _logger.warning("Refused a %s refund webhook: %s", gateway, error)
            raise Forbidden() from error
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            # A body or header no gateway sends (the adapters refuse what they
            # know as InvalidWebhook): nothing was applied, the
            # transaction rolls back with the exception.
            _logger.exception("Refused a malformed %s refund webhook", gateway)
            raise BadRequest() from error
        except GatewayError as error:
            # Not applied, not recorded: the gateway sends the event again.
            _logger.warning(
                "Could not apply a %s refund webhook now: %s", gateway, error
            )
            return request.make_json_response({"error": "retry later"}, status=503)
        return request.make_json_response("")
