"""Tier 1: the addon's plain-Python parts, importable without Odoo.

The addon package itself imports Odoo, so its Odoo-free parts are imported
from their folders: ``gateways`` (the gateway package) and ``fake_gateways``
(the fake servers both tiers use).
"""

import sys
from pathlib import Path

import pytest

ADDON = Path(__file__).resolve().parent.parent / "invoice_partial_refund"
sys.path[:0] = [str(ADDON), str(ADDON / "tests")]

import fake_gateways  # noqa: E402 - importable once the path is set


@pytest.fixture
def fake_stripe():
    with fake_gateways.FakeStripe() as server:
        yield server


@pytest.fixture
def fake_gocardless():
    with fake_gateways.FakeGoCardless() as server:
        yield server
