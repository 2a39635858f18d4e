"""Tier 1: the addon's plain-Python parts, importable without Odoo.

The addon package itself imports Odoo, so its Odoo-free parts are imported
from their folders: ``gateways`` (the gateway package) and ``fake_gateways``
(the fake servers both tiers use).
"""

import importlib
import sys
import types
from pathlib import Path

import pytest

ADDON = Path(__file__).resolve().parent.parent / "invoice_partial_refund"
sys.path[:0] = [str(ADDON), str(ADDON / "tests")]

# The request's modules import each other as the addon's (``from .x
# import``): they are loaded from a package of the addon's folder that does
# not run its ``__init__`` (which imports Odoo), and ``import refund_request``
# finds them there.
_package = types.ModuleType("invoice_partial_refund")
_package.__path__ = [str(ADDON)]
sys.modules.setdefault("invoice_partial_refund", _package)
for _name in ("refund_request", "refund_request_values"):
    sys.modules[_name] = importlib.import_module(f"invoice_partial_refund.{_name}")

import fake_gateways  # noqa: E402 - importable once the path is set


@pytest.fixture
def fake_stripe():
    with fake_gateways.FakeStripe() as server:
        yield server


@pytest.fixture
def fake_gocardless():
    with fake_gateways.FakeGoCardless() as server:
        yield server
