# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The credit notes go through Odoo's reversal: on the charts of several
countries (those of Odoo's tree that have taxes), an invoice refunded partly
then fully gives credit notes that post and together book what Odoo's own
credit note of an identical invoice books (per account, tax and tax grid),
with the same localization fields.

Each chart needs its ``l10n_*`` module installed in the test database; the
class of a chart whose module is missing is skipped (see
``AccountTestInvoicingCommon._use_chart_template``).
"""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..wizards.account_move_reversal import _is_for_country
from .common import PartialRefundCommon

#: Localization fields of a credit note that differ between two credit notes
#: by nature: their numbers, e-invoicing states and files.
UNIQUE_FIELD_WORDS = (
    "number",
    "name",
    "sequence",
    "attachment",
    "state",
    "hash",
    "uuid",
    "xml",
    "qr",
    "cae",
    "edi",
    "message",
)


def setup_argentina(env, company_data):
    """What Argentinian invoices need (AFIP data of the company and the
    customer, a sale journal using documents); returns the customer."""
    company_data["company"].write({"l10n_ar_afip_start_date": "2018-01-01"})
    responsibility = env.ref("l10n_ar.res_IVARI").id
    cuit = env.ref("l10n_ar.it_cuit").id
    company_data["company"].partner_id.write(
        {
            "l10n_ar_afip_responsibility_type_id": responsibility,
            "l10n_latam_identification_type_id": cuit,
            "vat": "30111111118",
        }
    )
    company_data["default_journal_sale"].write(
        {"l10n_ar_afip_pos_number": 1, "l10n_latam_use_documents": True}
    )
    return env["res.partner"].create(
        {
            "name": "ADHOC SA",
            "is_company": True,
            "country_id": env.ref("base.ar").id,
            "l10n_ar_afip_responsibility_type_id": responsibility,
            "l10n_latam_identification_type_id": cuit,
            "vat": "30714295698",
        }
    )


class LocalizationCases:
    """Tests run on the chart of each class below."""

    #: a month later than the invoice (Argentina: a refund in a later month)
    refund_months_later = 0

    @classmethod
    def _setup_localization(cls):
        """Hook: what the chart's invoices need (partners' tax ids, …); by
        default the common partner as it is."""
        cls.partner = cls.partner_a

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_localization()
        cls.refund_date = fields.Date.from_string("2019-01-20") + relativedelta(
            months=cls.refund_months_later
        )

    def _lines(self):
        tax = self.company_data["default_tax_sale"]
        return [
            {"price_unit": 99.99, "quantity": 3, "tax_ids": tax.ids},
            {"price_unit": 12.12, "quantity": 12.12, "tax_ids": tax.ids},
            {"price_unit": 0.99, "quantity": 7, "discount": 10, "tax_ids": tax.ids},
        ]

    def _localization_fields(self, move):
        return {
            name: move[name]
            for name, field in move._fields.items()
            if name.startswith("l10n_")
            and field.store
            and field.type not in ("one2many", "many2many", "binary")
            and not any(word in name for word in UNIQUE_FIELD_WORDS)
        }

    def test_partly_then_fully(self):
        self.assertTrue(self.company_data["default_tax_sale"], "the chart has a tax")
        _invoice, refunds, odoo_credit_note = self._refund_partly_then_fully(
            self._lines(), partner=self.partner
        )
        for credit_note in refunds.credit_note_id:
            self.assertEqual(credit_note.date, self.refund_date)
            self.assertEqual(credit_note.journal_id, odoo_credit_note.journal_id)
            self.assertEqual(
                self._localization_fields(credit_note),
                self._localization_fields(odoo_credit_note),
            )


@tagged("post_install", "-at_install")
class TestBelgium(LocalizationCases, PartialRefundCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("be_comp")
    def setUpClass(cls):
        super().setUpClass()


@tagged("post_install", "-at_install")
class TestGermany(LocalizationCases, PartialRefundCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("de_skr03")
    def setUpClass(cls):
        super().setUpClass()


@tagged("post_install", "-at_install")
class TestFrance(LocalizationCases, PartialRefundCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("fr")
    def setUpClass(cls):
        super().setUpClass()


@tagged("post_install", "-at_install")
class TestSpain(LocalizationCases, PartialRefundCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("es_pymes")
    def setUpClass(cls):
        super().setUpClass()

    def test_facturae_reason_code_as_odoo_sets_it(self):
        """Facturae's reason code is set by its reversal wizard's
        ``reverse_moves``, after the credit note is made: a module's hook
        beyond the defaults, run for a partial refund too."""
        if "l10n_es_edi_facturae_reason_code" not in self.env["account.move"]:
            self.skipTest("l10n_es_edi_facturae is not installed")
        invoice = self._create_paid_invoice(self._lines(), partner=self.partner)
        line = invoice.invoice_line_ids[0]
        for values, code in (
            (None, "10"),
            ({"l10n_es_edi_facturae_reason_code": "01"}, "01"),
            # False: the option left out, Odoo's default as without it.
            ({"l10n_es_edi_facturae_reason_code": False}, "10"),
        ):
            with self.subTest(reversal_values=values):
                refund = self._refund(
                    invoice,
                    [{"line_id": line.id, "amount": 10.0}],
                    reversal_values=values,
                )
                self.assertEqual(
                    refund.credit_note_id.l10n_es_edi_facturae_reason_code, code
                )
                self.assertRefundSettled(refund)


@tagged("post_install", "-at_install")
class TestItaly(LocalizationCases, PartialRefundCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("it")
    def setUpClass(cls):
        super().setUpClass()


@tagged("post_install", "-at_install")
class TestMexico(LocalizationCases, PartialRefundCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("mx")
    def setUpClass(cls):
        super().setUpClass()


@tagged("post_install", "-at_install")
class TestIndia(LocalizationCases, PartialRefundCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("in")
    def setUpClass(cls):
        super().setUpClass()

    @classmethod
    def _setup_localization(cls):
        company = cls.company_data["company"]
        company.write(
            {"state_id": cls.env.ref("base.state_in_gj").id, "vat": "24AAGCC7144L6ZE"}
        )
        cls.partner = cls.partner_a
        cls.partner.write(
            {
                "country_id": cls.env.ref("base.in").id,
                "state_id": cls.env.ref("base.state_in_gj").id,
                "vat": "24ABCPM8965E1ZE",
                "l10n_in_gst_treatment": "regular",
            }
        )


@tagged("post_install", "-at_install")
class TestArgentina(LocalizationCases, PartialRefundCommon):
    """Refunded a month after the invoice; the credit note takes the
    document type Odoo's reversal gives (a credit note of the invoice's
    letter) and the service dates of the invoice."""

    refund_months_later = 1

    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("ar_ri")
    def setUpClass(cls):
        super().setUpClass()

    @classmethod
    def _setup_localization(cls):
        cls.partner = setup_argentina(cls.env, cls.company_data)

    def _offered_credit_note_types(self, invoice):
        """The credit note types Odoo's reversal wizard offers for
        ``invoice``: those of its letter that its journal's documents use."""
        reversal = self.env["account.move.reversal"]._new_for_partial_refund(invoice)
        return reversal.l10n_latam_available_document_type_ids._origin.filtered(
            lambda document_type: document_type.internal_type == "credit_note"
        )

    def test_document_type_passed_to_the_reversal(self):
        """What Odoo's reversal wizard asks (the document type) is given with
        ``reversal_values``."""
        invoice = self._create_paid_invoice(self._lines(), partner=self.partner)
        credit_types = self._offered_credit_note_types(invoice)
        self.assertGreater(len(credit_types), 1)
        chosen = credit_types[-1]
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids[0].id, "amount": 10.0}],
            reversal_values={"l10n_latam_document_type_id": chosen.id},
        )
        self.assertEqual(refund.credit_note_id.l10n_latam_document_type_id, chosen)
        self.assertRefundSettled(refund)

    def test_document_type_outside_the_choices_is_refused(self):
        """A document type the reversal wizard would not offer for the
        invoice (an invoice's type, another letter's credit note, another
        country's) is refused with ``reversal_values`` as in the form,
        nothing written; one it offers is taken."""
        invoice = self._create_paid_invoice(self._lines(), partner=self.partner)
        Reversal = self.env["account.move.reversal"]
        offered = Reversal._new_for_partial_refund(
            invoice
        ).l10n_latam_available_document_type_ids._origin
        self.assertTrue(offered)
        DocumentType = self.env["l10n_latam.document.type"]
        outside = (
            invoice.l10n_latam_document_type_id,
            DocumentType.search(
                [
                    ("internal_type", "=", "credit_note"),
                    ("country_id.code", "=", "AR"),
                    ("id", "not in", offered.ids),
                ],
                limit=1,
            ),
            DocumentType.search([("country_id.code", "!=", "AR")], limit=1),
        )
        line = invoice.invoice_line_ids[0]
        before = self._counts(invoice)
        for document_type in outside:
            if not document_type:
                continue
            self.assertNotIn(document_type, offered)
            with (
                self.subTest(document_type=document_type.display_name),
                self.assertRaisesRegex(UserError, "one of the choices the credit"),
            ):
                self._refund(
                    invoice,
                    [{"line_id": line.id, "amount": 10.0}],
                    reversal_values={"l10n_latam_document_type_id": document_type.id},
                )
        self.assertEqual(self._counts(invoice), before)
        refund = self._refund(
            invoice,
            [{"line_id": line.id, "amount": 10.0}],
            reversal_values={"l10n_latam_document_type_id": offered[-1].id},
        )
        self.assertEqual(refund.credit_note_id.l10n_latam_document_type_id, offered[-1])
        self.assertRefundSettled(refund)

    def test_wizard_offers_what_the_reversal_wizard_asks(self):
        """The partial refund wizard offers the credit note options of Odoo's
        reversal wizard (here the document type), in that wizard's form as
        the localization extends it; the credit note takes them."""
        invoice = self._create_paid_invoice(self._lines(), partner=self.partner)
        credit_types = self._offered_credit_note_types(invoice)
        wizard = self.env["account.partial.refund.wizard"].create(
            {"move_id": invoice.id}
        )
        self.assertTrue(wizard.has_credit_note_options)
        self.assertIn(
            "l10n_latam_document_type_id",
            self.env["account.move.reversal"]._get_partial_refund_asked_fields(invoice),
        )
        action = wizard.action_open_credit_note_options()
        Reversal = self.env[action["res_model"]]
        reversal = Reversal.browse(action["res_id"])
        arch = Reversal.get_views(action["views"])["views"]["form"]["arch"]
        self.assertIn('name="l10n_latam_document_type_id"', arch)
        self.assertIn('name="action_back_to_partial_refund"', arch)
        self.assertNotIn('name="refund_moves"', arch, "it reverses nothing itself")
        # Odoo's default, as its own credit note takes it.
        default_type = reversal.l10n_latam_document_type_id
        self.assertIn(default_type, credit_types)
        chosen = (credit_types - default_type)[:1]
        self.assertTrue(chosen, "another credit note type of the invoice's letter")
        with Form(reversal, view=action["views"][0][0]) as reversal_form:
            reversal_form.l10n_latam_document_type_id = chosen
        back = reversal.action_back_to_partial_refund()
        self.assertEqual((back["res_model"], back["res_id"]), (wizard._name, wizard.id))
        self.assertEqual(
            wizard.action_open_credit_note_options()["res_id"],
            reversal.id,
            "opened again: the options set",
        )
        wizard.line_ids[0].write(
            {"selected": True, "refund_mode": "amount", "amount": 10.0}
        )
        wizard.action_complete()
        refund = self.env["account.partial.refund"].browse(
            wizard.action_refund_now()["res_id"]
        )
        self.assertEqual(refund.credit_note_id.l10n_latam_document_type_id, chosen)
        self.assertAlmostEqual(refund.credit_note_id.amount_untaxed, 10.0)
        self.assertRefundSettled(refund)

    def test_options_of_other_countries_are_not_offered(self):
        """The options are the fields other modules add to Odoo's reversal
        wizard for the user to set; a module of other countries (by its
        manifest's ``countries``, or a localization's name) offers none."""
        names = self.env["account.move.reversal"]._get_partial_refund_option_fields(
            self.env.company
        )
        self.assertIn("l10n_latam_document_type_id", names)
        self.assertIn("l10n_latam_document_number", names)
        self.assertNotIn("reason", names, "the refund's own")
        self.assertNotIn("l10n_latam_use_documents", names, "computed, not asked")
        self.assertFalse(_is_for_country("l10n_br", "ar"), "manifest: Brazil")
        self.assertTrue(_is_for_country("l10n_br", "br"))
        self.assertFalse(_is_for_country("l10n_es_edi_tbai", "ar"), "name: Spain")
        self.assertTrue(_is_for_country("l10n_es_edi_tbai", "es"))
        self.assertTrue(_is_for_country("l10n_latam_invoice_document", "be"))
        self.assertTrue(_is_for_country("sale", "ar"))


@tagged("post_install", "-at_install")
class TestNetherlands(LocalizationCases, PartialRefundCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("nl")
    def setUpClass(cls):
        super().setUpClass()


@tagged("post_install", "-at_install")
class TestSwitzerland(LocalizationCases, PartialRefundCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("ch")
    def setUpClass(cls):
        super().setUpClass()


@tagged("post_install", "-at_install")
class TestUnitedKingdom(LocalizationCases, PartialRefundCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("uk")
    def setUpClass(cls):
        super().setUpClass()


@tagged("post_install", "-at_install")
class TestAustralia(LocalizationCases, PartialRefundCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("au")
    def setUpClass(cls):
        super().setUpClass()


@tagged("post_install", "-at_install")
class TestBrazil(LocalizationCases, PartialRefundCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("br")
    def setUpClass(cls):
        super().setUpClass()
