#!/usr/bin/env python3
# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of invoice_partial_refund against Odoo's native refund paths.

Run it in an Odoo 18 database where invoice_partial_refund is installed:

    python3 benchmarks/refund_benchmark.py -d ipr_bench \
        --addons-path=ODOO/odoo/addons,.

Options (after the Odoo ones): ``--sizes 10,100,1000``, ``--runs 5``,
``--runs-large 3`` (runs for N >= 1000), ``--pending 10000`` (refunds the
scheduled actions go through, 0 to skip them), ``--reminder-batch 500``,
``--gateway-batches 10`` (batches of the gateway cron measured). Any other
argument goes to Odoo's configuration parser (``-c``, ``--db_host`` ...).

Nothing is committed: every measured operation runs in its own transaction,
which is rolled back afterwards, so the database is left as it was (only
PostgreSQL sequences advance).

Each measured operation starts from a fresh paid invoice (created, posted and
paid through ``account.payment.register`` on the company's bank journal
outside the measured section), with caches invalidated (as a new request).
The measured section ends with ``cr.flush()``: the ORM's pending writes and
the pre-commit hooks (mail tracking) are counted. Queries are counted with the
cursor's ``sql_log_count``.

    a  native full reversal: account.move.reversal.refund_moves() + post
    b  native manual full refund: a, then account.payment.register on the
       credit note (outbound payment, reconciled)
    c  ours, all N lines, manual bank refund: action_partial_refund(...)
    d  ours, one line of the N-line invoice
    e  opening our wizard: create account.partial.refund.wizard(move_id) and
       read its breakdown (amount_*, split_html)
