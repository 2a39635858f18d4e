# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class PartialRefundCommon(AccountTestInvoicingCommon):
    """Paid customer invoices and the accounting checks of a refund."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.cash_journal = cls.company_data["default_journal_cash"]
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.env.user.groups_id |= cls.env.ref(
            "invoice_partial_refund.group_partial_refund"
        )
        cls.refund_date = fields.Date.from_string("2019-02-01")

    @classmethod
    def _create_paid_invoice(
        cls,
        lines,
        partner=None,
        currency=None,
        journal=None,
        company=None,
        pay=True,
        payment_term=None,
        salesperson=None,
        cash_rounding=None,
    ):
        """Create, post and (unless ``pay`` is False) fully pay a customer
        invoice.

        :param lines: list of dicts of invoice line values; ``price_unit`` is
            required, ``quantity`` defaults to 1, ``tax_ids`` to the default
            sale tax of the company
        :param journal: the bank or cash journal of the payment
        :param salesperson: the invoice's salesperson (``invoice_user_id``):
            by default the current user; an empty recordset for none
        :param cash_rounding: the invoice's cash rounding (see `_cash_rounding`)
        """
        company = company or cls.env.company
        # A branch shares its parent's taxes and journals.
        company_data = (
            cls.company_data
            if company.root_id == cls.env.company.root_id
            else cls.company_data_2
        )
        invoice = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": (partner or cls.partner_a).id,
                    "invoice_date": "2019-01-01",
                    "date": "2019-01-01",
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_payment_term_id": payment_term and payment_term.id,
                    "invoice_cash_rounding_id": cash_rounding and cash_rounding.id,
                    **(
                        {"invoice_user_id": salesperson.id}
                        if salesperson is not None
                        else {}
                    ),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": values.get("name", f"line {index}"),
                                "product_id": values.get(
                                    "product_id", cls.product_a.id
                                ),
                                "quantity": values.get("quantity", 1.0),
                                "price_unit": values["price_unit"],
                                "discount": values.get("discount", 0.0),
                                **{
                                    name: values[name]
                                    for name in ("account_id", "analytic_distribution")
                                    if name in values
                                },
                                "tax_ids": [
                                    Command.set(
                                        values.get(
                                            "tax_ids",
                                            company_data["default_tax_sale"].ids,
                                        )
                                    )
                                ],
                            }
                        )
                        for index, values in enumerate(lines, start=1)
                    ],
                }
            )
        )
        invoice.action_post()
        if pay:
            cls._pay(invoice, journal or company_data["default_journal_bank"])
        return invoice

    @classmethod
    def _create_user(cls, login, groups, companies=None):
        """An internal user of ``groups`` in ``companies`` (the current
        company by default), with an email address."""
        companies = companies or cls.env.company
        return cls.env["res.users"].create(
            {
                "name": login.title(),
                "login": login,
                "email": f"{login}@example.com",
                "groups_id": [Command.set(groups.ids)],
                "company_id": companies[:1].id,
                "company_ids": [Command.set(companies.ids)],
            }
        )

    @classmethod
    def _create_refunded_invoice(cls, user, date="2019-02-01"):
        """A paid invoice of 100 and 50 whose first line ``user`` refunded
        by 10 on ``date`` to the bank journal: the invoice and its refund."""
        invoice = cls._create_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 50.0}]
        )
        with freeze_time(date):
            refund_id = invoice.with_user(user).action_partial_refund(
                [{"line_id": invoice.invoice_line_ids[0].id, "amount": 10.0}],
                journal_id=cls.bank_journal.id,
                date=date,
            )
        return invoice, cls.env["account.partial.refund"].browse(refund_id)

    def _invoice_and_odoo_credit_note(self, lines, **values):
        """A paid invoice of ``lines`` (see `_create_paid_invoice`, with
        ``values``) and Odoo's credit note of an identical invoice, posted:
        what the refunds of all of the first must book."""
        invoice = self._create_paid_invoice(lines, **values)
        values["pay"] = False
        identical = self._create_paid_invoice(lines, **values)
        return invoice, self._odoo_credit_note(identical)

    def _cash_rounding(self, strategy):
        """A cash rounding to 0.05 by ``strategy`` (``add_invoice_line`` or
        ``biggest_tax``), its profit and loss on accounts of their own."""
        return self.env["account.cash.rounding"].create(
            {
                "name": f"0.05 {strategy}",
                "rounding": 0.05,
                "strategy": strategy,
                "rounding_method": "HALF-UP",
                "profit_account_id": self.company_data["default_account_revenue"]
                .copy()
                .id,
                "loss_account_id": self.company_data["default_account_expense"]
                .copy()
                .id,
            }
        )

    @classmethod
    def _pay_with_write_off(cls, invoice, amount):
        """Pay ``amount`` of ``invoice``, the rest written off ("Mark as
        fully paid")."""
        cls._pay(
            invoice,
            cls.bank_journal,
            amount=amount,
            payment_difference_handling="reconcile",
            writeoff_account_id=cls.company_data["default_account_expense"].id,
            writeoff_label="Write-off",
        )

    @classmethod
    def _pay(cls, invoice, journal, amount=None, **values):
        """Pay ``invoice`` (invoices of one company) with Odoo's payment
        register on 2019-01-15, with its other ``values`` (a payment date,
        ``group_payment``, a write-off…)."""
        register = (
            cls.env["account.payment.register"]
            .with_company(invoice.company_id)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "journal_id": journal.id,
                    "payment_date": "2019-01-15",
                    **({"amount": amount} if amount else {}),
                    **values,
                }
            )
        )
        return register._create_payments()

    @classmethod
    def _early_discount_term(cls, computation="included"):
        """A payment term of 2 % off when paid within 30 days."""
        return cls.env["account.payment.term"].create(
            {
                "name": f"2 % 30 days, {computation}",
                "early_discount": True,
                "discount_percentage": 2,
                "discount_days": 30,
                "early_pay_discount_computation": computation,
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100, "nb_days": 60}
                    )
                ],
            }
        )

    def _new_request(self):
        """As a new request: nothing computed before at hand (the records'
        cache, the invoices' shares remembered for the transaction)."""
        self.env.cr.cache.pop("invoice_partial_refund.shares", None)
        self.env.invalidate_all()

    def _counts(self, invoice=None):
        """What a refund writes: refunds, moves, payments, the invoice's
        messages and what its lines show as refunded."""
        invoice = invoice or self.invoice
        # Counted as superuser: records of every company.
        env = self.env(su=True)
        return {
            "account.partial.refund": env["account.partial.refund"].search_count([]),
            "account.move": env["account.move"].search_count([]),
            "account.payment": env["account.payment"].search_count([]),
            "mail.message": env["mail.message"].search_count(
                [("model", "=", "account.move"), ("res_id", "=", invoice.id)]
            ),
            "refunded": invoice.invoice_line_ids.mapped("refunded_price_total"),
        }

    def _open_receivable_lines(self, partner=None):
        """The customer's posted receivable lines left open (no credit may
        be left from a refund)."""
        return self.env["account.move.line"].search(
            [
                ("partner_id", "=", (partner or self.partner_a).id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("parent_state", "=", "posted"),
            ]
        )

    def _partner_balance(self, partner=None, company=None):
        """Receivable balance of the partner in company currency, posted
        entries only."""
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", (partner or self.partner_a).id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("company_id", "=", (company or self.env.company).id),
            ]
        )
        return sum(lines.mapped("balance"))

    def _refund(self, invoice, lines, **options):
        options.setdefault("date", self.refund_date)
        refund_id = invoice.action_partial_refund(lines, **options)
        return self.env["account.partial.refund"].browse(refund_id)

    def _outstanding_line(self, invoice, move):
        """The id of ``move``'s credit offered to ``invoice``."""
        widget = invoice.invoice_outstanding_credits_debits_widget
        ids = [item["id"] for item in widget["content"] if item["move_id"] == move.id]
        self.assertEqual(len(ids), 1)
        return ids[0]

    def assertRefundSettled(self, refund):
        """The credit note is posted, linked and settled by the refund
        payment: nothing left open on the customer's account."""
        credit_note = refund.credit_note_id
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.reversed_entry_id, refund.move_id)
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
        self.assertIn(credit_note.payment_state, ("paid", "in_payment"))
        self.assertIn(refund.payment_id.state, ("in_process", "paid"))
        self.assertEqual(refund.payment_id.move_id.state, "posted")
        payment_lines = refund.payment_id.move_id.line_ids
        receivable_lines = (credit_note.line_ids + payment_lines).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(all(receivable_lines.mapped("reconciled")))
        self.assertEqual(len(receivable_lines.full_reconcile_id), 1)
        self.assertAlmostEqual(credit_note.amount_total, refund.amount_total)
        self.assertAlmostEqual(refund.payment_id.amount, refund.amount_total)
        for refund_line in refund.line_ids:
            self.assertEqual(
                refund_line.credit_note_line_id.refund_origin_line_id,
                refund_line.invoice_line_id,
            )

    def _odoo_credit_note(self, invoice, post=True):
        """The credit note Odoo's own "Credit Note" button makes of the whole
        ``invoice`` at the refund date, posted (or left in draft)."""
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"date": self.refund_date, "journal_id": invoice.journal_id.id})
        )
        action = wizard.refund_moves()
        credit_note = self.env["account.move"].browse(action["res_id"])
        if post:
            credit_note.action_post()
        return credit_note

    @classmethod
    def _books(cls, moves):
        """What ``moves`` book, for comparison: balances by account, by tax
        (tax lines), by tax grid (each tag of each line), and the
        untaxed, tax and total amounts; payment-term lines and zero
        balances left out."""
        books = {}

        def add(key, amount):
            books[key] = round(books.get(key, 0.0) + amount, 6)

        for line in moves.line_ids.filtered(
            lambda line: line.display_type != "payment_term"
        ):
            add(("account", line.account_id.code), line.balance)
            if line.tax_line_id:
                add(("tax", line.tax_line_id.name), line.balance)
            for tag in line.tax_tag_ids:
                add(("grid", tag.name), line.balance)
        for field_name in ("amount_untaxed", "amount_tax", "amount_total"):
            add(("total", field_name), sum(moves.mapped(field_name)))
        return {key: amount for key, amount in books.items() if round(amount, 6)}

    def _refund_quantity_amount_then_rest(self, invoice, **options):
        """Refund ``invoice``: a unit of its first line and 33.33 of its
        second, then the rest of every line (``options``: of `_refund`, for
        both). Returns the two refunds."""
        line_1, line_2 = invoice.invoice_line_ids[:2]
        refunds = self._refund(
            invoice,
            [
                {"line_id": line_1.id, "quantity": 1},
                {"line_id": line_2.id, "amount": 33.33},
            ],
            **options,
        )
        return refunds | self._refund(
            invoice,
            [{"line_id": line.id} for line in invoice.invoice_line_ids],
            **options,
        )

    def _refund_partly_then_fully(self, lines, partner=None):
        """Refund a paid invoice of ``lines`` (three or more) partly, a
        quantity of its first line and an amount of its second, then fully,
        and check it gave back what Odoo's own credit note of an identical
        invoice books: the refunds settled, the books per account, tax and
        tax grid, the invoice refunded, the customer's balance nil.

        :return: ``(invoice, refunds, Odoo's credit note)``
        """
        invoice, odoo_credit_note = self._invoice_and_odoo_credit_note(
            lines, partner=partner
        )
        refunds = self._refund_quantity_amount_then_rest(invoice)
        self.assertAmountRefundIsItsPart(refunds[0], invoice.invoice_line_ids[1], 33.33)
        self.assertRefundedAsOdoo(invoice, refunds, odoo_credit_note, partner)
        return invoice, refunds, odoo_credit_note

    def assertRefundedAsOdoo(self, invoice, refunds, odoo_credit_note, partner=None):
        """``refunds`` refunded all of ``invoice`` (of ``partner``): each
        settled, together its total, booking what Odoo's credit note
        ``odoo_credit_note`` of an identical invoice books (per account, tax
        and tax grid, the tax bases), the invoice refunded, the customer's
        balance nil."""
        for refund in refunds:
            self.assertRefundSettled(refund)
        self.assertAlmostEqual(
            sum(refunds.mapped("amount_total")), invoice.amount_total
        )
        self.assertSameBooks(refunds.credit_note_id, odoo_credit_note)
        self.assertSameTaxBases(refunds.credit_note_id, odoo_credit_note)
        self.assertEqual(invoice.partial_refund_status, "refunded")
        self.assertAlmostEqual(self._partner_balance(partner), 0.0)

    def assertAmountRefundIsItsPart(self, refund, line, amount):
        """The refund of ``amount`` of invoice ``line`` by ``refund`` is that
        part of the line, on the basis amounts are typed on: its amount
        exactly, revenue given back, each tax its part of the line's (a tax
        per unit too), to the rounding cent."""
        refund_line = refund.line_ids.filtered(lambda rl: rl.invoice_line_id == line)
        share = line.move_id._refund_invoice_shares()[line.id]
        tax_included = line.company_id.account_price_include == "tax_included"
        typed = refund_line.amount_total if tax_included else refund_line.amount_untaxed
        self.assertAlmostEqual(typed, amount)
        part = amount / (share.total if tax_included else share.untaxed)
        self.assertGreater(refund_line.credit_note_line_id.price_subtotal, 0.0)
        self.assertAlmostEqual(
            refund_line.amount_untaxed, part * share.untaxed, delta=0.03
        )
        for key, tax in share.taxes.items():
            self.assertAlmostEqual(
                refund_line.tax_amounts.get(key, 0.0), part * tax, delta=0.015, msg=key
            )

    def assertSameTaxBases(self, moves, expected_moves):
        """The tax lines of ``moves`` have the bases of ``expected_moves``'
        per tax, a cent per credit note aside (each rounds its bases)."""

        def bases(moves):
            bases = {}
            for tax_line in moves.line_ids.filtered("tax_line_id"):
                name = tax_line.tax_line_id.name
                bases[name] = bases.get(name, 0.0) + tax_line.tax_base_amount
            return bases

        expected = bases(expected_moves)
        self.assertEqual(set(bases(moves)), set(expected))
        for name, base in bases(moves).items():
            self.assertAlmostEqual(
                base, expected[name], delta=0.01 * len(moves), msg=name
            )

    def assertSameBooks(self, moves, expected_moves):
        """``moves`` book exactly what ``expected_moves`` book (see
        `_books`), to the cent."""
        books, expected = self._books(moves), self._books(expected_moves)
        self.assertEqual(
            {key: round(amount, 2) for key, amount in books.items()},
            {key: round(amount, 2) for key, amount in expected.items()},
        )


class RefusedRefundCommon(PartialRefundCommon):
    """A paid invoice of two lines (the second of quantity 4) and another
    company, for the tests of refused requests; `_counts` is what a refund
    writes, to check a refusal wrote nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data_2 = cls.setup_other_company()
        cls.invoice = cls._create_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 40.0, "quantity": 4}]
        )
        cls.line, cls.line_qty = cls.invoice.invoice_line_ids
