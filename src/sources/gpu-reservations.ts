// gpu-reservations: aicost's own documented CSV of reserved GPU capacity (docs/gpu.md#gpu-reservations-csv,
// fixtures/gpu-reservations/ORIGIN.md): reserved instances, capacity blocks, committed GPU capacity from any provider
// or a GPU cloud, one row per reservation. Each becomes one FOCUS Purchase row of record (focus/): the whole term's
// cost (upfront + hourly rate × term hours) over the term as its charge period, EffectiveCost 0 (a purchase that
// covers the term's usage, as FOCUS requires of prepaid commitments), priced in GPU-hours, named as a commitment
// discount (CommitmentDiscountId/Category/Type/Quantity/Unit) and a capacity reservation (CapacityReservationId).
// Its term becomes a Contract Commitment row in commitments/ (ingest/commitment-rows.ts). Used/Unused hours are
// never derived here: they come from the provider's billing data (FOCUS rows with CommitmentDiscountStatus and
// CapacityReservationStatus); telemetry only splits a pool into busy and idle time.
import { defineSource, type InputColumn } from '../normalize/contract.js';
import {
  checks,
  constant,
  DIVIDE_EXACT_MAX,
  decimal,
  divideExact,
  isoTime,
  jsonObject,
  MONEY,
  str,
  value,
  valueMap,
} from '../normalize/ops.js';
import { lit, sql } from '../sql.js';

const COLUMNS = [
  'reservation_id',
  'provider',
  'instance_type',
  'gpu_model',
  'gpu_count',
  'start',
  'end',
  'upfront',
  'hourly_rate',
  'currency',
];
const reader: Record<string, InputColumn> = {
  ...Object.fromEntries(COLUMNS.map((c) => [c, { type: 'VARCHAR', required: true }])),
  // optional: where the capacity is, and a name to show
  region: { type: 'VARCHAR' },
  name: { type: 'VARCHAR' },
};

const id = str('reservation_id');
const providerKey = sql`lower(${str('provider')})`;
/** Display names of the big clouds (as their own exports spell ServiceProviderName); others as written. */
const provider = valueMap(
  providerKey,
  { aws: 'AWS', azure: 'Microsoft', gcp: 'Google Cloud', google: 'Google Cloud' },
  str('provider'),
);
const service = valueMap(
  providerKey,
  {
    aws: 'Amazon Elastic Compute Cloud',
    azure: 'Virtual Machines',
    gcp: 'Compute Engine',
    google: 'Compute Engine',
  },
  sql`${str('provider')} || ' GPU capacity'`,
);
const start = isoTime('start');
const end = isoTime('end');
const termSeconds = sql`(epoch(${end}) - epoch(${start}))`;
/** Whole hours of the term (checked: a term is whole hours, so the total is exact). */
const hours = sql`CAST(${termSeconds} // 3600 AS DECIMAL(38,0))`;
const gpus = sql`CAST(TRY_CAST(${str('gpu_count')} AS DECIMAL(38,6)) AS DECIMAL(38,0))`;
const gpuHours = sql`CAST(${gpus} * ${hours} AS ${MONEY})`;
const upfront = decimal('upfront');
const hourly = decimal('hourly_rate');
/** The term's cost: upfront + hourly rate × hours (the hourly rate is for the whole reservation, all its GPUs). */
const total = sql`CAST(${upfront} + CAST(${hourly} * ${hours} AS ${MONEY}) AS ${MONEY})`;
const price = sql`CAST(${divideExact(total, gpuHours)} AS ${MONEY})`;
const sku = sql`lower(${str('provider')}) || ':' || ${str('instance_type')} || ':gpu-reservation'`;

