# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may call what: a matrix of every entry point of the addon (rows) and
the users who must not change anything through it (columns).

A row is a call made as the column's user on company A's records: its
refund awaiting a manual refund, the invoice, its payment, and the wizards
a refund-group user of company A has open. Each call is refused cleanly (an
``AccessError`` or ``UserError``, or a search that finds nothing) and
writes nothing; the few read-only actions a Billing user may use are
allowed to them and still write nothing. The refund group's own actions in
its company are checked below the matrix, books included.

`test_every_public_method_has_a_row` fails when a public method (a method
callable over RPC: no leading underscore) is added to the addon's models,
wizards or controllers without a row here.
"""

import importlib
import inspect
import pkgutil

import psycopg2
from freezegun import freeze_time

from odoo import Command, models
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import PartialRefundCommon
from .fake_gateways import FakeGoCardless, FakeStripe

REFUND_GROUP = "invoice_partial_refund.group_partial_refund"
TODAY = "2019-02-01"

#: Columns of the matrix: the users who must not change company A's refunds.
USERS = ("other_company_refunder", "billing", "portal")


def _line(fx):
    return fx.invoice.invoice_line_ids[0]


#: What the web client asks of the refund wizard's onchange.
WIZARD_SPEC = {
    "move_id": {"fields": {"display_name": {}}},
    "company_id": {"fields": {"display_name": {}}},
    "line_ids": {"fields": {"name": {}, "price_unit": {}, "refundable_amount": {}}},
    "amount_remaining": {},
    "available_payment_method_line_ids": {"fields": {"display_name": {}}},
}


def _user_default(env, model, field_name, value):
    """Set ``value`` as the user's own default of ``field_name`` (an
    ``ir.default``, which any internal user may set for themselves)."""
    env["ir.default"].set(model, field_name, value, user_id=True)
    return env[model]


def _no_tax_by_default(fx):
    """A caller's default for a journal item's `refund_manual_tax_amounts`:
    no tax on its amount."""
    tax = fx.company_data["default_tax_sale"]
    return {str(tax.id): {"tax_amount_currency": 0.0, "base_amount_currency": 1.0}}


#: What a new wizard line shows of its invoice line (the web client's).
LINE_SPEC = {
    "invoice_line_id": {"fields": {"display_name": {}}},
    "name": {},
    "price_unit": {},
    "refundable_amount": {},
}

#: Only what the lines show, read from their invoice lines.
LINES_SPEC = {"line_ids": {"fields": {"name": {}, "price_unit": {}, "quantity": {}}}}

#: Rows of the matrix: (row, call, users allowed). A row is named after the
#: public method it reaches, ``model.method``, with what it tries in brackets.
#: ``call(env, fx)`` runs as the column's user; ``fx`` is the test case with
#: the records of company A (and company B's own wizard, ``wizard_b``).
ROWS = [
    # account.move: the entry points of a refund, and the refund views.
    (
        "account.move.action_partial_refund",
        lambda env, fx: (
            env["account.move"]
            .browse(fx.invoice.id)
            .action_partial_refund([{"line_id": _line(fx).id, "amount": 5.0}])
        ),
        (),
    ),
    (
        "account.move.action_open_partial_refund_wizard",
        lambda env, fx: (
            env["account.move"]
            .browse(fx.invoice.id)
            .action_open_partial_refund_wizard()
        ),
        (),
    ),
    (
        "account.move.action_view_partial_refunds",
        lambda env, fx: (
            env["account.move"].browse(fx.invoice.id).action_view_partial_refunds()
        ),
        ("billing",),  # read-only: Billing reads its company's refunds
    ),
    (
        "account.move.action_view_partial_refund_credit_notes",
        lambda env, fx: (
            env["account.move"]
            .browse(fx.invoice.id)
            .action_view_partial_refund_credit_notes()
        ),
        ("billing",),
    ),
    (
        "account.move.action_open_partial_refund",
        lambda env, fx: (
            env["account.move"]
            .browse(fx.refund.credit_note_id.id)
            .action_open_partial_refund()
        ),
        ("billing",),  # read-only: Billing reads its company's refunds
    ),
    (
        "account.move.js_assign_outstanding_line[refund's credit note]",
        lambda env, fx: (
            env["account.move"]
            .browse(fx.invoice.id)
            .js_assign_outstanding_line(fx.credit_note_receivable.id)
        ),
        (),
    ),
    (
        "account.move.line.write[refunded totals]",
        lambda env, fx: (
            env["account.move.line"]
            .browse(_line(fx).id)
            .write({"refunded_price_total": 0.0})
        ),
        (),
    ),
    (
        "account.move.line.write[a credit note line's refund fields]",
        lambda env, fx: (
            env["account.move.line"]
            .browse(_line(fx).id)
            .write({"refund_manual_tax_amounts": {"1": {"tax_amount_currency": 0.0}}})
        ),
        (),
    ),
    (
        "account.move.line.create[a credit note line's refund fields]",
        lambda env, fx: env["account.move.line"].create(
            {
                "move_id": fx.invoice.id,
                "name": "refunds nothing",
                "refund_origin_line_id": _line(fx).id,
            }
        ),
        (),
    ),
    (
        "account.move.line.create[a credit note line's refund fields by default]",
        # Odoo's `default_get` adds the context's defaults after `create`
        # checked the values.
        lambda env, fx: (
            env["account.move.line"]
            .with_context(default_refund_origin_line_id=_line(fx).id)
            .create({"move_id": fx.draft_invoice.id, "name": "refunds nothing"})
        ),
        (),
    ),
    (
        "account.move.line.default_get[a credit note line's refund fields]",
        # What the web client asks of a new line: refused, not shown.
        lambda env, fx: (
            env["account.move.line"]
            .with_context(default_refund_manual_tax_amounts=_no_tax_by_default(fx))
            .default_get(["refund_manual_tax_amounts", "name"])
        ),
        (),
    ),
    (
        "account.move.write[a new line's refund fields by default]",
        lambda env, fx: (
            env["account.move"]
            .browse(fx.draft_invoice.id)
            .with_context(default_refund_manual_tax_amounts=_no_tax_by_default(fx))
            .write(
                {
                    "invoice_line_ids": [
                        Command.create({"name": "no tax", "price_unit": 1.0})
                    ]
                }
            )
        ),
        (),
    ),
    (
        "account.move.create[a credit note line's refund fields by default]",
        lambda env, fx: (
            env["account.move"]
            .with_context(default_refund_origin_line_id=_line(fx).id)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": fx.partner_a.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "refunds nothing",
                                "price_unit": 1.0,
                                "tax_ids": [
                                    Command.set(fx.company_data["default_tax_sale"].ids)
                                ],
                            }
                        )
                    ],
                }
            )
        ),
        (),
    ),
    # account.partial.refund: its buttons and CRUD.
    (
        "account.partial.refund.create",
        lambda env, fx: env["account.partial.refund"].create(
            {"move_id": fx.invoice.id}
        ),
        (),
    ),
    (
        "account.partial.refund.write[reason]",
        lambda env, fx: (
            env["account.partial.refund"]
            .browse(fx.refund.id)
            .write({"reason": "changed"})
        ),
        (),
    ),
    (
        "account.partial.refund.write[state]",
        lambda env, fx: (
            env["account.partial.refund"].browse(fx.refund.id).write({"state": "done"})
        ),
        (),
    ),
    (
        "account.partial.refund.action_open_credit_note",
        lambda env, fx: (
            env["account.partial.refund"].browse(fx.refund.id).action_open_credit_note()
        ),
        ("billing",),
    ),
    (
        "account.partial.refund.action_open_invoice",
        lambda env, fx: (
            env["account.partial.refund"].browse(fx.refund.id).action_open_invoice()
        ),
        ("billing",),
    ),
    (
        "account.partial.refund.manual.mixin.action_open_confirm_wizard",
        lambda env, fx: (
            env["account.partial.refund"]
            .browse(fx.refund.id)
            .action_open_confirm_wizard()
        ),
        (),
    ),
    (
        "account.partial.refund.manual.mixin.action_cancel_refund",
        lambda env, fx: (
            env["account.partial.refund"].browse(fx.refund.id).action_cancel_refund()
        ),
        (),
    ),
    (
        "account.partial.refund.notification.mixin.action_send_customer_email",
        lambda env, fx: (
            env["account.partial.refund"]
            .browse(fx.refund.id)
            .action_send_customer_email()
        ),
        (),
    ),
    (
        "account.partial.refund.gateway.create",
        lambda env, fx: env["account.partial.refund.gateway"].create(
            {
                "refund_id": fx.refund.id,
                "gateway": "stripe",
                "source_payment_id": fx.payment.id,
                "payment_reference": "pi_1",
                "amount": 1.0,
            }
        ),
        (),
    ),
    # account.payment: the fields that decide where the money goes.
    (
        "account.payment.write[refund gateway]",
        lambda env, fx: (
            env["account.payment"]
            .browse(fx.payment.id)
            .write({"refund_gateway": "stripe", "refund_gateway_reference": "pi_123"})
        ),
        (),
    ),
    (
        "account.payment.write[gateway payment id]",
        lambda env, fx: (
            env["account.payment"]
            .browse(fx.gateway_payment.id)
            .write({"refund_gateway_reference": "pi_attacker"})
        ),
        (),
    ),
    (
        "account.payment.create[refund gateway]",
        lambda env, fx: env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": fx.partner_a.id,
                "amount": 1.0,
                "journal_id": fx.bank_journal.id,
                "refund_gateway": "stripe",
                "refund_gateway_reference": "pi_123",
            }
        ),
        (),
    ),
    (
        "account.payment.create[refund gateway by default]",
        lambda env, fx: (
            env["account.payment"]
            .with_context(
                default_refund_gateway="stripe",
                default_refund_gateway_reference="pi_123",
            )
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": fx.partner_a.id,
                    "amount": 1.0,
                    "journal_id": fx.bank_journal.id,
                }
            )
        ),
        (),
    ),
    (
        "account.payment.default_get[refund gateway]",
        lambda env, fx: (
            env["account.payment"]
            .with_context(default_refund_gateway_reference="pi_123")
            .default_get(["refund_gateway_reference", "amount"])
        ),
        # The refund group names the gateway of a payment: its defaults are
        # values it may give, and read nothing.
        ("other_company_refunder",),
    ),
    # The refund wizard, its lines, the confirmation wizard.
    (
        "account.partial.refund.wizard.create[company A's invoice]",
        lambda env, fx: env["account.partial.refund.wizard"].create(
            {"move_id": fx.invoice.id}
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.create[no invoice]",
        lambda env, fx: env["account.partial.refund.wizard"].create({}),
        (),
    ),
    (
        "account.partial.refund.wizard.write[own wizard to A's invoice]",
        lambda env, fx: (
            env["account.partial.refund.wizard"]
            .browse(fx.wizard_b.id)
            .write({"move_id": fx.invoice.id})
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.write[another user's wizard]",
        lambda env, fx: (
            env["account.partial.refund.wizard"]
            .browse(fx.wizard.id)
            .write({"reason": "changed", "step": "summary"})
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.read",
        lambda env, fx: (
            env["account.partial.refund.wizard"]
            .browse(fx.wizard.id)
            .read(["amount_total", "split_html", "line_ids"])
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.search",
        lambda env, fx: env["account.partial.refund.wizard"].search(
            [("id", "=", fx.wizard.id)]
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.action_complete",
        lambda env, fx: (
            env["account.partial.refund.wizard"].browse(fx.wizard.id).action_complete()
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.action_back",
        lambda env, fx: (
            env["account.partial.refund.wizard"].browse(fx.wizard.id).action_back()
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.action_refund_now",
        lambda env, fx: (
            env["account.partial.refund.wizard"]
            .browse(fx.wizard.id)
            .action_refund_now()
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.action_open_credit_note_options",
        lambda env, fx: (
            env["account.partial.refund.wizard"]
            .browse(fx.wizard.id)
            .action_open_credit_note_options()
        ),
        (),
    ),
    (
        "account.move.reversal.action_back_to_partial_refund[another user's wizard]",
        lambda env, fx: (
            env["account.move.reversal"]
            .browse(fx.reversal.id)
            .action_back_to_partial_refund()
        ),
        (),
    ),
    (
        "account.move.reversal.write[another user's credit note options]",
        lambda env, fx: (
            env["account.move.reversal"].browse(fx.reversal.id).write({"reason": "x"})
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.onchange[company A's invoice]",
        lambda env, fx: env["account.partial.refund.wizard"].onchange(
            {"move_id": fx.invoice.id}, [], WIZARD_SPEC
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.onchange[A's invoice by default]",
        lambda env, fx: (
            env["account.partial.refund.wizard"]
            .with_context(default_move_id=fx.invoice.id)
            .onchange({}, [], WIZARD_SPEC)
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.line.onchange[A's invoice line]",
        lambda env, fx: env["account.partial.refund.wizard.line"].onchange(
            {"invoice_line_id": _line(fx).id},
            [],
            {"name": {}, "refundable_amount": {}, "amount_total": {}},
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.line.onchange[A's invoice line as a dict]",
        # The web client's form of a new record: Odoo would read the line
        # it names as the new record's origin.
        lambda env, fx: env["account.partial.refund.wizard.line"].onchange(
            {"invoice_line_id": {"id": _line(fx).id}},
            [],
            {"name": {}, "price_unit": {}, "refundable_amount": {}},
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.onchange[own invoice, A's line in a command]",
        lambda env, fx: env["account.partial.refund.wizard"].onchange(
            {
                "move_id": fx.wizard_b.move_id.id,
                "line_ids": [
                    [0, "virtual_1", {"invoice_line_id": _line(fx).id, "selected": 1}]
                ],
            },
            [],
            WIZARD_SPEC,
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.line.onchange[A's invoice line by default]",
        # Odoo's onchange fills a new record with the context's defaults.
        lambda env, fx: (
            env["account.partial.refund.wizard.line"]
            .with_context(default_invoice_line_id=_line(fx).id)
            .onchange({}, [], LINE_SPEC)
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.line.onchange[A's wizard by default]",
        lambda env, fx: (
            env["account.partial.refund.wizard.line"]
            .with_context(default_wizard_id=fx.wizard.id)
            .onchange({}, [], {"wizard_id": {"fields": {"display_name": {}}}})
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.onchange[own invoice, A's line by default]",
        lambda env, fx: (
            env["account.partial.refund.wizard"]
            .with_context(
                default_move_id=fx.wizard_b.move_id.id,
                default_line_ids=[[0, 0, {"invoice_line_id": _line(fx).id}]],
            )
            .onchange({}, [], LINES_SPEC)
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.onchange[own invoice, A's wizard line linked]",
        lambda env, fx: env["account.partial.refund.wizard"].onchange(
            {
                "move_id": fx.wizard_b.move_id.id,
                "line_ids": [[4, fx.wizard.line_ids[0].id]],
            },
            [],
            LINES_SPEC,
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.onchange[own invoice, A's wizard lines set]",
        lambda env, fx: (
            env["account.partial.refund.wizard"]
            .with_context(default_move_id=fx.wizard_b.move_id.id)
            .onchange({"line_ids": [[6, 0, fx.wizard.line_ids.ids]]}, [], LINES_SPEC)
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.line.onchange[A's invoice line, own default]",
        lambda env, fx: _user_default(
            env, "account.partial.refund.wizard.line", "invoice_line_id", _line(fx).id
        ).onchange({}, [], LINE_SPEC),
        (),
    ),
    (
        "account.partial.refund.wizard.onchange[A's invoice, own default]",
        lambda env, fx: _user_default(
            env, "account.partial.refund.wizard", "move_id", fx.invoice.id
        ).onchange({}, [], WIZARD_SPEC),
        (),
    ),
    (
        "account.partial.refund.wizard.onchange[own invoice, A's line, own default]",
        lambda env, fx: (
            _user_default(
                env,
                "account.partial.refund.wizard",
                "line_ids",
                [[0, 0, {"invoice_line_id": _line(fx).id}]],
            )
            .with_context(default_move_id=fx.wizard_b.move_id.id)
            .onchange({}, [], LINES_SPEC)
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.default_get[A's invoice by default]",
        lambda env, fx: (
            env["account.partial.refund.wizard"]
            .with_context(default_move_id=fx.invoice.id)
            .default_get(["move_id"])
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.line.default_get[A's invoice line, own default]",
        lambda env, fx: _user_default(
            env, "account.partial.refund.wizard.line", "invoice_line_id", _line(fx).id
        ).default_get(["invoice_line_id"]),
        (),
    ),
    (
        "account.payment.register.default_get[the refund's credit note]",
        lambda env, fx: (
            env["account.payment.register"]
            .with_context(
                active_model="account.move", active_ids=fx.refund.credit_note_id.ids
            )
            .default_get(["line_ids"])
        ),
        (),
    ),
    (
        "account.partial.refund.confirm.wizard.onchange[A's refund]",
        lambda env, fx: env["account.partial.refund.confirm.wizard"].onchange(
            {"refund_id": fx.refund.id},
            [],
            {"refund_id": {"fields": {"display_name": {}}}, "amount": {}},
        ),
        (),
    ),
    (
        "account.partial.refund.confirm.wizard.onchange[A's refund by default]",
        lambda env, fx: (
            env["account.partial.refund.confirm.wizard"]
            .with_context(default_refund_id=fx.refund.id)
            .onchange({}, [], {"refund_id": {}, "amount": {}})
        ),
        (),
    ),
    (
        "account.partial.refund.confirm.wizard.default_get[A's refund by default]",
        lambda env, fx: (
            env["account.partial.refund.confirm.wizard"]
            .with_context(default_refund_id=fx.refund.id)
            .default_get(["refund_id", "amount"])
        ),
        (),
    ),
    (
        "account.partial.refund.confirm.wizard.onchange[A's refund, own default]",
        # What the refund owes by hand, read as superuser: not shown.
        lambda env, fx: _user_default(
            env, "account.partial.refund.confirm.wizard", "refund_id", fx.refund.id
        ).onchange({}, [], {"refund_id": {}, "amount": {}}),
        (),
    ),
    (
        "account.partial.refund.confirm.wizard.create[A's refund, own default]",
        lambda env, fx: _user_default(
            env, "account.partial.refund.confirm.wizard", "refund_id", fx.refund.id
        ).create({"reference": "TRF-X"}),
        (),
    ),
    (
        "account.move.button_draft[the refund's credit note]",
        lambda env, fx: (
            env["account.move"].browse(fx.refund.credit_note_id.id).button_draft()
        ),
        (),
    ),
    (
        "account.move.write[state of the refund's credit note, over RPC]",
        lambda env, fx: (
            env["account.move"]
            .browse(fx.refund.credit_note_id.id)
            .write({"state": "draft"})
        ),
        (),
    ),
    (
        "account.payment.write[state of the refund's payment, over RPC]",
        lambda env, fx: (
            env["account.payment"]
            .browse(fx.refund.payment_id.id)
            .write({"state": "canceled"})
        ),
        (),
    ),
    (
        "account.move.button_cancel[the refund's payment]",
        lambda env, fx: (
            env["account.move"].browse(fx.refund.payment_id.move_id.id).button_cancel()
        ),
        (),
    ),
    (
        "account.move.reversal.reverse_moves[the refund's credit note]",
        lambda env, fx: (
            env["account.move.reversal"]
            .browse(fx.credit_note_reversal.id)
            .reverse_moves()
        ),
        # Company B's user sees none of its moves: Odoo reverses nothing.
        ("other_company_refunder",),
    ),
    (
        "account.payment.action_draft[the refund's payment]",
        lambda env, fx: (
            env["account.payment"].browse(fx.refund.payment_id.id).action_draft()
        ),
        (),
    ),
    (
        "account.payment.action_cancel[the refund's payment]",
        lambda env, fx: (
            env["account.payment"].browse(fx.refund.payment_id.id).action_cancel()
        ),
        (),
    ),
    (
        "account.payment.action_reject[the refund's payment]",
        lambda env, fx: (
            env["account.payment"].browse(fx.refund.payment_id.id).action_reject()
        ),
        (),
    ),
    (
        "account.partial.reconcile.create[A's credit note in transit, an open invoice]",
        lambda env, fx: env["account.partial.reconcile"].create(
            {
                "debit_move_id": fx.open_receivable.id,
                "credit_move_id": fx.transit_receivable.id,
                "amount": 11.5,
                "debit_amount_currency": 11.5,
                "credit_amount_currency": 11.5,
            }
        ),
        (),
    ),
    (
        "account.partial.reconcile.unlink[A's invoice and its customer's payment]",
        lambda env, fx: (
            env["account.partial.reconcile"]
            .browse(
                fx.invoice.line_ids.filtered(
                    lambda line: line.account_type == "asset_receivable"
                ).matched_credit_ids.ids
            )
            .unlink()
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.line.create[A's invoice line]",
        lambda env, fx: env["account.partial.refund.wizard.line"].create(
            {"wizard_id": fx.wizard_b.id, "invoice_line_id": _line(fx).id}
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.line.write[own line to A's invoice line]",
        lambda env, fx: (
            env["account.partial.refund.wizard.line"]
            .browse(fx.wizard_b.line_ids[0].id)
            .write({"invoice_line_id": _line(fx).id})
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.line.write[another user's line]",
        lambda env, fx: (
            env["account.partial.refund.wizard.line"]
            .browse(fx.wizard.line_ids[0].id)
            .write({"selected": False, "amount": 99.0})
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.line.read",
        lambda env, fx: (
            env["account.partial.refund.wizard.line"]
            .browse(fx.wizard.line_ids[0].id)
            .read(["name", "price_unit", "amount_total"])
        ),
        (),
    ),
    (
        "account.partial.refund.wizard.line.search",
        lambda env, fx: env["account.partial.refund.wizard.line"].search(
            [("wizard_id", "=", fx.wizard.id)]
        ),
        (),
    ),
    (
        "account.partial.refund.confirm.wizard.create[A's refund]",
        lambda env, fx: env["account.partial.refund.confirm.wizard"].create(
            {"refund_id": fx.refund.id, "reference": "TRF-X"}
        ),
        (),
    ),
    (
        "account.partial.refund.confirm.wizard.write[another user's wizard]",
        lambda env, fx: (
            env["account.partial.refund.confirm.wizard"]
            .browse(fx.confirm_wizard.id)
            .write({"reference": "TRF-X"})
        ),
        (),
    ),
    (
        "account.partial.refund.confirm.wizard.action_confirm",
        lambda env, fx: (
            env["account.partial.refund.confirm.wizard"]
            .browse(fx.confirm_wizard.id)
            .action_confirm()
        ),
        (),
    ),
    (
        "account.partial.refund.confirm.wizard.read",
        lambda env, fx: (
            env["account.partial.refund.confirm.wizard"]
            .browse(fx.confirm_wizard.id)
            .read(["amount", "reference"])
        ),
        (),
    ),
    (
        "account.partial.refund.confirm.wizard.search",
        lambda env, fx: env["account.partial.refund.confirm.wizard"].search([]),
        (),
    ),
]

#: The webhook route's rows, public over HTTP (see TestWebhookAccessMatrix).
ROUTE_ROWS = ["PartialRefundWebhookController.refund_webhook"]


def public_methods():
    """``model.method`` (or ``Controller.method``) of each method the addon
    defines without a leading underscore: callable over RPC or HTTP."""
    package = "odoo.addons.invoice_partial_refund"
    found = set()
    for sub in ("models", "wizards", "controllers"):
        parent = importlib.import_module(f"{package}.{sub}")
        for info in pkgutil.iter_modules(parent.__path__):
            module = importlib.import_module(f"{package}.{sub}.{info.name}")
            for cls in vars(module).values():
                if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                    continue
                if issubclass(cls, models.BaseModel):
                    owner = cls._name or cls._inherit
                else:
                    owner = cls.__name__
                found |= {
                    f"{owner}.{name}"
                    for name, member in vars(cls).items()
                    if not name.startswith("_") and inspect.isfunction(member)
                }
    return found


class AccessMatrixCommon(PartialRefundCommon):
    """Company A's refund, invoice, payments and open wizards, its refund-group
    user, and the users of the matrix' columns."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data_2 = cls.setup_other_company()
        company_a, company_b = cls.env.company, cls.company_data_2["company"]
        refund_group = cls.env.ref(REFUND_GROUP)
        cls.refunder = cls._create_user("refunder_a", refund_group, company_a)
        cls.users = {
            "other_company_refunder": cls._create_user(
                "refunder_b", refund_group, company_b
            ),
            "billing": cls._create_user(
                "billing_a",
                cls.env.ref("account.group_account_invoice"),
                company_a,
            ),
            "portal": cls._create_user(
                "portal_a", cls.env.ref("base.group_portal"), company_a
            ),
        }
        cls.invoice, cls.refund = cls._create_refunded_invoice(cls.refunder, TODAY)
        cls.payment = cls.invoice._get_reconciled_payments()
        gateway_invoice = cls._create_paid_invoice([{"price_unit": 20.0}])
        cls.gateway_payment = gateway_invoice._get_reconciled_payments()
        # A draft invoice of company A, which Billing may add lines to.
        cls.draft_invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.partner_a.id,
                "invoice_line_ids": [
                    Command.create({"name": "draft line", "price_unit": 10.0})
                ],
            }
        )
        cls.gateway_payment.write(
            {"refund_gateway": "stripe", "refund_gateway_reference": "pi_customer"}
        )
        cls.credit_note_receivable = cls.refund.credit_note_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        # Another customer's refund through Stripe, requested (no job runs
        # here): its credit note is in transit; and an open invoice of theirs.
        transit_invoice = cls._create_paid_invoice(
            [{"price_unit": 10.0}], partner=cls.partner_b
        )
        transit_invoice._get_reconciled_payments().write(
            {"refund_gateway": "stripe", "refund_gateway_reference": "pi_transit"}
        )
        with freeze_time(TODAY):
            transit_refund = cls.env["account.partial.refund"].browse(
                transit_invoice.action_partial_refund(
                    [{"line_id": transit_invoice.invoice_line_ids.id}]
                )
            )
        assert transit_refund.gateway_ids.state == "requested"
        open_invoice = cls._create_paid_invoice(
            [{"price_unit": 10.0}], partner=cls.partner_b, pay=False
        )
        cls.transit_receivable, cls.open_receivable = (
            move.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            for move in (transit_refund.credit_note_id, open_invoice)
        )
        cls.wizard = (
            cls.env["account.partial.refund.wizard"]
            .with_user(cls.refunder)
            .create({"move_id": cls.invoice.id, "reason": "refunder's own"})
        )
        cls.wizard.line_ids[0].write({"selected": True})
        cls.reversal = cls.env["account.move.reversal"].browse(
            cls.wizard.action_open_credit_note_options()["res_id"]
        )
        # Odoo's reversal wizard opened on the refund's credit note.
        cls.credit_note_reversal = (
            cls.env["account.move.reversal"]
            .with_context(
                active_model="account.move", active_ids=cls.refund.credit_note_id.ids
            )
            .create({"journal_id": cls.refund.credit_note_id.journal_id.id})
        )
        cls.confirm_wizard = (
            cls.env["account.partial.refund.confirm.wizard"]
            .with_user(cls.refunder)
            .create({"refund_id": cls.refund.id, "reference": "TRF-OWN"})
        )
        invoice_b = cls._create_paid_invoice([{"price_unit": 30.0}], company=company_b)
        cls.wizard_b = (
            cls.env["account.partial.refund.wizard"]
            .with_user(cls.users["other_company_refunder"])
            .with_company(company_b)
            .create({"move_id": invoice_b.id})
        )

    def _snapshot(self):
        """What a refused call must leave as it was, read as superuser."""
        self.env.flush_all()
        self.env.invalidate_all()
        env = self.env

        def rows(model, fields_, domain=None):
            return env[model].search_read(domain or [], fields_, order="id")

        return {
            "refunds": rows(
                "account.partial.refund",
                ["state", "reason", "manual_refund_reference", "payment_id"],
            ),
            "moves": rows("account.move", ["state", "amount_residual"]),
            "payments": rows(
                "account.payment",
                ["state", "refund_gateway", "refund_gateway_reference"],
            ),
            "reconciliations": env["account.partial.reconcile"].search_count([]),
            "invoice_lines": rows(
                "account.move.line",
                ["refunded_price_total", "refunded_quantity"],
                [("move_id", "=", self.invoice.id)],
            ),
            "gateway_refunds": env["account.partial.refund.gateway"].search_count([]),
            "activities": rows(
                "mail.activity",
                ["user_id", "date_deadline"],
                [("res_model", "=", "account.partial.refund")],
            ),
            "messages": env["mail.message"].search_count(
                [("model", "in", ("account.partial.refund", "account.move"))]
            ),
            "wizards": rows(
                "account.partial.refund.wizard", ["move_id", "step", "reason"]
            ),
            "wizard_lines": rows(
                "account.partial.refund.wizard.line",
                ["invoice_line_id", "selected", "amount"],
            ),
            "credit_note_options": rows(
                "account.move.reversal", ["partial_refund_wizard_id", "reason"]
            ),
            "confirm_wizards": rows(
                "account.partial.refund.confirm.wizard", ["refund_id", "reference"]
            ),
        }


