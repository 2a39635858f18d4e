/** @odoo-module **/
// Copyright 2026 The invoice_partial_refund authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";
import {breakdown, completeAndRefundNow, editLine, setMode, tick} from "./tour_steps";

/**
 * The review's tours (started by tests/test_tours_more.py): a second refund
 * after a first, a foreign currency invoice, cancelling and confirming a
 * refund from its form, a user without the refund group, the menus.
 */

const tours = registry.category("web_tour.tours");

function openWizard() {
    return {
        content: "Open the partial refund wizard",
        trigger: "button[name=action_open_partial_refund_wizard]",
        run: "click",
    };
}

function lineRefunded(row, amount) {
    return {
        content: `Invoice line ${row + 1} shows ${amount} refunded`,
        trigger: `.o_field_widget[name=invoice_line_ids] .o_data_row:eq(${row}) .o_refunded_amount:contains(${amount})`,
    };
}

function backToInvoice() {
    return {
        content: "Back to the invoice",
        trigger: ".o_breadcrumb .breadcrumb-item:eq(1) a",
        run: "click",
    };
}

function refundOpens() {
    return {
        content: "The refund opens",
        trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current",
    };
}

// Chair (2 x 100) and table (300), 15 % tax; the table refunded in full
// before: offered no more, the chair refunded by quantity now.
tours.add("ipr_second_refund_tour", {
    steps: () => [
        lineRefunded(1, "300.00"),
        {
            content: "The chair was not refunded: nothing under it",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row:eq(0):not(:has(.o_refunded_amount))",
        },
        openWizard(),
        {
            content: "The table cannot be ticked again",
            trigger: ".modal .o_data_row:eq(1) td[name=selected].o_readonly_modifier",
        },
        {
            content: "Nothing refundable on the table",
            trigger: ".modal .o_data_row:eq(1) td[name=refundable_amount]:contains(0.00)",
        },
        {
            content: "Its mode cannot be changed",
            trigger: ".modal .o_data_row:eq(1) td[name=refund_mode].o_readonly_modifier",
        },
        tick(0),
        breakdown("230.00", "0.00"),
        ...setMode(0, "Quantity"),
        ...editLine(0, "refund_quantity", "1"),
        breakdown("115.00", "115.00"),
        {
            content: "Untaxed and tax of the breakdown",
            trigger: ".modal table.o_partial_refund_breakdown:has(div[name=amount_untaxed]:contains(100.00)):has(div[name=amount_tax]:contains(15.00)):has(div[name=remaining_untaxed]:contains(100.00)):has(div[name=remaining_tax]:contains(15.00))",
        },
        ...completeAndRefundNow(),
        refundOpens(),
        backToInvoice(),
        lineRefunded(0, "100.00"),
        lineRefunded(1, "300.00"),
        {
            content: "The totals show what was refunded and what is left",
            trigger: ".o_form_view div[name=partial_refunded_amount]:contains(460.00)",
        },
        {
            trigger: ".o_form_view div[name=partial_refundable_amount]:contains(115.00)",
        },
    ],
});

// A chair (1 x 100 in the foreign currency, 15 % tax) refunded by 40.
tours.add("ipr_currency_tour", {
    steps: () => [
        openWizard(),
        tick(0),
        ...setMode(0, "Amount"),
        ...editLine(0, "amount", "40"),
        {
            content: "The breakdown, in the invoice's currency",
            trigger: ".modal table.o_partial_refund_breakdown:has(div[name=amount_untaxed]:contains(40.00)):has(div[name=amount_tax]:contains(6.00)):has(div[name=amount_total]:contains(46.00)):has(div[name=remaining_total]:contains(69.00))",
        },
        {
            content: "No problem",
            trigger: ".modal:not(:has(.alert-danger div[name=error_message]:visible))",
        },
        ...completeAndRefundNow(),
        refundOpens(),
        {
            content: "The refund's total, in the invoice's currency",
            trigger: ".o_form_view .oe_subtotal_footer div[name=amount_total]:contains(46.00)",
        },
        backToInvoice(),
        lineRefunded(0, "40.00"),
        {
            trigger: ".o_form_view div[name=partial_refundable_amount]:contains(69.00)",
        },
    ],
});

