# Copyright 2026 The invoice_partial_refund authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.modules.migration import load_script
from odoo.tests import new_test_user, tagged

from ..gateways import InvalidWebhook
from .fake_gateways import FakeGoCardless, FakeStripe
from .test_gateway_refunds import GatewayRefundCommon

GOCARDLESS_SECRETS = (
    "partial_refund_gocardless_access_token",
    "partial_refund_gocardless_webhook_secret",
)
PROVIDER_SECRETS = ("partial_refund_webhook_secret", "stripe_secret_key")
#: settings of before 18.0.2.0.0, on system parameters `default_get` read
#: as superuser for anyone
READ_PATHS = ("read", "web_read", "search_read", "export_data", "search")
OLD_SETTINGS = (
    "ipr_stripe_webhook_secret",
    "ipr_gocardless_access_token",
    "ipr_gocardless_webhook_secret",
)


class CredentialsCommon(GatewayRefundCommon):
    """Two companies, each with its own Stripe provider and GoCardless
    account, on fake servers of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.company_data["company"]
        cls.company_data_2 = cls.setup_other_company()
        cls.company_b = cls.company_data_2["company"]
        cls.bank_journal_b = cls.company_data_2["default_journal_bank"]
        cls.fake_stripe_b = FakeStripe(
            secret="sk_test_company_b", webhook_secret="whsec_company_b"
        ).start()
        cls.addClassCleanup(cls.fake_stripe_b.stop)
        cls.fake_gocardless_b = FakeGoCardless(
            secret="gc_token_company_b", webhook_secret="gc_webhook_company_b"
        ).start()
        cls.addClassCleanup(cls.fake_gocardless_b.stop)
        cls.stripe_b = cls._prepare_provider(
            "stripe",
            company=cls.company_b,
            update_values={
                "stripe_secret_key": cls.fake_stripe_b.secret,
                "stripe_publishable_key": "pk_test_company_b",
                "partial_refund_webhook_secret": cls.fake_stripe_b.webhook_secret,
                "partial_refund_api_base": cls.fake_stripe_b.url,
            },
        )
        cls.stripe_b.journal_id = cls.bank_journal_b
        cls.company_b.write(
            {
                "partial_refund_gocardless_access_token": cls.fake_gocardless_b.secret,
                "partial_refund_gocardless_webhook_secret": (
                    cls.fake_gocardless_b.webhook_secret
                ),
                "partial_refund_gocardless_api_base": cls.fake_gocardless_b.url,
            }
        )

    def setUp(self):
        super().setUp()
        for fake in (self.fake_stripe_b, self.fake_gocardless_b):
            fake.reset()
        self.fake_stripe_b.refund_status = "succeeded"
        self.fake_gocardless_b.refund_status = "created"


@tagged("post_install", "-at_install")
class TestSecretsAreForAdministrators(CredentialsCommon):
    """No path gives a gateway secret to a user who is not a system
    administrator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "portal": new_test_user(cls.env, "ipr_portal", groups="base.group_portal"),
            "billing": new_test_user(
                cls.env,
                "ipr_billing",
                groups="account.group_account_invoice,base.group_allow_export",
                company_id=cls.company_a.id,
            ),
            "refunder": new_test_user(
                cls.env,
                "ipr_refunder",
                groups="invoice_partial_refund.group_partial_refund,"
                "base.group_allow_export",
                company_id=cls.company_a.id,
            ),
            "other company": new_test_user(
                cls.env,
                "ipr_other_company",
                groups="account.group_account_manager,base.group_allow_export",
                company_id=cls.company_b.id,
                company_ids=[Command.set(cls.company_b.ids)],
            ),
        }
        cls.secrets = [
            cls.fake_stripe.secret,
            cls.fake_stripe.webhook_secret,
            cls.fake_gocardless.secret,
            cls.fake_gocardless.webhook_secret,
        ]

    def assertNoSecret(self, value, user):
        for secret in self.secrets:
            self.assertNotIn(secret, repr(value), f"{user}: a secret is readable")

    def test_administrator_reads_and_saves_them(self):
        """The check below is not vacuous: administrators do read them, in
        the settings of the current company, and saving stores no system
        parameter."""
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            settings.partial_refund_gocardless_access_token,
            self.fake_gocardless.secret,
        )
        settings.partial_refund_gocardless_webhook_secret = "gc_webhook_changed"
        settings.execute()
        self.assertEqual(
            self.company_a.partial_refund_gocardless_webhook_secret,
            "gc_webhook_changed",
        )
        self.assertEqual(
            self.company_b.partial_refund_gocardless_webhook_secret,
            self.fake_gocardless_b.webhook_secret,
        )
        self.assertEqual(
            self.env["ir.config_parameter"]
            .sudo()
            .search([("key", "=like", "invoice_partial_refund.%")])
            .mapped("key"),
            ["invoice_partial_refund.gateway_timeout"],
        )
        self.assertEqual(
            self.env["res.config.settings"]
            .with_company(self.company_b)
            .create({})
            .partial_refund_gocardless_access_token,
            self.fake_gocardless_b.secret,
            "the settings show the current company's account",
        )

    def test_settings(self):
        settings = self.env["res.config.settings"].create({})
        for name in OLD_SETTINGS:
            self.assertNotIn(name, settings._fields, "no setting on a system parameter")
        for label, user in self.users.items():
            Settings = self.env["res.config.settings"].with_user(user)
            # default_get checks no access of its own: it must not answer.
            try:
                defaults = Settings.default_get(list(Settings._fields))
            except AccessError:
                defaults = {}
            self.assertNoSecret(defaults, label)
            self.assertNoSecret(Settings.default_get(list(GOCARDLESS_SECRETS)), label)
            for name in (*GOCARDLESS_SECRETS, "partial_refund_gocardless_api_base"):
                self.assertNotIn(name, Settings.fields_get(), label)
            as_user = settings.with_user(user)
            for method, args in [
                ("read", [list(GOCARDLESS_SECRETS)]),
                ("web_read", [dict.fromkeys(GOCARDLESS_SECRETS, {})]),
                ("export_data", [list(GOCARDLESS_SECRETS)]),
            ]:
                with self.subTest(user=label, method=method):
                    # AccessError; UserError for a user without the export
                    # right, refused before any field is looked at.
                    try:
                        result = getattr(as_user, method)(*args)
                    except (AccessError, UserError):
                        continue
                    self.fail(f"{label} read {result} through {method}")
            with self.assertRaises(AccessError):
                Settings.onchange({}, [], dict.fromkeys(GOCARDLESS_SECRETS, {}))

    def test_company_and_provider(self):
        for label, user in self.users.items():
            for records, names in [
                (self.company_a | self.company_b, GOCARDLESS_SECRETS),
                (self.stripe | self.stripe_b, PROVIDER_SECRETS),
            ]:
                as_user = records.with_user(user)
                fields = as_user.fields_get()
                for name in names:
                    self.assertNotIn(name, fields, label)
                for method in READ_PATHS:
                    with self.subTest(user=label, model=records._name, method=method):
                        try:
                            result = self._read(method, as_user, list(names))
                        except (AccessError, UserError):
                            result = None  # refused: nothing read
                        self.assertNoSecret(result, label)

    @staticmethod
    def _read(method, records, names):
        """Read ``names`` of ``records`` through one of the `READ_PATHS`."""
        if method == "read":
            return records.read(names)
        if method == "web_read":
            return records.web_read(dict.fromkeys(names, {}))
        if method == "search_read":
            return records.search_read([("id", "in", records.ids)], names)
        if method == "export_data":
            return records.export_data(names)
        return records.search([(names[0], "!=", False)]).read(["id"])

    def test_system_parameters(self):
        for user in self.users.values():
            with self.assertRaises(AccessError):
                self.env["ir.config_parameter"].with_user(user).search(
                    [("key", "=like", "invoice_partial_refund.%")]
                )
        values = (
            self.env["ir.config_parameter"]
            .sudo()
            .search([("key", "=like", "invoice_partial_refund.%")])
            .mapped("value")
        )
        self.assertNoSecret(values, "system parameters")


