#!/usr/bin/env node
import { once } from 'node:events';
// A deterministic, streaming generator of legacy AWS Cost and Usage Report CSV for the CUR bench (cur-bench.mjs):
// the 94 columns of AWS's legacy CUR CSV (the header of the public sample in fixtures/aws/legacy_cur_sample.csv),
// one month of one payer, a mix of line item types like a real month (mostly S3 and EC2 usage; RI, Savings Plan,
// Bedrock token, tax, credit and discount rows), costs with 10 decimals. Writes until the file reaches `bytes`;
// returns the row count and the exact Σ lineItem/UnblendedCost (as text), which the ingest must reconcile to.
//
//   node bench/generate-cur.mjs --out FILE --bytes N
import { createWriteStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const GENERATOR_VERSION = 1;
const SAMPLE = fileURLToPath(new URL('../fixtures/aws/legacy_cur_sample.csv', import.meta.url));
/** The legacy CUR header as AWS writes it (the real sample's first line). */
export const CUR_HEADER = readFileSync(SAMPLE, 'utf8').split('\n', 1)[0].split(',');

/** Columns the baseline types as DECIMAL (money, rates, amounts) and as TIMESTAMP; the rest are VARCHAR. */
export const CUR_DECIMAL = CUR_HEADER.filter((c) =>
  /(Cost|Rate|Amount|Fee|Quantity|Value|Factor|Units|Commitment|CommitmentToDate)$|NormalizedUnitsPerReservation|NumberOfReservations/.test(
    c,
  ),
);
export const CUR_TIMESTAMP = [
  'bill/BillingPeriodStartDate',
  'bill/BillingPeriodEndDate',
  'lineItem/UsageStartDate',
  'lineItem/UsageEndDate',
];

const PAYER = '012345678901';
const ACCOUNTS = ['012345678901', '009876543210', '000111222333'];
const RI = 'arn:aws:ec2:us-east-1:009876543210:reserved-instances/4b2c1f0e-7d3a-4e8b-9c6d-1a2b3c4d5e6f';
const SP = 'arn:aws:savingsplans::009876543210:savingsplan/9f8e7d6c-5b4a-4321-8fed-cba987654321';
const TEN = 10n ** 10n;

/** Fixed-point text of n × 10^-10 (n a BigInt). */
function dec10(n) {
  const neg = n < 0n;
  const a = neg ? -n : n;
  return `${neg ? '-' : ''}${a / TEN}.${String(a % TEN).padStart(10, '0')}`;
}

// kind: [weight, type, product code, usage type, unit, rate in 1e-6, sign]
const KINDS = [
  [40, 'Usage', 'AmazonS3', 'USE1-TimedStorage-ByteHrs', 'GB-Mo', 23000, 1],
  [15, 'Usage', 'AmazonS3', 'USE1-Requests-Tier1', 'Requests', 5, 1],
  [15, 'Usage', 'AmazonEC2', 'USE1-BoxUsage:m5.large', 'Hrs', 96000, 1],
  [5, 'DiscountedUsage', 'AmazonEC2', 'USE1-BoxUsage:p4d.24xlarge', 'Hrs', 0, 1],
  [1, 'RIFee', 'AmazonEC2', 'USE1-HeavyUsage:p4d.24xlarge', 'Hrs', 13500000, 1],
  [4, 'SavingsPlanCoveredUsage', 'AmazonEC2', 'USE1-BoxUsage:c5.xlarge', 'Hrs', 170000, 1],
  [4, 'SavingsPlanNegation', 'AmazonEC2', 'USE1-BoxUsage:c5.xlarge', 'Hrs', 170000, -1],
  [4, 'Usage', 'AmazonBedrock', 'USE1-Claude4.6Sonnet-input-tokens', '1K tokens', 3000, 1],
  [4, 'Usage', 'AmazonBedrock', 'USE1-Claude4.6Sonnet-output-tokens', '1K tokens', 15000, 1],
  [2, 'Usage', 'AmazonBedrock', 'USE1-Claude4.6Sonnet-cache-read-input-token-count', '1K tokens', 300, 1],
  [2, 'Tax', 'AmazonEC2', '', '', 0, 1],
  [2, 'Credit', 'AmazonEC2', '', '', 0, -1],
  [2, 'EdpDiscount', 'AmazonEC2', 'USE1-BoxUsage:m5.large', '', 0, -1],
];
const WHEEL = KINDS.flatMap((k) => Array(k[0]).fill(k));
const col = Object.fromEntries(CUR_HEADER.map((c, i) => [c, i]));

/** A seeded 32-bit generator (mulberry32): the same bytes on every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cell = (v) => (v.includes(',') || v.includes('"') ? `"${v.replaceAll('"', '""')}"` : v);

/** One CSV line for row i and its unblended cost (BigInt, 1e-10 units). */
function row(i, rand) {
  const [, type, code, usageType, unit, rate, sign] = WHEEL[Math.floor(rand() * WHEEL.length)];
  const r = Array(CUR_HEADER.length).fill('');
  const day = 1 + (i % 30);
  const hour = Math.floor(rand() * 24);
  const start = `2024-05-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;
  const end = `2024-05-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:59:59.000Z`;
  // amount in 1e-4 units; cost = amount × rate exactly at 10 decimals
  const amount = BigInt(1 + Math.floor(rand() * 2_000_000));
  let cost = amount * BigInt(rate) * BigInt(sign);
  if (['Tax', 'Credit', 'EdpDiscount'].includes(type)) cost = BigInt(Math.floor(rand() * 5e9)) * BigInt(sign);
  const set = (c, v) => {
    r[col[c]] = v;
  };
  set('identity/LineItemId', `g${i.toString(36).padStart(12, '0')}${Math.floor(rand() * 1e9).toString(36)}`);
  set('identity/TimeInterval', `${start.slice(0, 19)}Z/${end.slice(0, 19)}Z`);
  set('bill/InvoicingEntity', 'Amazon Web Services, Inc.');
  set('bill/BillingEntity', 'AWS');
  set('bill/BillType', 'Anniversary');
  set('bill/PayerAccountId', PAYER);
  set('bill/BillingPeriodStartDate', '2024-05-01T00:00:00.000Z');
  set('bill/BillingPeriodEndDate', '2024-06-01T00:00:00.000Z');
  set('lineItem/UsageAccountId', ACCOUNTS[i % ACCOUNTS.length]);
  set('lineItem/LineItemType', type);
  set('lineItem/UsageStartDate', start);
  set('lineItem/UsageEndDate', end);
  set('lineItem/ProductCode', code);
  set('lineItem/UsageType', usageType);
  set('lineItem/Operation', usageType ? 'RunInstances' : '');
  set('lineItem/UsageAmount', unit ? dec10(amount * 1_000_000n) : '');
  set('lineItem/CurrencyCode', 'USD');
  set('lineItem/UnblendedRate', unit ? dec10(BigInt(rate) * BigInt(sign) * 10_000n) : '');
  set('lineItem/UnblendedCost', dec10(cost));
  set('lineItem/BlendedCost', dec10(cost));
  set('lineItem/LineItemDescription', `${type} ${usageType || code}`);
  set('lineItem/LegalEntity', 'Amazon Web Services, Inc.');
  set('product/ProductName', code === 'AmazonS3' ? 'Amazon Simple Storage Service' : code);
  set('product/region', 'us-east-1');
  set('product/regionCode', 'us-east-1');
  set('product/servicecode', code);
  set('product/sku', unit ? `SKU${code.length}${usageType.length}EXAMPLE` : '');
  set('pricing/RateCode', unit ? `SKU${code.length}${usageType.length}EXAMPLE.JRTCKXETXF.6YS6EN2CT7` : '');
  set('pricing/unit', unit);
  set('pricing/term', type === 'DiscountedUsage' ? 'Reserved' : unit ? 'OnDemand' : '');
  set('pricing/publicOnDemandRate', unit ? dec10(BigInt(Math.max(rate, 96000)) * 10_000n) : '');
  set('pricing/publicOnDemandCost', unit ? dec10(amount * BigInt(Math.max(rate, 96000))) : '');
  if (type === 'DiscountedUsage' || type === 'RIFee') {
    set('reservation/ReservationARN', RI);
    set('reservation/EffectiveCost', type === 'DiscountedUsage' ? dec10(amount * 19650n) : '');
    set('reservation/UnusedRecurringFee', type === 'RIFee' ? dec10(cost / 10n) : '');
  }
  if (type.startsWith('SavingsPlan')) {
    set('savingsPlan/SavingsPlanARN', SP);
    set(
      'savingsPlan/SavingsPlanEffectiveCost',
      type === 'SavingsPlanCoveredUsage' ? dec10(amount * 110500n) : '',
    );
  }
  return { line: r.map(cell).join(','), cost };
}

export async function generateCur(out, bytes, seed = 42) {
  const rand = rng(seed);
  const stream = createWriteStream(out);
  let written = 0;
  let rows = 0;
  let total = 0n;
  const write = async (s) => {
    written += Buffer.byteLength(s);
    if (!stream.write(s)) await once(stream, 'drain');
  };
  await write(`${CUR_HEADER.join(',')}\n`);
  while (written < bytes) {
    let chunk = '';
    for (let k = 0; k < 2000 && written + chunk.length < bytes; k++) {
      const { line, cost } = row(rows++, rand);
      total += cost;
      chunk += `${line}\n`;
    }
    await write(chunk);
  }
  stream.end();
  await once(stream, 'finish');
  return { rows, bytes: written, unblendedTotal: dec10(total), version: GENERATOR_VERSION };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const out = args[args.indexOf('--out') + 1];
  const bytes = Number(args[args.indexOf('--bytes') + 1]);
  if (!out || !Number.isFinite(bytes)) {
    process.stderr.write('usage: node bench/generate-cur.mjs --out FILE --bytes N\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(await generateCur(out, bytes))}\n`);
}
