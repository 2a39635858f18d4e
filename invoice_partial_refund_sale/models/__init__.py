from . import account_move
from . import sale_order_line
