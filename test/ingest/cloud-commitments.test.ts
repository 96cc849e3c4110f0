// Cloud commitment discounts (RIs, savings plans) become Contract Commitment rows in commitments/, one per source and
// discount id, derived from the focus/ rows carrying the id (ingest/commitment-rows.ts). Figures are hand-computed
// from the constructed CUR 2.0 fixture (fixtures/aws/ORIGIN.md): the p4d RI's fees are the upfront Fee 50000 and the
// March RIFee 10044, its Used + Unused quantity 10 + 10 hours; the savings plan's fees are the upfront 8760 and the
// recurring 744, its used/unused commitment 11.05 + 0 (negation) + 23.50 USD.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validate } from '../../src/analysis/validate.js';
import { forget } from '../../src/ingest/forget.js';
import { readManifest } from '../../src/store/manifest.js';
import { fixture, ingestInto, q, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
const RI = 'arn:aws:ec2:us-east-1:009876543210:reserved-instances/4b2c1f0e-7d3a-4e8b-9c6d-1a2b3c4d5e6f';
const SP = 'arn:aws:savingsplans::009876543210:savingsplan/9f8e7d6c-5b4a-4321-8fed-cba987654321';
const COLS = `ContractCommitmentId AS id, ContractCommitmentCategory AS category, ContractCommitmentType AS type,
  ContractCommitmentCost::VARCHAR AS cost, ContractCommitmentQuantity::VARCHAR AS quantity,
  ContractCommitmentUnit AS unit, strftime(ContractCommitmentPeriodStart, '%Y-%m-%d') AS start,
  strftime(ContractCommitmentPeriodEnd, '%Y-%m-%d') AS "end", ContractId = ContractCommitmentId AS own_contract,
  x_SourceId AS source, BillingCurrency AS currency`;
const commitmentFiles = (h: string) => readManifest(h).files.filter((f) => f.dataset === 'commitments');

describe('AWS CUR 2.0: RI and savings plan terms', () => {
  it('one Contract Commitment row per discount, with its fees, Used + Unused quantity and billing periods', async () => {
    const h = home();
    await ingestInto(h, [fixture('aws', 'cur2_constructed.csv')]);
    const rows = await q(h, `SELECT ${COLS} FROM commitments ORDER BY id`);
    expect(rows).toEqual([
      {
        id: RI,
        category: 'Usage',
        type: 'Reservation',
        cost: '60044.000000000000000000',
        quantity: '20.000000000000000000',
        unit: 'Hours',
        start: '2025-03-01',
        end: '2025-04-01',
        own_contract: true,
        source: 'aws-cur2',
        currency: 'USD',
      },
      {
        id: SP,
        category: 'Spend',
        type: 'Savings Plan',
        cost: '9504.000000000000000000',
        quantity: '34.550000000000000000',
        unit: 'USD',
        start: '2025-03-01',
        end: '2025-04-01',
        own_contract: true,
        source: 'aws-cur2',
        currency: 'USD',
      },
    ]);
    const report = await validate({ view: 'commitments', home: h });
    expect(report.results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(report.exitCode).toBe(0);
  });

  it('is kept as it is by an unrelated ingest and removed with its source', async () => {
    const h = home();
    await ingestInto(h, [fixture('aws', 'cur2_constructed.csv')]);
    const before = commitmentFiles(h).map((f) => f.path);
    expect(before).toHaveLength(1);
    expect(before[0]).toMatch(/^commitments\/x_SourceId=aws-cur2\//);
    await ingestInto(h, [fixture('litellm')]);
    expect(commitmentFiles(h).map((f) => f.path)).toEqual(before);
    await forget({ home: h, source: 'aws-cur2' });
    expect(commitmentFiles(h)).toEqual([]);
    expect(await q(h, 'SELECT * FROM commitments')).toEqual([]);
  });

  it('FOCUS 1.0 exports (no CommitmentDiscountQuantity or Status): a usage commitment counts the usage it covered', async () => {
    const h = home();
    await ingestInto(h, [fixture('aws', 'focus10_aws_constructed.csv')]);
    const rows = await q<Record<string, unknown>>(h, `SELECT ${COLS} FROM commitments ORDER BY id`);
    // the RI covered 10 Hrs of p4d usage; the savings plan is a spend commitment: its used 11.05 USD, no quantity
    expect(rows.map((r) => [r.id, r.category, r.cost, r.quantity, r.unit])).toEqual([
      [RI, 'Usage', null, '10.000000000000000000', 'Hrs'],
      [SP, 'Spend', '11.050000000000000000', null, null],
    ]);
    const report = await validate({ view: 'commitments', home: h });
    expect(report.results.filter((r) => r.status === 'fail')).toEqual([]);
  });

  it('one row per billing currency: amounts in two currencies are never added', async () => {
    const h = home();
    // the AWS FOCUS 1.2 fixture with its RI upfront fee also billed once in EUR (a second payer, say)
    const lines = readFileSync(fixture('aws', 'focus12_aws_constructed.csv'), 'utf8').split('\n');
    const fee = lines.find((l) => l.includes(',Fee USE1-HeavyUsage:p4d.24xlarge,'))!;
    const eur = fee
      .replace(',Billing Account,USD,', ',Billing Account,EUR,')
      .replace(',Committed,USD,', ',Committed,EUR,');
    expect(eur).not.toBe(fee);
    const file = join(h, '..', `focus12-eur-${Date.now()}.csv`);
    writeFileSync(file, [...lines.filter((l) => l.trim() !== ''), eur].join('\n'));
    await ingestInto(h, [file]);
    const rows = await q<{ cur: string; cost: string }>(
      h,
      `SELECT BillingCurrency AS cur, ContractCommitmentCost::VARCHAR AS cost FROM commitments
       WHERE ContractCommitmentId = '${RI}' ORDER BY 1`,
    );
    expect(rows).toEqual([
      { cur: 'EUR', cost: '50000.000000000000000000' },
      { cur: 'USD', cost: '60044.000000000000000000' },
    ]);
  });

  it('a cloud export without commitment discounts writes no commitments file', async () => {
    const h = home();
    await ingestInto(h, [fixture('aws', 'legacy_cur_sample.csv')]);
    expect(commitmentFiles(h)).toEqual([]);
  });
});

describe('Azure EA actual + amortized: reservation and savings plan terms', () => {
  it('one row per reservation or plan; a spend commitment without fees in the data costs its amortized use', async () => {
    const h = home();
    await ingestInto(h, [
      fixture('azure', 'ea_actualcost_small.csv'),
      fixture('azure', 'ea_amortizedcost_small.csv'),
    ]);
    const rows = await q<Record<string, unknown>>(h, `SELECT ${COLS} FROM commitments ORDER BY id`);
    expect(rows.map((r) => [r.category, r.type, r.cost, r.quantity, r.unit, r.start])).toEqual([
      // the savings plan's used commitment (0.006000000468 USD) in the amortized export; no fee row in the month
      ['Spend', 'Savings Plan', '0.006000000468000000', '0.320855640000000000', '1 Hour', '2023-09-03'],
      // the reservation purchase row of the actual export (3.25): a fee with no usage rows of its own
      ['Usage', 'Reservation', '3.250000000000000000', '1.000000000000000000', '1 Hour', '2023-09-21'],
      // a reservation seen only through the usage it covered: cost unknown (FOCUS allows null for Usage)
      ['Usage', 'Reservation', null, '8.000000000000000000', '1 Hour', '2023-09-22'],
    ]);
    const report = await validate({ view: 'commitments', home: h });
    expect(report.results.filter((r) => r.status === 'fail')).toEqual([]);
  });
});
