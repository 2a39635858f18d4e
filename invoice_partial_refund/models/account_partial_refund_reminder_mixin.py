# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reminders of manual refunds: one automated activity per refund awaiting a
manual refund, kept by a daily job, escalated when overdue."""

import logging
from collections import defaultdict

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from .. import utils

_logger = logging.getLogger(__name__)

MANUAL_REFUND_ACTIVITY = "invoice_partial_refund.mail_activity_type_manual_refund"


class AccountPartialRefundReminderMixin(models.AbstractModel):
    """The reminders part of `account.partial.refund` (its only user)."""

    _name = "account.partial.refund.reminder.mixin"
    _description = "Partial Refund Reminders"

    def _can_be_reminded(self, user):
        """Whether ``user`` is a person who can send this refund: an active
        internal user, not OdooBot, allowed in the refund's company and able
        to mark the refund refunded there (the "Issue refunds" group: a
        Billing user reads refunds but could not close the reminder). Never
        raises: a user who does not fit is simply not chosen."""
        self.ensure_one()
        # Another user's companies and groups: not always readable by the
        # current one, and only read here to choose among them.
        user = user.sudo()
        if (
            not user
            or user.id == SUPERUSER_ID
            or not user.active
            or user.share
            or self.company_id not in user.company_ids
        ):
            return False
        try:
            # In the refund's company only: the request's allowed companies
            # are the current user's, which ``user`` may not be allowed in.
            return (
                self.with_user(user)
                .with_context(allowed_company_ids=self.company_id.ids)
                .has_access("write")
            )
        except AccessError:
            return False

    def _get_manual_refund_responsible(self):
        """Who sends the money: the first who can (see `_can_be_reminded`) of
        the invoice's salesperson, the company's responsible, the user who
        made the refund, the company's manager and the current user (never
        OdooBot, whom the daily job runs as).

        :return: a user, or an empty recordset when nobody fits
        """
        self.ensure_one()
        company = self.company_id
        candidates = (
            self.move_id.invoice_user_id,
            company.partial_refund_user_id,
            self.create_uid,
            company.partial_refund_manager_id,
            self.env.user,
        )
        return next(
            (user for user in candidates if self._can_be_reminded(user)),
            self.env["res.users"],
        )

    def _must_escalate(self, today):
        """Overdue by the company's escalation delay, with a manager who can
        take it. Overdue: past its due date (due today is not, as Odoo's
        activities count it), so an escalation delay of 0 days hands it over
        the first day it is overdue, never on the day it is made."""
        self.ensure_one()
        company = self.company_id
        return bool(
            company.partial_refund_manager_id
            and self.manual_due_date
            and today > self.manual_due_date
            and (today - self.manual_due_date).days
            >= company.partial_refund_escalation_days
            and self._can_be_reminded(company.partial_refund_manager_id)
        )

    def _manual_refund_summary(self, user):
        """The reminder's summary, in the language of ``user``, its
        assignee (the daily job runs as OdooBot)."""
        self.ensure_one()
        self = self.with_context(lang=user.lang or self.env.lang)
        return _(
            "Send %(amount)s back to %(customer)s",
            amount=self.currency_id.format(self._manual_amount()),
            customer=self.partner_id.display_name,
        )

    def _ensure_manual_refund_activities(self, today=None):
        """Keep exactly one open "Manual refund" reminder on each of these
        refunds awaiting a manual refund: schedule it when missing (marked
        done while the money is not sent, or never made), remove duplicates,
        move an overdue deadline to today, and hand refunds overdue by the
        company's escalation delay to its manager.

        Only the automated activities of the manual refund type are ours:
        the activities people schedule on a refund are left alone. Works on a
        batch with a constant number of queries (the reminders are scheduled
        together for each user and deadline).
        """
        if self.env.context.get("mail_activity_automation_skip"):
            return
        today = today or fields.Date.context_today(self)
        refunds = self.filtered(lambda r: r.state == "manual")
        by_refund = defaultdict(lambda: self.env["mail.activity"])
        for activity in refunds.activity_search([MANUAL_REFUND_ACTIVITY]).sorted("id"):
            by_refund[activity.res_id] |= activity
        duplicates = self.env["mail.activity"]
        to_schedule = defaultdict(lambda: self.browse())
        # Whether a user can be reminded of a company's refunds, looked up
        # once per batch (record rules here are by company and group).
        allowed = {}

        def can_be_reminded(refund, user):
            key = (user, refund.company_id)
            if key not in allowed:
                allowed[key] = refund._can_be_reminded(user)
            return allowed[key]

        for refund in refunds:
            current = by_refund[refund.id]
            duplicates |= current[1:]
            activity = current[:1]
            escalate = not refund.escalated and refund._must_escalate(today)
            manager = refund.company_id.partial_refund_manager_id
            user = (
                manager
                if escalate or (refund.escalated and can_be_reminded(refund, manager))
                else None
            )
            if activity:
                if activity.date_deadline < today:
                    activity.date_deadline = today
                # Escalated; or its user archived, out of the company, no
                # longer allowed: the next who can takes it.
                if escalate or not can_be_reminded(refund, activity.user_id):
                    user = user or refund._get_manual_refund_responsible()
                    if user and user != activity.user_id:
                        # No "assigned to you" email: the job moved it.
                        activity.with_context(
                            mail_activity_quick_update=True
                        ).user_id = user
                # What is owed may have grown (a gateway's later return).
                summary = refund._manual_refund_summary(activity.user_id)
                if activity.summary != summary:
                    activity.summary = summary
            else:
                user = user or refund._get_manual_refund_responsible()
                if user:
                    deadline = max(refund.manual_due_date or today, today)
                    to_schedule[user, deadline] |= refund
                else:
                    _logger.warning(
                        "Nobody can be reminded of the manual refund %s: no active "
                        "user of its company can read it.",
                        refund.name,
                    )
            if escalate:
                # The refund's own fields: business code only (see its write).
                refund.sudo().escalated = True
                refund._post_escalation_note(manager)
        duplicates.unlink()
        for (user, deadline), group in to_schedule.items():
            # No "assigned to you" email per reminder: the assignee sees them
            # in their activities, and the daily job may create hundreds.
            activities = group.with_context(
                mail_activity_quick_update=True
            ).activity_schedule(
                MANUAL_REFUND_ACTIVITY, date_deadline=deadline, user_id=user.id
            )
            for activity, refund in zip(activities, group, strict=True):
                activity.summary = refund._manual_refund_summary(user)

    def _close_manual_refund_reminder(self, feedback):
        """The money was sent: mark this refund's reminder as done."""
        self.activity_feedback([MANUAL_REFUND_ACTIVITY], feedback=feedback)

    def _remove_manual_refund_reminder(self):
        """The refund will not be sent: remove its reminder, and only it."""
        self.activity_unlink([MANUAL_REFUND_ACTIVITY])

    def _ensure_manual_refund_activities_isolated(self, today):
        """`_ensure_manual_refund_activities` for the daily job: the batch at
        once (its queries do not grow with it), or, if one refund fails (a
        broken setting, a record in a state nobody foresaw), each refund in
        a savepoint of its own: the failing one is logged and undoes
        nothing of the others, nor stalls the reminders behind it."""
        try:
            with self.env.cr.savepoint():
                self._ensure_manual_refund_activities(today=today)
            return
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # Odoo retries the whole transaction
        except Exception:
            if len(self) == 1:
                _logger.exception("Reminding the manual refund %s failed", self.name)
                return
        utils.each_in_savepoint(
            self,
            lambda refund: refund._ensure_manual_refund_activities(today=today),
            lambda refund, error: _logger.exception(
                "Reminding the manual refund %s failed", refund.name
            ),
        )

    @api.model
    def _cron_manual_refund_reminders(self, batch_size=500):
        """Daily: keep one reminder per refund awaiting a manual refund,
        escalate the overdue ones. A batch per call: the cron commits after
        each and calls again while some are left (Odoo 18 cron progress)."""
        self = self.sudo()  # a system job, whoever triggers it
        today = fields.Date.context_today(self)
        domain = [
            ("state", "=", "manual"),
            "|",
            ("reminder_checked_on", "=", False),
            ("reminder_checked_on", "<", today),
        ]
        refunds = self.search(domain, order="id", limit=batch_size)
        refunds._ensure_manual_refund_activities_isolated(today)
        # Those that failed too: tried again tomorrow, not before the others.
        refunds.reminder_checked_on = today
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(refunds), remaining=remaining)
        return refunds
