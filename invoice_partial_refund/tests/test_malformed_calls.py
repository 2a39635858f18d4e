# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Malformed calls of `account.move.action_partial_refund`, as integrations
send them over RPC: each gets a clear error naming what to fix, and writes
nothing."""

import re
import xmlrpc.client
from contextlib import closing
from typing import Any, NamedTuple

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import Transport

from .common import RefusedRefundCommon

# What a message must never show: the caller cannot act on it.
NOT_FOR_USERS = re.compile(
    r"Expected singleton|psycopg2|Traceback|File \"|_lock_date\b|"
    r"NoneType|object has no attribute"
)


class Call(NamedTuple):
    """One malformed call and what it must answer."""

    name: str
    lines: Any
    options: dict
    error: type
    message: str  # a regex the error's message matches
    field: str  # the field the message names, whatever its case
    records: Any = None  # the recordset called on; default the paid invoice
    setup: Any = None  # a function run before the call (rolled back after)


@tagged("post_install", "-at_install")
class TestMalformedCalls(RefusedRefundCommon):
    """Each malformed call is refused with a readable message, nothing
    written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_invoice = cls._create_paid_invoice([{"price_unit": 10.0}])
        cls.foreign_invoice = cls._create_paid_invoice(
            [{"price_unit": 10.0}], company=cls.company_data_2["company"]
        )
        cls.sectioned_invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.partner_a.id,
                "invoice_date": "2019-01-01",
                "invoice_line_ids": [
                    Command.create({"display_type": "line_section", "name": "Lamps"}),
                    Command.create(
                        {"product_id": cls.product_a.id, "price_unit": 50.0}
                    ),
                    Command.create({"display_type": "line_note", "name": "Fragile"}),
                ],
            }
        )
        cls.sectioned_invoice.action_post()
        cls._pay(cls.sectioned_invoice, cls.bank_journal)
        lines = cls.sectioned_invoice.invoice_line_ids
        cls.section = lines.filtered(lambda line: line.display_type == "line_section")
        cls.note = lines.filtered(lambda line: line.display_type == "line_note")
        # Never posted, then cancelled: it has no number.
        cls.cancelled_invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.partner_a.id,
                "invoice_line_ids": [
                    Command.create({"product_id": cls.product_a.id, "price_unit": 10.0})
                ],
            }
        )
        cls.cancelled_invoice.button_cancel()

    def _malformed_calls(self):
        """The table: every way a caller gets the arguments wrong."""
        line = self.line.id
        bank = self.bank_journal
        bank_method = bank.outbound_payment_method_line_ids[:1]
        other_bank = self.company_data_2["default_journal_bank"]
        sale_journal = self.company_data["default_journal_sale"]
        inbound_method = bank.inbound_payment_method_line_ids[:1]
        Move = self.env["account.move"]
        V, U = ValidationError, UserError

        def amount(value):
            return [{"line_id": line, "amount": value}]

        def quantity(value):
            return [{"line_id": self.line_qty.id, "quantity": value}]

        def lock(field):
            def setup():
                self.env.company[field] = fields.Date.from_string("2019-03-31")

            return setup

        one = amount(10.0)
        return [
            # The records it is called on
            Call(
                "two invoices",
                one,
                {},
                V,
                "one invoice at a time: .* 2 invoices",
                "invoice",
                records=self.invoice | self.other_invoice,
            ),
            Call("no invoice", one, {}, V, "0 invoices", "invoice", records=Move),
            Call(
                "invoice id not an int",
                one,
                {},
                V,
                "“ids” must be the id",
                "ids",
                records=Move.browse(["abc"]),
            ),
            Call(
                "invoice that does not exist",
                one,
                {},
                V,
                "does not exist or was deleted",
                "invoice",
                records=Move.browse(2**31 - 1),
            ),
            Call(
                "cancelled invoice without a number",
                [{"line_id": self.cancelled_invoice.invoice_line_ids.id}],
                {},
                U,
                r"The invoice with id \d+ is not posted \(Cancelled\)",
                "invoice",
                records=self.cancelled_invoice,
            ),
            # lines
            Call("lines null", None, {}, V, "“lines” must be a list", "lines"),
            Call("lines a dict", {"line_id": line}, {}, V, "must be a list", "lines"),
            Call("lines a string", "[1]", {}, V, "must be a list", "lines"),
            Call("lines an int", line, {}, V, "must be a list", "lines"),
            Call("lines empty", [], {}, V, "at least one invoice line", "lines"),
            Call("a line an id", [line], {}, V, "a dictionary with a", "line_id"),
            Call("a line a list", [[line]], {}, V, "a dictionary with a", "line_id"),
            Call("no line_id", [{"amount": 1.0}], {}, V, "dictionary with", "line_id"),
            Call("line_id str", [{"line_id": str(line)}], {}, V, "must be", "line_id"),
            Call("line_id float", [{"line_id": float(line)}], {}, V, "id", "line_id"),
            Call(
                "line_id bool", [{"line_id": True}], {}, V, "must be the id", "line_id"
            ),
            Call(
                "line_id null", [{"line_id": None}], {}, V, "must be the id", "line_id"
            ),
            Call("line_id list", [{"line_id": [line]}], {}, V, "must be", "line_id"),
            Call("line_id dict", [{"line_id": {"id": line}}], {}, V, "must", "line_id"),
            Call(
                "line_id <0", [{"line_id": -line}], {}, V, "not a valid id", "line_id"
            ),
            Call("line_id huge", [{"line_id": 2**40}], {}, V, "not a valid", "line_id"),
            Call(
                "line_id missing",
                [{"line_id": 2**31 - 1}],
                {},
                U,
                "is not a product line of invoice",
                "line_id",
            ),
            Call(
                "unknown key",
                [{"line_id": line, "price": 5}],
                {},
                V,
                "Unknown keys .*'price'",
                "line_id",
            ),
            Call(
                "amount and quantity",
                [{"line_id": line, "amount": 1.0, "quantity": 1}],
                {},
                V,
                "either by amount or by quantity",
                "amount",
            ),
            Call("amount null", amount(None), {}, V, "“amount” .* is empty", "amount"),
            Call("quantity null", quantity(None), {}, V, "is empty", "quantity"),
            Call("amount str", amount("10"), {}, V, "must be a number", "amount"),
            Call("amount bool", amount(True), {}, V, "must be a number", "amount"),
            Call("quantity bool", quantity(False), {}, V, "a number", "quantity"),
            Call("amount dict", amount({"value": 5}), {}, V, "a number", "amount"),
            Call("amount list", amount([5]), {}, V, "a number", "amount"),
            Call("amount nan", amount(float("nan")), {}, V, "finite", "amount"),
            Call("amount inf", amount(float("inf")), {}, V, "finite", "amount"),
            Call("quantity -inf", quantity(float("-inf")), {}, V, "finite", "quantity"),
            Call("amount zero", amount(0), {}, V, "must be positive", "amount"),
            Call("quantity zero", quantity(0.0), {}, V, "must be positive", "quantity"),
            Call("amount <0", amount(-5.0), {}, V, "must be positive", "amount"),
            Call("amount -1e20", amount(-1e20), {}, V, "must be positive", "amount"),
            Call("amount 1e300", amount(1e300), {}, V, "too large", "amount"),
            Call("amount 10**400", amount(10**400), {}, V, "too large", "amount"),
            Call(
                "amount above the line",
                amount(1e11),
                {},
                U,
                "only .* is still refundable",
                "amount",
            ),
            Call(
                "amount below a cent",
                amount(0.001),
                {},
                U,
                "more decimals than USD allows",
                "amount",
            ),
            Call(
                "quantity above the line",
                quantity(5),
                {},
                U,
                "only 4.00 is still refundable",
                "quantity",
            ),
            Call(
                "same line twice",
                [{"line_id": line}, {"line_id": line, "amount": 1.0}],
                {},
                V,
                "refunded once per refund",
                "lines",
            ),
            Call(
                "line of another invoice",
                [{"line_id": self.other_invoice.invoice_line_ids.id}],
                {},
                U,
                "is not a product line of invoice",
                "line_id",
            ),
            Call(
                "line of another company's invoice",
                [{"line_id": self.foreign_invoice.invoice_line_ids.id}],
                {},
                U,
                "is not a product line of invoice",
                "line_id",
            ),
            Call(
                "a section",
                [{"line_id": self.section.id}],
                {},
                U,
                "not a product line .*not a section",
                "line_id",
                records=self.sectioned_invoice,
            ),
            Call(
                "a note",
                [{"line_id": self.note.id, "amount": 1.0}],
                {},
                U,
                "not a product line",
                "line_id",
                records=self.sectioned_invoice,
            ),
            # options
            Call("unknown option", one, {"journal": bank.id}, V, "Unknown", "journal"),
            Call(
                "unknown options", one, {"currency_id": 1}, V, "Use date", "currency_id"
            ),
            Call(
                "refund_via unknown",
                one,
                {"refund_via": "paypal"},
                V,
                "must be “gateway” or “manual”",
                "refund_via",
            ),
            Call(
                "refund_via list",
                one,
                {"refund_via": ["manual"]},
                V,
                "must be",
                "refund_via",
            ),
            Call(
                "journal_id str", one, {"journal_id": "abc"}, V, "the id", "journal_id"
            ),
            Call(
                "journal_id list", one, {"journal_id": [bank.id]}, V, "id", "journal_id"
            ),
            Call("journal_id bool", one, {"journal_id": True}, V, "id", "journal_id"),
            Call(
                "journal_id 0", one, {"journal_id": 0}, V, "not a valid", "journal_id"
            ),
            Call(
                "journal_id missing",
                one,
                {"journal_id": 2**31 - 1},
                U,
                "does not exist",
                "journal_id",
            ),
            Call(
                "journal of another company",
                one,
                {"journal_id": other_bank.id},
                U,
                "belongs to another company",
                "journal_id",
            ),
            Call(
                "a sale journal",
                one,
                {"journal_id": sale_journal.id},
                U,
                "no outbound payment method",
                "journal_id",
            ),
            Call(
                "payment_method_line_id str",
                one,
                {"payment_method_line_id": "x"},
                V,
                "must be the id",
                "payment_method_line_id",
            ),
            Call(
                "payment_method_line_id float",
                one,
                {"payment_method_line_id": 1.5},
                V,
                "must be the id",
                "payment_method_line_id",
            ),
            Call(
                "payment method missing",
                one,
                {"payment_method_line_id": 2**31 - 1},
                U,
                "does not exist",
                "payment_method_line_id",
            ),
            Call(
                "payment method of another company",
                one,
                {
                    "payment_method_line_id": (
                        other_bank.outbound_payment_method_line_ids[:1].id
                    )
                },
                U,
                "belongs to another company",
                "payment_method_line_id",
            ),
            Call(
                "inbound payment method",
                one,
                {"payment_method_line_id": inbound_method.id},
                U,
                "cannot refund this invoice",
                "payment_method_line_id",
            ),
            Call(
                "payment method of another journal than journal_id",
                one,
                {
                    "payment_method_line_id": bank_method.id,
                    "journal_id": self.cash_journal.id,
                },
                U,
                "is not of the journal",
                "journal_id",
            ),
            Call("date month 13", one, {"date": "2019-13-45"}, V, "not a date", "date"),
            Call("date an int", one, {"date": 12345}, V, "12345 is not a date", "date"),
            Call("date d/m/y", one, {"date": "31/12/2019"}, V, "YYYY-MM-DD", "date"),
            Call("date empty", one, {"date": ""}, V, "is not a date", "date"),
            Call("date a list", one, {"date": ["2019-02-01"]}, V, "not a date", "date"),
            Call(
                "date before the invoice",
                one,
                {"date": "2018-12-31"},
                U,
                "before the invoice date",
                "date",
            ),
            Call(
                "date tomorrow",
                one,
                {
                    "date": str(
                        fields.Date.add(fields.Date.context_today(self.invoice), days=1)
                    )
                },
                U,
                "is after today",
                "date",
            ),
            Call(
                "date year 9999", one, {"date": "9999-12-31"}, U, "after today", "date"
            ),
            Call(
                "date in a locked fiscal year",
                one,
                {},
                U,
                r"locked period \(Global Lock Date",
                "date",
                setup=lock("fiscalyear_lock_date"),
            ),
            Call(
                "date before the sales lock date",
                one,
                {},
                U,
                r"locked period \(Sales Lock Date",
                "date",
                setup=lock("sale_lock_date"),
            ),
            Call("reason an int", one, {"reason": 5}, V, "must be text", "reason"),
            Call("reason a dict", one, {"reason": {"en": "x"}}, V, "text", "reason"),
            Call(
                "reason too long",
                one,
                {"reason": "Damaged " * 100},
                V,
                "800 characters long: keep it under 500",
                "reason",
            ),
            Call(
                "reversal_values a list",
                one,
                {"reversal_values": ["l10n_latam_document_type_id"]},
                V,
                "must be a dictionary of the credit note wizard's fields",
                "reversal_values",
            ),
            Call(
                "reversal_values an unknown field",
                one,
                {"reversal_values": {"x_document_kind": 1}},
                U,
                r"only set the credit note options asked for .*not: x_document_kind",
                "reversal_values",
            ),
            # Fields of Odoo's wizard that the refund sets itself or computes.
            Call(
                "reversal_values the reason and the journal",
                one,
                {"reversal_values": {"reason": "x", "journal_id": 1}},
                U,
                r"options asked for .*not: journal_id, reason\.",
                "reversal_values",
            ),
            Call(
                "reversal_values a computed field",
                one,
                {"reversal_values": {"residual": 0.0}},
                U,
                "not: residual",
                "reversal_values",
            ),
        ]

    def test_malformed_calls(self):
        calls = self._malformed_calls()
        self.assertGreaterEqual(len(calls), 40)
        for call in calls:
            with self.subTest(call.name), closing(self.env.cr.savepoint()):
                self._assert_refused(call)
            self.env.invalidate_all()

    def _assert_refused(self, call):
        records = self.invoice if call.records is None else call.records
        # The invoice whose messages are counted: the one called on, if any.
        counted = records if len(records) == 1 else self.invoice
        if not isinstance(counted.id, int) or not counted.exists():
            counted = self.invoice
        if call.setup:
            call.setup()
        before = self._counts(counted)
        options = {"date": self.refund_date} | call.options
        with self.assertRaises(UserError) as caught:
            records.action_partial_refund(call.lines, **options)
        error = caught.exception
        message = str(error)
        self.assertIs(type(error), call.error, message)
        self.assertRegex(message, call.message)
        self.assertIn(call.field.lower(), message.lower())
        self.assertNotRegex(message, NOT_FOR_USERS)
        self.assertEqual(self._counts(counted), before)

    def test_reversal_values_are_checked_by_type(self):
        """Each value ``reversal_values`` sets is one its field takes (an id
        of an existing record, text, a date...), or a message naming what it
        should be; checked here on the reversal wizard's own fields of each
        type, and on a localization's option when one is installed."""
        Reversal = self.env["account.move.reversal"]
        fields_ = Reversal._fields
        for name, value, expected in (
            ("journal_id", "abc", "the id of a record of account.journal"),
            ("journal_id", [1, 2], "the id of a record"),
            ("journal_id", {"a": 1}, "the id of a record"),
            ("journal_id", True, "the id of a record"),
            ("journal_id", 10**20, "the id of a record"),
            ("journal_id", 2**31 - 1, "the id of an existing record"),
            ("reason", 5, "text"),
            ("date", "31/12/2019", "a date"),
            ("date", 20190101, "a date"),
            ("residual", float("nan"), "a number"),
            ("residual", "1", "a number"),
            ("move_ids", [1], "cannot set a many2many"),
        ):
            with self.subTest(field=name, value=value):
                error = Reversal._get_partial_refund_value_error(fields_[name], value)
                self.assertIn(expected, error or "")
        for name, value in (
            ("journal_id", self.bank_journal.id),
            ("journal_id", False),
            ("reason", "Damaged"),
            ("date", "2019-02-01"),
            ("residual", 5),
            ("residual", 5.5),
            ("move_ids", None),
        ):
            with self.subTest(field=name, value=value):
                self.assertIsNone(
                    Reversal._get_partial_refund_value_error(fields_[name], value)
                )
        option = "l10n_latam_document_type_id"
        if option not in Reversal._get_partial_refund_asked_fields(self.invoice):
            return
        for value in ("abc", {"a": 1}, 10**20, 99999999, -1):
            with self.subTest(option=value), closing(self.env.cr.savepoint()):
                self._assert_refused(
                    Call(
                        f"{option} {value!r}",
                        [{"line_id": self.line.id, "amount": 10.0}],
                        {"reversal_values": {option: value}},
                        UserError,
                        f"sets {option} to .*: it must be the id of",
                        "reversal_values",
                    )
                )
            self.env.invalidate_all()

    def test_options_not_asked_for_the_invoice_are_refused(self):
        """Latin America's document type is an option of the reversal wizard
        wherever its module is installed, but asked only of invoices whose
        journal uses documents: set on another invoice it is refused, nothing
        written (it would take over the journal's credit note numbering);
        False leaves it out."""
        Reversal = self.env["account.move.reversal"]
        option = "l10n_latam_document_type_id"
        if option not in Reversal._fields:
            self.skipTest("l10n_latam_invoice_document is not installed")
        self.assertNotIn(
            option, Reversal._get_partial_refund_asked_fields(self.invoice)
        )
        document_type = self.env["l10n_latam.document.type"].search([], limit=1)
        self._assert_refused(
            Call(
                "a document type not asked",
                [{"line_id": self.line.id, "amount": 10.0}],
                {"reversal_values": {option: document_type.id}},
                UserError,
                "may only set the credit note options asked for",
                "reversal_values",
            )
        )
        refund = self._refund(
            self.invoice,
            [{"line_id": self.line.id, "amount": 10.0}],
            reversal_values={option: False, "l10n_latam_document_number": None},
        )
        self.assertFalse(refund.credit_note_id.l10n_latam_document_type_id)
        self.assertRefundSettled(refund)

    def test_valid_calls_still_refund(self):
        """Types a caller may send for valid values: an int amount, a
        datetime, False for an option left out, an empty reason."""
        refund = self._refund(
            self.invoice,
            [
                {"line_id": self.line.id, "amount": 10},
                {"line_id": self.line_qty.id, "quantity": 1},
            ],
            journal_id=False,
            payment_method_line_id=False,
            reason="",
            date="2019-02-01",
        )
        self.assertAlmostEqual(refund.amount_total, 11.5 + 46.0)
        self.assertEqual(refund.date, fields.Date.from_string("2019-02-01"))
        self.assertFalse(refund.reason)
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)


