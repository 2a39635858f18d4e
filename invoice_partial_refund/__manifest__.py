# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Invoice Partial Refund",
    "summary": "Refund chosen lines of a paid customer invoice: credit note, "
    "refund payment and reconciliation in one step",
    "version": "18.0.2.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/invoice-partial-refund/invoice_partial_refund",
    "author": "invoice_partial_refund authors",
    "license": "LGPL-3",
    "depends": ["account_payment", "payment_stripe"],
    "external_dependencies": {"python": ["stripe", "gocardless_pro"]},
    "data": [
        "security/invoice_partial_refund_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "data/ir_cron_manual_data.xml",
        "data/ir_cron_customer_email_data.xml",
        "data/mail_activity_type_data.xml",
        "data/mail_template_data.xml",
        "data/mail_templates_chatter.xml",
        "views/account_partial_refund_views.xml",
        "views/account_move_views.xml",
        "views/report_invoice.xml",
        "views/account_payment_views.xml",
        "views/res_config_settings_views.xml",
        "views/payment_provider_views.xml",
        "wizards/account_partial_refund_wizard_views.xml",
        "wizards/account_partial_refund_confirm_wizard_views.xml",
        "wizards/account_move_reversal_views.xml",
    ],
    "demo": [
        "demo/invoice_partial_refund_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "invoice_partial_refund/static/src/**/*",
        ],
        "web.assets_tests": [
            "invoice_partial_refund/static/tests/tours/**/*",
        ],
    },
    "pre_init_hook": "pre_init_hook",
    "installable": True,
}
