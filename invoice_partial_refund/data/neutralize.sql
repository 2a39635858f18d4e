-- A neutralized copy (staging, tests) refunds no real customer: the
-- GoCardless accounts back to the sandbox without their token, no webhook
-- secret (Odoo's payment_stripe clears the Stripe keys).
UPDATE res_company
   SET partial_refund_gocardless_access_token = NULL,
       partial_refund_gocardless_environment = 'sandbox',
       partial_refund_gocardless_webhook_secret = NULL,
       partial_refund_gocardless_api_base = NULL;
UPDATE payment_provider
   SET partial_refund_webhook_secret = NULL,
       partial_refund_api_base = NULL;
