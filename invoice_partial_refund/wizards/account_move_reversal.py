# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's reversal wizard as the partial refund wizard's credit note
options: what a localization asks when an invoice is reversed (a document
type and number, a reason code), asked the same way, in the localization's
own form, and handed to the credit note as ``reversal_values``."""

import math

from lxml import etree

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.modules.module import get_manifest
from odoo.tools.safe_eval import safe_eval
from odoo.tools.view_validation import get_expression_field_names

#: The options form: Odoo's reversal form as the localizations extend it.
OPTIONS_VIEW = "invoice_partial_refund.view_account_move_reversal_partial_refund"

#: Fields of the reversal wizard that the partial refund sets itself.
REFUND_OWN_FIELDS = frozenset(
    {"move_ids", "new_move_ids", "company_id", "date", "journal_id", "reason"}
)


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    partial_refund_wizard_id = fields.Many2one(
        comodel_name="account.partial.refund.wizard",
        readonly=True,
        ondelete="cascade",
        help="The partial refund whose credit note these options are for.",
    )

    @api.model
    def _get_partial_refund_option_fields(self, company):
        """The fields that modules other than `account` add to this wizard
        for the user to set: the credit note options of a partial refund of
        ``company``'s invoices. A module of some countries (a localization)
        counts for their companies only."""
        country = (company.country_code or "").lower()
        names = []
        for name, field in self._fields.items():
            modules = field._modules or ()
            if (
                field.readonly
                or name in REFUND_OWN_FIELDS
                or name == "partial_refund_wizard_id"
                or "account" in modules
                or not all(_is_for_country(module, country) for module in modules)
            ):
                continue
            names.append(name)
        return names

    def _prepare_default_reversal(self, move):
        """Override of `account`: the credit note of a partial refund takes
        its own lines and values over the reversal's (see
        `account.partial.refund.booking._create_credit_note`)."""
        values = super()._prepare_default_reversal(move)
        refund_values = self.env.context.get("partial_refund_credit_note_values")
        if isinstance(refund_values, dict) and move.id in refund_values:
            values.update(refund_values[move.id])
        return values

    def reverse_moves(self, is_modify=False):
        """Override of `account`: a partial refund's credit note and payments
        are undone by the refund's Cancel refund, which reverses them and
        the refund with them; Odoo's reversal of them would leave the refund
        counting what they no longer book."""
        self.move_ids._check_not_partial_refund_entries()
        # An invoice partly refunded is refunded further by Partial refund: a
        # credit note of all of it would credit again what went back.
        ours = self.env.context.get("partial_refund_credit_note_values")
        ours = ours if isinstance(ours, dict) else {}
        self.move_ids.filtered(lambda m: m.id not in ours)._check_no_partial_refunds()
        return super().reverse_moves(is_modify=is_modify)

    @api.model
    def _create_for_partial_refund(self, refund, reversal_values=None):
        """The wizard for ``refund``'s credit note, as the user's Credit Note
        button makes it for the invoice (the refund group is a Billing one),
        with the options a localization adds set from ``reversal_values``
        (checked by `_check_partial_refund_values`)."""
        refund.ensure_one()
        invoice = refund.move_id
        return self.with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {
                "move_ids": [Command.set(invoice.ids)],
                "company_id": invoice.company_id.id,
                "journal_id": invoice.journal_id.id,
                "date": refund.date,
                "reason": _(
                    "%(refund)s: %(reason)s",
                    refund=refund.name,
                    reason=refund.reason or _("Partial refund"),
                ),
                **_options_given(reversal_values),
            }
        )

    @api.model
    def _check_partial_refund_values(self, invoice, values):
        """Raise a UserError unless ``values`` (the ``reversal_values`` of a
        partial refund of ``invoice``) sets credit note options only: those
        the options form asks for ``invoice`` (`_get_partial_refund_asked_fields`;
        False or None leave one out). The refund sets the rest itself."""
        given = _options_given(values)
        asked = self._get_partial_refund_asked_nodes(invoice) if given else {}
        unknown = set(given) - set(asked)
        if unknown:
            raise UserError(
                _(
                    "The refund “reversal_values” may only set the credit note "
                    "options asked for %(invoice)s (what its localization's credit "
                    "note wizard shows for it: %(asked)s), not: %(fields)s.",
                    invoice=invoice.display_name,
                    asked=", ".join(asked) or _("none"),
                    fields=", ".join(sorted(unknown)),
                )
            )
        for name, value in given.items():
            field = self._fields[name]
            expected = self._get_partial_refund_value_error(field, value)
            if not expected and field.type == "many2one":
                expected = self._get_partial_refund_choice_error(
                    invoice, asked[name], field, value
                )
            if expected:
                raise UserError(
                    _(
                        "The refund “reversal_values” sets %(field)s to %(value)s: "
                        "it must be %(expected)s.",
                        field=name,
                        value=repr(value)[:40],
                        expected=expected,
                    )
                )

    @api.model
    def _get_partial_refund_value_error(self, field, value):
        """What ``value`` should be to set option ``field``, or None if it is
        one (False or None leave the option unset)."""
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if value is None or value is False:
            return None
        if field.type == "many2one":
            model = field.comodel_name
            if not (is_int and 0 < value < 2**31):
                return _("the id of a record of %(model)s", model=model)
            if not self.env[model].browse(value).exists():
                return _("the id of an existing record of %(model)s", model=model)
        elif field.type in ("char", "text", "html"):
            return None if isinstance(value, str) else _("text")
        elif field.type == "selection":
            choices = dict(field._description_selection(self.env))
            if not isinstance(value, str) or value not in choices:
                return _("one of %(choices)s", choices=", ".join(choices))
        elif field.type == "boolean":
            return None if value is True else _("true or false")
        elif field.type == "integer":
            return None if is_int and abs(value) < 2**31 else _("a whole number")
        elif field.type in ("float", "monetary"):
            finite = isinstance(value, float) and math.isfinite(value)
            return None if is_int or finite else _("a number")
        elif field.type == "date":
            try:
                fields.Date.to_date(value)
            except (TypeError, ValueError):
                return _("a date (YYYY-MM-DD)")
        else:
            return _("left out: the refund cannot set a %(type)s", type=field.type)
        return None

    @api.model
    def _get_partial_refund_choice_error(self, invoice, node, field, value):
        """What ``value`` (an existing id) should be to set the many2one
        option ``field`` of ``node`` (the options form's) for ``invoice``, or
        None if it is one of the choices the form offers: a record the user
        may read, in the domain of the form (or of the field), evaluated as
        the web client does on the values the wizard computes for it (Latin
        America's document types of the invoice's letter)."""
        # The field's domain as the web client has it (its company's records
        # for a company-checked one), unless the form sets its own.
        domain = node.get("domain") or field._description_domain(self.env) or []
        if isinstance(domain, str):
            # An expression this cannot evaluate: unchecked, as a form's
            # choices would be all that the user reads.
            domain = _evaluate(self._new_for_partial_refund(invoice), domain, [])
        comodel = self.env[field.comodel_name]
        try:
            offered = comodel.search_count([("id", "=", value), *domain], limit=1)
        except AccessError:
            offered = 0  # none of a model the user may not read
        if offered:
            return None
        return _(
            "one of the choices the credit note options offer for %(invoice)s",
            invoice=invoice.display_name,
        )

    @api.model
    def _get_partial_refund_asked_fields(self, invoice):
        """The option fields the options form shows for ``invoice`` (see
        `_get_partial_refund_asked_nodes`)."""
        return list(self._get_partial_refund_asked_nodes(invoice))

    @api.model
    def _get_partial_refund_asked_nodes(self, invoice):
        """``{option field: its node}`` of the options the options form
        shows for ``invoice``: their ``invisible`` expressions evaluated, as
        the web client does, on the values the wizard computes for it (Latin
        America's document type is asked of invoices whose journal uses
        documents only)."""
        names = self._get_partial_refund_option_fields(invoice.company_id)
        if not names:
            return {}
        view_id = self.env.ref(OPTIONS_VIEW).id
        arch = self.get_views([(view_id, "form")])["views"]["form"]["arch"]
        record = self._new_for_partial_refund(invoice)
        asked = {}
        for node in etree.fromstring(arch).iter("field"):
            if node.get("name") not in names:
                continue
            # An expression this cannot evaluate: shown, as a field is.
            if not _evaluate(record, node.get("invisible") or "False", False):
                asked[node.get("name")] = node
        return asked

    @api.model
    def _new_for_partial_refund(self, invoice):
        """The wizard as the Credit Note button opens it for ``invoice``, in
        memory: the values the options form is shown with."""
        return self.with_context(
            active_model="account.move", active_ids=invoice.ids
        ).new({"move_ids": [Command.set(invoice.ids)], "date": invoice.date})

    @api.model
    def _open_for_partial_refund(self, wizard):
        """Odoo's reversal wizard for ``wizard``'s invoice, in the form the
        localizations extend, to set the credit note options; its button
        goes back to ``wizard``."""
        reversal = self.search([("partial_refund_wizard_id", "=", wizard.id)], limit=1)
        if not reversal:
            invoice = wizard.move_id
            reversal = self.with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create(
                {
                    "partial_refund_wizard_id": wizard.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "journal_id": invoice.journal_id.id,
                    "date": wizard.date,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Credit Note Options"),
            "res_model": self._name,
            "res_id": reversal.id,
            "views": [(self.env.ref(OPTIONS_VIEW).id, "form")],
            "target": "new",
        }

    @api.model
    def _get_partial_refund_values(self, wizard):
        """The options set for ``wizard``, as the ``reversal_values`` of
        `account.move.action_partial_refund` (None when none was set)."""
        reversal = self.search([("partial_refund_wizard_id", "=", wizard.id)], limit=1)
        if not reversal:
            return None
        values = {}
        # What its form asked: a hidden option keeps the reversal's default.
        for name in self._get_partial_refund_asked_fields(wizard.move_id):
            value = self._fields[name].convert_to_write(reversal[name], reversal)
            if value:
                values[name] = value
        return values or None

    def action_back_to_partial_refund(self):
        self.ensure_one()
        wizard = self.partial_refund_wizard_id
        wizard._check_wizard_access()
        return wizard._reopen()


def _is_for_country(module, country):
    """False for a module of other countries than ``country``: those its
    manifest names (``countries``), or for a localization without them, the
    one its name gives (``l10n_xx`` or ``l10n_xx_*``)."""
    countries = get_manifest(module).get("countries") or []
    parts = module.split("_")
    if not countries and parts[0] == "l10n" and len(parts) > 1 and len(parts[1]) == 2:
        countries = [parts[1]]
    return not countries or country in countries


def _evaluate(record, expression, failed):
    """``expression`` (of a view: ``invisible``, ``domain``) evaluated on
    ``record``'s values as the web client has them (ids for relations), or
    ``failed`` when it cannot be."""
    used = get_expression_field_names(expression) & set(record._fields)
    env = record.env
    try:
        values = {
            "uid": env.uid,
            "allowed_company_ids": env.companies.ids,
            "current_company_id": env.company.id,
            "context": dict(env.context),
            **{
                name: record._fields[name].convert_to_read(
                    record[name], record, use_display_name=False
                )
                for name in used
            },
        }
        return safe_eval(expression, values)
    except Exception:  # noqa: BLE001
        return failed


def _options_given(values):
    """The options ``values`` sets: False or None leave one out (at the
    reversal wizard's default)."""
    return {
        name: value
        for name, value in (values or {}).items()
        if value is not None and value is not False
    }
