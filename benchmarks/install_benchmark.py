#!/usr/bin/env python3
# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Install cost of invoice_partial_refund against the size of the ledger.

    python3 benchmarks/install_benchmark.py --addons-path=ODOO/odoo/addons,. \\
        --sizes 0,200000,1000000 --runs 3

For each size N, a database holding N journal items is prepared once: Odoo's
``account_payment`` and ``payment_stripe`` (the addon's dependencies) are
installed without demo data, with the generic chart, one customer invoice is
created and posted through the ORM, then its move and its journal items are
copied with ``INSERT ... SELECT generate_series`` until the table holds N
items (``VACUUM ANALYZE`` after). Each run installs the addon alone
(``-i invoice_partial_refund``) in a fresh copy of that database
(``createdb -T``), in a new Python process, and reports:

- time: wall time of loading the registry with the install
  (``Registry.new(db, update_module=True)``), Python start-up excluded;
- queries: ``odoo.sql_db.sql_counter`` after minus before, every
  ``cursor.execute`` of every Odoo cursor in that process (a call sending
  several statements counts as one).

The runs take the sizes in rotating order, so that the machine's drift does
not show as a difference between sizes. Every database is dropped at the end
(``--keep`` keeps the populated templates for another session).

Options: ``--sizes``, ``--runs``, ``--prefix`` (database names),
``--keep``; ``--addons-path`` and any other Odoo option go to the installs.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time

SEED_MODULES = "account_payment,payment_stripe"
MODULE = "invoice_partial_refund"


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def psql(db, sql, *, capture=False):
    result = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d", db, "-c", sql],
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout.strip() if capture else None


def db_exists(db):
    return bool(
        psql(
            "postgres",
            f"SELECT 1 FROM pg_database WHERE datname = '{db}'",
            capture=True,
        )
    )


def odoo(args, *extra):
    return [sys.executable, __file__, *extra, "--", *args]


# ----------------------------------------------------------------------
# in the child processes
# ----------------------------------------------------------------------


def child_seed(odoo_args):
    """Create and post one customer invoice in the database."""
    import odoo as odoo_pkg
    from odoo import Command, api
    from odoo.tools import config

    config.parse_config(odoo_args)
    db = config["db_name"]
    registry = odoo_pkg.modules.registry.Registry.new(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo_pkg.SUPERUSER_ID, {})
        company = env.company
        tax = company.account_sale_tax_id
        partner = env["res.partner"].create({"name": "Ledger customer"})
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": "2025-01-15",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Service",
                            "quantity": 2,
                            "price_unit": 150.0,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        print(json.dumps({"move_id": invoice.id, "lines": len(invoice.line_ids)}))


def child_install(odoo_args):
    """Install the addon; print its wall time and query count."""
    import odoo as odoo_pkg
    from odoo import sql_db
    from odoo.tools import config

    config.parse_config(odoo_args)
    db = config["db_name"]
    odoo_pkg.service.server.load_server_wide_modules()
    queries = sql_db.sql_counter
    start = time.perf_counter()
    registry = odoo_pkg.modules.registry.Registry.new(db, update_module=True)
    elapsed = time.perf_counter() - start
    queries = sql_db.sql_counter - queries
    with registry.cursor() as cr:
        cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [MODULE])
        state = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM account_move_line")
        items = cr.fetchone()[0]
    print(
        json.dumps(
            {"time": elapsed, "queries": queries, "state": state, "items": items}
        )
    )


# ----------------------------------------------------------------------
# orchestration
# ----------------------------------------------------------------------


