/** @odoo-module **/
// Copyright 2026 The invoice_partial_refund authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";
import {completeAndRefundNow} from "./tour_steps";

/**
 * The credit note options of an Argentinian invoice: open them from the
 * wizard (Odoo's reversal form, with the localization's document type and
 * without its own buttons), go back to the wizard, refund a line.
 * Started by tests/test_tour.py (TestCreditNoteOptionsTour).
 */
registry.category("web_tour.tours").add("invoice_partial_refund_options_tour", {
    steps: () => [
        {
            content: "Open the partial refund wizard",
            trigger: "button[name=action_open_partial_refund_wizard]",
            run: "click",
        },
        {
            content: "The localization asks something: open the credit note options",
            trigger: ".modal button[name=action_open_credit_note_options]",
            run: "click",
        },
        {
            content: "Odoo's reversal form asks the document type, Odoo's default in it",
            trigger: ".modal div[name=l10n_latam_document_type_id] input:not(:empty)",
        },
        {
            content: "It reverses nothing itself: back to the refund",
            trigger: ".modal:not(:has(button[name=refund_moves])) button[name=action_back_to_partial_refund]",
            run: "click",
        },
        {
            content: "The wizard is back: tick the line",
            trigger: ".modal .o_data_row:eq(0) td[name=selected] input",
            run: "click",
        },
        ...completeAndRefundNow(),
        {
            content: "The refund opens",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current",
        },
    ],
});
