// Screenshots of the wizard and of partly refunded invoices, from the real
// web client in headless Chromium at 1440 × 900 (playwright-core from npm,
// Debian chromium), on the demo data of a fresh scripts/try-it database.
// Usage: PORT=8069 scripts/try-it in another shell, then
//   PORT=8069 node scripts/screenshots.js invoice_partial_refund/static/description
// It refunds the Stripe-paid demo invoice by hand: take it on a fresh database.
const { chromium } = require('playwright-core');

const base = `http://127.0.0.1:${process.env.PORT || 8069}`;
const out = process.argv[2];

async function rpc(page, model, method, args, kwargs = {}) {
  return page.evaluate(async ([model, method, args, kwargs]) => {
    const response = await fetch(`/web/dataset/call_kw/${model}/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { model, method, args, kwargs } }),
    });
    const body = await response.json();
    if (body.error) throw new Error(JSON.stringify(body.error));
    return body.result;
  }, [model, method, args, kwargs]);
}

async function demoInvoiceId(page, name) {
  const [record] = await rpc(page, 'ir.model.data', 'search_read', [
    [['module', '=', 'invoice_partial_refund'], ['name', '=', name]],
  ], { fields: ['res_id'] });
  return record.res_id;
}

async function settle(page, ms = 800) {
  // Odoo keeps a connection open for its bus: no "networkidle"; wait for the
  // form's pending changes instead, then a little.
  await page.waitForTimeout(ms);
}

async function shot(page, name) {
  await settle(page);
  await page.screenshot({ path: `${out}/${name}.png` });
  console.log(`${out}/${name}.png`);
}

async function leaveLine(page) {
  await page.locator('.modal div[name=reason] input').click();
  await settle(page, 500);
}

(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(120000);
  await page.goto(`${base}/web/login`);
  await page.fill('input[name=login]', 'admin');
  await page.fill('input[name=password]', 'admin');
  await page.click('button[type=submit]');
  await page.waitForURL(/odoo/);
  const bankId = await demoInvoiceId(page, 'demo_invoice_bank');
  const stripeId = await demoInvoiceId(page, 'demo_invoice_stripe');

  // The bank-paid demo invoice, partly refunded: per line and in the totals.
  await page.goto(`${base}/odoo/customer-invoices/${bankId}`);
  await page.waitForSelector('.o_refunded_amount');
  await page.locator('div[name=partial_refundable_amount]').scrollIntoViewIfNeeded();
  await shot(page, 'invoice_partly_refunded');
  await page.goto(`${base}/report/html/account.report_invoice_with_payments/${bankId}`);
  await page.waitForSelector('tr[name=partial_refunded_amount]');
  await page.locator('tr[name=partial_refunded_amount]').scrollIntoViewIfNeeded();
  await shot(page, 'invoice_report');

  // The Stripe-paid demo invoice: both lines in full, then the second by
  // quantity; the breakdown follows each tick.
  await page.goto(`${base}/odoo/customer-invoices/${stripeId}`);
  await page.click('button[name=action_open_partial_refund_wizard]');
  await page.waitForSelector('.modal .o_list_renderer');
  await settle(page);
  const rows = page.locator('.modal .o_data_row');
  await rows.nth(0).locator('td[name=selected] input').click();
  await settle(page, 500);
  await rows.nth(1).locator('td[name=selected] input').click();
  await settle(page, 500);
  await shot(page, 'wizard');

  // A line's problem, in full.
  await rows.nth(0).locator('td[name=refund_mode]').click();
  await rows.nth(0).locator('td[name=refund_mode] select').selectOption({ label: 'Amount' });
  await settle(page, 300);
  await rows.nth(0).locator('td[name=amount] input').fill('600');
  await leaveLine(page);
  await page.waitForSelector('.modal .alert-danger div[name=error_message]');
  await shot(page, 'wizard_error');
  await rows.nth(0).locator('td[name=amount]').click();
  await rows.nth(0).locator('td[name=amount] input').fill('120');
  await leaveLine(page);

  // By quantity, and by hand: the customer's card was closed.
  await rows.nth(1).locator('td[name=refund_mode]').click();
  await rows.nth(1).locator('td[name=refund_mode] select').selectOption({ label: 'Quantity' });
  await settle(page, 300);
  await rows.nth(1).locator('td[name=refund_quantity] input').fill('1');
  await leaveLine(page);
  await page.locator('.modal div[name=refund_via] input[data-value=manual]').click();
  await page.locator('.modal div[name=reason] input').fill('Card closed: refunded by bank transfer');
  await leaveLine(page);
  await shot(page, 'wizard_by_hand');

  await page.click('.modal button[name=action_complete]');
  await page.waitForSelector('.modal button[name=action_refund_now]');
  await shot(page, 'wizard_summary');
  await page.click('.modal button[name=action_refund_now]');
  await page.waitForSelector('.o_form_view div[name=credit_note_id]');
  await shot(page, 'refund');
  await page.goto(`${base}/odoo/customer-invoices/${stripeId}`);
  await page.waitForSelector('.o_refunded_amount');
  await page.locator('div[name=partial_refundable_amount]').scrollIntoViewIfNeeded();
  await shot(page, 'invoice_after_refund');
  await browser.close();
})().catch(e => { console.error(e); process.exit(1); });
