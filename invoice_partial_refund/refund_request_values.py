# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The values of `account.move.action_partial_refund`'s arguments, one
parser each (the arguments as a whole are parsed in `refund_request`).

Each parser takes the value, the argument's name and ``_`` (the
translation function, ``env._`` in Odoo) and returns the clean value, or
raises `RefundRequestError` with a sentence naming the argument and what
to send. No `odoo` import: tested with plain pytest.
"""

import calendar
import datetime
import math
import re

# PostgreSQL ``integer`` columns hold the ids: a larger id is a database
# error, not a missing record.
MAX_ID = 2**31 - 1
# Up to this a float holds an amount to the smallest unit of a currency of up
# to three decimals exactly (2**53 ~ 9e15 thousandths): an amount refused for
# being more than is left is shown as it was sent.
MAX_NUMBER = 10**12
REASON_MAX_LENGTH = 500
# Stripe's own limit on the idempotency keys it takes.
IDEMPOTENCY_KEY_MAX_LENGTH = 255
LINE_KEYS = ("line_id", "amount", "quantity")
DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")


class RefundRequestError(ValueError):
    """A malformed argument; ``field`` names it, the message says what to send."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


def untranslated(source, **params):
    """The ``_`` used without Odoo: the English sentence."""
    return source % params if params else source


def _show(value, limit=40):
    """A short representation of what the caller sent."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------
# VALUES
# ------------------------------------------------------------


def parse_id(value, field, _=untranslated):
    """Return ``value`` as a record id: an integer from 1 to `MAX_ID`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RefundRequestError(
            field,
            _(
                "“%(field)s” must be the id of a record (a whole number), not "
                "%(value)s.",
                field=field,
                value=_show(value),
            ),
        )
    if not 1 <= value <= MAX_ID:
        raise RefundRequestError(
            field,
            _(
                "“%(field)s” %(value)s is not a valid id: ids are whole numbers "
                "from 1 to %(max)s.",
                field=field,
                value=_show(value),
                max=MAX_ID,
            ),
        )
    return value


def parse_number(value, field, line_id, _=untranslated):
    """Return the positive ``amount`` or ``quantity`` of a line as a float.

    ``None`` is refused: leaving the key out refunds the whole line, a null
    must not do the same by accident.
    """
    if value is None:
        raise RefundRequestError(
            field,
            _(
                "The “%(field)s” to refund on line %(line)s is empty: give a "
                "number, or leave “%(field)s” out to refund the whole line.",
                field=field,
                line=line_id,
            ),
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RefundRequestError(
            field,
            _(
                "The “%(field)s” to refund on line %(line)s must be a number, "
                "not %(value)s.",
                field=field,
                line=line_id,
                value=_show(value),
            ),
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise RefundRequestError(
            field,
            _(
                "The “%(field)s” to refund on line %(line)s must be a finite "
                "number, not %(value)s.",
                field=field,
                line=line_id,
                value=_show(value),
            ),
        )
    if value <= 0:
        raise RefundRequestError(
            field,
            _(
                "The “%(field)s” to refund on line %(line)s must be positive.",
                field=field,
                line=line_id,
            ),
        )
    if value > MAX_NUMBER:
        raise RefundRequestError(
            field,
            _(
                "The “%(field)s” to refund on line %(line)s is too large: at most "
                "%(max)s.",
                field=field,
                line=line_id,
                max=MAX_NUMBER,
            ),
        )
    return float(value)


def parse_date(value, field="date", _=untranslated):
    """Return ``value`` as a date, None when not given.

    Over RPC a date is a ``YYYY-MM-DD`` string; from Python a date (or a
    datetime, whose day counts) is accepted too.
    """
    if value is None or value is False:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and DATE_FORMAT.fullmatch(value):
        year, month, day = (int(part) for part in value.split("-"))
        if (
            year >= datetime.MINYEAR
            and 1 <= month <= 12
            and 1 <= day <= calendar.monthrange(year, month)[1]
        ):
            return datetime.date(year, month, day)
    raise RefundRequestError(
        field,
        _(
            "The refund “%(field)s” %(value)s is not a date: send it as "
            "YYYY-MM-DD, e.g. 2026-01-31.",
            field=field,
            value=_show(value),
        ),
    )


def parse_reason(value, field="reason", _=untranslated):
    """Return the reason as a string, None when not given or empty."""
    if value is None or value is False or value == "":
        return None
    if not isinstance(value, str):
        raise RefundRequestError(
            field,
            _(
                "The refund “%(field)s” must be text, not %(value)s.",
                field=field,
                value=_show(value),
            ),
        )
    if "\x00" in value:
        # PostgreSQL stores no NUL character in text.
        raise RefundRequestError(
            field,
            _(
                "The refund “%(field)s” contains a NUL character (\\x00): remove it.",
                field=field,
            ),
        )
    if len(value) > REASON_MAX_LENGTH:
        raise RefundRequestError(
            field,
            _(
                "The refund “%(field)s” is %(length)s characters long: keep it "
                "under %(max)s.",
                field=field,
                length=len(value),
                max=REASON_MAX_LENGTH,
            ),
        )
    return value


def parse_optional_id(value, field, _=untranslated):
    """An optional id: None (or False, XML-RPC's null) when not given."""
    if value is None or value is False:
        return None
    return parse_id(value, field, _)


def parse_reversal_values(value, field="reversal_values", _=untranslated):
    """Values for Odoo's credit note wizard (``account.move.reversal``) as a
    dictionary of field names, None when not given; which fields exist is
    checked against the wizard when the credit note is made."""
    if value is None or value is False:
        return None
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise RefundRequestError(
            field,
            _(
                "The refund “%(field)s” must be a dictionary of the credit note "
                "wizard's fields, such as {“l10n_latam_document_type_id”: 5}, "
                "not %(value)s.",
                field=field,
                value=_show(value),
            ),
        )
    return value


#: How the money of a refund goes back: through the gateway that took the
#: payment (its share; the rest by hand, the default), or all of it by hand.
REFUND_VIA = ("gateway", "manual")


def parse_refund_via(value, field="refund_via", _=untranslated):
    """Return ``"gateway"`` (also when not given) or ``"manual"``."""
    if value is None or value is False:
        return REFUND_VIA[0]
    if value not in REFUND_VIA:
        raise RefundRequestError(
            field,
            _(
                "“%(field)s” must be %(choices)s, not %(value)s.",
                field=field,
                choices=" or ".join(f"“{via}”" for via in REFUND_VIA),
                value=_show(value),
            ),
        )
    return value


def parse_idempotency_key(value, field="idempotency_key", _=untranslated):
    """Return the caller's key for this request as it was sent, None when
    not given: a call sent again with the key of one that was carried out
    answers that one's refund instead of refunding twice."""
    if value is None or value is False:
        return None
    if not isinstance(value, str) or not value:
        raise RefundRequestError(
            field,
            _(
                "“%(field)s” must be a non-empty text that identifies this "
                "request (e.g. a UUID), not %(value)s.",
                field=field,
                value=_show(value),
            ),
        )
    if len(value) > IDEMPOTENCY_KEY_MAX_LENGTH or not value.isprintable():
        raise RefundRequestError(
            field,
            _(
                "“%(field)s” must be at most %(max)s printable characters "
                "(no line breaks or control characters), not %(value)s.",
                field=field,
                max=IDEMPOTENCY_KEY_MAX_LENGTH,
                value=_show(value),
            ),
        )
    return value