// A manual refund's form: Cancel refund, confirmed.
tours.add("ipr_cancel_tour", {
    steps: () => [
        {
            content: "Cancel refund",
            trigger: ".o_form_view .o_form_statusbar button[name=action_cancel_refund]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The refund is cancelled",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Cancelled)",
        },
        {
            content: "Nothing more to do on it",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_cancel_refund])):not(:has(button[name=action_open_confirm_wizard]))",
        },
    ],
});

// A manual refund's form: Mark as refunded.
tours.add("ipr_confirm_tour", {
    steps: () => [
        {
            content: "Awaiting the manual refund",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Awaiting manual refund)",
        },
        {
            content: "Mark as refunded",
            trigger: ".o_form_view .o_form_statusbar button[name=action_open_confirm_wizard]",
            run: "click",
        },
        {
            content: "The amount to send is shown, read-only",
            trigger: ".modal div[name=amount]:contains(115.00):not(:has(input))",
        },
        {
            content: "The transfer reference",
            trigger: ".modal div[name=reference] input",
            run: "edit TRF-0042",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The refund is done",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Refunded)",
        },
        {
            content: "No Mark as refunded any more",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_open_confirm_wizard]))",
        },
        {
            content: "The reference is shown",
            trigger: ".o_form_view div[name=manual_refund_reference]:contains(TRF-0042)",
        },
    ],
});

// A billing user without the refund group, on a paid invoice.
tours.add("ipr_no_group_tour", {
    steps: () => [
        {
            content: "The invoice is open",
            trigger: ".o_form_view .o_form_statusbar .o_statusbar_status",
        },
        {
            content: "No Partial refund button",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_open_partial_refund_wizard]))",
        },
        {
            content: "The refund made by another is shown: open it",
            trigger: ".o_form_view button[name=action_view_partial_refunds]",
            run: "click",
        },
        {
            content: "The refund opens, awaiting its manual refund",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Awaiting manual refund)",
        },
        {
            content: "Neither Mark as refunded nor Cancel refund offered",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_cancel_refund])):not(:has(button[name=action_open_confirm_wizard]))",
        },
        {
            content: "Its credit note",
            trigger: ".o_form_view button[name=action_open_credit_note]",
            run: "click",
        },
        {
            content: "The credit note opens",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Posted)",
        },
    ],
});

// The refunds menu: list, search, pivot, graph, a refund and its credit note.
tours.add("ipr_menus_tour", {
    steps: () => [
        {
            content: "The refunds list",
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "Filter the refunds awaiting a manual refund",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_filter_menu .dropdown-item:contains(Awaiting manual refund)",
            run: "click",
        },
        {
            content: "One refund awaits",
            trigger: ".o_list_view:has(.o_data_row:eq(0)):not(:has(.o_data_row:eq(1)))",
        },
        {
            content: "Pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            trigger: ".o_pivot_view .o_pivot table",
        },
        {
            content: "Graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            trigger: ".o_graph_view canvas",
        },
        {
            content: "Kanban",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The refund awaiting its manual refund, as a card",
            trigger: ".o_kanban_view .o_kanban_record:contains(RFND/):contains(Awaiting manual refund)",
        },
        {
            content: "Back to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open the refund",
            trigger: ".o_list_view .o_data_row:eq(0) td[name=name]",
            run: "click",
        },
        {
            content: "Its credit note",
            trigger: ".o_form_view button[name=action_open_credit_note]",
            run: "click",
        },
        {
            content: "The credit note opens",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Posted)",
        },
    ],
});

