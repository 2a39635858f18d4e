# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The gateway job of gateway shares: the only caller of the gateways, a
scheduled action triggered after the refund is committed; it sends, looks up
and syncs each share and hands the answer to the share (`_apply`)."""

import logging
import threading
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.osv import expression

from .. import utils
from ..gateways import GatewayError, GatewayRefused

_logger = logging.getLogger(__name__)

#: The gateway job: the scheduled action that calls the gateways.
GATEWAY_JOB = "invoice_partial_refund.ir_cron_sync_gateway_refunds"
#: Gateway refunds the gateway job handles per run; it reruns itself
#: while some are left (Odoo 18 cron progress).
SYNC_BATCH_SIZE = 20
#: Minutes before the cron looks at the same gateway refund again.
SYNC_INTERVAL = 5
#: A refund the gateway reported succeeded can still fail when the
#: customer's bank returns it (a closed card or account), days or weeks
#: later. Webhooks report it; without them, the cron asks again once a day
#: (SUCCEEDED_SYNC_HOURS) for this many days after the success.
SUCCEEDED_WATCH_DAYS = 30
SUCCEEDED_SYNC_HOURS = 24
#: The cursor's cache key of the records the gateway refused to refund, with
#: their attempts before (see `_each_isolated`).
REFUSED_CACHE_KEY = "invoice_partial_refund.gateway_refused"


class AccountPartialRefundGatewayJobMixin(models.AbstractModel):
    """The job part of `account.partial.refund.gateway` (its only user)."""

    _name = "account.partial.refund.gateway.job.mixin"
    _description = "Partial Refund Gateway Job"

    def _lock(self):
        """Lock these records for the transaction, skipping those another
        transaction (the gateway job, a webhook) is handling."""
        if not self:
            return self
        self.env.cr.execute(
            "SELECT id FROM account_partial_refund_gateway WHERE id IN %s "
            "FOR NO KEY UPDATE SKIP LOCKED",
            [tuple(self.ids)],
        )
        locked = self.browse(row[0] for row in self.env.cr.fetchall())
        locked.invalidate_recordset()
        return locked

    def _each_isolated(self, handle):
        """Run ``handle(record)`` for each record in a savepoint: one record that
        fails (a misconfigured journal, an unexpected answer) is noted on
        it and does not undo the others, nor stall the cron; a concurrency
        error ends the run (see `utils.each_in_savepoint`)."""
        # Records the gateway refused: kept across the rollback of a
        # savepoint (the cursor's cache is no table).
        refused = self.env.cr.cache.setdefault(REFUSED_CACHE_KEY, {})

        def on_error(record, error):
            _logger.exception(
                "Gateway refund %s of %s failed", record.id, record.refund_id.name
            )
            record.last_error = str(error)[:500]
            if record.id in refused:
                # Refused, its fallback failed to book: that attempt
                # refunded nothing, the next run may book it by hand.
                record.attempt_count = refused[record.id]

        try:
            utils.each_in_savepoint(self, handle, on_error)
        finally:
            for record_id in self.ids:
                refused.pop(record_id, None)

    def _commit_job_progress(self):
        """Commit what the gateway job did so far: a worker killed later
        (time limit, restart) loses nothing of it. In the job only (run by a
        cron worker or by hand: Odoo's progress of it is in the context),
        never in a request that would call these methods, nor in tests,
        which run in one transaction rolled back at the end."""
        # Odoo's test flag, as mail's scheduled messages read it (Odoo 18
        # sets modules.module.current_test for its own runner only).
        testing = getattr(threading.current_thread(), "testing", False)
        if self.env.context.get("ir_cron_progress_id") and not testing:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _schedule_gateway_job(self):
        """Have the gateway job send these records soon, in a cron worker.

        No HTTP request waits on a gateway: the request that refunds commits
        the refund, its credit note and these records with their idempotency
        keys, and the job, in any worker once that is committed, calls the
        gateways. If the request rolls back, its trigger goes with it and
        nothing was asked of a gateway.
        """
        self.env.ref(GATEWAY_JOB)._trigger()

    def _send(self, looked_up=False):
        """Ask the gateway to refund each requested record and apply the
        answer. Idempotent: a record whose refund the gateway already made
        gets the same refund back.

        Each attempt is recorded and committed (in the gateway job) once the
        call is ready and before the gateway is asked: a worker killed after
        the gateway refunded and before its answer was committed leaves the
        attempt known, and a refused look-up of it (a rotated key) never
        sends it by hand.

        :param looked_up: the gateway was just asked for these records'
            refunds by their keys and has none (see `_sync_one`)
        """
        self = self.sudo()  # internal records: written by the business code only
        records = self.filtered(lambda r: r.state == "requested")._lock()
        calls = {}
        records.filtered(lambda record: not record._waits_for_earlier())._each_isolated(
            lambda record: calls.update({record.id: record._prepare_send(looked_up)})
        )
        ready = self.browse(record_id for record_id, call in calls.items() if call)
        if not ready:
            return
        for record in ready:
            record.attempt_count += 1
        ready._commit_job_progress()
        sending = ready._lock().filtered(lambda r: r.state == "requested")
        # Before the gateway is asked: payment_stripe's webhook recording
        # these refunds waits for the job to record them first.
        sending.source_transaction_id._lock_for_refund()
        sending._each_isolated(
            lambda record: record._send_one(*calls[record.id], looked_up=looked_up)
        )

    def _waits_for_earlier(self):
        """Whether this record waits for the answer on an earlier refund of
        its payment (noted on it): GoCardless confirms the payment's refunded
        total with each refund, and an earlier one made but unanswered (a
        lost answer) would make that total wrong and the refund refused. It
        is looked up first; this one is sent at a later run."""
        if self.gateway != "gocardless" or not self._get_other_refunds_of_payment(
            ("requested",)
        ).filtered(lambda other: other.id < self.id):
            return False
        self.last_error = _(
            "Waiting for GoCardless's answer on an earlier refund of this payment."
        )
        return True

    def _prepare_send(self, looked_up):
        """``(gateway client, create_refund arguments)`` to send this record,
        or None: the gateway refused to be asked (a refusal, see
        `_on_refusal`: also an amount it cannot count, e.g. a fraction of a
        currency it counts without decimals) or is unavailable (noted, sent
        at a later run)."""
        try:
            gateway = self._get_gateway_client()
            if not self.source_transaction_id:
                self._check_recorded_payment(gateway)
            arguments = {
                "payment_reference": self.payment_reference,
                "amount_minor": self._minor_amount(),
                "currency": self.currency_id.name,
                "idempotency_key": self.idempotency_key,
                "metadata": self._metadata(),
                "refunded_minor": self._refunded_minor_before(),
            }
        except GatewayRefused as error:
            self._on_refusal(error, unknown=self.attempt_count and not looked_up)
            return None
        except GatewayError as error:
            self.last_error = str(error)[:500]
            return None
        return gateway, arguments

    def _send_one(self, gateway, arguments, looked_up=False):
        """Send this requested record to its gateway (its attempt recorded,
        see `_send`) and apply the answer.

        :param looked_up: see `_send`
        """
        try:
            result = gateway.create_refund(**arguments)
        except GatewayRefused as error:
            # An earlier attempt whose answer was lost may have refunded: a
            # refusal now (a rotated key, a second provider) says nothing of
            # it, unless the look-up by key just found no refund.
            unknown = self.attempt_count > 1 and not looked_up
            if not unknown:
                # This attempt refunded nothing (nor any before it).
                self.attempt_count -= 1
                refused = self.env.cr.cache.setdefault(REFUSED_CACHE_KEY, {})
                refused[self.id] = self.attempt_count
            self._on_refusal(error, unknown)
            return
        except GatewayError as error:
            # Unavailable (outcome unknown) or a conflict: stay requested;
            # the status-sync cron looks the refund up by its key.
            _logger.warning(
                "Gateway refund %s of %s not confirmed: %s",
                self.idempotency_key,
                self.refund_id.name,
                error,
            )
            self.last_error = str(error)[:500]
            return
        self._apply(result)

    def _on_refusal(self, error, unknown):
        """The gateway refused: noted while an earlier attempt may have
        refunded (``unknown``), else the refund is made by hand."""
        if unknown:
            self.last_error = str(error)[:500]
        else:
            self._report_failure("failed", error.reason)

    def _sync(self):
        """Bring requested and pending records up to date with the gateway:
        find requested ones by their key (sending them when the gateway has
        none), fetch pending ones."""
        self = self.sudo()  # internal records: written by the business code only
        locked = self._lock()
        # Noted before anything can fail, so the cron moves on to others.
        locked.last_sync_date = fields.Datetime.now()
        states = {record.id: record.state for record in locked}
        # Those the gateway has no refund of are sent, their attempts
        # recorded first (see `_send`).
        none_found = []
        locked._each_isolated(
            lambda record: record._sync_one() or none_found.append(record.id)
        )
        self.browse(none_found)._send(looked_up=True)
        for record in locked:
            if record.state != states[record.id]:
                record._notify_gateway_answer()

    def _sync_one(self):
        """Look this record up at its gateway and apply the answer.

        :return: False if it is requested and the gateway has no refund of
            it (to send), else True
        """
        if self.state not in ("requested", "pending", "succeeded"):
            return True
        try:
            gateway = self._get_gateway_client()
            if self.state in ("pending", "succeeded"):
                result = gateway.fetch_refund(self.gateway_reference)
            else:
                result = gateway.find_refund(
                    payment_reference=self.payment_reference,
                    idempotency_key=self.idempotency_key,
                )
        except GatewayRefused as error:
            # Refused before anything was sent: the refund is made by hand.
            # After an attempt, the gateway may have refunded (its answer
            # lost): only its answer about the refund decides, never a
            # refused look-up (a rotated key), else it would be paid twice.
            if self.state == "requested" and not self.attempt_count:
                self._report_failure("failed", error.reason)
            else:
                self.last_error = str(error)[:500]
            return True
        except GatewayError as error:
            self.last_error = str(error)[:500]
            return True
        if result:
            self._apply(result)
        return bool(result) or self.state != "requested"

    def _notify_gateway_answer(self):
        """Tell the accountant who made the refund, in their browser, what
        the gateway answered: the refund showed "Requested" when they made
        it, the answer came later to the gateway job."""
        self.ensure_one()
        user = self.refund_id.create_uid
        if not user.partner_id:
            return
        self = self.with_context(lang=user.lang)
        values = {
            "gateway": self._gateway_label(),
            "amount": self.currency_id.format(self.amount),
            "refund": self.refund_id.name,
        }
        if self.state == "succeeded":
            kind = "success"
            message = _("%(gateway)s refunded %(amount)s of %(refund)s.", **values)
        elif self.state == "pending":
            kind = "info"
            message = _(
                "%(gateway)s accepted the refund of %(amount)s of %(refund)s; the "
                "money is on its way.",
                **values,
            )
        else:
            kind = "warning"
            message = _(
                "%(gateway)s did not refund %(amount)s of %(refund)s: send it back "
                "by hand.",
                **values,
            )
        user.partner_id._bus_send(
            "simple_notification",
            {
                "type": kind,
                "title": _("Refund %(refund)s", **values),
                "message": message,
                "sticky": kind == "warning",
            },
        )

    @api.model
    def _cron_sync_gateway_refunds(self):
        """The gateway job, the only caller of the gateways: send the records
        a refund requested (it triggers the job), look up by their key those
        whose answer was lost (timeout, crash, rollback after the gateway
        refunded) and send them when the gateway has none, follow pending
        ones, and look again at recent successes (see SUCCEEDED_WATCH_DAYS),
        a batch per run.

        One scheduled action rather than a send job beside a status sync:
        sending a record is its look-up by key when nothing is found yet, and
        Odoo never runs one scheduled action twice at once, so one job means
        one worker at a time calling the gateways about these records.
        """
        # sudo: the job handles the refunds of every company, whichever
        # companies its user belongs to.
        self = self.sudo()
        now = fields.Datetime.now()
        # Records looked at in the last minutes wait: the cron reruns while
        # some are left, and must not spin on a gateway that is down.
        threshold = fields.Datetime.subtract(now, minutes=SYNC_INTERVAL)
        succeeded_threshold = fields.Datetime.subtract(now, hours=SUCCEEDED_SYNC_HOURS)
        unfinished = [
            ("state", "in", ("requested", "pending")),
            "|",
            ("last_sync_date", "=", False),
            ("last_sync_date", "<", threshold),
        ]
        watched = [
            ("state", "=", "succeeded"),
            ("succeeded_date", ">=", now - timedelta(days=SUCCEEDED_WATCH_DAYS)),
            "|",
            ("last_sync_date", "=", False),
            ("last_sync_date", "<", succeeded_threshold),
        ]
        order = "last_sync_date asc nulls first, id"
        # Refunds whose books are not complete come first; recent successes
        # fill what is left of the batch.
        records = self.search(unfinished, order=order, limit=SYNC_BATCH_SIZE)
        if len(records) < SYNC_BATCH_SIZE:
            records |= self.search(
                watched, order=order, limit=SYNC_BATCH_SIZE - len(records)
            )
        total = self.search_count(expression.OR([unfinished, watched]))
        for done, record in enumerate(records, start=1):
            record._sync()
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=max(total - done, 0)
            )
            # Each record once the gateway has acted on it: a worker killed
            # later in the batch repeats nothing it finished, and the
            # accountant's notification leaves now.
            self._commit_job_progress()
