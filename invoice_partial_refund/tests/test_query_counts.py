# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Query-count guards: opening the wizard and refunding must not issue one
more query per invoice line for something that can be read in batch (N+1).

Each test measures the same operation on a 5-line and a 50-line invoice,
caches warmed by a first run and invalidated before each measure (as a new
request), pending writes and pre-commit hooks (mail tracking) flushed inside
the measure, and bounds the difference. The figures themselves are in
``benchmarks/`` and ``readme/BENCHMARKS.md``.
"""

from unittest.mock import patch

from odoo.tests import tagged

from .common import PartialRefundCommon

SMALL = 5
LARGE = 50

#: Opening the wizard reads the invoice lines, their refunded totals and the
#: breakdown in batch: the same queries whatever the number of lines. A few
#: are allowed for the ORM splitting reads differently on larger recordsets.
WIZARD_SLACK = 3

#: Refunding all lines of an invoice: the refund lines, the credit note lines,
#: their links and the refunded totals of the invoice lines are read and
#: written in batch, and Odoo's own credit note and reconciliation cost the
#: same whatever the number of lines (225 queries for 5 lines and for 50 when
#: this was written). The slack is for the ORM splitting batches differently;
#: an N+1 read or write added anywhere in the refund costs 45 more queries on
#: the larger invoice and fails.
REFUND_SLACK = 10


@tagged("post_install", "-at_install")
class TestQueryCounts(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warm_invoice = cls._create_paid_invoice(cls._lines(SMALL))
        cls.small_invoice = cls._create_paid_invoice(cls._lines(SMALL))
        cls.large_invoice = cls._create_paid_invoice(cls._lines(LARGE))

    @classmethod
    def _lines(cls, count):
        return [
            {
                "name": f"Item {index}",
                "price_unit": 10.0 + index % 7,
                "quantity": 1 + index % 3,
            }
            for index in range(count)
        ]

    def _count_queries(self, operation):
        """Queries of ``operation`` run as a new request: caches invalidated
        and pending writes flushed before, everything flushed after."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        count0 = self.env.cr.sql_log_count
        result = operation()
        self.env.flush_all()
        self.env.cr.flush()
        return self.env.cr.sql_log_count - count0, result

    def _open_wizard(self, invoice):
        """What opening the form pays: the wizard with its lines computed
        from the invoice, and its breakdown."""
        wizard = self.env["account.partial.refund.wizard"].create(
            {"move_id": invoice.id}
        )
        values = wizard.read(
            [
                "amount_untaxed",
                "amount_tax",
                "amount_total",
                "amount_remaining",
                "split_html",
            ]
        )[0]
        return wizard, values

    def _refund_all(self, invoice):
        lines = invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        return self._refund(
            invoice,
            [{"line_id": line_id} for line_id in lines.ids],
            journal_id=self.bank_journal.id,
        )

    def test_wizard_open_queries_do_not_grow_with_lines(self):
        self._open_wizard(self.warm_invoice)  # warm the ormcaches
        small, (wizard, values) = self._count_queries(
            lambda: self._open_wizard(self.small_invoice)
        )
        self.assertEqual(len(wizard.line_ids), SMALL)
        self.assertAlmostEqual(
            values["amount_remaining"], self.small_invoice.amount_untaxed
        )
        large, (wizard, values) = self._count_queries(
            lambda: self._open_wizard(self.large_invoice)
        )
        self.assertEqual(len(wizard.line_ids), LARGE)
        self.assertAlmostEqual(
            values["amount_remaining"], self.large_invoice.amount_untaxed
        )
        self.assertLessEqual(
            large,
            small + WIZARD_SLACK,
            f"opening the wizard: {small} queries for {SMALL} lines, "
            f"{large} for {LARGE}",
        )

    def test_wizard_open_with_selected_lines_does_not_grow_with_lines(self):
        """The breakdown of selected lines (their engine previews) is computed
        without a query per line either."""

        def open_and_select(invoice):
            wizard, _values = self._open_wizard(invoice)
            wizard.line_ids.selected = True
            return wizard, wizard.read(
                ["amount_total", "amount_remaining", "split_html"]
            )[0]

        open_and_select(self.warm_invoice)
        small, (_wizard, values) = self._count_queries(
            lambda: open_and_select(self.small_invoice)
        )
        self.assertAlmostEqual(values["amount_total"], self.small_invoice.amount_total)
        large, (_wizard, values) = self._count_queries(
            lambda: open_and_select(self.large_invoice)
        )
        self.assertAlmostEqual(values["amount_total"], self.large_invoice.amount_total)
        self.assertLessEqual(
            large,
            small + WIZARD_SLACK,
            f"selecting all lines: {small} queries for {SMALL} lines, "
            f"{large} for {LARGE}",
        )

    def test_refund_queries_do_not_grow_with_lines(self):
        self._refund_all(self.warm_invoice)  # warm the ormcaches
        small, refund = self._count_queries(
            lambda: self._refund_all(self.small_invoice)
        )
        self.assertEqual(refund.state, "manual")
        self.assertEqual(len(refund.line_ids), SMALL)
        self.assertRefundSettled(refund)
        large, refund = self._count_queries(
            lambda: self._refund_all(self.large_invoice)
        )
        self.assertEqual(len(refund.line_ids), LARGE)
        self.assertRefundSettled(refund)
        self.assertLessEqual(
            large,
            small + REFUND_SLACK,
            f"refunding all lines: {small} queries for {SMALL} lines, "
            f"{large} for {LARGE}",
        )

    def test_refund_of_one_line_does_not_grow_with_invoice_lines(self):
        """Refunding one line costs the same on a small and a large invoice,
        up to the rows of the invoice read in batch."""

        def refund_one(invoice):
            line = invoice.invoice_line_ids.filtered(
                lambda line: line.display_type == "product"
            )[1]
            return self._refund(
                invoice, [{"line_id": line.id}], journal_id=self.bank_journal.id
            )

        refund_one(self.warm_invoice)
        small, refund = self._count_queries(lambda: refund_one(self.small_invoice))
        self.assertEqual(len(refund.line_ids), 1)
        large, refund = self._count_queries(lambda: refund_one(self.large_invoice))
        self.assertEqual(len(refund.line_ids), 1)
        self.assertRefundSettled(refund)
        self.assertLessEqual(
            large,
            small + REFUND_SLACK,
            f"refunding one line: {small} queries on {SMALL} lines, {large} on {LARGE}",
        )

    def test_invoice_books_are_read_once_per_refund(self):
        """The invoice's books are dispatched over its lines by Odoo's tax
        engine once per refund: the request's checks and the credit note's
        discounts share them (a cache missed on every call once cost the
        refund of 100 lines a second run of the engine over the invoice)."""
        invoice = self._create_paid_invoice(self._lines(SMALL))
        Move = type(self.env["account.move"])
        original = Move._get_rounded_base_and_tax_lines
        runs = []

        def counted(move, *args, **kwargs):
            runs.append(move.id)
            return original(move, *args, **kwargs)

        self.env.invalidate_all()
        with patch.object(Move, "_get_rounded_base_and_tax_lines", counted):
            refund = self._refund_all(invoice)
        self.assertRefundSettled(refund)
        self.assertEqual(runs.count(invoice.id), 1)

    def test_shares_not_stale_after_repayment_with_early_discount(self):
        """The invoice's shares are cached for the transaction, keyed by what
        they depend on: the invoice's lines and the entries that settled
        them (the early payment discount they take off is the settling
        entry's).

        An invoice of 100 + 15 % tax, 2 % early discount ("included"), paid
        in full (115, no discount taken): its shares are read (its
        refundable amounts, a refund attempt). Its payment is unmatched (no
        refund yet: allowed) and the invoice paid again early, 112.70 (the
        2 % taken off). Every receivable residual is 0 as before: the same
        residuals. A full refund of the line in the same transaction gives
        back what the customer paid, 112.70 (98 untaxed), as in a new
        request."""
        term = self._early_discount_term()
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}], payment_term=term, pay=False
        )
        line = invoice.invoice_line_ids
        first = self._pay(invoice, self.bank_journal, amount=invoice.amount_total)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertAlmostEqual(line.refundable_amount, 100.0)
        first.move_id.line_ids.remove_move_reconcile()
        first.action_draft()
        first.action_cancel()
        self._pay(invoice, self.bank_journal)  # 2 % off: paid early
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.env.invalidate_all()  # the records, not the cursor's cache
        refund = self._refund(invoice, [{"line_id": line.id}])
        self.assertAlmostEqual(refund.amount_untaxed, 98.0)
        self.assertAlmostEqual(refund.amount_total, 112.7)

    def test_odoo_entries_do_not_look_up_refunds(self):
        """Writing the amounts of any journal entry (Odoo's own credit notes
        and payments write each line) recomputes nothing of the refunds': a
        stored field of theirs depending on them would look refunds up on
        every such write (it cost Odoo's reversal of 100 lines 200 queries)."""
        Move, Line = self.env["account.move"], self.env["account.move.line"]
        amounts = [
            Move._fields[name]
            for name in ("amount_total", "amount_total_signed", "amount_residual")
        ] + [
            Line._fields[name]
            for name in ("balance", "amount_currency", "price_subtotal", "price_total")
        ]
        for field in amounts:
            with self.subTest(field=str(field)):
                stored = {
                    str(dependent)
                    for dependent in _tree_fields(
                        self.registry.get_trigger_tree([field])
                    )
                    if dependent.store and "partial.refund" in dependent.model_name
                }
                self.assertFalse(stored)


def _tree_fields(tree):
    """The fields of a trigger tree, at every depth."""
    yield from tree.root
    for subtree in tree.values():
        yield from _tree_fields(subtree)
