// Shared pieces of the Azure definitions (azure-cost, azure-focus): value formats of Cost Management exports and the
// Azure OpenAI token meters (docs/vendor-formats.md#azure). Data and SQL operations, not pipeline code.
import { constant, valueMap } from '../normalize/ops.js';
import { lit, type Sql, sql } from '../sql.js';

/**
 * Tags as a JSON object. EA and MCA CSVs write the members without braces (`"env": "prod","org": "trey"`); some
 * exports write real JSON. Blank, `{}` or unparseable text is NULL (tags are optional).
 */
export function azureTags(text: Sql): Sql {
  const wrapped = sql`(CASE WHEN starts_with(ltrim(${text}), '{') THEN ${text} ELSE '{' || ${text} || '}' END)`;
  return sql`(CASE WHEN ${text} IS NULL OR trim(${text}) IN ('', '""', '{}') THEN NULL
    WHEN json_valid(${wrapped}) AND json_type(${wrapped}::JSON) = 'OBJECT' THEN NULLIF(${wrapped}::JSON::VARCHAR, '{}') END)`;
}

/**
 * A date of an export: US `MM/DD/YYYY` or `M/D/YYYY` (EA and MCA CSVs), or ISO 8601 (`2021-02-02`, FOCUS times).
 * Never a plain cast: DuckDB would read `4/1/25` as the year 4 (docs/duckdb-notes.md).
 */
export function azureDate(text: Sql): Sql {
  return sql`(CASE WHEN regexp_full_match(${text}, '\\d{1,2}/\\d{1,2}/\\d{4}( .*)?')
      THEN CAST(TRY_STRPTIME(split_part(${text}, ' ', 1), '%m/%d/%Y') AS TIMESTAMP) AT TIME ZONE 'UTC'
    WHEN regexp_full_match(${text}, '\\d{4}-\\d{2}-\\d{2}') THEN CAST(TRY_CAST(${text} AS DATE) AS TIMESTAMP) AT TIME ZONE 'UTC'
    ELSE TRY_CAST(${text} AS TIMESTAMPTZ) END)`;
}

/** The leading block of a unit of measure (`10K` -> 10000, `100 Hours` -> 100, `1M` -> 1000000); 1 when none. */
export function blockSize(unit: Sql): Sql {
  const n = sql`TRY_CAST(NULLIF(regexp_extract(${unit}, '^\\s*([0-9]+(\\.[0-9]+)?)', 1), '') AS DECIMAL(38,6))`;
  const mult = sql`(CASE upper(regexp_extract(${unit}, '^\\s*[0-9.]+\\s*([KkMm])\\b', 1)) WHEN 'K' THEN 1000 WHEN 'M' THEN 1000000 ELSE 1 END)`;
  return sql`CAST(COALESCE(${n}, 1) * ${mult} AS DECIMAL(38,6))`;
}

/** The unit of measure without its block (`100 Hours` -> `Hours`, `1 GB/Month` -> `GB/Month`); `Units` when bare. */
export function blockUnit(unit: Sql): Sql {
  return sql`COALESCE(NULLIF(trim(regexp_replace(${unit}, '^\\s*[0-9.]+\\s*([KkMm]\\b)?\\s*/?\\s*', '')), ''), 'Units')`;
}

/**
 * An Azure OpenAI (Foundry Models) token meter, by its name: `gpt 4o 0513 Input global Tokens`,
 * `gpt-4o-mini-0718-Inp-glbl Tokens`, `R1 Outp glbl Tokens`, `gpt 4o 1120 cached Inp glbl`. Model spellings and
 * direction words vary, so the name is parsed defensively: the model is what precedes the direction word.
 */
const DIRECTION = `[\\s-]+(cached[\\s-]+|cchd[\\s-]+)?(input|inp|output|outp)([\\s-]|$)`;

/** True when the meter is an Azure OpenAI token meter (its name or subcategory says so). */
export function isTokenMeter(meterName: Sql, subCategory: Sql): Sql {
  return sql`COALESCE(regexp_matches(lower(${meterName}), ${lit(DIRECTION)})
    AND (lower(${meterName}) LIKE '%token%' OR lower(${subCategory}) LIKE '%openai%'), false)`;
}

