/** @odoo-module **/
// Copyright 2026 The invoice_partial_refund authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

/**
 * The wizard's last two clicks, shared by the tours: Complete refund, then
 * Refund now on the summary.
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