"""

import argparse
import datetime
import statistics
import sys
import threading
import time

import odoo
from odoo import Command, api, fields
from odoo.tools import config

PATHS = ("a", "b", "c", "d", "e")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--runs-large", type=int, default=3)
    parser.add_argument("--pending", type=int, default=10000)
    parser.add_argument("--reminder-batch", type=int, default=500)
    parser.add_argument("--gateway-batches", type=int, default=10)
    parser.add_argument(
        "--uid", type=int, default=2, help="user running the refunds (admin)"
    )
    own, odoo_args = parser.parse_known_args(argv)
    config.parse_config(odoo_args)
    if not config["db_name"]:
        parser.error("give the database with -d DB")
    return own


class Bench:
    def __init__(self, cr, uid):
        self.cr = cr
        self.env = api.Environment(cr, uid, {"tracking_disable": False})
        self.company = self.env.company
        self.today = fields.Date.context_today(self.env.user)

    # ------------------------------------------------------------------
    # fixtures (outside the measured sections)
    # ------------------------------------------------------------------

    def bank_journal(self):
        return self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.company),
                ("type", "=", "bank"),
            ],
            limit=1,
        )

    def sale_tax(self):
        tax = self.company.account_sale_tax_id
        assert tax and tax.amount == 15.0, (
            "the benchmark expects the generic chart's 15% tax"
        )
        return tax

    def product(self):
        # Creating a product clears Odoo's caches (record rules, defaults):
        # once per run, before the warm-up, as products exist on a server.
        return self.env["product.product"].create(
            {"name": "Benchmark product", "list_price": 10.0}
        )

    def paid_invoice(self, n_lines, journal=None, product=None):
        env = self.env
        partner = env["res.partner"].create(
            {"name": "Benchmark customer", "email": "c@example.com"}
        )
        product = product or self.product()
        tax = self.sale_tax()
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": self.today,
                "date": self.today,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": f"Item {index}",
                            "product_id": product.id,
                            "quantity": 1 + index % 3,
                            "price_unit": 10.0 + index % 17,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    )
                    for index in range(n_lines)
                ],
            }
        )
        invoice.action_post()
        self.pay(invoice, journal or self.bank_journal())
        assert invoice.payment_state in ("paid", "in_payment"), invoice.payment_state
        return invoice

    def pay(self, move, journal):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": journal.id, "payment_date": self.today})
            ._create_payments()
        )

    # ------------------------------------------------------------------
    # measuring
    # ------------------------------------------------------------------

    def measure(self, operation):
        """Run ``operation`` as a new request: caches invalidated, pending
        writes flushed before; flushed (pre-commit hooks included) inside.
        Return (queries, seconds, result)."""
        self.cr.flush()
        self.env.invalidate_all()
        count0 = self.cr.sql_log_count
        start = time.perf_counter()
        result = operation()
        self.cr.flush()
        elapsed = time.perf_counter() - start
        return self.cr.sql_log_count - count0, elapsed, result

    def warm_up(self, path, bank, product):
        """Run ``path`` once on another, one-line invoice: the measured run
        then finds what a running server has (Odoo's caches filled, the
        year's numbering of credit notes, payments and refunds in place),
        not the first refund since the server started. Run as the measured
        run is (as a new request, its caches invalidated), so that it reads
        what that run reads (Odoo's record rules of each model it searches
        are computed once per server, not once per request)."""
        invoice = self.paid_invoice(1, product=product)
        line_ids = invoice.invoice_line_ids.ids
        self.measure(getattr(self, f"op_{path}")(invoice, bank, line_ids))

    def run_path(self, path, n_lines):
        """Measure one path once on a fresh paid invoice of ``n_lines``
        lines, then roll everything back."""
        try:
            bank = self.bank_journal()
            product = self.product()
            self.warm_up(path, bank, product)
            invoice = self.paid_invoice(n_lines, product=product)
            line_ids = invoice.invoice_line_ids.filtered(
                lambda line: line.display_type == "product"
            ).ids
            operation = getattr(self, f"op_{path}")(invoice, bank, line_ids)
            queries, elapsed, result = self.measure(operation)
            self.check(path, invoice, result)
            return queries, elapsed
        finally:
            self.cr.rollback()

    def op_a(self, invoice, bank, line_ids):
        env = self.env

        def operation():
            wizard = (
                env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "move_ids": [Command.set(invoice.ids)],
                        "date": self.today,
                        "journal_id": invoice.journal_id.id,
                    }
                )
            )
            action = wizard.refund_moves()
            credit_note = env["account.move"].browse(action["res_id"])
            credit_note.action_post()
            return credit_note

        return operation

    def op_b(self, invoice, bank, line_ids):
        reverse = self.op_a(invoice, bank, line_ids)

        def operation():
            credit_note = reverse()
            self.pay(credit_note, bank)
            return credit_note

        return operation

    def op_c(self, invoice, bank, line_ids):
        return lambda: invoice.action_partial_refund(
            [{"line_id": line_id} for line_id in line_ids], journal_id=bank.id
        )

    def op_d(self, invoice, bank, line_ids):
        return lambda: invoice.action_partial_refund(
            [{"line_id": line_ids[len(line_ids) // 2]}], journal_id=bank.id
        )

    def op_e(self, invoice, bank, line_ids):
        def operation():
            wizard = self.env["account.partial.refund.wizard"].create(
                {"move_id": invoice.id}
            )
            return wizard.read(
                [
                    "amount_untaxed",
                    "amount_tax",
                    "amount_total",
                    "amount_remaining",
                    "split_html",
                ]
            )

        return operation

    def check(self, path, invoice, result):
        """The measured operation did what it should (else the figures are
        worthless)."""
        if path == "a":
            assert result.state == "posted" and result.move_type == "out_refund"
        elif path == "b":
            assert result.payment_state in ("paid", "in_payment"), result.payment_state
        elif path in ("c", "d"):
            refund = self.env["account.partial.refund"].browse(result)
            assert refund.state == "manual", refund.state
            assert refund.credit_note_id.state == "posted"
            if path == "c":
                assert invoice.partial_refund_status == "refunded"
        else:
            assert len(result) == 1

    # ------------------------------------------------------------------
    # scheduled actions
    # ------------------------------------------------------------------

    def pending_refunds(self, count, state, gateway_payment=None):
        """One real manual refund, then ``count - 1`` copies in ``state``
        created in batches (tracking and creation messages off)."""
        invoice = self.paid_invoice(1)
        refund_id = invoice.action_partial_refund(
            [{"line_id": invoice.invoice_line_ids.id}],
            journal_id=self.bank_journal().id,
        )
        Refund = (
            self.env["account.partial.refund"]
            .sudo()
            .with_context(
                tracking_disable=True, mail_create_nolog=True, mail_notrack=True
            )
        )
        refund = Refund.browse(refund_id)
        refund.write(
            {
                "state": state,
                "manual_due_date": self.today - datetime.timedelta(days=10),
            }
        )
        vals = refund.copy_data(
            {
                "state": state,
                "manual_due_date": self.today - datetime.timedelta(days=10),
            }
        )[0]
        records = refund
        for start in range(1, count, 1000):
            records |= Refund.create(
                [dict(vals) for _i in range(min(1000, count - start))]
            )
        return records

    def bench_reminders(self, count, batch_size):
        try:
            refunds = self.pending_refunds(count, "manual")
            self.cr.flush()
            Refund = self.env["account.partial.refund"]
            batches = []
            while True:
                queries, elapsed, done = self.measure(
                    lambda: Refund._cron_manual_refund_reminders(batch_size=batch_size)
                )
                if not done:
                    break
                batches.append((len(done), queries, elapsed))
            activities = self.env["mail.activity"].search_count(
                [
                    ("res_model", "=", "account.partial.refund"),
                    ("res_id", "in", refunds.ids),
                ]
            )
            assert activities == count, (activities, count)
            return batches
        finally:
            self.cr.rollback()

    def bench_gateway_sync(self, count, max_batches):
        """Pending GoCardless refunds polled against the fake GoCardless of
        the tests on 127.0.0.1."""
        sys.path.insert(
            0, odoo.modules.get_module_path("invoice_partial_refund") + "/tests"
        )
        from fake_gateways import FakeGoCardless  # noqa: PLC0415

        fake = FakeGoCardless().start()
        try:
            self.company.sudo().write(
                {
                    "partial_refund_gocardless_access_token": fake.secret,
                    "partial_refund_gocardless_api_base": fake.url,
                }
            )
            self.env["ir.config_parameter"].sudo().set_param(
                "invoice_partial_refund.gateway_timeout", "5"
            )
            currency = self.company.currency_id
            invoice = self.paid_invoice(1, journal=None)
            payment = invoice._get_reconciled_payments()
            mandate_payment = fake.add_payment(
                round(invoice.amount_total * 10**currency.decimal_places), currency.name
            )
            payment.sudo().write(
                {
                    "refund_gateway": "gocardless",
                    "refund_gateway_reference": mandate_payment,
                }
            )
            refund_id = invoice.action_partial_refund(
                [{"line_id": invoice.invoice_line_ids.id}]
            )
            refund = self.env["account.partial.refund"].browse(refund_id)
            gateway_refund = refund.gateway_ids
            assert gateway_refund, "the refund should go through GoCardless"
            gateway_refund._send()  # normally after commit: the refund is now pending
            assert gateway_refund.state == "pending", gateway_refund.state
            Refund = (
                self.env["account.partial.refund"]
                .sudo()
                .with_context(
                    tracking_disable=True, mail_create_nolog=True, mail_notrack=True
                )
            )
            Gateway = self.env["account.partial.refund.gateway"].sudo()
            refund_vals = refund.sudo().copy_data({"state": "pending"})[0]
            gateway_vals = gateway_refund.copy_data(
                {
                    "state": "pending",
                    "gateway_reference": gateway_refund.gateway_reference,
                }
            )[0]
            for start in range(1, count, 1000):
                size = min(1000, count - start)
                copies = Refund.create([dict(refund_vals) for _i in range(size)])
                Gateway.create(
                    [{**gateway_vals, "refund_id": copy.id} for copy in copies]
                )
            gateway_refund.sudo().last_sync_date = False
            total = Gateway.search_count([("state", "=", "pending")])
            assert total >= count, total
            batches = []
            # The job commits after each record in production; here nothing
            # may be committed, so it runs as under Odoo's test flag (its
            # COMMIT statements are not counted as queries anyway).
            thread = threading.current_thread()
            thread.testing = True
            try:
                for _batch in range(max_batches):
                    requests0 = len(fake.requests)
                    queries, elapsed, _result = self.measure(
                        lambda: Gateway._cron_sync_gateway_refunds()
                    )
                    batches.append((len(fake.requests) - requests0, queries, elapsed))
            finally:
                thread.testing = False
            return batches
        finally:
            self.cr.rollback()
            fake.stop()


def median(values):
    return statistics.median(values)


def paired(samples, reference, index):
    """Median and range of the run-by-run ratios of ``samples`` to
    ``reference`` (index 0: queries, 1: time)."""
    ratios = [
        sample[index] / base[index]
        for sample, base in zip(samples, reference, strict=True)
    ]
    return f"{median(ratios):.2f} [{min(ratios):.2f}–{max(ratios):.2f}]"


def main(argv):
    options = parse_args(argv)
    sizes = [int(size) for size in options.sizes.split(",")]
    dbname = config["db_name"].split(",")[0]
    registry = odoo.modules.registry.Registry(dbname)
    cr = registry.cursor()
    try:
        bench = Bench(cr, options.uid)
        assert "account.partial.refund" in bench.env, (
            "invoice_partial_refund is not installed"
        )
        started = time.perf_counter()
        results = {}
        for n_lines in sizes:
            runs = options.runs_large if n_lines >= 1000 else options.runs
            # The paths take turns within each run, each run starting with
            # the next path, so that the machine's slower and faster moments
            # fall on all of them alike; the ratios are taken run by run.
            for path in PATHS:
                results[n_lines, path] = []
            for run in range(runs):
                for path in PATHS[run % len(PATHS) :] + PATHS[: run % len(PATHS)]:
                    results[n_lines, path].append(bench.run_path(path, n_lines))
            for path in PATHS:
                samples = results[n_lines, path]
                print(
                    f"  measured N={n_lines} {path}: "
                    f"{median([q for q, _t in samples]):.0f} queries, "
                    f"{median([t for _q, t in samples]):.3f} s ({runs} runs)",
                    file=sys.stderr,
                    flush=True,
                )
        reminders = gateway = None
        if options.pending:
            reminders = bench.bench_reminders(options.pending, options.reminder_batch)
            print(
                f"  measured reminders: {len(reminders)} batches",
                file=sys.stderr,
                flush=True,
            )
            gateway = bench.bench_gateway_sync(options.pending, options.gateway_batches)
            print(
                f"  measured gateway sync: {len(gateway)} batches",
                file=sys.stderr,
                flush=True,
            )
        print_table(
            sizes, results, reminders, gateway, options, time.perf_counter() - started
        )
    finally:
        cr.rollback()
        cr.close()


def print_table(sizes, results, reminders, gateway, options, total):
    labels = {
        "a": "native reversal + post",
        "b": "native reversal + post + pay",
        "c": "ours, all N lines",
        "d": "ours, 1 line",
        "e": "ours, wizard open",
    }
    print(
        "# invoice_partial_refund benchmark, "
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}, "
        f"db {config['db_name']}, {total:.0f} s"
    )
    print()
    print("| N | path | queries | time (s) | time min–max (s) | runs |")
    print("|---:|---|---:|---:|---:|---:|")
    for n_lines in sizes:
        for path in PATHS:
            samples = results[n_lines, path]
            times = [t for _q, t in samples]
            print(
                f"| {n_lines} | {path}: {labels[path]} "
                f"| {median([q for q, _t in samples]):.0f} "
                f"| {median(times):.3f} | {min(times):.3f}–{max(times):.3f} "
                f"| {len(samples)} |"
            )
    print()
    print(
        "Ratios taken run by run (the paths of a run measured one after the "
        "other), median [min–max]:"
    )
    print()
    print("| N | c/b queries | c/b time | d/a queries | d/a time | e queries |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n_lines in sizes:
        a, b, c, d, e = (results[n_lines, path] for path in PATHS)
        print(
            f"| {n_lines} | {paired(c, b, 0)} | {paired(c, b, 1)} "
            f"| {paired(d, a, 0)} | {paired(d, a, 1)} "
            f"| {median([q for q, _t in e]):.0f} |"
        )
    if reminders:
        print()
        print(
            f"Manual refund reminders over {options.pending} refunds awaiting a manual "
            f"refund, batch_size={options.reminder_batch}: {len(reminders)} batches, "
            f"median {median([b[1] for b in reminders]):.0f} queries and "
            f"{median([b[2] for b in reminders]):.2f} s per batch "
            f"(min/max queries {min(b[1] for b in reminders)}/"
            f"{max(b[1] for b in reminders)}), "
            f"{sum(b[2] for b in reminders):.1f} s in all."
        )
    if gateway:
        print()
        print(
            f"Gateway status sync over {options.pending} pending GoCardless refunds "
            f"(fake GoCardless on 127.0.0.1), {len(gateway)} batches measured: median "
            f"{median([b[0] for b in gateway]):.0f} gateway calls, "
            f"{median([b[1] for b in gateway]):.0f} queries and "
            f"{median([b[2] for b in gateway]):.2f} s per batch "
            f"(min/max queries {min(b[1] for b in gateway)}/"
            f"{max(b[1] for b in gateway)})."
        )


if __name__ == "__main__":
    main(sys.argv[1:])
