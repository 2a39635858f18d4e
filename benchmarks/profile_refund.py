#!/usr/bin/env python3
# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where the queries and the time of one benchmark path go.

    python3 benchmarks/profile_refund.py -d ipr_bench \
        --addons-path=ODOO/odoo/addons,. --path c --lines 100

Runs the path once (as refund_benchmark.py measures it, rolled back), prints
the queries grouped by statement shape with the innermost frame of this addon
(or of Odoo's account module) that issued them, then the cProfile top
functions by cumulative time. Nothing is committed.
"""

import argparse
import collections
import cProfile
import os
import pstats
import re
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from refund_benchmark import Bench  # noqa: E402

import odoo  # noqa: E402
from odoo import sql_db  # noqa: E402
from odoo.tools import config  # noqa: E402


def shape(query):
    query = query.decode() if isinstance(query, bytes) else str(query)
    query = re.sub(r"\s+", " ", query)
    query = re.sub(r"\b\d+\b", "N", query)
    return query[:140]


def origin():
    for frame in reversed(traceback.extract_stack()[:-3]):
        if (
            "invoice_partial_refund" in frame.filename
            and "benchmarks" not in frame.filename
        ):
            return f"{os.path.basename(frame.filename)}:{frame.lineno} {frame.name}"
    for frame in reversed(traceback.extract_stack()[:-3]):
        if "/addons/account/" in frame.filename:
            name = os.path.basename(frame.filename)
            return f"account/{name}:{frame.lineno} {frame.name}"
    return "?"


def step(function):
    """The frame that ``function`` called and that issued the query, from the
    outside: which step of ``function`` a query belongs to."""
    stack = traceback.extract_stack()[:-3]
    for index, frame in enumerate(stack[:-1]):
        if frame.name == function:
            called = stack[index + 1]
            return f"{os.path.basename(called.filename)}:{called.lineno} {called.name}"
    return "outside " + function


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", default="c")
    parser.add_argument("--lines", type=int, default=100)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--dump", help="write the cProfile stats to this file (pstats)")
    parser.add_argument(
        "--show-step",
        help="list the queries of the steps whose call contains this text",
    )
    parser.add_argument(
        "--step",
        default="_refund_invoice",
        help="also count the queries by the call of this function they come from",
    )
    options, odoo_args = parser.parse_known_args(argv)
    config.parse_config(odoo_args)
    registry = odoo.modules.registry.Registry(config["db_name"].split(",")[0])
    cr = registry.cursor()
    queries = collections.Counter()
    steps = collections.Counter()
    shown = collections.Counter()
    recording = [False]
    execute = sql_db.Cursor.execute

    def logged_execute(self, query, params=None, log_exceptions=True):
        if recording[0]:
            queries[shape(query), origin()] += 1
            where = step(options.step)
            steps[where] += 1
            if options.show_step and options.show_step in where:
                shown[where, shape(query), origin()] += 1
        return execute(self, query, params, log_exceptions)

    try:
        bench = Bench(cr, 2)
        bank = bench.bank_journal()
        product = bench.product()
        bench.warm_up(options.path, bank, product)
        invoice = bench.paid_invoice(options.lines, product=product)
        line_ids = invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        ).ids
        operation = getattr(bench, f"op_{options.path}")(invoice, bank, line_ids)
        profiler = cProfile.Profile()
        sql_db.Cursor.execute = logged_execute
        recording[0] = True

        def profiled():
            profiler.enable()
            try:
                return operation()
            finally:
                profiler.disable()

        count, elapsed, _result = bench.measure(profiled)
        recording[0] = False
        sql_db.Cursor.execute = execute
        print(
            f"path {options.path}, {options.lines} lines: "
            f"{count} queries, {elapsed:.3f} s"
        )
        print(f"\n# queries by step of {options.step} (count, call)")
        for where, number in steps.most_common():
            print(f"{number:5d}  {where}")
        for (where, query, issuer), number in sorted(shown.items()):
            print(f"{number:5d}  {where} < {issuer}\n       {query}")
        print("\n# queries by shape and origin (count, shape, origin)")
        for (query, where), number in queries.most_common(options.top):
            print(f"{number:5d}  {where}\n       {query}")
        if options.dump:
            profiler.dump_stats(options.dump)
        print("\n# cProfile, cumulative")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(options.top)
        print("\n# cProfile, own time")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(options.top)
    finally:
        sql_db.Cursor.execute = execute
        cr.rollback()
        cr.close()


if __name__ == "__main__":
    main(sys.argv[1:])