// Complete refund, then Back: the lines as they were, then refund them.
tours.add("ipr_back_tour", {
    steps: () => [
        openWizard(),
        tick(1),
        ...setMode(1, "Amount"),
        ...editLine(1, "amount", "40"),
        breakdown("46.00", "529.00"),
        {
            content: "Complete refund",
            trigger: ".modal button[name=action_complete]",
            run: "click",
        },
        {
            content: "The summary: the lines cannot be edited",
            trigger: ".modal button[name=action_refund_now]",
        },
        {
            content: "Click the amount",
            trigger: ".modal .o_data_row:eq(1) td[name=amount]",
            run: "click",
        },
        {
            content: "It is not edited",
            trigger: ".modal .o_data_row:eq(1) td[name=amount]:not(:has(input)):contains(40.00)",
        },
        breakdown("46.00", "529.00"),
        {
            content: "Back",
            trigger: ".modal button[name=action_back]",
            run: "click",
        },
        {
            content: "The lines as they were",
            trigger: ".modal button[name=action_complete]",
        },
        {
            trigger: ".modal .o_data_row:eq(1) td[name=amount]:not(.o_readonly_modifier):contains(40.00)",
        },
        breakdown("46.00", "529.00"),
        ...completeAndRefundNow(),
        refundOpens(),
    ],
});

// The entries of a refund: no Reset to Draft nor Cancel offered (refused).
tours.add("ipr_entry_buttons_tour", {
    steps: () => [
        {
            content: "The entry is open",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current",
        },
        {
            content: "Neither Reset to Draft nor Cancel",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=button_draft])):not(:has(button[name=action_draft])):not(:has(button[name=button_cancel])):not(:has(button[name=action_cancel])):not(:has(button[name=action_reject]))",
        },
    ],
});

/**
 * Refund the invoice's first line by an amount typed in the wizard: the
 * breakdown's untaxed, tax and total, what stays refundable, then what the
 * invoice line shows under its amount.
 */
function amountTour(typed, untaxed, tax, total, after, shown) {
    return {
        steps: () => [
            openWizard(),
            tick(0),
            ...setMode(0, "Amount"),
            ...editLine(0, "amount", typed),
            {
                content: `The breakdown: ${untaxed} + ${tax} = ${total}, ${after} after`,
                trigger: `.modal table.o_partial_refund_breakdown:has(div[name=amount_untaxed]:contains(${untaxed})):has(div[name=amount_tax]:contains(${tax})):has(div[name=amount_total]:contains(${total})):has(div[name=remaining_total]:contains(${after}))`,
            },
            {
                content: "No problem",
                trigger: ".modal:not(:has(.alert-danger div[name=error_message]:visible))",
            },
            ...completeAndRefundNow(),
            refundOpens(),
            backToInvoice(),
            lineRefunded(0, shown),
        ],
    };
}

// 100 (115 tax included), shown tax excluded: 50 typed.
tours.add("ipr_included_tax_excluded_display_tour", amountTour("50", "50.00", "7.50", "57.50", "57.50", "50.00"));
// 100 + 15 %, shown tax included: 57.50 typed.
tours.add("ipr_excluded_tax_included_display_tour", amountTour("57.50", "50.00", "7.50", "57.50", "57.50", "57.50"));
// Chair 2 x 100 + 15 %, 1 refunded before: 50 more typed.
tours.add("ipr_second_amount_tour", amountTour("50", "50.00", "7.50", "57.50", "402.50", "150.00"));

function refused(text) {
    return [
        {
            content: "Complete refund",
            trigger: ".modal button[name=action_complete]",
            run: "click",
        },
        {
            content: `Refused: ${text}`,
            trigger: `.modal:not(:has(.o_error_detail)):contains(${text}) .modal-footer .o-default-button`,
            run: "click",
        },
        {
            content: "Back in the wizard, still at its lines",
            trigger: ".modal button[name=action_complete]",
        },
    ];
}

function lineProblem(text) {
    return {
        content: `The line's problem is shown: ${text}`,
        trigger: `.modal .alert-danger div[name=error_message]:visible:contains(${text})`,
    };
}

