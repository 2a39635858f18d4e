# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo.tools import SQL, sql

_logger = logging.getLogger(__name__)

#: The columns of the stored fields this addon adds to tables that hold a
#: company's whole ledger, with the value their existing rows take:
#: ``(table, column, column type, comment, value of the existing rows)``.
#: When Odoo finds one of these columns missing at install, it creates it and
#: computes the field for every existing row: about a query per journal item
#: (``readme/BENCHMARKS.md``). No refund exists before install, so the
#: values are known: refunded totals 0, no origin line, no gateway.
#: ``tests/test_install_hook.py`` checks that every stored field the addon
#: adds to these tables is listed here, with its column type.
PRECREATED_COLUMNS = [
    (
        "account_move_line",
        "refund_origin_line_id",
        "int4",
        "Refunded Invoice Line",
        None,
    ),
    ("account_move_line", "refunded_price_subtotal", "numeric", "Refunded Untaxed", 0),
    ("account_move_line", "refunded_price_total", "numeric", "Refunded Total", 0),
    ("account_move_line", "refunded_quantity", "numeric", "Refunded Quantity", 0),
    (
        "account_move_line",
        "refund_manual_tax_amounts",
        "jsonb",
        "Refund Manual Tax Amounts",
        None,
    ),
    (
        "account_move_line",
        "refund_discount_allocation",
        "jsonb",
        "Refunded Discounts",
        None,
    ),
    ("account_payment", "refund_gateway", "varchar", "Paid Through Gateway", None),
    (
        "account_payment",
        "refund_gateway_reference",
        "varchar",
        "Gateway Payment ID",
        None,
    ),
]


def pre_init_hook(env):
    """Create the columns of `PRECREATED_COLUMNS` before the module loads, so
    that Odoo finds them and computes nothing for the existing rows: the
    install costs the same whatever the size of the ledger. Columns that
    exist already are left alone, so running it again changes nothing."""
    cr = env.cr
    for table, column, column_type, comment, value in PRECREATED_COLUMNS:
        if sql.column_exists(cr, table, column):
            continue
        _logger.info("Creating column %s.%s without computing it", table, column)
        if value is None:
            sql.create_column(cr, table, column, column_type, comment)
            continue
        # A constant default given with ADD COLUMN is kept in the catalog for
        # the existing rows (PostgreSQL 11 and later): no row is rewritten,
        # and they read it as if it had been written. The default is dropped
        # at once: Odoo keeps none in the database, its ORM fills new rows.
        cr.execute(
            SQL(
                "ALTER TABLE %(table)s ADD COLUMN %(column)s %(type)s "
                "DEFAULT %(value)s; "
                "ALTER TABLE %(table)s ALTER COLUMN %(column)s DROP DEFAULT; "
                "COMMENT ON COLUMN %(qualified)s IS %(comment)s",
                table=SQL.identifier(table),
                column=SQL.identifier(column),
                type=SQL(column_type),
                value=value,
                qualified=SQL.identifier(table, column),
                comment=comment,
            )
        )
