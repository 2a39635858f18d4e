from . import test_partial_refund
from . import test_partial_refund_errors
from . import test_concurrency
from . import test_multi_currency
from . import test_security
from . import test_wizard
from . import test_gateway_refunds
from . import test_webhook_routes
