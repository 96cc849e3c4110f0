// PLACEHOLDER: the otel-genai source definition (issue 3) is being written; until then it detects nothing.
import type { SourceDefinition } from './types.js';

export const otelGenai: SourceDefinition = {
  id: 'otel-genai',
  title: 'otel-genai (not yet implemented)',
  family: 'gateway',
  dataset: 'usage',
  formats: ['json'],
  detects: 'not yet implemented',
  detect: () => 0,
  reader: () => ({ kind: 'json', records: { path: ['*'], fields: {} }, columns: {} }),
  map: {},
  replace: { kind: 'rows', key: ['trace_id', 'request_id'] },
};
