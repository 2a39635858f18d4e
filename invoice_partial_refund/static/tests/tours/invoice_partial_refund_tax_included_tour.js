/** @odoo-module **/
// Copyright 2026 The invoice_partial_refund authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";
import {breakdown, completeAndRefundNow, editLine, setMode, tick} from "./tour_steps";

/**
 * The wizard of a company that shows its amounts tax included: the amount
 * typed in the "Amount (Incl.)" column is the total refunded, in the
 * breakdown as in the books. Started by tests/test_tour.py
 * (TestTaxIncludedTour) on an invoice of a chair (2 x 100) and a table
 * (300), 15 % tax included in the prices.
 */
registry.category("web_tour.tours").add("invoice_partial_refund_tax_included_tour", {
    steps: () => [
        {
            content: "Open the partial refund wizard",
            trigger: "button[name=action_open_partial_refund_wizard]",
            run: "click",
        },
        {
            content: "Amounts are typed tax included",
            trigger: ".modal:contains(Amounts tax included)",
        },
        tick(1),
        breakdown("300.00", "200.00"),
        ...setMode(1, "Amount"),
        {
            content: "The amount column says it is tax included",
            trigger: ".modal th:contains(Amount (Incl.))",
        },
        ...editLine(1, "amount", "400"),
        {
            content: "More than the table's 300.00: the problem is shown",
            trigger: ".modal .alert-danger div[name=error_message]:contains(You cannot refund):contains(300.00)",
        },
        ...editLine(1, "amount", "115"),
        breakdown("115.00", "385.00"),
        {
            content: "No problem left",
            trigger: ".modal:not(:has(.alert-danger div[name=error_message]:visible))",
        },
        ...completeAndRefundNow(),
        {
            content: "The refund opens",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current",
        },
    ],
});