@tagged("post_install", "-at_install")
class TestCredentialsPerCompany(CredentialsCommon):
    """Each company refunds through its own accounts, and its webhooks are
    verified with its own secrets."""

    def _pay_with_stripe_b(self, invoice):
        intent = self._pay_with_stripe(
            invoice, provider=self.stripe_b, fake=self.fake_stripe_b
        )
        self.assertEqual(invoice.payment_state, "paid")
        return intent

    def _stripe_refund_b(self, amount):
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}], company=self.company_b, pay=False
        )
        intent = self._pay_with_stripe_b(invoice)
        refund = self._refund(
            invoice.with_company(self.company_b),
            [{"line_id": invoice.invoice_line_ids.id, "amount": amount}],
        )
        return invoice, intent, refund

    def _gocardless_refund_b(self, amount):
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}], company=self.company_b, pay=False
        )
        mandate_payment = self.fake_gocardless_b.add_payment(
            self._minor(invoice.amount_total, invoice.currency_id),
            invoice.currency_id.name,
        )
        payment = self._pay(invoice, self.bank_journal_b)
        payment.write(
            {
                "refund_gateway": "gocardless",
                "refund_gateway_reference": mandate_payment,
            }
        )
        refund = self._refund(
            invoice.with_company(self.company_b),
            [{"line_id": invoice.invoice_line_ids.id, "amount": amount}],
        )
        return invoice, mandate_payment, refund

    def assertBookedIn(self, refund, company):
        self.assertEqual(refund.company_id, company)
        self.assertRefundSettled_any(refund)
        self.assertAlmostEqual(self._partner_balance(company=company), 0.0)

    def test_stripe_refunds_through_each_company_provider(self):
        _invoice_a, intent_a, refund_a = self._stripe_refund(20.0)
        _invoice_b, intent_b, refund_b = self._stripe_refund_b(30.0)
        connect = {self.stripe_b: {"Stripe-Account": "acct_company_b"}}
        with patch.object(
            type(self.env["payment.provider"]),
            "_get_stripe_extra_request_headers",
            lambda provider: connect.get(provider, {}),
        ):
            self._run_gateway_job()
        for refund in (refund_a, refund_b):
            self.assertEqual(refund.gateway_ids.state, "succeeded")
        self.assertBookedIn(refund_a, self.company_a)
        self.assertBookedIn(refund_b, self.company_b)
        # Each server knows only its own key (it answers 401 to another).
        (stripe_refund_a,) = self.fake_stripe.refunds.values()
        (stripe_refund_b,) = self.fake_stripe_b.refunds.values()
        self.assertEqual(
            (stripe_refund_a["payment_intent"], stripe_refund_a["amount"]),
            (intent_a, 2300),
        )
        self.assertEqual(
            (stripe_refund_b["payment_intent"], stripe_refund_b["amount"]),
            (intent_b, 3450),
        )
        self.assertEqual(
            {
                headers.get("Stripe-Account")
                for headers in self.fake_stripe_b.request_headers
            },
            {"acct_company_b"},
            "the provider's extra headers (Stripe Connect) go with its requests",
        )
        self.assertFalse(
            any("Stripe-Account" in h for h in self.fake_stripe.request_headers)
        )

    def test_gocardless_refunds_through_each_company_account(self):
        invoice_a, payment_a = self._create_gocardless_paid_invoice(
            [{"price_unit": 100.0}]
        )
        refund_a = self._refund(
            invoice_a, [{"line_id": invoice_a.invoice_line_ids.id, "amount": 20.0}]
        )
        _invoice_b, payment_b, refund_b = self._gocardless_refund_b(30.0)
        self._run_gateway_job()
        (gc_refund_a,) = self.fake_gocardless.refunds.values()
        (gc_refund_b,) = self.fake_gocardless_b.refunds.values()
        self.assertEqual(gc_refund_a["links"]["payment"], payment_a)
        self.assertEqual(gc_refund_b["links"]["payment"], payment_b)
        for fake, refund in [
            (self.fake_gocardless, refund_a),
            (self.fake_gocardless_b, refund_b),
        ]:
            share = refund.gateway_ids
            self.assertEqual(share.state, "pending")
            fake.set_status(share.gateway_reference, "paid")
            share._sync()
            self.assertEqual(share.state, "succeeded")
        self.assertBookedIn(refund_a, self.company_a)
        self.assertBookedIn(refund_b, self.company_b)

    def test_stripe_webhooks_verified_with_the_refund_provider_secret(self):
        self.fake_stripe_b.refund_status = "pending"
        _invoice, _intent, refund = self._stripe_refund_b(30.0)
        share = refund.gateway_ids
        self._run_gateway_job()
        self.assertEqual(share.state, "pending")
        stored = self.fake_stripe_b.set_status(share.gateway_reference, "succeeded")
        # Signed with company A's secret: not company B's refund's provider.
        payload, headers = self.fake_stripe.signed_event("refund.updated", stored)
        with self.assertRaises(InvalidWebhook):
            self._post_webhook("stripe", payload, headers)
        self.assertEqual(share.state, "pending")
        payload, headers = self.fake_stripe_b.signed_event("refund.updated", stored)
        self.assertTrue(self._post_webhook("stripe", payload, headers))
        self.assertEqual(share.state, "succeeded")
        self.assertBookedIn(refund, self.company_b)
        # A refund this addon did not make: any company's secret, no other.
        unknown = dict(stored, id="re_elsewhere", payment_intent="pi_elsewhere")
        for fake in (self.fake_stripe, self.fake_stripe_b):
            payload, headers = fake.signed_event("refund.updated", unknown)
            self.assertFalse(self._post_webhook("stripe", payload, headers))
        payload, headers = self.fake_stripe.signed_event(
            "refund.updated", unknown, secret="whsec_nobody"
        )
        with self.assertRaises(InvalidWebhook):
            self._post_webhook("stripe", payload, headers)

    def test_gocardless_webhooks_verified_with_the_company_secret(self):
        _invoice, _payment, refund = self._gocardless_refund_b(30.0)
        share = refund.gateway_ids
        self._run_gateway_job()
        self.fake_gocardless_b.set_status(share.gateway_reference, "paid")
        Event = self.env["account.partial.refund.webhook.event"].sudo()
        event = [{"action": "paid", "refund": share.gateway_reference}]
        # Company A's secret, on company B's address or on the shared one.
        payload, headers = self.fake_gocardless.signed_webhook(event)
        with self.assertRaises(InvalidWebhook):
            Event._handle_webhook(
                "gocardless", payload, headers, company_id=self.company_b.id
            )
        self.assertEqual(
            Event._handle_webhook("gocardless", payload, headers),
            [False],
            "verified as company A's: company B's refund is not looked at",
        )
        self.assertEqual(share.state, "pending")
        payload, headers = self.fake_gocardless_b.signed_webhook(event)
        with self.assertRaises(InvalidWebhook):
            Event._handle_webhook(
                "gocardless", payload, headers, company_id=self.company_a.id
            )
        self.assertEqual(
            Event._handle_webhook(
                "gocardless", payload, headers, company_id=self.company_b.id
            ),
            [True],
        )
        self.assertEqual(share.state, "succeeded")
        self.assertBookedIn(refund, self.company_b)
        payload, headers = self.fake_gocardless_b.signed_webhook(event, secret="x")
        with self.assertRaises(InvalidWebhook):
            Event._handle_webhook("gocardless", payload, headers)


