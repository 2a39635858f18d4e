# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may ask for a refund, and a request sent twice (the refund itself is
made by `account.partial.refund._refund_invoice`)."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

REFUND_GROUP = "invoice_partial_refund.group_partial_refund"


class AccountPartialRefundRequestMixin(models.AbstractModel):
    """The request part of `account.partial.refund` (its only user)."""

    _name = "account.partial.refund.request.mixin"
    _description = "Partial Refund Request"

    # What `action_partial_refund` was called with, when its caller gave a
    # key: a call sent again (a client retrying after a timeout) answers the
    # refund the first one made instead of refunding twice.
    idempotency_key = fields.Char(
        readonly=True,
        copy=False,
        help="The key an integration sent with this refund: the same request "
        "sent again with it answers this refund instead of refunding twice.",
    )
    request_digest = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        (
            "idempotency_key_unique",
            "unique(move_id, idempotency_key)",
            "An invoice is refunded once per idempotency key.",
        ),
    ]

    def _check_refund_access(self):
        """Refuse, before any ``sudo()``, a user who may not change these
        refunds: the group first (the clearer message), then write access on
        the records themselves (access rights, record rules, company)."""
        self._check_refund_group()
        self.check_access("write")

    @api.model
    def _check_refund_group(self):
        if not (self.env.su or self.env.user.has_group(REFUND_GROUP)):
            raise AccessError(
                _(
                    "Only members of the “Issue refunds” group can refund invoices. "
                    "Ask your accounting administrator for it."
                )
            )

    @api.model
    def _get_retried_refund(self, invoice, idempotency_key, digest):
        """The refund of ``invoice`` a call with ``idempotency_key`` made
        already, if any (none without a key).

        Looked up before the request is checked: the first call may have
        refunded all that was left. Two calls at once both find none; the
        invoice's lock (`_lock_for_partial_refund`) makes the second fail to
        serialize once the first commits, and Odoo runs it again, finding it.

        :param digest: `refund_request.request_digest` of the call: a key sent
            with another request is refused, as Stripe refuses it
        """
        if not idempotency_key:
            return self.browse()
        # The group reads refunds; as superuser, a company's record rule
        # cannot hide one and let a second refund hit the unique constraint.
        domain = [
            ("move_id", "=", invoice.id),
            ("idempotency_key", "=", idempotency_key),
        ]
        refund = self.sudo().search(domain, limit=1).sudo(False)
        if refund and refund.request_digest != digest:
            raise ValidationError(
                _(
                    "The idempotency key “%(key)s” was sent before with another "
                    "request (other lines, amounts or options), which made "
                    "%(refund)s: send a new key for a new refund, or the same "
                    "request to get %(refund)s back.",
                    key=idempotency_key,
                    refund=refund.name,
                )
            )
        return refund