def prepare_base(base, odoo_args):
    log(f"[base] installing {SEED_MODULES} in {base}")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            *odoo_args,
            "-d",
            base,
            "-i",
            SEED_MODULES,
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ],
        check=True,
    )
    out = subprocess.run(
        odoo([*odoo_args, "-d", base], "--child-seed"),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def columns(db, table, skip):
    rows = psql(
        db,
        "SELECT column_name FROM information_schema.columns "
        f"WHERE table_name = '{table}' ORDER BY ordinal_position",
        capture=True,
    ).splitlines()
    return [col for col in rows if col not in skip]


def populate(db, seed, size):
    """Copy the seed invoice until account_move_line holds ``size`` rows."""
    lines = seed["lines"]
    have = int(psql(db, "SELECT count(*) FROM account_move_line", capture=True))
    copies = max(size - have, 0) // lines
    if not copies:
        return have
    move_cols = columns(db, "account_move", {"id"})
    overrides = {
        "name": "'LEDGER/' || g",
        "sequence_prefix": "'LEDGER/'",
        "sequence_number": "g",
        "ref": "'ledger ' || g",
    }
    select = ", ".join(overrides.get(col, f"m.{col}") for col in move_cols)
    start = time.perf_counter()
    psql(
        db,
        f"INSERT INTO account_move ({', '.join(move_cols)}) "
        f"SELECT {select} FROM account_move m, generate_series(1, {copies}) g "
        f"WHERE m.id = {seed['move_id']}",
    )
    line_cols = columns(db, "account_move_line", {"id"})
    overrides = {"move_id": "nm.id", "move_name": "nm.name"}
    select = ", ".join(overrides.get(col, f"l.{col}") for col in line_cols)
    psql(
        db,
        f"INSERT INTO account_move_line ({', '.join(line_cols)}) "
        f"SELECT {select} FROM account_move nm "
        f"JOIN account_move_line l ON l.move_id = {seed['move_id']} "
        "WHERE nm.sequence_prefix = 'LEDGER/' ORDER BY nm.id, l.id",
    )
    psql(db, "VACUUM ANALYZE account_move, account_move_line")
    count = int(psql(db, "SELECT count(*) FROM account_move_line", capture=True))
    log(f"[{db}] {count} journal items in {time.perf_counter() - start:.0f} s")
    return count


def main(argv):
    if "--child-seed" in argv or "--child-install" in argv:
        odoo_args = argv[argv.index("--") + 1 :]
        (child_seed if "--child-seed" in argv else child_install)(odoo_args)
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="0,200000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--prefix", default="ipr_install_bench")
    parser.add_argument("--keep", action="store_true")
    own, odoo_args = parser.parse_known_args(argv)
    sizes = [int(size) for size in own.sizes.split(",")]
    base = f"{own.prefix}_base"
    templates = {size: f"{own.prefix}_{size}" for size in sizes}
    results = {size: [] for size in sizes}
    try:
        if not db_exists(base):
            seed = prepare_base(base, odoo_args)
            psql(base, f"COMMENT ON DATABASE {base} IS '{json.dumps(seed)}'")
        seed_file = psql(
            "postgres",
            f"SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            f"WHERE datname = '{base}'",
            capture=True,
        )
        seed = json.loads(seed_file)
        items = {}
        for size, template in templates.items():
            if not db_exists(template):
                subprocess.run(["createdb", "-T", base, template], check=True)
            items[size] = populate(template, seed, size)
        for run in range(own.runs):
            order = sizes[run % len(sizes) :] + sizes[: run % len(sizes)]
            for size in order:
                db = f"{own.prefix}_run"
                subprocess.run(["dropdb", "--if-exists", db], check=True)
                subprocess.run(["createdb", "-T", templates[size], db], check=True)
                try:
                    out = subprocess.run(
                        odoo(
                            [
                                *odoo_args,
                                "-d",
                                db,
                                "-i",
                                MODULE,
                                "--without-demo=all",
                                "--no-http",
                                "--log-level=warn",
                            ],
                            "--child-install",
                        ),
                        check=True,
                        capture_output=True,
                        text=True,
                    ).stdout
                finally:
                    subprocess.run(["dropdb", "--if-exists", db], check=True)
                result = json.loads(out.strip().splitlines()[-1])
                assert result["state"] == "installed", result
                log(
                    f"run {run + 1} N={result['items']}: {result['time']:.1f} s, "
                    f"{result['queries']} queries"
                )
                results[size].append(result)
    finally:
        if not own.keep:
            for db in [*templates.values(), base]:
                subprocess.run(["dropdb", "--if-exists", db], check=True)
    empty = statistics.median(r["time"] for r in results[sizes[0]])
    print("| journal items | install time (s) | min–max (s) | queries | runs |")
    print("|---:|---:|---:|---:|---:|")
    for size in sizes:
        times = [r["time"] for r in results[size]]
        queries = sorted({r["queries"] for r in results[size]})
        print(
            f"| {items[size]:,} | {statistics.median(times):.1f} "
            f"({statistics.median(times) / empty:.2f}×) "
            f"| {min(times):.1f}–{max(times):.1f} "
            f"| {', '.join(str(q) for q in queries)} | {len(times)} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
