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
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

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
        company = cls.company_data["company"]
        company.write({"l10n_ar_afip_start_date": "2018-01-01"})
        company.partner_id.write(
            {
                "l10n_ar_afip_responsibility_type_id": cls.env.ref(
                    "l10n_ar.res_IVARI"
                ).id,
                "l10n_latam_identification_type_id": cls.env.ref("l10n_ar.it_cuit").id,
                "vat": "30111111118",
            }
        )
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "ADHOC SA",
                "is_company": True,
                "country_id": cls.env.ref("base.ar").id,
                "l10n_ar_afip_responsibility_type_id": cls.env.ref(
                    "l10n_ar.res_IVARI"
                ).id,
                "l10n_latam_identification_type_id": cls.env.ref("l10n_ar.it_cuit").id,
                "vat": "30714295698",
            }
        )
        cls.company_data["default_journal_sale"].write(
            {"l10n_ar_afip_pos_number": 1, "l10n_latam_use_documents": True}
        )

    def test_document_type_passed_to_the_reversal(self):
        """What Odoo's reversal wizard asks (the document type) is given with
        ``reversal_values``."""
        invoice = self._create_paid_invoice(self._lines(), partner=self.partner)
        debit_note_type = invoice.l10n_latam_document_type_id
        credit_types = self.env["l10n_latam.document.type"].search(
            [
                ("internal_type", "=", "credit_note"),
                ("country_id.code", "=", "AR"),
                ("l10n_ar_letter", "=", debit_note_type.l10n_ar_letter),
            ]
        )
        self.assertTrue(credit_types)
        chosen = credit_types[-1]
        refund = self._refund(
            invoice,
            [{"line_id": invoice.invoice_line_ids[0].id, "amount": 10.0}],
            reversal_values={"l10n_latam_document_type_id": chosen.id},
        )
        self.assertEqual(refund.credit_note_id.l10n_latam_document_type_id, chosen)
        self.assertRefundSettled(refund)


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
