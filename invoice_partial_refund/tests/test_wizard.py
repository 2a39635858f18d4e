# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PartialRefundCommon


@tagged("post_install", "-at_install")
class TestPartialRefundWizard(PartialRefundCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._create_paid_invoice(
            [
                {"name": "Chair", "price_unit": 100.0, "quantity": 2},
                {"name": "Table", "price_unit": 300.0},
                {"name": "Lamp", "price_unit": 25.0, "quantity": 4},
            ]
        )

    def _open_wizard(self, invoice=None, ticked=()):
        """The wizard's form on ``invoice`` (the class's by default), its
        lines at positions ``ticked`` selected."""
        action = (invoice or self.invoice).action_open_partial_refund_wizard()
        wizard_form = Form(
            self.env[action["res_model"]].with_context(**action["context"]),
        )
        for index in ticked:
            with wizard_form.line_ids.edit(index) as line:
                line.selected = True
        return wizard_form

    def test_no_credit_note_options_where_nothing_is_asked(self):
        """Latin America's credit note document type is asked of invoices
        whose journal uses documents only (the reversal form hides it
        otherwise): this company's wizard offers no options."""
        Reversal = self.env["account.move.reversal"]
        if "l10n_latam_document_type_id" not in Reversal._fields:
            self.skipTest("l10n_latam_invoice_document is not installed")
        self.assertIn(
            "l10n_latam_document_type_id",
            Reversal._get_partial_refund_option_fields(self.env.company),
        )
        self.assertEqual(Reversal._get_partial_refund_asked_fields(self.invoice), [])
        self.assertFalse(self._open_wizard().has_credit_note_options)

    def test_two_steps_with_breakdown(self):
        wizard_form = self._open_wizard()
        self.assertEqual(len(wizard_form.line_ids), 3)
        self.assertEqual(wizard_form.amount_basis_label, "Amounts tax excluded")
        self.assertIn(wizard_form.payment_method_line_id.journal_id, self.bank_journal)
        with wizard_form.line_ids.edit(0) as line:
            line.selected = True  # the chair line in full
        with wizard_form.line_ids.edit(2) as line:
            line.selected = True
            line.refund_mode = "amount"
            line.amount = 30.0
        with wizard_form.line_ids.edit(1) as line:
            self.assertEqual(line.refundable_amount, 300.0)
        self.assertAlmostEqual(wizard_form.amount_untaxed, 230.0)
        self.assertAlmostEqual(wizard_form.amount_tax, 34.5)
        self.assertAlmostEqual(wizard_form.amount_total, 264.5)
        self.assertAlmostEqual(wizard_form.amount_remaining, 600.0 - 230.0)
        # What stays refundable after, on the same bases as what is refunded now.
        self.assertAlmostEqual(wizard_form.remaining_untaxed, 600.0 - 230.0)
        self.assertAlmostEqual(wizard_form.remaining_tax, 90.0 - 34.5)
        self.assertAlmostEqual(wizard_form.remaining_total, 690.0 - 264.5)
        wizard_form.reason = "Broken"
        wizard_form.payment_method_line_id = (
            self.cash_journal.outbound_payment_method_line_ids[0]
        )
        wizard = wizard_form.save()

        wizard.action_complete()
        self.assertEqual(wizard.step, "summary")
        self.assertFalse(
            self.invoice.partial_refund_ids, "nothing happens before Refund now"
        )

        action = wizard.action_refund_now()
        refund = self.env["account.partial.refund"].browse(action["res_id"])
        self.assertEqual(refund.reason, "Broken")
        self.assertEqual(refund.state, "done")
        self.assertAlmostEqual(refund.amount_total, 264.5)
        self.assertRefundSettled(refund)
        chair, table, lamp = self.invoice.invoice_line_ids
        self.assertAlmostEqual(chair.refunded_amount, 200.0)
        self.assertAlmostEqual(lamp.refunded_amount, 30.0)
        self.assertAlmostEqual(table.refunded_amount, 0.0)
        self.assertAlmostEqual(self._partner_balance(), 0.0)
        # The invoice's totals say what was refunded and what is left.
        self.assertAlmostEqual(self.invoice.partial_refunded_amount, 264.5)
        self.assertAlmostEqual(self.invoice.partial_refundable_amount, 690.0 - 264.5)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "account.report_invoice_with_payments", self.invoice.ids
            )[0]
            .decode()
        )
        self.assertIn("Still refundable", html)
        self.assertIn("264.50", html)

        # Next time the wizard shows what is already refunded.
        wizard_form = self._open_wizard()
        with wizard_form.line_ids.edit(2) as line:
            self.assertAlmostEqual(line.refunded_amount, 30.0)
            self.assertAlmostEqual(line.refundable_amount, 70.0)
            line.selected = True
            line.refund_mode = "quantity"
            line.refund_quantity = 1
            self.assertAlmostEqual(line.amount_untaxed, 25.0)

    def _web_client_onchange(self, lines, previews):
        """Call the wizard's onchange as the web client does when a line of the
        new wizard changes: every line as a create command carrying every
        value of the list, computed previews included as the previous
        onchange left them."""
        Wizard = self.env["account.partial.refund.wizard"].with_context(
            default_move_id=self.invoice.id
        )
        line_spec = {
            name: {}
            for name in (
                "invoice_line_id",
                "selected",
                "refund_mode",
                "amount",
                "refund_quantity",
                "amount_untaxed",
                "amount_total",
                "error",
            )
        }
        spec = {
            "move_id": {},
            "refund_via": {},
            "payment_method_line_id": {},
            "amount_untaxed": {},
            "amount_tax": {},
            "amount_total": {},
            "remaining_total": {},
            "error_message": {},
            "line_ids": {"fields": line_spec},
        }
        values = {
            "move_id": self.invoice.id,
            "refund_via": "gateway",
            "payment_method_line_id": False,
            "amount_untaxed": 0.0,
            "amount_tax": 0.0,
            "amount_total": 0.0,
            "remaining_total": 0.0,
            "error_message": False,
            "line_ids": [
                [
                    0,
                    f"virtual_{index}",
                    {
                        "invoice_line_id": invoice_line.id,
                        "refund_mode": "full",
                        "amount": 0.0,
                        "refund_quantity": 0.0,
                        "error": False,
                        **values,
                        **dict(
                            zip(
                                ("amount_untaxed", "amount_total"), preview, strict=True
                            )
                        ),
                    },
                ]
                for index, (invoice_line, values, preview) in enumerate(
                    zip(self.invoice.invoice_line_ids, lines, previews, strict=True)
                )
            ],
        }
        return Wizard.onchange(values, ["line_ids"], spec)["value"]

    def test_breakdown_follows_each_change_of_the_web_client(self):
        # The chair line was just ticked; its preview is still the unticked one.
        result = self._web_client_onchange(
            [{"selected": True}, {}, {}], [(0.0, 0.0)] * 3
        )
        self.assertAlmostEqual(result["amount_untaxed"], 200.0)
        self.assertAlmostEqual(result["amount_total"], 230.0)
        self.assertAlmostEqual(result["remaining_total"], 690.0 - 230.0)
        chair_preview = result["line_ids"][0][2]
        self.assertAlmostEqual(chair_preview["amount_total"], 230.0)
        # Then the lamp line: the chair's preview comes back right, the lamp's not.
        result = self._web_client_onchange(
            [{"selected": True}, {}, {"selected": True}],
            [(200.0, 230.0), (0.0, 0.0), (0.0, 0.0)],
        )
        self.assertAlmostEqual(result["amount_untaxed"], 300.0)
        self.assertAlmostEqual(result["amount_total"], 345.0)
        self.assertAlmostEqual(result["remaining_total"], 690.0 - 345.0)
        # Unticked again, by amount, by quantity: each time from the request.
        result = self._web_client_onchange(
            [
                {"selected": False},
                {"selected": True, "refund_mode": "amount", "amount": 50.0},
                {"selected": True, "refund_mode": "quantity", "refund_quantity": 1},
            ],
            [(200.0, 230.0), (0.0, 0.0), (100.0, 115.0)],
        )
        self.assertAlmostEqual(result["amount_untaxed"], 75.0)
        self.assertAlmostEqual(result["amount_tax"], 11.25)
        self.assertAlmostEqual(result["amount_total"], 86.25)
        # A line's problem is shown in full.
        result = self._web_client_onchange(
            [{}, {"selected": True, "refund_mode": "amount", "amount": 400.0}, {}],
            [(0.0, 0.0)] * 3,
        )
        self.assertIn("Table", result["error_message"])
        self.assertIn("300.00", result["error_message"])

    def test_fifty_lines(self):
        invoice = self._create_paid_invoice(
            [{"name": f"Item {n}", "price_unit": 10.0} for n in range(50)]
        )
        wizard_form = self._open_wizard(invoice, ticked=(0, 25, 49))
        self.assertEqual(len(wizard_form.line_ids), 50)
        self.assertAlmostEqual(wizard_form.amount_total, 34.5)
        # The list shows them all on one page: no ticking across pages.
        view = self.env.ref(
            "invoice_partial_refund.account_partial_refund_wizard_view_form"
        )
        self.assertIn('limit="500"', view.arch_db)

    def test_errors_are_shown_and_block_completion(self):
        wizard_form = self._open_wizard()
        with wizard_form.line_ids.edit(1) as line:
            line.selected = True
            line.refund_mode = "amount"
            line.amount = 400.0
            self.assertIn("only", line.error)
        wizard = wizard_form.save()
        with self.assertRaisesRegex(UserError, "still refundable"):
            wizard.action_complete()

    def test_refund_now_refunds_once(self):
        """A second click or a request sent again on the same wizard never
        refunds twice."""
        wizard_form = self._open_wizard()
        with wizard_form.line_ids.edit(0) as line:
            line.selected = True
            line.refund_mode = "amount"
            line.amount = 10.0
        wizard = wizard_form.save()
        wizard.action_complete()
        action = wizard.action_refund_now()
        refund = self.env["account.partial.refund"].browse(action["res_id"])
        self.assertEqual(wizard.refund_id, refund)
        before = self.env["account.partial.refund"].search_count([])
        with self.assertRaisesRegex(UserError, "already made: " + refund.name):
            wizard.action_refund_now()
        self.assertEqual(self.env["account.partial.refund"].search_count([]), before)
        self.assertEqual(self.invoice.partial_refund_ids, refund)
        self.assertRefundSettled(refund)

    def test_amounts_typed_are_numbers(self):
        """NaN and infinities (JSON-RPC sends them) and numbers larger than
        the API takes are refused with a message naming the field, nothing
        written."""
        wizard = self._open_wizard().save()
        line = wizard.line_ids[0]
        for name in ("amount", "refund_quantity"):
            for value, message in (
                (float("nan"), "must be a number"),
                (float("inf"), "must be a number"),
                (float("-inf"), "must be a number"),
                (1e300, "too large: at most"),
                (-(10**16), "too large: at most"),
            ):
                with self.subTest(field=name, value=value):
                    with self.assertRaisesRegex(ValidationError, message):
                        line.write({name: value})
                    with self.assertRaisesRegex(ValidationError, message):
                        line.create(
                            {
                                "wizard_id": wizard.id,
                                "invoice_line_id": line.invoice_line_id.id,
                                name: value,
                            }
                        )
        self.assertEqual(line.amount, 0.0)
        self.assertEqual(len(wizard.line_ids), 3)

    def test_what_the_customer_paid_caps_the_breakdown(self):
        """A discount line is taken off the lines it discounts: both lines
        refund what was paid exactly. A payment difference written off
        lowers what was paid below the lines: going beyond it is shown under
        the lines and blocks Complete refund, before anything is written
        (not only at Refund now)."""
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 50.0}, {"price_unit": -30.0}]
        )
        # The discount line can never be refunded: nothing refundable on it.
        self.assertEqual(
            invoice.invoice_line_ids.mapped("refundable_amount"), [80.0, 40.0, 0.0]
        )
        wizard_form = self._open_wizard(invoice, ticked=(0, 1))
        self.assertAlmostEqual(wizard_form.amount_total, invoice.amount_total)
        self.assertFalse(wizard_form.error_message)

        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}, {"price_unit": 50.0}], pay=False
        )
        self._pay_with_write_off(invoice, 138.0)
        wizard_form = self._open_wizard(invoice, ticked=(0, 1))
        self.assertAlmostEqual(wizard_form.amount_total, 172.5)
        self.assertIn("beyond what the customer paid", wizard_form.error_message)
        self.assertIn(invoice.currency_id.format(138.0), wizard_form.error_message)
        wizard = wizard_form.save()
        with self.assertRaisesRegex(UserError, "beyond what the customer paid"):
            wizard.action_complete()
        self.assertEqual(wizard.step, "lines")
        self.assertFalse(invoice.partial_refund_ids)
        with wizard_form.line_ids.edit(1) as line:
            line.selected = False
        self.assertFalse(wizard_form.error_message)

    def test_refundable_after_is_what_the_customer_paid(self):
        """Paid 100.00 of 115.00, 15.00 written off: the breakdown's
        "refundable after" is what the customer paid, never the lines'
        115.00, before and after a refund."""
        invoice = self._create_paid_invoice([{"price_unit": 100.0}], pay=False)
        self._pay_with_write_off(invoice, 100.0)
        wizard_form = self._open_wizard(invoice)
        self.assertAlmostEqual(wizard_form.remaining_total, 100.0)
        with wizard_form.line_ids.edit(0) as line:
            line.selected = True
            line.refund_mode = "amount"
            line.amount = 40.0
        self.assertAlmostEqual(wizard_form.amount_total, 46.0)
        self.assertAlmostEqual(wizard_form.remaining_total, 54.0)
        self.assertAlmostEqual(
            wizard_form.remaining_untaxed + wizard_form.remaining_tax, 54.0
        )

    def test_nothing_selected(self):
        wizard = self._open_wizard().save()
        with self.assertRaisesRegex(UserError, "Tick at least one line"):
            wizard.action_complete()

    def test_unpaid_invoice_cannot_open_the_wizard(self):
        invoice = self._create_paid_invoice([{"price_unit": 10.0}], pay=False)
        with self.assertRaisesRegex(UserError, "is not paid"):
            invoice.action_open_partial_refund_wizard()

    def _counts(self):
        return [
            self.env[model].search_count([])
            for model in ("account.partial.refund", "account.move", "account.payment")
        ]

    def test_unpaid_invoice_or_bill_refused_by_the_wizard_itself(self):
        """Opened another way than its button (a stale tab, an action with
        the invoice in its context): the wizard refuses at once."""
        invoice = self._create_paid_invoice([{"price_unit": 10.0}], pay=False)
        bill = self.init_invoice("in_invoice", amounts=[50.0], post=True)
        Wizard = self.env["account.partial.refund.wizard"]
        for move, message in ((invoice, "is not paid"), (bill, "Only customer")):
            with (
                self.subTest(move=move.move_type),
                self.assertRaisesRegex(UserError, message),
            ):
                Wizard.with_context(default_move_id=move.id).onchange(
                    {}, [], {"move_id": {}, "amount_total": {}}
                )
            with self.assertRaisesRegex(UserError, message):
                Wizard.create({"move_id": move.id})

    def test_complete_refuses_what_refund_now_would(self):
        """The summary is shown only for a refund Refund now will make: the
        date, the reason and the way back are checked there too, in the
        wizard's words; nothing is written."""
        counts = self._counts()
        for values, message in (
            ({"date": "2018-12-31"}, "before the invoice date"),
            ({"date": "9999-12-31"}, "is after today"),
            ({"reason": "x" * 600}, "The reason is 600 characters long"),
        ):
            with self.subTest(values=values):
                wizard_form = self._open_wizard()
                with wizard_form.line_ids.edit(0) as line:
                    line.selected = True
                wizard = wizard_form.save()
                wizard.write(values)
                with self.assertRaisesRegex(UserError, message):
                    wizard.action_complete()
                self.assertEqual(wizard.step, "lines")
                # Straight to Refund now (an RPC call): the same checks.
                with self.assertRaisesRegex(UserError, message):
                    wizard.action_refund_now()
        self.assertEqual(self._counts(), counts)

    def test_payment_method_of_another_company_refused(self):
        wizard = self._open_wizard().save()
        foreign = self.setup_other_company()["default_journal_bank"]
        with self.assertRaisesRegex(ValidationError, "methods offered for"):
            wizard.payment_method_line_id = foreign.outbound_payment_method_line_ids[0]

    def test_an_invoice_line_once_and_product_lines_only(self):
        """Lines the web client never sends (a line twice, a tax line, a line
        of another invoice) are refused with what is wrong, nothing shown."""
        chair = self.invoice.invoice_line_ids[0]
        tax_line = self.invoice.line_ids.filtered("tax_line_id")[:1]
        other = self._create_paid_invoice([{"price_unit": 10.0}]).invoice_line_ids
        Wizard = self.env["account.partial.refund.wizard"].with_context(
            default_move_id=self.invoice.id
        )
        spec = {"move_id": {}, "line_ids": {"fields": {"invoice_line_id": {}}}}
        for line_ids, message in (
            ([chair.id, chair.id], "is in the refund twice"),
            ([chair.id, tax_line.id], "Only product lines of"),
            ([chair.id, other.id], "Only product lines of " + self.invoice.name),
        ):
            with (
                self.subTest(message=message),
                self.assertRaisesRegex(UserError, message),
            ):
                Wizard.onchange(
                    {
                        "move_id": self.invoice.id,
                        "line_ids": [
                            [0, f"virtual_{index}", {"invoice_line_id": line_id}]
                            for index, line_id in enumerate(line_ids)
                        ],
                    },
                    ["line_ids"],
                    spec,
                )
        # Saved (web_save's commands): a second wizard line on the chair.
        wizard = self._open_wizard().save()
        with self.assertRaisesRegex(UserError, "is in the refund twice"):
            wizard.write({"line_ids": [(0, 0, {"invoice_line_id": chair.id})]})

    def test_amount_with_more_decimals_is_refunded_as_stored(self):
        """The amount field keeps the currency's decimals: the breakdown
        shows what will be refunded, no error on a figure already rounded."""
        wizard_form = self._open_wizard()
        with wizard_form.line_ids.edit(0) as line:
            line.selected = True
            line.refund_mode = "amount"
            line.amount = 12.345
            self.assertFalse(line.error)
            self.assertAlmostEqual(line.amount_untaxed, 12.35)
        wizard = wizard_form.save()
        wizard.action_complete()
        refund = self.env["account.partial.refund"].browse(
            wizard.action_refund_now()["res_id"]
        )
        self.assertAlmostEqual(refund.amount_untaxed, 12.35)
        self.assertAlmostEqual(refund.amount_total, 14.2)
        self.assertRefundSettled(refund)
        self.assertAlmostEqual(self._partner_balance(), 0.0)

    def test_still_refundable_after_rounding_globally(self):
        """Rounding globally, the invoice's tax (0.70 on 3 × 1.11) is not its
        lines' (3 × 0.23): "still refundable after" is what the refunds will
        take, the invoice's 4.03 before any, nothing (never negative) once
        every line is ticked, and what the invoice has left after a refund."""
        self.env.company.tax_calculation_rounding_method = "round_globally"
        tax = self.env["account.tax"].create(
            {"name": "21 % global", "amount": 21.0, "type_tax_use": "sale"}
        )
        invoice = self._create_paid_invoice(
            [
                {"name": f"Pen {n}", "price_unit": 1.11, "tax_ids": tax.ids}
                for n in "ABC"
            ]
        )
        self.assertAlmostEqual(invoice.amount_tax, 0.70)

        wizard_form = self._open_wizard(invoice)
        self.assertAlmostEqual(wizard_form.remaining_untaxed, 3.33)
        self.assertAlmostEqual(wizard_form.remaining_tax, 0.70)
        self.assertAlmostEqual(wizard_form.remaining_total, 4.03)
        for index in range(3):
            with wizard_form.line_ids.edit(index) as line:
                line.selected = True
        self.assertAlmostEqual(wizard_form.amount_total, 4.03)
        for name in ("remaining_untaxed", "remaining_tax", "remaining_total"):
            self.assertAlmostEqual(wizard_form[name], 0.0, msg=name)
        refund = self._refund(invoice, [{"line_id": invoice.invoice_line_ids[0].id}])
        wizard_form = self._open_wizard(invoice)
        self.assertAlmostEqual(
            wizard_form.remaining_total, invoice.partial_refundable_amount
        )
        self.assertAlmostEqual(
            wizard_form.remaining_total, invoice.amount_total - refund.amount_total
        )
        self.assertAlmostEqual(
            wizard_form.remaining_tax, invoice.amount_tax - refund.amount_tax
        )

    def test_line_refunded_meanwhile_can_be_unticked(self):
        """Two tabs on the invoice: the chair ticked in both, refunded from
        the other first. Back in this one, the chair (nothing left of it)
        can be unticked and the rest refunded; an unticked line with
        nothing left cannot be ticked."""
        wizard_form = self._open_wizard()
        with wizard_form.line_ids.edit(0) as line:
            line.selected = True
        wizard = wizard_form.save()
        chair = self.invoice.invoice_line_ids[0]
        self._refund(self.invoice, [{"line_id": chair.id}])
        with self.assertRaisesRegex(UserError, "already fully refunded"):
            wizard.action_complete()
        wizard_form = Form(wizard)
        with wizard_form.line_ids.edit(0) as line:
            self.assertEqual(line.refundable_amount, 0.0)
            line.selected = False
        with wizard_form.line_ids.edit(0) as line:
            with self.assertRaises(AssertionError):  # read-only now
                line.selected = True
        with wizard_form.line_ids.edit(1) as line:
            line.selected = True
        wizard = wizard_form.save()
        wizard.action_complete()
        wizard.action_refund_now()
        self.assertEqual(wizard.refund_id.line_ids.invoice_line_id.name, "Table")
        self.assertRefundSettled(wizard.refund_id)