@tagged("post_install", "-at_install")
class TestAccessMatrix(AccessMatrixCommon):
    def test_every_public_method_has_a_row(self):
        covered = {row.split("[")[0] for row, _call, _allowed in ROWS} | set(ROUTE_ROWS)
        missing = public_methods() - covered
        self.assertFalse(
            missing,
            "Public methods without a row in the access matrix: add one to ROWS "
            "(or ROUTE_ROWS) with the users it must refuse.",
        )

    def test_matrix(self):
        for row, call, allowed in ROWS:
            for column in USERS:
                with self.subTest(row=row, user=column):
                    user = self.users[column]
                    env = self.env(
                        user=user,
                        context=dict(
                            self.env.context, allowed_company_ids=user.company_ids.ids
                        ),
                    )
                    before = self._snapshot()
                    # The savepoint keeps the next rows going after a failed
                    # row; what was written is read before it rolls back.
                    try:
                        with self.env.cr.savepoint():
                            refused = self._call(call, env)
                            after = self._snapshot()
                    except psycopg2.IntegrityError:
                        # Refused by a constraint of the database, which the
                        # RPC layer answers as a ValidationError; rolled back.
                        refused, after = True, self._snapshot()
                    if column in allowed:
                        self.assertFalse(refused, f"{row} refused to {column}")
                    else:
                        self.assertTrue(refused, f"{row} allowed to {column}")
                    self.assertEqual(after, before, f"{row} as {column} wrote")

    def _call(self, call, env):
        """Return whether the call was refused cleanly: an AccessError or a
        UserError, or a search that finds nothing."""
        try:
            result = call(env, self)
        except (AccessError, UserError):
            return True
        return isinstance(result, models.BaseModel) and not result


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestRefundGroupAllowed(AccessMatrixCommon):
    """The refund group's own actions in its company still work, booked as
    the user, with the books right."""

    def _authors(self, record, since):
        return record.message_ids.filtered(lambda m: m.id > since).author_id

    def _last_message_id(self):
        return self.env["mail.message"].search([], order="id desc", limit=1).id

    def test_refund_through_the_wizard(self):
        balance = self._partner_balance()
        since = self._last_message_id()
        wizard = self.wizard.with_user(self.refunder)
        wizard.date = TODAY
        wizard.action_complete()
        action = wizard.action_refund_now()
        refund = self.env["account.partial.refund"].browse(action["res_id"])
        self.assertEqual(refund.create_uid, self.refunder)
        self.assertEqual(refund.credit_note_id.create_uid, self.refunder)
        self.assertEqual(refund.payment_id.create_uid, self.refunder)
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), balance)
        self.assertTrue(
            refund.credit_note_id.currency_id.is_zero(
                refund.credit_note_id.amount_residual
            )
        )
        self.assertEqual(self._authors(self.invoice, since), self.refunder.partner_id)

    def test_confirm_through_the_wizard(self):
        since = self._last_message_id()
        self.assertEqual(self.refund.state, "manual")
        self.assertTrue(self.refund.activity_ids)
        self.confirm_wizard.with_user(self.refunder).action_confirm()
        self.assertEqual(self.refund.state, "done")
        self.assertEqual(self.refund.manual_refund_reference, "TRF-OWN")
        self.assertFalse(self.refund.activity_ids)
        self.assertRefundSettled(self.refund)
        self.assertEqual(self._authors(self.refund, since), self.refunder.partner_id)

    def test_cancel_after_a_later_payment_in_the_journal(self):
        # A later payment in the same bank journal: the refund payment is not
        # the last entry of the sequence any more.
        self._create_paid_invoice([{"price_unit": 7.0}])
        payment, credit_note = self.refund.payment_id, self.refund.credit_note_id
        move_count = self.env["account.move"].search_count([])
        since = self._last_message_id()
        self.refund.with_user(self.refunder).action_cancel_refund()
        self.assertEqual(self.refund.state, "cancelled")
        self.assertEqual(payment.state, "canceled")
        self.assertEqual(payment.move_id.state, "posted", "never reset to draft")
        self.assertEqual(credit_note.state, "posted")
        reversals = payment.move_id.reversal_move_ids | credit_note.reversal_move_ids
        self.assertEqual(reversals.mapped("state"), ["posted", "posted"])
        self.assertEqual(reversals.create_uid, self.refunder)
        self.assertEqual(
            self.env["account.move"].search_count([]), move_count + 2, "none deleted"
        )
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        self.assertFalse(self._open_receivable_lines())
        self.assertAlmostEqual(
            self.refund.line_ids.invoice_line_id.refundable_amount, 100.0
        )
        self.assertFalse(self.refund.activity_ids)
        self.assertEqual(self._authors(self.refund, since), self.refunder.partner_id)

    def test_refund_group_sets_the_gateway_of_a_payment(self):
        payment = self.payment.with_user(self.refunder)
        payment.write({"refund_gateway": "stripe", "refund_gateway_reference": "pi_1"})
        self.assertEqual(self.payment.refund_gateway_reference, "pi_1")

    def test_wizard_without_invoice_computes_cleanly(self):
        wizard = self.env["account.partial.refund.wizard"].with_user(self.refunder)
        new = wizard.new({})
        self.assertFalse(new.payment_method_line_id)
        self.assertFalse(new.available_payment_method_line_ids)
        self.assertFalse(new.split_html)
        line = (
            self.env["account.partial.refund.wizard.line"]
            .with_user(self.refunder)
            .new({"selected": True})
        )
        self.assertFalse(line.line_amount)
        self.assertFalse(line.error)