export const gpuReservations = defineSource({
  id: 'gpu-reservations',
  title: 'GPU reservations and capacity blocks (aicost documented CSV)',
  family: 'gpu',
  dataset: 'focus',
  detects:
    'CSV with reservation_id, provider, instance_type, gpu_model, gpu_count, start, end, upfront, hourly_rate, currency',
  detect: [{ format: 'csv', header: { all: COLUMNS } }],
  reader: () => ({ kind: 'csv', columns: reader }),
  // a reservation id names one commitment: a file listing it twice is ambiguous
  let: { reservation_rows: sql`count(*) OVER (PARTITION BY ${id})` },
  checks: [
    ...COLUMNS.map((c) => checks.required(c)),
    checks.number('upfront'),
    checks.number('hourly_rate'),
    checks.isoTime('start'),
    checks.isoTime('end'),
    {
      column: 'gpu_count',
      bad: sql`NOT COALESCE(regexp_full_match(${str('gpu_count')}, '[1-9][0-9]{0,5}'), false)`,
      problem: 'not a whole number of GPUs (1-999999)',
    },
    { column: 'upfront', bad: sql`${upfront} < 0`, problem: 'negative amount' },
    { column: 'hourly_rate', bad: sql`${hourly} < 0`, problem: 'negative rate' },
    {
      column: 'hourly_rate',
      bad: sql`${upfront} = 0 AND ${hourly} = 0`,
      problem: 'upfront and hourly_rate are both 0: a reservation costs something',
    },
    { column: 'end', bad: sql`${end} <= ${start}`, problem: 'not after start' },
    {
      column: 'end',
      bad: sql`${termSeconds} % 3600 <> 0`,
      problem: 'the term (end - start) is not a whole number of hours',
    },
    {
      column: 'gpu_count',
      bad: sql`${gpuHours} >= ${lit(DIVIDE_EXACT_MAX)}::${MONEY}`,
      problem: `gpu_count × term hours is not below ${DIVIDE_EXACT_MAX}`,
    },
    {
      column: 'currency',
      bad: sql`NOT regexp_full_match(${str('currency')}, '[A-Za-z]{3}')`,
      problem: 'not an ISO 4217 currency code',
    },
    {
      column: 'reservation_id',
      bad: sql`"reservation_rows" > 1`,
      problem: 'reservation id listed more than once',
    },
  ],
  absent: {
    ChargeClass: 'a reservation is restated by a later file with the same reservation_id, never corrected',
  },
  map: {
    BillingAccountId: sql`COALESCE(_account, ${provider})`,
    BillingAccountName: sql`COALESCE(_account, ${provider})`,
    BillingAccountType: constant('Organization'),
    ServiceProviderName: provider,
    HostProviderName: provider,
    InvoiceIssuerName: provider,
    ProviderName: provider,
    PublisherName: provider,
    ServiceName: service,
    ServiceCategory: constant('Compute'),
    ServiceSubcategory: constant('Virtual Machines'),
    ChargeCategory: constant('Purchase'),
    // an hourly fee recurs over the term; a capacity block paid upfront is bought once
    ChargeFrequency: sql`CASE WHEN ${hourly} > 0 THEN 'Recurring' ELSE 'One-Time' END`,
    ChargeDescription: sql`'GPU reservation ' || ${id} || ': ' || ${str('gpu_count')} || ' × ' || ${str('gpu_model')} || ' (' || ${str('instance_type')} || ')'`,
    ChargePeriodStart: start,
    ChargePeriodEnd: end,
    BillingCurrency: sql`upper(${str('currency')})`,
    BilledCost: total,
    EffectiveCost: value(0),
    ListCost: total,
    ContractedCost: total,
    PricingCategory: constant('Standard'),
    PricingUnit: constant('GPU-Hours'),
    PricingQuantity: gpuHours,
    ListUnitPrice: price,
    ContractedUnitPrice: price,
    SkuId: sku,
    SkuPriceId: sql`${sku} || ':' || ${id}`,
    SkuMeter: constant('GPU Reservation'),
    RegionId: str('region'),
    RegionName: str('region'),
    ResourceId: id,
    ResourceName: sql`COALESCE(${str('name')}, ${id})`,
    ResourceType: constant('GPU Reservation'),
    CommitmentDiscountId: id,
    CommitmentDiscountName: sql`COALESCE(${str('name')}, ${id})`,
    CommitmentDiscountCategory: constant('Usage'),
    CommitmentDiscountType: constant('GPU Reservation'),
    CommitmentDiscountQuantity: gpuHours,
    CommitmentDiscountUnit: constant('GPU-Hours'),
    CapacityReservationId: id,
    Tags: jsonObject({
      instance_type: str('instance_type'),
      gpu_model: str('gpu_model'),
      gpu_count: str('gpu_count'),
    }),
    x_CostSource: constant('purchase'),
    x_QuantityEstimated: value(false),
    x_PriceDerived: value(true),
  },
  sourceCost: total,
  reconcileTo: 'BilledCost',
  reconcile: [
    {
      measure: 'PricingQuantity = gpu_count × term hours',
      source: sql`COALESCE(${gpuHours}, 0)`,
      stored: sql`COALESCE("PricingQuantity", 0)`,
    },
  ],
  replace: { kind: 'rows', key: ['ResourceId'], anyPartition: true },
});