/** The model part of a token meter's name (`gpt 4o 0513`, `gpt-4o-mini-0718`, `R1`). */
export const meterModel = (meterName: Sql): Sql =>
  sql`NULLIF(trim(regexp_extract(${meterName}, ${lit(`(?i)^(.*?)${DIRECTION}`)}, 1)), '')`;

/** The token class of a token meter: cached input is a cache read, input and output as named. */
export function meterTokenClass(meterName: Sql): Sql {
  const m = sql`lower(${meterName})`;
  return sql`(CASE WHEN regexp_matches(${m}, '(^|[\\s-])(cached|cchd)[\\s-]') THEN 'cache_read'
    WHEN regexp_matches(${m}, '[\\s-](output|outp)([\\s-]|$)') THEN 'output'
    WHEN regexp_matches(${m}, '[\\s-](input|inp)([\\s-]|$)') THEN 'input' ELSE 'other' END)`;
}

/**
 * A unit of measure in FOCUS UnitFormat, keeping its block so quantities and unit prices stay per block:
 * `10K` -> `10000 Units`, `1/Month` -> `Units/Month`; `1 Hour`, `100 Hours` and `1 GB/Month` already conform.
 */
export function azurePricingUnit(unit: Sql): Sql {
  return sql`(CASE WHEN regexp_full_match(${unit}, '\s*[0-9.]+\s*[KkMm]\s*') THEN CAST(CAST(${blockSize(unit)} AS BIGINT) AS VARCHAR) || ' Units'
    WHEN regexp_full_match(${unit}, '\s*1\s*/\s*([A-Za-z]+)\s*') THEN 'Units/' || regexp_extract(${unit}, '/\s*([A-Za-z]+)', 1)
    ELSE ${unit} END)`;
}

/** The PricingUnit of a token block: `1000 Tokens` for `1K`, `1000000 Tokens` for `1M`. */
export const tokenPricingUnit = (block: Sql): Sql =>
  sql`(CAST(CAST(${block} AS BIGINT) AS VARCHAR) || ' Tokens')`;

/** ServiceCategory from the meter category (the closed FOCUS list); `Other` when not known. */
export function azureServiceCategory(meterCategory: Sql): Sql {
  return valueMap(
    sql`lower(${meterCategory})`,
    {
      'cognitive services': 'AI and Machine Learning',
      'foundry models': 'AI and Machine Learning',
      'azure openai': 'AI and Machine Learning',
      'machine learning': 'AI and Machine Learning',
      'virtual machines': 'Compute',
      'virtual machines licenses': 'Compute',
      'azure kubernetes service': 'Compute',
      'container instances': 'Compute',
      functions: 'Compute',
      storage: 'Storage',
      backup: 'Storage',
      bandwidth: 'Networking',
      'virtual network': 'Networking',
      'load balancer': 'Networking',
      'ip addresses': 'Networking',
      'azure dns': 'Networking',
      'network watcher': 'Networking',
      'sql database': 'Databases',
      'sql managed instance': 'Databases',
      'azure database for mysql': 'Databases',
      'azure database for postgresql': 'Databases',
      'azure cosmos db': 'Databases',
      'log analytics': 'Management and Governance',
      'azure monitor': 'Management and Governance',
      'key vault': 'Security',
    },
    constant('Other'),
  );
}

/**
 * The resource type of an ARM resource id: the provider namespace and the type segments after the last
 * `/providers/` (`.../providers/Microsoft.Sql/servers/s1/databases/d1` -> `Microsoft.Sql/servers/databases`).
 * `Azure Resource` for an id of another shape (FOCUS wants a type whenever there is an id).
 */
export function armResourceType(id: Sql): Sql {
  const parts = sql`string_split(regexp_extract(${id}, '(?i)/providers/(.*)$', 1), '/')`;
  const types = sql`array_to_string(list_filter(${parts}, (x, i) -> i % 2 = 0 AND x <> ''), '/')`;
  return sql`(CASE WHEN ${id} IS NULL THEN NULL
    WHEN regexp_matches(${id}, '(?i)/providers/[^/]+/[^/]+') THEN ${parts}[1] || '/' || ${types}
    ELSE 'Azure Resource' END)`;
}
