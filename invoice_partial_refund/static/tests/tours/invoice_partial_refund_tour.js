/** @odoo-module **/
// Copyright 2026 The invoice_partial_refund authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";
import {breakdown, completeAndRefundNow, editLine, setMode, tick} from "./tour_steps";

/**
 * Walks the wizard in the web client on an invoice paid through Stripe:
 * open it, Partial refund, tick and untick lines, refund one by amount and
 * one by quantity, checking the breakdown after each change, see a line's
 * problem in full, choose to refund by hand, refund, and see the refunded
 * values on the invoice lines and totals.
 * Started by tests/test_tour.py on the invoice it prepares.
 */
registry.category("web_tour.tours").add("invoice_partial_refund_tour", {
    steps: () => [
        {
            content: "Open the partial refund wizard",
            trigger: "button[name=action_open_partial_refund_wizard]",
            run: "click",
        },
        {
            content: "Paid through Stripe: by default the money goes back through it",
            trigger: ".modal div[name=refund_via] input[data-value=gateway]:checked",
        },
        // The breakdown follows every tick and edit, in any order (chair
        // 200 + 15% tax, table 300 + 15% tax).
        tick(0),
        breakdown("230.00", "345.00"),
        {
            content: "Stripe takes the refund",
            trigger: ".modal div[name=split_html]:contains(Stripe):contains(230.00)",
        },
        tick(1),
        breakdown("575.00", "0.00"),
        tick(0),
        breakdown("345.00", "230.00"),
        ...setMode(1, "Amount"),
        ...editLine(1, "amount", "400"),
        {
            content: "The line's problem is shown in full",
            trigger: ".modal .alert-danger div[name=error_message]:contains(You cannot refund):contains(is still refundable)",
        },
        ...editLine(1, "amount", "40"),
        breakdown("46.00", "529.00"),
        {
            content: "No problem left",
            trigger: ".modal:not(:has(.alert-danger div[name=error_message]:visible))",
        },
        tick(0),
        ...setMode(0, "Quantity"),
        {
            content: "A line by quantity shows the quantity only",
            trigger: ".modal .o_data_row:eq(0):not(:has(td[name=amount] .o_field_widget)):has(td[name=refund_quantity] .o_field_widget)",
        },
        ...editLine(0, "refund_quantity", "1"),
        breakdown("161.00", "414.00"),
        {
            content: "The card was closed: refund by hand",
            trigger: ".modal div[name=refund_via] input[data-value=manual]",
            run: "click",
        },
        {
            content: "The breakdown follows: all of it through the bank",
            trigger: ".modal div[name=split_html]:not(:contains(Stripe)):contains(Bank):contains(161.00)",
        },
        {
            content: "Give a reason",
            trigger: ".modal div[name=reason] input",
            run: "edit Damaged on delivery",
        },
        breakdown("161.00", "414.00"),
        ...completeAndRefundNow(),
        {
            content: "The refund is awaiting the manual transfer",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Awaiting manual refund)",
        },
        {
            content: "Its status bar shows its own steps, not a gateway's",
            trigger: ".o_form_view .o_statusbar_status:not(:contains(Pending at gateway)):contains(Refunded)",
        },
        {
            content: "Back to the invoice",
            trigger: ".o_breadcrumb .breadcrumb-item:eq(1) a",
            run: "click",
        },
        {
            content: "The chair line shows its refund",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row:eq(0) .o_refunded_amount:contains(100.00)",
        },
        {
            content: "The table line shows its refund",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row:eq(1) .o_refunded_amount:contains(40.00)",
        },
        {
            content: "The totals show what was refunded and what is left",
            trigger: ".o_form_view div[name=partial_refunded_amount]:contains(161.00)",
        },
        {
            trigger: ".o_form_view div[name=partial_refundable_amount]:contains(414.00)",
        },
        {
            content: "And the invoice says it is partially refunded",
            trigger: ".badge:contains(Partially refunded)",
        },
        {
            content: "Odoo's Credit Note, refused while refunds stand, is not offered",
            trigger: ".o_form_view .o_form_statusbar:has(button[name=action_open_partial_refund_wizard]):not(:has(button[name=action_reverse]))",
        },
    ],
});
