#!/usr/bin/env python3
# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where the wall time of paths b and c goes, step by step, without a
profiler (which slows the ORM's many small calls more than the database's).

    python3 benchmarks/step_times.py -d ipr_bench \
        --addons-path=ODOO/odoo/addons,. --lines 100 --runs 5

Each step below is timed by a wrapper around its method (the time of the
method and of all it calls; a step nested in another is counted in both),
over ``--runs`` runs of b and c taking turns, as refund_benchmark.py measures
them (each on a fresh paid invoice, rolled back). Prints the median of each
step per path. Nothing is committed.
"""

import argparse
import collections
import functools
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from refund_benchmark import Bench  # noqa: E402

import odoo  # noqa: E402
from odoo.tools import config  # noqa: E402

#: The steps timed: model, methods.
STEPS = {
    "account.move.line": ["_prepare_refund_lines", "reconcile"],
    "account.move": [
        "_check_partial_refund_lines",
        "_check_partial_refund_total",
        "_get_partial_refund_method_line",
        "action_post",
    ],
    "account.partial.refund": [
        "create",
        "_post_refund_messages",
        "_update_state",
    ],
    "account.partial.refund.line": ["create"],
    "account.partial.refund.booking": [
        "_create_credit_note",
        "_complete_given_back",
        "_book_money_back",
        "_reconcile_with_credit_note",
    ],
    "account.move.reversal": ["reverse_moves"],
    "account.payment": ["create", "action_post"],
    "account.payment.register": ["_create_payments"],
}


def timed(method, label, spent):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - start

    return wrapper


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    options, odoo_args = parser.parse_known_args(argv)
    config.parse_config(odoo_args)
    registry = odoo.modules.registry.Registry(config["db_name"].split(",")[0])
    cr = registry.cursor()
    spent = collections.Counter()
    samples = collections.defaultdict(list)
    try:
        bench = Bench(cr, 2)
        for model, names in STEPS.items():
            cls = type(bench.env[model])  # this registry's class: its whole MRO
            for name in names:
                setattr(cls, name, timed(getattr(cls, name), f"{model}.{name}", spent))
        for run in range(options.runs):
            for path in ("b", "c") if run % 2 else ("c", "b"):
                bank, product = bench.bank_journal(), bench.product()
                bench.warm_up(path, bank, product)  # as run_path: not timed
                invoice = bench.paid_invoice(options.lines, product=product)
                line_ids = invoice.invoice_line_ids.filtered(
                    lambda line: line.display_type == "product"
                ).ids
                operation = getattr(bench, f"op_{path}")(invoice, bank, line_ids)
                spent.clear()
                _queries, elapsed, _result = bench.measure(operation)
                cr.rollback()
                samples[path, "(the whole path)"].append(elapsed)
                for label, seconds in spent.items():
                    samples[path, label].append(seconds)
        print(f"Median wall time (s) of each step, N = {options.lines}:")
        for (path, label), values in sorted(samples.items()):
            print(f"{path}  {statistics.median(values):7.3f}  {label}")
    finally:
        cr.rollback()
        cr.close()


if __name__ == "__main__":
    main(sys.argv[1:])
