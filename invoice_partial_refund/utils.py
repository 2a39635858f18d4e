# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Credential getters (where the gateways' settings are read in Odoo), the
internal note, the per-record savepoint loop of the jobs and the one record
a button opens."""

from contextlib import contextmanager

from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from odoo.addons.payment_stripe import utils as stripe_utils

from .gateways import get_gateway

PARAM_PREFIX = "invoice_partial_refund."


@contextmanager
def cursor_flag(env, key):
    """Raise the flag ``key`` in the cursor's cache while the block runs
    (nested blocks keep it raised): what only the business code may say, a
    call's context cannot reach it."""
    depth = env.cr.cache.get(key, 0)
    env.cr.cache[key] = depth + 1
    try:
        yield
    finally:
        env.cr.cache[key] = depth


def rewrite_rows(records):
    """Rewrite the rows of ``records`` (their write date) in this
    transaction: a concurrent transaction rewriting them too waits for this
    one to commit, then fails to serialize and runs again (Odoo retries a
    request; a job runs again) on what this one wrote. A row only locked
    (``SELECT … FOR UPDATE``) would let it go on with its snapshot."""
    records = records.filtered(lambda record: isinstance(record.id, int))
    if records:
        records.env.cr.execute(
            SQL(
                "UPDATE %s SET write_date = now() at time zone 'UTC' WHERE id IN %s",
                SQL.identifier(records._table),
                tuple(records.ids),
            )
        )
        records.invalidate_recordset(["write_date"])


def get_param(env, name, default=None):
    """Read a system parameter of the addon (``invoice_partial_refund.*``):
    settings that are no secret; secrets are fields of the company or the
    payment provider that only administrators can read."""
    return env["ir.config_parameter"].sudo().get_param(PARAM_PREFIX + name, default)


def get_timeout(env):
    """Seconds to wait for a gateway (system parameter
    ``invoice_partial_refund.gateway_timeout``)."""
    return float(get_param(env, "gateway_timeout", 0) or 0) or None


def _timeout_kwargs(env):
    timeout = get_timeout(env)
    return {"timeout": timeout} if timeout else {}


def get_stripe_gateway(provider):
    """Stripe gateway of a Stripe payment provider's account: its secret key,
    its refunds webhook secret and the extra headers payment_stripe sends with
    its requests (Stripe Connect's account).

    :param provider: a Stripe `payment.provider`
    """
    provider.ensure_one()
    # The keys are readable by administrators only; refunds and webhooks
    # run for users who may not read them.
    provider_sudo = provider.sudo()
    return get_gateway(
        "stripe",
        secret_key=stripe_utils.get_secret_key(provider_sudo) or "",
        webhook_secret=provider_sudo.partial_refund_webhook_secret,
        api_base=provider_sudo.partial_refund_api_base,
        extra_headers=provider_sudo._get_stripe_extra_request_headers(),
        **_timeout_kwargs(provider.env),
    )


def get_gocardless_gateway(company):
    """GoCardless gateway of a company's GoCardless account.

    :param company: a `res.company`
    """
    company.ensure_one()
    # The token and the webhook secret are readable by administrators only.
    company_sudo = company.sudo()
    return get_gateway(
        "gocardless",
        access_token=company_sudo.partial_refund_gocardless_access_token or "",
        environment=company_sudo.partial_refund_gocardless_environment or "sandbox",
        webhook_secret=company_sudo.partial_refund_gocardless_webhook_secret,
        api_base=company_sudo.partial_refund_gocardless_api_base,
        **_timeout_kwargs(company.env),
    )


def post_internal_note(record, body):
    """Post an internal note on ``record``: the customer follows the invoice
    and must not read "refunded" before the money is back. The note is
    authored by the user who acted, also when the write behind it needed
    ``sudo()``; webhooks (the public user), crons (the superuser) and users
    without an email address write as OdooBot."""
    user = record.env.user
    author = user.partner_id
    if user._is_superuser() or user._is_public() or not author.email:
        author = record.env.ref("base.partner_root")
    return record.message_post(
        body=body, subtype_xmlid="mail.mt_note", author_id=author.id
    )


def one_record(records):
    """The one record a button that opens a record (or a dialog for it) was
    called on, an id repeated over RPC counted once; several are refused
    with a sentence rather than Odoo's "Expected singleton"."""
    record = records.union()
    if len(record) != 1:
        raise UserError(
            records.env._(
                "Choose one %(record)s at a time: this was asked for %(count)s.",
                record=records._description,
                count=len(record),
            )
        )
    return record


def each_in_savepoint(records, handle, on_error):
    """Call ``handle(record)`` for each record in a savepoint of its own: one
    that fails undoes only its own changes, and ``on_error(record, error)``
    (called in the ``except`` block: ``_logger.exception`` logs the
    traceback) notes it; the others go on. A concurrency error (a
    serialization failure, a lock not obtained) is raised instead: the
    snapshot is stale for every record, and Odoo retries the transaction
    (a request) or the job runs again (a cron)."""
    for record in records:
        try:
            with records.env.cr.savepoint():
                handle(record)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception as error:  # pylint: disable=broad-exception-caught
            on_error(record, error)
