/** @odoo-module **/
// Copyright 2026 The invoice_partial_refund authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {_t} from "@web/core/l10n/translation";
import {formatMonetary} from "@web/views/fields/formatters";
import {MonetaryField, monetaryField} from "@web/views/fields/monetary/monetary_field";
import {registry} from "@web/core/registry";

/**
 * An invoice line amount with, under it, what was refunded of the line
 * (`refunded_amount`, on the same basis as the amount shown).
 */
export class RefundedMonetaryField extends MonetaryField {
    static template = "invoice_partial_refund.RefundedMonetaryField";

    get refundedAmount() {
        return this.props.record.data.refunded_amount || 0;
    }

    get refundedLabel() {
        const amount = formatMonetary(this.refundedAmount, {
            digits: this.currencyDigits,
            currencyId: this.currencyId,
        });
        return _t("Refunded: %(amount)s", {amount});
    }
}

registry.category("fields").add("refunded_monetary", {
    ...monetaryField,
    component: RefundedMonetaryField,
});