@tagged("post_install", "-at_install")
class TestSharedGoCardlessAccount(CredentialsCommon):
    """Companies A and B refund through one GoCardless account (as the
    18.0.2.0.0 migration leaves one former global account): GoCardless sends
    each of the account's events to each of its addresses, whichever
    company the refund is of."""

    def setUp(self):
        super().setUp()
        self.company_b.write(
            {
                "partial_refund_gocardless_access_token": self.fake_gocardless.secret,
                "partial_refund_gocardless_webhook_secret": (
                    self.fake_gocardless.webhook_secret
                ),
                "partial_refund_gocardless_api_base": self.fake_gocardless.url,
            }
        )

    def _gocardless_refund(self, company, journal, amount):
        invoice = self._create_paid_invoice(
            [{"price_unit": 100.0}], company=company, pay=False
        )
        reference = self.fake_gocardless.add_payment(
            self._minor(invoice.amount_total, invoice.currency_id),
            invoice.currency_id.name,
        )
        payment = self._pay(invoice, journal)
        payment.write(
            {"refund_gateway": "gocardless", "refund_gateway_reference": reference}
        )
        return self._refund(
            invoice.with_company(company),
            [{"line_id": invoice.invoice_line_ids.id, "amount": amount}],
        )

    def _paid_at_gocardless(self, refunds):
        self._run_gateway_job()
        shares = refunds.gateway_ids
        self.assertEqual(shares.mapped("state"), ["pending"] * len(refunds))
        for share in shares:
            self.fake_gocardless.set_status(share.gateway_reference, "paid")
        return self.fake_gocardless.signed_webhook(
            [{"action": "paid", "refund": share.gateway_reference} for share in shares]
        )

    def assertBookedIn(self, refund, company):
        self.assertEqual(
            (refund.gateway_ids.state, refund.state), ("succeeded", "done")
        )
        self.assertEqual(refund.gateway_ids.refund_payment_id.company_id, company)
        self.assertRefundSettled_any(refund)
        self.assertAlmostEqual(self._partner_balance(company=company), 0.0)

    def test_address_without_company(self):
        """One batch about a refund of each company, on the address checked
        against every company's secret: each is settled in its company,
        once."""
        refund_a = self._gocardless_refund(self.company_a, self.bank_journal, 20.0)
        refund_b = self._gocardless_refund(self.company_b, self.bank_journal_b, 30.0)
        payload, headers = self._paid_at_gocardless(refund_a | refund_b)
        Event = self.env["account.partial.refund.webhook.event"].sudo()
        self.assertEqual(
            Event._handle_webhook("gocardless", payload, headers), [True, True]
        )
        self.assertBookedIn(refund_a, self.company_a)
        self.assertBookedIn(refund_b, self.company_b)
        # Delivered again: nothing booked twice.
        self.assertEqual(
            Event._handle_webhook("gocardless", payload, headers), [False, False]
        )
        self.assertEqual(len(refund_b.gateway_ids.refund_payment_id), 1)
        self.assertAlmostEqual(self._partner_balance(company=self.company_b), 0.0)

    def test_address_of_each_company(self):
        """The event about B's refund reaching A's address first settles it
        (in B); B's delivery of it is then a duplicate."""
        refund_b = self._gocardless_refund(self.company_b, self.bank_journal_b, 30.0)
        payload, headers = self._paid_at_gocardless(refund_b)
        Event = self.env["account.partial.refund.webhook.event"].sudo()
        self.assertEqual(
            Event._handle_webhook(
                "gocardless", payload, headers, company_id=self.company_a.id
            ),
            [True],
        )
        self.assertBookedIn(refund_b, self.company_b)
        self.assertEqual(
            Event._handle_webhook(
                "gocardless", payload, headers, company_id=self.company_b.id
            ),
            [False],
        )
        self.assertEqual(len(refund_b.gateway_ids.refund_payment_id), 1)