@tagged("post_install", "-at_install")
class TestWebhookAccessMatrix(HttpCase):
    """The webhook route, public: anything malformed is refused with 403 or
    400, never a server error, and changes nothing."""

    def _post(self, gateway, payload, headers):
        return self.url_open(
            f"/invoice_partial_refund/webhook/{gateway}", data=payload, headers=headers
        )

    def test_malformed_requests(self):
        stripe, gocardless = FakeStripe(), FakeGoCardless()
        self.env.ref(
            "payment.payment_provider_stripe"
        ).partial_refund_webhook_secret = stripe.webhook_secret
        self.env.company.partial_refund_gocardless_webhook_secret = (
            gocardless.webhook_secret
        )
        payload, headers = stripe.signed_event(
            "refund.updated", {"id": "re_1", "object": "refund"}
        )
        gc_payload, gc_headers = gocardless.signed_webhook(
            [{"action": "paid", "refund": "RF1"}]
        )
        requests = [
            ("stripe", payload, {}),
            ("stripe", payload, {"Stripe-Signature": "t=1,v1=\u00e9\u00e9"}),
            ("stripe", payload, {"Stripe-Signature": "\u00ff" * 64}),
            ("stripe", b"\xff\xfe\x00", headers),
            ("stripe", b"not json", {"Stripe-Signature": "t=x,v1=y"}),
            ("gocardless", gc_payload, {}),
            ("gocardless", gc_payload, {"Webhook-Signature": "\u00e9" * 64}),
            ("gocardless", b"\xff\xfe\x00", gc_headers),
            ("gocardless", b"{", {"Webhook-Signature": "abc"}),
            (
                f"gocardless/{self.env.company.id}",
                b"{",
                {"Webhook-Signature": "\u00e9"},
            ),
            ("gocardless/999999", gc_payload, gc_headers),
        ]
        Event = self.env["account.partial.refund.webhook.event"].sudo()
        before = Event.search_count([])
        for gateway, body, request_headers in requests:
            with self.subTest(gateway=gateway, body=body[:20], headers=request_headers):
                response = self._post(gateway, body, request_headers)
                self.assertIn(response.status_code, (400, 403))
        self.assertEqual(Event.search_count([]), before)
