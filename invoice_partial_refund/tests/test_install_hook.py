# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Install cost: the ``pre_init_hook`` creates the columns of the addon's
stored fields on the ledger's tables, so that installing computes nothing for
the existing journal items and payments (see ``readme/BENCHMARKS.md``).

An install cannot be run inside a test: these tests guard the hook instead.
A stored field added to a ledger table without its column in the hook, or the
hook doing work per row, fails here.
"""

from contextlib import closing

from odoo.tests import tagged

from ..hooks import PRECREATED_COLUMNS, pre_init_hook
from .common import PartialRefundCommon

MODULE = "invoice_partial_refund"

#: Tables that grow with the books: a stored field the addon adds to one of
#: them must have its column in the hook.
LEDGER_MODELS = (
    "account.move.line",
    "account.move",
    "account.payment",
    "account.bank.statement.line",
    "account.partial.reconcile",
    "account.full.reconcile",
    "account.analytic.line",
)


@tagged("post_install", "-at_install")
class TestInstallHook(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Journal items and a payment that exist "before install".
        cls.invoice = cls._create_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 40.0, "quantity": 3.0}]
        )

    def _column_types(self):
        self.env.cr.execute(
            """SELECT table_name, column_name, udt_name
                 FROM information_schema.columns
                WHERE (table_name, column_name) IN %s""",
            [tuple((table, column) for table, column, *__ in PRECREATED_COLUMNS)],
        )
        return {(table, column): udt for table, column, udt in self.env.cr.fetchall()}

    def test_hook_covers_the_stored_fields_on_ledger_tables(self):
        """Every stored field this addon adds to a ledger table is created by
        the hook with the column type and comment Odoo would give it, and the
        hook creates nothing else."""
        expected = {}
        for model_name in LEDGER_MODELS:
            model = self.env[model_name]
            for field in model._fields.values():
                # A field only overridden here (not created) would need to be
                # excluded: its column exists before install.
                if field.store and field.column_type and MODULE in field._modules:
                    expected[(model._table, field.name)] = (
                        field.column_type[0],
                        field.string,
                    )
        precreated = {
            (table, column): (column_type, comment)
            for table, column, column_type, comment, __ in PRECREATED_COLUMNS
        }
        self.assertEqual(precreated, expected)
        self.assertIn(("account_move_line", "refunded_price_total"), precreated)
        self.assertEqual(
            self._column_types(),
            {key: column_type for key, (column_type, __) in expected.items()},
        )

    def test_fields_have_distinct_labels(self):
        """No field this addon adds shares its label with another field of
        its model: Odoo warns at every install and update, and filters,
        exports and the fields' list show two alike."""
        clashes = []
        for model in self.env.values():
            by_label = {}
            for field in model._fields.values():
                other = by_label.setdefault(field.string, field)
                if other is not field and MODULE in (field._module, other._module):
                    clashes.append((model._name, other.name, field.name))
        self.assertEqual(clashes, [])

    def test_hook_runs_again_without_changes(self):
        """Run on an installed database (the columns exist), the hook only
        looks: one query a column, no DDL, no row touched."""
        self.env.flush_all()
        before = self._column_types()
        count = self.env.cr.sql_log_count
        pre_init_hook(self.env)
        self.assertEqual(self.env.cr.sql_log_count - count, len(PRECREATED_COLUMNS))
        self.assertEqual(self._column_types(), before)

    def test_hook_creates_the_columns_as_the_refunds_would_leave_them(self):
        """On a database without the columns, the hook creates them in a
        fixed number of queries whatever the number of rows, and the existing
        rows read what a computation would have given them: refunded totals
        0, no origin line, no gateway."""
        cr = self.env.cr
        self.env.flush_all()
        lines = self.invoice.invoice_line_ids
        with closing(cr.savepoint(flush=False)):
            for table, column, *__ in PRECREATED_COLUMNS:
                cr.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
            count = cr.sql_log_count
            pre_init_hook(self.env)
            # One query to look, one to create, for each column.
            self.assertEqual(cr.sql_log_count - count, 2 * len(PRECREATED_COLUMNS))

            cr.execute(
                """SELECT count(*) FROM account_move_line
                    WHERE refunded_price_subtotal IS DISTINCT FROM 0
                       OR refunded_price_total IS DISTINCT FROM 0
                       OR refunded_quantity IS DISTINCT FROM 0
                       OR refund_origin_line_id IS NOT NULL"""
            )
            self.assertEqual(cr.fetchone()[0], 0)
            cr.execute(
                """SELECT count(*) FROM account_payment
                    WHERE refund_gateway IS NOT NULL
                       OR refund_gateway_reference IS NOT NULL"""
            )
            self.assertEqual(cr.fetchone()[0], 0)
            # No default is left in the database: Odoo fills new rows.
            cr.execute(
                """SELECT count(*) FROM information_schema.columns
                    WHERE (table_name, column_name) IN %s
                      AND column_default IS NOT NULL""",
                [tuple((table, column) for table, column, *__ in PRECREATED_COLUMNS)],
            )
            self.assertEqual(cr.fetchone()[0], 0)
            lines.invalidate_recordset()
            self.assertEqual(lines.mapped("refunded_price_total"), [0.0] * len(lines))
            self.assertEqual(
                lines.mapped("refundable_amount"), lines.mapped("price_subtotal")
            )
        self.env.invalidate_all()
