# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The arguments of `account.move.action_partial_refund`, type-checked.

Callers over XML-RPC or JSON-RPC can send anything: strings for ids, nulls,
nested lists, NaN from Python. Everything they send is parsed here, before
any record is read, into clean values; anything else raises
`RefundRequestError` with a sentence naming the argument and what to send.

No `odoo` import: the module is tested with plain pytest. The messages are
translated by the ``_`` the caller passes (``env._`` in Odoo), which finds
this module's terms since it lives in the addon.
"""

import hashlib
import json

from .refund_request_values import (
    LINE_KEYS,
    RefundRequestError,
    _show,
    parse_date,
    parse_id,
    parse_idempotency_key,
    parse_number,
    parse_optional_id,
    parse_reason,
    parse_refund_via,
    parse_reversal_values,
    untranslated,
)

# Each option of `action_partial_refund` and its parser: one more option is
# one more entry. Each parser takes the value, the option's name and ``_``.
OPTION_PARSERS = {
    "journal_id": parse_optional_id,
    "payment_method_line_id": parse_optional_id,
    "reason": parse_reason,
    "date": parse_date,
    "reversal_values": parse_reversal_values,
    "refund_via": parse_refund_via,
    "idempotency_key": parse_idempotency_key,
}


def request_digest(requests, options):
    """A fingerprint of a parsed request: what tells a call sent again from
    another call with the same idempotency key.

    :param requests: the ``(line_id, amount, quantity)`` tuples of
        `parse_lines`, in any order
    :param options: the options as `parse_options` returns them (the key
        itself is left out)
    :return: a SHA-256 in hexadecimal
    """
    request = {
        "lines": sorted(list(line) for line in requests),
        "options": {
            name: value for name, value in options.items() if name != "idempotency_key"
        },
    }
    text = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# ------------------------------------------------------------
# ARGUMENTS
# ------------------------------------------------------------


def parse_invoice_ids(ids, _=untranslated):
    """Return the one invoice id the method was called on."""
    ids = list(ids)
    if len(ids) != 1:
        raise RefundRequestError(
            "ids",
            _(
                "Refund one invoice at a time: the refund was asked for %(count)s "
                "invoices. Call it with the id of one invoice.",
                count=len(ids),
            ),
        )
    return parse_id(ids[0], "ids", _)


def parse_line(item, _=untranslated):
    """Return one requested line as ``(line_id, amount, quantity)``, amount
    and quantity None when not given."""
    if not isinstance(item, dict) or "line_id" not in item:
        raise RefundRequestError(
            "lines",
            _(
                "Each line to refund is a dictionary with a “line_id” and "
                "optionally an “amount” or a “quantity”, not %(value)s.",
                value=_show(item),
            ),
        )
    unknown = [key for key in item if key not in LINE_KEYS]
    if unknown:
        raise RefundRequestError(
            "lines",
            _(
                "Unknown keys in a line to refund: %(keys)s. Use “line_id” with "
                "“amount” or “quantity”.",
                keys=", ".join(sorted(_show(key) for key in unknown)),
            ),
        )
    line_id = parse_id(item["line_id"], "line_id", _)
    if "amount" in item and "quantity" in item:
        raise RefundRequestError(
            "lines",
            _(
                "Refund line %(line)s either by amount or by quantity, not both: "
                "send “amount” or “quantity”.",
                line=line_id,
            ),
        )
    amount = quantity = None
    if "amount" in item:
        amount = parse_number(item["amount"], "amount", line_id, _)
    if "quantity" in item:
        quantity = parse_number(item["quantity"], "quantity", line_id, _)
    return line_id, amount, quantity


def parse_lines(lines, _=untranslated):
    """Return the requested lines as ``(line_id, amount, quantity)`` tuples."""
    if not isinstance(lines, list | tuple):
        raise RefundRequestError(
            "lines",
            _(
                "“lines” must be a list of lines to refund, such as "
                "[{“line_id”: 12, “amount”: 10.0}], not %(value)s.",
                value=_show(lines),
            ),
        )
    if not lines:
        raise RefundRequestError(
            "lines",
            _(
                "Select at least one invoice line to refund: “lines” is empty. "
                "Pass one {“line_id”: id} per line."
            ),
        )
    requests = []
    for item in lines:
        request = parse_line(item, _)
        if any(request[0] == other[0] for other in requests):
            raise RefundRequestError(
                "lines",
                _(
                    "Each invoice line can be refunded once per refund: line "
                    "%(line)s is in “lines” twice. Merge its requests.",
                    line=request[0],
                ),
            )
        requests.append(request)
    return requests


def parse_options(options, _=untranslated):
    """Return every option of `OPTION_PARSERS`, parsed (None when not given)."""
    unknown = [name for name in options if name not in OPTION_PARSERS]
    if unknown:
        raise RefundRequestError(
            "options",
            _(
                "Unknown refund options: %(options)s. Use %(allowed)s.",
                options=", ".join(sorted(str(name) for name in unknown)),
                allowed=", ".join(sorted(OPTION_PARSERS)),
            ),
        )
    return {
        name: parse(options.get(name), name, _=_)
        for name, parse in OPTION_PARSERS.items()
    }


def parse_refund_call(ids, lines, options, _=untranslated):
    """Parse a whole call of `action_partial_refund`.

    :param ids: the ids of the records it was called on
    :param lines: its ``lines`` argument
    :param options: its keyword arguments
    :param _: the translation function (``env._`` in Odoo)
    :return: ``(invoice_id, requests, options)``: ``requests`` as returned by
        `parse_lines`, ``options`` as by `parse_options`
    """
    invoice_id = parse_invoice_ids(ids, _)
    options = parse_options(options, _)
    return invoice_id, parse_lines(lines, _), options
