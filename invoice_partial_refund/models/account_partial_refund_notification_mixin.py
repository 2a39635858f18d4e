# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Telling people: the chatter notes of a refund (rendered from the QWeb
templates of ``data/mail_templates_chatter.xml``) and the customer's email
once the money is back with them."""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from .. import utils

_logger = logging.getLogger(__name__)

CUSTOMER_EMAIL_TEMPLATE = "invoice_partial_refund.mail_template_partial_refund_done"


#: Lines of a refund shown one by one in its note on the invoice; more are
#: summed in one row (the refund shows them all).
MESSAGE_LINES = 20


class AccountPartialRefundNotificationMixin(models.AbstractModel):
    """The notes and emails part of `account.partial.refund` (its only
    user)."""

    _name = "account.partial.refund.notification.mixin"
    _description = "Partial Refund Notifications"

    customer_email_pending = fields.Boolean(
        string="Customer Email Due",
        readonly=True,
        copy=False,
        help="The customer is to be emailed the credit note and was not yet: "
        "the email is tried again daily.",
    )
    customer_email_error = fields.Char(
        readonly=True,
        copy=False,
        help="Why the customer's email could not be sent, the last time it was tried.",
    )
    customer_email_tried_on = fields.Date(readonly=True, copy=False)
    customer_email_mail_id = fields.Many2one(
        comodel_name="mail.mail",
        readonly=True,
        copy=False,
        ondelete="set null",
        groups="base.group_system",
        help="The customer's email while it waits in the outgoing queue (Odoo "
        "deletes it once sent): if the mail server refuses it, it is made "
        "again.",
    )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_send_customer_email(self):
        """Send now the customer emails that could not be sent."""
        self._check_refund_access()
        pending = self.filtered("customer_email_pending")
        if not pending:
            raise UserError(self[:1]._get_no_customer_email_reason())
        # Refunds are written by the business code only (the group reads them).
        pending.sudo()._send_customer_email()
        failed = pending.filtered("customer_email_pending")
        if failed:
            # Clicked to send it now: say why it was not, rather than a note
            # the chatter may already show once (nothing is kept of it).
            raise UserError(
                _(
                    "The credit note of %(refund)s could not be emailed: %(error)s.",
                    refund=failed[0].name,
                    error=(failed[0].customer_email_error or "").rstrip(". "),
                )
            )
        return True

    def _get_no_customer_email_reason(self):
        """Why no email of this refund is due to its customer."""
        if not self or self.customer_notified:
            return _("The customer was already emailed about these refunds.")
        if self.state == "cancelled":
            return _("%(refund)s was cancelled: no email.", refund=self.name)
        if self.state != "done":
            return _(
                "%(refund)s is not refunded yet: the customer is emailed the "
                "credit note once the money is back.",
                refund=self.name,
            )
        if self.company_id.partial_refund_notify_customer:
            return _(
                "%(refund)s was refunded before %(company)s emailed its "
                "customers: no email is due.",
                refund=self.name,
                company=self.company_id.name,
            )
        return _(
            "%(company)s does not email its customers when a refund is done "
            "(Accounting settings: Email the Customer When Refunded).",
            company=self.company_id.name,
        )

    # ------------------------------------------------------------
    # CHATTER NOTES
    # ------------------------------------------------------------

    def _post_template_note(self, record, template, **values):
        """Post on ``record`` the internal note rendered from the QWeb
        ``template`` (an XML id of this addon) with ``values``."""
        body = self.env["ir.qweb"]._render(
            f"invoice_partial_refund.{template}", values, minimal_qcontext=True
        )
        return utils.post_internal_note(record, body)

    def _post_refund_messages(self):
        """The refund's breakdown, on the invoice where the accountant looks
        (the refund itself shows the same breakdown in its lines): a row per
        line, the lines beyond `MESSAGE_LINES` in one row."""
        self.ensure_one()
        self._post_template_note(
            self.move_id,
            "message_refund_breakdown",
            refund=self,
            lines=self.line_ids[:MESSAGE_LINES],
            others=self.line_ids[MESSAGE_LINES:],
            state=dict(self._fields["state"]._description_selection(self.env))[
                self.state
            ],
        )

    def _post_escalation_note(self, manager):
        self.ensure_one()
        self._post_template_note(
            self,
            "message_manual_refund_escalated",
            due_date=format_date(self.env, self.manual_due_date),
            manager=manager,
        )

    def _post_manual_refund_sent_note(self, amount, date, reference, means_label):
        self.ensure_one()
        self._post_template_note(
            self,
            "message_manual_refund_sent",
            amount=self.currency_id.format(amount),
            date=format_date(self.env, date),
            means=means_label,
            reference=reference,
        )

    def _post_cancellation_notes(self, credit_note, reversal):
        self.ensure_one()
        self._post_template_note(
            self,
            "message_refund_cancelled",
            credit_note=credit_note,
            reversal=reversal,
        )
        self._post_template_note(
            self.move_id, "message_refund_cancelled_on_invoice", refund=self
        )

    def _post_customer_emailed_note(self):
        self.ensure_one()
        self._post_template_note(self, "message_customer_emailed", refund=self)

    def _post_customer_email_failed_note(self, error):
        self.ensure_one()
        # The note puts its own full stop after the error.
        self._post_template_note(
            self,
            "message_customer_email_failed",
            refund=self,
            error=error.rstrip(". "),
        )

    # ------------------------------------------------------------
    # CUSTOMER EMAIL
    # ------------------------------------------------------------

    def _notify_customer(self):
        """The money is back with the customer: email them the credit note
        if the company wants it, once.

        The email is tried at once, and again by the daily job (or the
        refund's button) while it could not be made or sent: the books it
        follows are never undone for it.
        """
        to_email = self.filtered(
            lambda r: (
                r.state == "done"
                and not r.customer_notified
                and not r.customer_email_pending
                and r.company_id.partial_refund_notify_customer
            )
        )
        if to_email:
            # Refunds are written by the business code only (the group reads
            # them), as in action_send_customer_email.
            to_email = to_email.sudo()
            to_email.customer_email_pending = True
            to_email._send_customer_email()

    def _send_customer_email(self):
        """Send the pending customer emails of these refunds, each in a
        savepoint: one that cannot be rendered or sent (the PDF engine
        missing, a broken template) is noted on its refund and left pending,
        and undoes nothing else."""
        template = self.env.ref(CUSTOMER_EMAIL_TEMPLATE, raise_if_not_found=False)
        if not template:
            return
        refunds = self.union().filtered(  # once each, whatever ids repeat
            lambda r: r.state == "done" and r.customer_email_pending
        )
        refunds.customer_email_tried_on = fields.Date.context_today(self)

        def on_error(refund, error):
            _logger.warning(
                "Emailing the customer about %s failed: %s",
                refund.name,
                error,
                exc_info=True,
            )
            message = str(error)[:500] or type(error).__name__
            if refund.customer_email_error != message:
                # Once per cause: the daily retries do not fill the chatter.
                refund._post_customer_email_failed_note(message)
            refund.customer_email_error = message

        utils.each_in_savepoint(
            refunds, lambda refund: refund._send_customer_email_now(template), on_error
        )

    def _send_customer_email_now(self, template):
        self.ensure_one()
        self._check_customer_email_address(template)
        report = self.env.ref("account.account_invoices")
        content, report_type = self.env["ir.actions.report"]._render(
            report.report_name, self.credit_note_id.ids
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": "{}.{}".format(
                    self.credit_note_id.name.replace("/", "_"), report_type
                ),
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        mail_id = template.send_mail(
            self.id, email_values={"attachment_ids": attachment.ids}
        )
        self.write(
            {
                "customer_notified": True,
                "customer_email_pending": False,
                "customer_email_error": False,
                "customer_email_mail_id": mail_id,
            }
        )
        self._post_customer_emailed_note()

    def _check_customer_email_address(self, template):
        """Refuse, before the PDF is made and a mail queued, an email the
        template addresses to nobody (a customer without email address): it
        would be queued for no one, said sent, and made again every day."""
        self.ensure_one()
        values = template._generate_template(
            self.ids, ("email_cc", "email_to", "partner_to")
        )[self.id]
        partners = self.env["res.partner"].browse(values.get("partner_ids") or [])
        if not (
            partners.filtered("email_normalized")
            or values.get("email_to")
            or values.get("email_cc")
        ):
            raise UserError(
                _(
                    "%(customer)s has no valid email address: add it on the customer, "
                    "then email them",
                    customer=self.move_id.partner_id.display_name,
                )
            )

    @api.model
    def _cron_send_customer_emails(self, batch_size=100):
        """Daily: send the customer emails that could not be sent when the
        refunds were done. A batch per call (Odoo 18 cron progress)."""
        self = self.sudo()  # a system job, whoever triggers it
        self._requeue_undelivered_customer_emails()
        domain = [
            ("customer_email_pending", "=", True),
            ("state", "=", "done"),
            "|",
            ("customer_email_tried_on", "=", False),
            # Those that failed again today wait for tomorrow's run.
            ("customer_email_tried_on", "<", fields.Date.context_today(self)),
        ]
        refunds = self.search(domain, order="id", limit=batch_size)
        refunds._send_customer_email()
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(refunds), remaining=remaining)
        return refunds

    @api.model
    def _requeue_undelivered_customer_emails(self):
        """The customer emails the mail server refused (queued, then failed
        to send): due again, noted once per cause, made anew by the job."""
        for refund in self.search([("customer_email_mail_id.state", "=", "exception")]):
            mail = refund.customer_email_mail_id
            message = (mail.failure_reason or _("not delivered"))[:500]
            if refund.customer_email_error != message:
                refund._post_customer_email_failed_note(message)
            refund.write(
                {
                    "customer_notified": False,
                    "customer_email_pending": True,
                    "customer_email_error": message,
                    "customer_email_mail_id": False,
                }
            )
