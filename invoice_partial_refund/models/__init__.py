from . import account_move
from . import account_move_line
from . import account_partial_refund
from . import account_partial_refund_line
from . import account_partial_refund_gateway
from . import account_partial_refund_webhook_event
from . import account_payment
from . import res_config_settings
