from decimal import Decimal

import pytest
from gateways import currency_decimals, from_minor_units, to_minor_units


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        (12.34, "USD", 1234),
        ("0.10", "eur", 10),
        (0.1 + 0.2, "USD", None),  # 0.30000000000000004: float noise is refused
        (1999, "JPY", 1999),
        (1.234, "KWD", 1234),
        (19.99, "EUR", 1999),
        (1e-2, "GBP", 1),
    ],
)
def test_to_minor_units(amount, currency, minor):
    if minor is None:
        with pytest.raises(ValueError):
            to_minor_units(amount, currency)
    else:
        assert to_minor_units(amount, currency) == minor


@pytest.mark.parametrize(
    ("amount", "currency"), [(10.5, "JPY"), (1.2345, "KWD"), (0.001, "USD")]
)
def test_more_decimals_than_the_currency_is_refused(amount, currency):
    with pytest.raises(ValueError, match="more decimals"):
        to_minor_units(amount, currency)


def test_decimals_and_back():
    assert [currency_decimals(code) for code in ("USD", "JPY", "KWD", "bhd")] == [
        2,
        0,
        3,
        3,
    ]
    assert from_minor_units(1234, "KWD") == Decimal("1.234")
    assert from_minor_units(1234, "JPY") == Decimal(1234)
    assert from_minor_units(1234, "USD") == Decimal("12.34")
