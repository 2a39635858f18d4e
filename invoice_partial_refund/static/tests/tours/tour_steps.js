/** @odoo-module **/
// Copyright 2026 The invoice_partial_refund authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

/**
 * Steps of the refund wizard shared by the tours.
 */

/**
 * The wizard's last two clicks: Complete refund, then Refund now on the
 * summary.
 */
export function completeAndRefundNow() {
    return [
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
    ];
}

function selectOption(label) {
    return function () {
        const select = this.anchor;
        const option = [...select.options].find((opt) => opt.textContent.trim() === label);
        select.value = option.value;
        select.dispatchEvent(new Event("change", {bubbles: true}));
    };
}

export function breakdown(now, after) {
    // With the currency symbol, so that "$ 0.00" does not match "$ 230.00"
    // (:contains reads the non-breaking space as a space).
    const money = (amount) => `$ ${amount}`;
    return {
        content: `The breakdown says ${now} refunded now, ${after} refundable after`,
        trigger: `.modal table.o_partial_refund_breakdown tr:has(div[name=amount_total]:contains(${money(now)})):has(div[name=remaining_total]:contains(${money(after)}))`,
    };
}

export function editLine(row, field, value) {
    return [
        {
            content: `Line ${row + 1}: ${field}`,
            trigger: `.modal .o_data_row:eq(${row}) td[name=${field}]`,
            run: "click",
        },
        {
            trigger: `.modal .o_data_row:eq(${row}) td[name=${field}] input`,
            run: `edit ${value}`,
        },
        {
            content: "Leave the line",
            trigger: ".modal div[name=reason] input",
            run: "click",
        },
        {
            // The list leaves the row after its onchange: a click on a cell
            // before that lands on the row being left and opens no input.
            content: "The line is left",
            trigger: `.modal .o_data_row:eq(${row}):not(.o_selected_row)`,
        },
    ];
}

export function setMode(row, label) {
    return [
        {
            content: `Line ${row + 1}: refund by ${label}`,
            trigger: `.modal .o_data_row:eq(${row}) td[name=refund_mode]`,
            run: "click",
        },
        {
            trigger: `.modal .o_data_row:eq(${row}) td[name=refund_mode] select`,
            run: selectOption(label),
        },
    ];
}

export function tick(row) {
    return {
        content: `Tick or untick line ${row + 1}`,
        trigger: `.modal .o_data_row:eq(${row}) td[name=selected] input`,
        run: "click",
    };
}
