# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Invoice Partial Refund - Sale",
    "summary": "Sale orders count the discounts and down payments of an invoice "
    "whose partial refunds gave back all as given back",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/invoice-partial-refund/invoice_partial_refund",
    "author": "invoice_partial_refund authors",
    "license": "LGPL-3",
    "depends": ["sale", "invoice_partial_refund"],
    "auto_install": True,
    "installable": True,
}
