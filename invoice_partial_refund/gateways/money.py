# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amounts in minor units (cents, yen, fils), the unit gateways count in."""

from decimal import Decimal

# ISO 4217 currencies without minor unit, as Stripe lists them:
# https://docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL_CURRENCIES = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()
)
# Currencies with three decimals: https://docs.stripe.com/currencies#three-decimal
THREE_DECIMAL_CURRENCIES = frozenset(["BHD", "JOD", "KWD", "OMR", "TND"])


def currency_decimals(currency):
    """Number of decimals of the currency's minor unit (0, 2 or 3)."""
    code = currency.upper()
    if code in ZERO_DECIMAL_CURRENCIES:
        return 0
    if code in THREE_DECIMAL_CURRENCIES:
        return 3
    return 2


def to_minor_units(amount, currency):
    """Convert ``amount`` (a number or a numeric string) to an integer of the
    currency's minor units.

    :raise ValueError: the amount has more decimals than the currency
    """
    exponent = currency_decimals(currency)
    # str() first: Decimal(0.1) would carry the binary float's noise.
    scaled = Decimal(str(amount)).scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise ValueError(
            f"{amount} has more decimals than {currency.upper()} allows ({exponent})"
        )
    return int(scaled)


def from_minor_units(minor, currency):
    """Convert an integer of minor units back to a Decimal amount."""
    return Decimal(int(minor)).scaleb(-currency_decimals(currency))
