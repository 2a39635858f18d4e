/** @odoo-module **/
// Copyright 2026 The invoice_partial_refund authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

/**
 * Walks the wizard in the web client: open a paid invoice, Partial refund,
 * tick two lines (one in full, one by amount), check the breakdown, refund,
 * and see the refunded values under the invoice lines.
 * Started by tests/test_tour.py on the invoice it prepares.
 */
function selectOption(label) {
    return function () {
        const select = this.anchor;
        const option = [...select.options].find((opt) => opt.textContent.trim() === label);
        select.value = option.value;
        select.dispatchEvent(new Event("change", {bubbles: true}));
    };
}

registry.category("web_tour.tours").add("invoice_partial_refund_tour", {
    steps: () => [
        {
            content: "Open the partial refund wizard",
            trigger: "button[name=action_open_partial_refund_wizard]",
            run: "click",
        },
        {
            content: "Tick the chair line: refunded in full",
            trigger: ".modal .o_data_row:eq(0) td[name=selected] input",
            run: "click",
        },
        {
            content: "Tick the table line",
            trigger: ".modal .o_data_row:eq(1) td[name=selected] input",
            run: "click",
        },
        {
            content: "Refund the table by amount",
            trigger: ".modal .o_data_row:eq(1) td[name=refund_mode]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:eq(1) td[name=refund_mode] select",
            run: selectOption("Amount"),
        },
        {
            content: "Type the amount",
            trigger: ".modal .o_data_row:eq(1) td[name=amount] input",
            run: "edit 40",
        },
        {
            content: "Leave the line",
            trigger: ".modal div[name=reason] input",
            run: "edit Damaged on delivery",
        },
        {
            content: "The breakdown shows 200 in full plus 40",
            trigger: ".modal div[name=amount_total]:contains(240.00)",
        },
        {
            content: "Complete refund",
            trigger: ".modal button[name=action_complete]",
            run: "click",
        },
        {
            content: "Refund now",
            trigger: ".modal button[name=action_refund_now]",
            run: "click",
        },
        {
            content: "The refund is awaiting the manual transfer",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Awaiting manual refund)",
        },
        {
            content: "Back to the invoice",
            trigger: ".o_breadcrumb .breadcrumb-item:eq(1) a",
            run: "click",
        },
        {
            content: "The chair line shows its refund",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row:eq(0) .o_refunded_amount:contains(200.00)",
        },
        {
            content: "The table line shows its refund",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row:eq(1) .o_refunded_amount:contains(40.00)",
        },
        {
            content: "And the invoice says it is partially refunded",
            trigger: ".badge:contains(Partially refunded)",
        },
    ],
});
