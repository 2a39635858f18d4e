from . import account_partial_refund_wizard_split_mixin
from . import account_partial_refund_wizard
from . import account_partial_refund_wizard_line
from . import account_partial_refund_confirm_wizard
from . import account_move_reversal
from . import account_payment_register
