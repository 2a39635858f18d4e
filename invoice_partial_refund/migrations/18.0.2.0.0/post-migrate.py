# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Gateway credentials move from global system parameters, which
`res.config.settings.default_get` read as superuser for any user, to
administrator-only fields of each company (GoCardless) and of each Stripe
payment provider (the refunds webhook).

Manual refund reminders made by 18.0.1 were not marked automated: from 18.0.2
on, the addon finds its own reminders by that flag (and never touches the
activities people add), so the existing ones are flagged.

What was marked as sent by hand is recorded from 18.0.2 on (a gateway's
refund returned afterwards is owed alone): the refunds marked refunded get
what they were due then, their manual payment and the gateway shares that
had fallen back to it.

A refund part through a gateway, part through a bank journal is owed the
bank part at once from 18.0.2 on: those still waiting for their gateway
await a manual refund, with their reminder."""

from odoo import SUPERUSER_ID, api

PREFIX = "invoice_partial_refund."

#: system parameter → res.company field
GOCARDLESS_FIELDS = {
    "gocardless_access_token": "partial_refund_gocardless_access_token",
    "gocardless_environment": "partial_refund_gocardless_environment",
    "gocardless_webhook_secret": "partial_refund_gocardless_webhook_secret",
    "gocardless_api_base": "partial_refund_gocardless_api_base",
}
#: system parameter → payment.provider field
STRIPE_FIELDS = {
    "stripe_webhook_secret": "partial_refund_webhook_secret",
    "stripe_api_base": "partial_refund_api_base",
}
#: the fields whose value tells that a record has settings of its own (the
#: environment has a default)
OWN_SETTINGS = {
    "res.company": (
        "partial_refund_gocardless_access_token",
        "partial_refund_gocardless_webhook_secret",
        "partial_refund_gocardless_api_base",
    ),
    "payment.provider": ("partial_refund_webhook_secret", "partial_refund_api_base"),
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    move_global_credentials(env)
    flag_manual_refund_reminders(env)
    record_amounts_sent_by_hand(env)
    await_bank_parts(env)


def move_global_credentials(env):
    """Copy the global gateway settings to every company (GoCardless) and
    every Stripe provider that has none of its own, then delete the system
    parameters."""
    params = env["ir.config_parameter"].search(
        [
            (
                "key",
                "in",
                [PREFIX + name for name in {**GOCARDLESS_FIELDS, **STRIPE_FIELDS}],
            )
        ]
    )
    values = {param.key.removeprefix(PREFIX): param.value for param in params}
    _copy(
        env["res.company"].with_context(active_test=False).search([]),
        GOCARDLESS_FIELDS,
        values,
    )
    _copy(
        env["payment.provider"]
        .with_context(active_test=False)
        .search([("code", "=", "stripe")]),
        STRIPE_FIELDS,
        values,
    )
    params.unlink()


def _copy(records, fields_by_param, values):
    settings = {
        field: values[param]
        for param, field in fields_by_param.items()
        if values.get(param)
    }
    if not settings:
        return
    own = OWN_SETTINGS[records._name]
    records.filtered(lambda record: not any(record[field] for field in own)).write(
        settings
    )


def flag_manual_refund_reminders(env):
    """Mark as automated the open reminders 18.0.1 created: activities of the
    manual refund type on refunds awaiting a manual refund, made by the
    addon's daily job or refund code (one per refund, the oldest)."""
    activity_type = env.ref(
        "invoice_partial_refund.mail_activity_type_manual_refund",
        raise_if_not_found=False,
    )
    if not activity_type:
        return
    env.flush_all()
    env.cr.execute(
        """
        UPDATE mail_activity
           SET automated = TRUE
         WHERE id IN (
            SELECT MIN(activity.id)
              FROM mail_activity activity
              JOIN account_partial_refund refund ON refund.id = activity.res_id
             WHERE activity.res_model = 'account.partial.refund'
               AND activity.activity_type_id = %s
               AND refund.state = 'manual'
             GROUP BY activity.res_id)
        """,
        [activity_type.id],
    )
    env["mail.activity"].invalidate_model(["automated"])


def record_amounts_sent_by_hand(env):
    """The refunds marked as refunded by hand: what they were due then."""
    refunds = (
        env["account.partial.refund"]
        .sudo()
        .search([("manual_refund_date", "!=", False)])
    )
    for refund in refunds:
        # A share the customer's bank returned: 18.0.1 left the refund done
        # when it came after the confirmation, the money owed all the same.
        fallbacks = refund.gateway_ids.filtered(
            lambda share: share.manual_fallback and not share.returned_payment_id
        )
        # In the refund's currency, as `_manual_amount` counts: the payment
        # may be in its journal's.
        by_hand = (
            refund.credit_note_id.amount_total
            - sum(refund.gateway_ids.mapped("amount"))
            if refund.payment_id and refund.refund_method == "manual"
            else 0.0
        )
        refund.manual_refunded_amount = refund.currency_id.round(
            by_hand + sum(fallbacks.mapped("amount"))
        )


def await_bank_parts(env):
    """The refunds waiting for a gateway whose bank part is still to be sent
    by hand: they await it now (see `_get_money_state`)."""
    refunds = (
        env["account.partial.refund"]
        .sudo()
        .search(
            [
                ("state", "in", ("requested", "pending")),
                ("refund_method", "=", "manual"),
                ("payment_id", "!=", False),
                ("manual_refund_date", "=", False),
            ]
        )
    )
    refunds._update_state()