@tagged("post_install", "-at_install")
class TestCredentialsMigration(CredentialsCommon):
    """18.0.2.0.0: the global system parameters go to each company and Stripe
    provider that has no settings of its own."""

    def test_migration(self):
        self.company_b.write(
            {
                "partial_refund_gocardless_access_token": False,
                "partial_refund_gocardless_webhook_secret": False,
                "partial_refund_gocardless_api_base": False,
            }
        )
        self.stripe_b.write(
            {"partial_refund_webhook_secret": False, "partial_refund_api_base": False}
        )
        params = self.env["ir.config_parameter"].sudo()
        for name, value in {
            "stripe_webhook_secret": "whsec_global",
            "stripe_api_base": "https://stripe.example.com",
            "gocardless_access_token": "gc_token_global",
            "gocardless_environment": "live",
            "gocardless_webhook_secret": "gc_webhook_global",
        }.items():
            params.set_param(f"invoice_partial_refund.{name}", value)
        migration = load_script(
            "invoice_partial_refund/migrations/18.0.2.0.0/post-migrate.py",
            "post_migrate",
        )
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.assertRecordValues(
            self.company_a | self.company_b,
            [
                {
                    "partial_refund_gocardless_access_token": (
                        self.fake_gocardless.secret
                    ),
                    "partial_refund_gocardless_environment": "sandbox",
                    "partial_refund_gocardless_webhook_secret": (
                        self.fake_gocardless.webhook_secret
                    ),
                },
                {
                    "partial_refund_gocardless_access_token": "gc_token_global",
                    "partial_refund_gocardless_environment": "live",
                    "partial_refund_gocardless_webhook_secret": "gc_webhook_global",
                },
            ],
        )
        self.assertRecordValues(
            self.stripe | self.stripe_b,
            [
                {
                    "partial_refund_webhook_secret": self.fake_stripe.webhook_secret,
                    "partial_refund_api_base": self.fake_stripe.url,
                },
                {
                    "partial_refund_webhook_secret": "whsec_global",
                    "partial_refund_api_base": "https://stripe.example.com",
                },
            ],
        )
        self.assertEqual(
            params.search([("key", "=like", "invoice_partial_refund.%")]).mapped("key"),
            ["invoice_partial_refund.gateway_timeout"],
        )