// Wrong inputs: each refused in words, nothing refunded.
tours.add("ipr_errors_tour", {
    steps: () => [
        openWizard(),
        ...refused("Tick at least one line"),
        tick(0),
        ...setMode(0, "Quantity"),
        ...editLine(0, "refund_quantity", "3"),
        lineProblem("You cannot refund a quantity"),
        ...refused("You cannot refund"),
        ...editLine(0, "refund_quantity", "-1"),
        lineProblem("quantity to refund on"),
        ...setMode(0, "Amount"),
        ...editLine(0, "amount", "-5"),
        lineProblem("amount to refund on"),
        ...editLine(0, "amount", "500"),
        lineProblem("You cannot refund an amount of"),
        ...setMode(0, "Quantity"),
        ...editLine(0, "refund_quantity", "0"),
        lineProblem("quantity to refund on"),
        ...setMode(0, "Amount"),
        ...editLine(0, "amount", "50"),
        {
            content: "No problem left",
            trigger: ".modal:not(:has(.alert-danger div[name=error_message]:visible))",
        },
        breakdown("57.50", "517.50"),
        {
            content: "A date before the invoice's",
            trigger: ".modal div[name=date] input",
            run: "edit 12/01/2018",
        },
        {
            content: "Leave the date",
            trigger: ".modal div[name=reason] input",
            run: "click",
        },
        {
            content: "Complete refund",
            trigger: ".modal button[name=action_complete]",
            run: "click",
        },
        {
            content: "Refused in words",
            trigger: ".modal:not(:has(.o_error_detail)):contains(2019) .modal-footer .o-default-button",
            run: "click",
        },
        {
            content: "Give up",
            trigger: ".modal button.btn-secondary:contains(Cancel)",
            run: "click",
        },
        {
            content: "The invoice, untouched",
            trigger: ".o_form_view:not(:has(.modal)) .o_form_statusbar button[name=action_open_partial_refund_wizard]",
        },
    ],
});

// A saved draft invoice edited (a line at no quantity, another at no
// price, a 100 % discount) and confirmed: the refunded values under the
// line amounts compute on it without a problem.
tours.add("ipr_draft_edit_tour", {
    steps: () => [
        {
            content: "A draft",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Draft)",
        },
        {
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row:eq(0) td[name=quantity]",
            run: "click",
        },
        {
            content: "No quantity",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row:eq(0) td[name=quantity] input",
            run: "edit 0",
        },
        {
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row:eq(1) td[name=price_unit]",
            run: "click",
        },
        {
            content: "No price",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row:eq(1) td[name=price_unit] input",
            run: "edit 0",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "Confirm",
            trigger: ".o_form_view .o_form_statusbar button[name=action_post]:not(:disabled)",
            run: "click",
        },
        {
            content: "Posted, no refunded value under the lines",
            trigger: ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current:contains(Posted)):not(:has(.o_refunded_amount))",
        },
    ],
});

// An invoice refunded twice: its smart buttons list its refunds and
// credit notes; the invoices list filters the refunded ones.
tours.add("ipr_smart_buttons_tour", {
    steps: () => [
        {
            content: "Its credit notes",
            trigger: ".o_form_view button[name=action_view_partial_refund_credit_notes]:contains(2)",
            run: "click",
        },
        {
            content: "Both listed",
            trigger: ".o_list_view:has(.o_data_row:eq(1)):not(:has(.o_data_row:eq(2)))",
        },
        {
            content: "Open one",
            trigger: ".o_list_view .o_data_row:eq(0) td[name=name]",
            run: "click",
        },
        {
            content: "A posted credit note",
            trigger: ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current:contains(Posted)):contains(Credit Note)",
        },
        {
            content: "Back to the invoice",
            trigger: ".o_breadcrumb .breadcrumb-item:eq(1) a",
            run: "click",
        },
        {
            content: "Its refunds",
            trigger: ".o_form_view button[name=action_view_partial_refunds]:contains(2)",
            run: "click",
        },
        {
            content: "Both listed",
            trigger: ".o_list_view:has(.o_data_row:eq(1)):not(:has(.o_data_row:eq(2)))",
        },
    ],
});