@tagged("post_install", "-at_install")
class TestMalformedCallsOverXmlRpc(RefusedRefundCommon, HttpCase):
    """Over XML-RPC a refused call comes back as a fault with the message
    (code 2, Odoo's warning), not as the traceback of an unhandled error."""

    def setUp(self):
        super().setUp()
        # Nulls too: Python's client sends them when allowed, as others do.
        self.rpc = xmlrpc.client.ServerProxy(
            self.xmlrpc_url + "object", transport=Transport(self.cr), allow_none=True
        )

    def _execute(self, ids, lines, **options):
        return self.rpc.execute_kw(
            self.env.cr.dbname,
            self.env.uid,
            "accountman",
            "account.move",
            "action_partial_refund",
            [ids, lines],
            options,
        )

    def assertFault(self, message, ids, lines, **options):
        before = self._counts()
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self._execute(ids, lines, **options)
        fault = caught.exception
        self.assertEqual(fault.faultCode, 2, fault.faultString)
        self.assertRegex(fault.faultString, message)
        self.assertNotRegex(fault.faultString, NOT_FOR_USERS)
        self.assertEqual(self._counts(), before)

    def test_faults(self):
        other = self._create_paid_invoice([{"price_unit": 10.0}])
        one = [{"line_id": self.line.id, "amount": 10.0}]
        invoice = [self.invoice.id]
        self.assertFault("Refund one invoice at a time", [*invoice, other.id], one)
        self.assertFault("“journal_id” must be the id", invoice, one, journal_id="abc")
        self.assertFault(
            "“payment_method_line_id” must be the id",
            invoice,
            one,
            payment_method_line_id="x",
        )
        self.assertFault(
            "“amount” to refund on line .* is empty",
            invoice,
            [{"line_id": self.line.id, "amount": None}],
        )
        self.assertFault("“ids” must be the id", ["abc"], one)
        self.assertFault(
            "“date” '2019-13-45' is not a date", invoice, one, date="2019-13-45"
        )
        self.assertFault("“lines” must be a list", invoice, "all")

    def test_valid_call(self):
        refund_id = self._execute(
            [self.invoice.id],
            [{"line_id": self.line.id, "amount": 10.0}],
            date="2019-02-01",
            reason="Damaged",
        )
        refund = self.env["account.partial.refund"].browse(refund_id)
        self.assertEqual(refund.move_id, self.invoice)
        self.assertEqual(refund.reason, "Damaged")
        self.assertRefundSettled(refund)
