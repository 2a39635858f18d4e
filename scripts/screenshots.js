// Screenshots of the wizard and of a partly refunded invoice, from the real
// web client in headless Chromium (playwright-core from npm, Debian chromium).
// Usage: scripts/try-it in another shell, then
//   node scripts/screenshots.js INVOICE_ID invoice_partial_refund/static/description
const { chromium } = require('playwright-core');
(async () => {
  const invoiceId = process.argv[2];
  const out = process.argv[3];
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto('http://127.0.0.1:8069/web/login');
  await page.fill('input[name=login]', 'admin');
  await page.fill('input[name=password]', 'admin');
  await page.click('button[type=submit]');
  await page.waitForURL(/odoo/);
  await page.goto(`http://127.0.0.1:8069/odoo/customer-invoices/${invoiceId}`);
  try { await page.waitForSelector('.o_refunded_amount', { timeout: 15000 }); } catch (e) { await page.screenshot({ path: out + '/debug.png' }); throw e; }
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${out}/invoice_partly_refunded.png` });
  await page.click('button[name=action_open_partial_refund_wizard]');
  await page.waitForSelector('.modal .o_list_renderer');
  await page.waitForTimeout(500);
  const rows = page.locator('.modal .o_data_row');
  // Tick the lamp line in full and refund 40.00 of the chairs.
  await rows.nth(1).locator('td[name=selected] .form-check-input, td[name=selected] input').first().click();
  await page.waitForTimeout(300);
  await rows.nth(0).locator('td[name=selected] input').first().click();
  await page.waitForTimeout(300);
  await rows.nth(0).locator('td[name=refund_mode]').click();
  await page.waitForTimeout(300);
  await rows.nth(0).locator('td[name=refund_mode] select').selectOption({ label: 'Amount' });
  await page.waitForTimeout(300);
  await rows.nth(0).locator('td[name=amount] input').fill('40');
  await page.locator('.modal input#reason_0, .modal div[name=reason] input').first().click();
  await page.locator('.modal div[name=reason] input').fill('Damaged on delivery');
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${out}/wizard.png` });
  await page.click('.modal button[name=action_complete]');
  await page.waitForSelector('.modal button[name=action_refund_now]');
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${out}/wizard_summary.png` });
  await page.click('.modal button[name=action_refund_now]');
  await page.waitForSelector('.o_form_view .o_field_widget[name=credit_note_id] a, .o_form_view div[name=credit_note_id]');
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${out}/refund.png` });
  await page.goto(`http://127.0.0.1:8069/odoo/customer-invoices/${invoiceId}`);
  await page.waitForSelector('.o_refunded_amount');
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${out}/invoice_after_second_refund.png` });
  await browser.close();
})().catch(e => { console.error(e); process.exit(1); });
