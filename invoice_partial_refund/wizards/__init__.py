from . import account_partial_refund_wizard
from . import account_partial_refund_wizard_line
