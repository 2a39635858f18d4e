from . import account_move
from . import account_move_line
from . import account_partial_refund
from . import account_partial_refund_line
