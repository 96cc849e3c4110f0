// Documentation that looks like data: vendor folders hold JSON Schemas, OpenAPI extracts and field tables next to
// the exports (a HeliconeRequest schema has every field name a Helicone export has, so detection alone would take it
// for one and then fail on its shape). Such a file found by walking a folder is skipped with its reason; named on the
// command line it is an input error saying what it is. Decided from the sniffed head, so it works on huge files too.

const TYPE_WORDS =
  'string|number|integer|boolean|object|array|null|any|enum|timestamp|date|float|double|int64';
/** A `"key": "value"` pair whose value starts with a type name: `"request_id": "string"`, `"cost": "number|null"`. */
const TYPED_PAIR = new RegExp(`"[^"\\\\]*"\\s*:\\s*"(?:${TYPE_WORDS})\\b`, 'g');
const STRING_PAIR = /"[^"\\]*"\s*:\s*"/g;

const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

/**
 * What documentation a JSON document is, from its first bytes (e.g. "a JSON Schema document"), or null when it may
 * be data. Markers: a `$schema` naming json-schema.org, or `type: object` with `properties`; an `openapi`/`swagger`
 * version or `components.schemas`; or a field table where most string values are type names (at least 8 of them).
 */
export function documentationKind(head: string): string | null {
  const start = head.trimStart();
  if (!start.startsWith('{') && !start.startsWith('[')) return null;
  if (/"\$schema"\s*:\s*"[^"]*json-schema/.test(head)) return 'a JSON Schema document';
  if (/"openapi"\s*:\s*"\d/.test(head)) return 'an OpenAPI document';
  if (/"swagger"\s*:\s*"\d/.test(head)) return 'a Swagger (OpenAPI 2) document';
  if (/"components"\s*:\s*\{\s*"schemas"\s*:/.test(head)) return 'an OpenAPI schema extract';
  if (
    /^\{\s*(?:"[^"]+"\s*:\s*"[^"]*"\s*,\s*)*"type"\s*:\s*"object"/.test(start) &&
    /"properties"\s*:\s*\{/.test(head)
  )
    return 'a JSON Schema document';
  const typed = count(head, TYPED_PAIR);
  if (typed >= 8 && typed * 2 >= count(head, STRING_PAIR))
    return 'a schema description (field names and types)';
  return null;
}