// 3 x 9.99, 21 % included, two units refunded before: the last one by
// quantity takes what is left to the cent.
tours.add("ipr_last_unit_tour", {
    steps: () => [
        openWizard(),
        tick(0),
        ...setMode(0, "Quantity"),
        ...editLine(0, "refund_quantity", "1"),
        {
            content: "The breakdown: what is left, to the cent",
            trigger: ".modal table.o_partial_refund_breakdown:has(div[name=amount_untaxed]:contains(8.25)):has(div[name=amount_tax]:contains(1.74)):has(div[name=amount_total]:contains(9.99)):has(div[name=remaining_total]:contains(0.00))",
        },
        ...completeAndRefundNow(),
        refundOpens(),
        backToInvoice(),
        lineRefunded(0, "29.97"),
        {
            content: "Refunded",
            trigger: ".badge:contains(Refunded)",
        },
    ],
});

// The credit notes list names the refund of each credit note a refund
// made; the credit note opens its refund.
tours.add("ipr_credit_note_link_tour", {
    steps: () => [
        {
            content: "The credit notes list shows the refund",
            trigger: ".o_list_view .o_data_row:eq(0) td[name=partial_refund_id]:contains(RFND/)",
        },
        {
            content: "Open the credit note",
            trigger: ".o_list_view .o_data_row:eq(0) td[name=name]",
            run: "click",
        },
        {
            content: "It opens its refund",
            trigger: ".o_form_view button[name=action_open_partial_refund]",
            run: "click",
        },
        {
            content: "The refund, to cancel it there",
            trigger: ".o_form_view:has(h1:contains(RFND/)) .o_form_statusbar button[name=action_cancel_refund]",
        },
    ],
});

// Paid through Stripe: the table refunded through it. The refund waits
// for the gateway: nothing to mark as refunded nor to cancel in Odoo.
tours.add("ipr_gateway_tour", {
    steps: () => [
        openWizard(),
        tick(1),
        {
            content: "Stripe takes the refund",
            trigger: ".modal div[name=split_html]:contains(Stripe):contains(345.00)",
        },
        ...completeAndRefundNow(),
        {
            content: "The refund waits for Stripe",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:not(:contains(Refunded)):not(:contains(Awaiting manual refund))",
        },
        {
            content: "Its Stripe share is listed",
            trigger: ".o_form_view div[name=gateway_ids] .o_data_row:contains(345.00)",
        },
        {
            content: "Neither Mark as refunded nor Cancel refund",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_cancel_refund])):not(:has(button[name=action_open_confirm_wizard]))",
        },
        backToInvoice(),
        lineRefunded(1, "300.00"),
    ],
});

// The first line refunded in full, as it comes.
tours.add("ipr_simple_tour", {
    steps: () => [
        openWizard(),
        tick(0),
        {
            content: "No problem",
            trigger: ".modal:not(:has(.alert-danger div[name=error_message]:visible))",
        },
        ...completeAndRefundNow(),
        refundOpens(),
    ],
});

// A salesperson reads a refunded invoice: its refunded values, no button.
tours.add("ipr_salesperson_tour", {
    steps: () => [
        lineRefunded(0, "100.00"),
        {
            content: "What was refunded, under the totals",
            trigger: ".o_form_view div[name=partial_refunded_amount]:contains(115.00)",
        },
        {
            content: "No Partial refund, no refunds' smart buttons",
            trigger: ".o_form_view:not(:has(button[name=action_open_partial_refund_wizard])):not(:has(button[name=action_view_partial_refunds]))",
        },
    ],
});

// A Kuwaiti dinar invoice (3 decimals): 10.125 typed on a 100.000 chair.
tours.add("ipr_three_decimals_tour", {
    steps: () => [
        openWizard(),
        tick(0),
        ...setMode(0, "Amount"),
        ...editLine(0, "amount", "10.125"),
        {
            content: "The breakdown to the fils",
            trigger: ".modal table.o_partial_refund_breakdown:has(div[name=amount_untaxed]:contains(10.125)):has(div[name=amount_tax]:contains(1.519)):has(div[name=amount_total]:contains(11.644)):has(div[name=remaining_total]:contains(103.356))",
        },
        ...completeAndRefundNow(),
        refundOpens(),
        backToInvoice(),
        lineRefunded(0, "10.125"),
    ],
});
