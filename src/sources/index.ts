// The explicit source registry. Detection picks the best-scoring definition; an unknown id suggests the nearest.
import { InputError } from '../errors.js';
import { detectScore, editDistance, type Sniff, type SourceDefinition } from '../normalize/contract.js';
import { anthropicCost } from './anthropic-cost.js';
import { anthropicUsage } from './anthropic-usage.js';
import { commitments } from './commitments.js';
import { dcgm } from './dcgm.js';
import { focus } from './focus.js';
import { gatewayCsv } from './gateway-csv.js';
import { gpuReservations } from './gpu-reservations.js';
import { helicone } from './helicone.js';
import { langfuse } from './langfuse.js';
import { litellm } from './litellm.js';
import { nvidiaSmi } from './nvidia-smi.js';
import { openaiCosts } from './openai-costs.js';
import { openaiUsage } from './openai-usage.js';
import { opencost } from './opencost.js';
import { otelGenai } from './otel-genai.js';

export const SOURCES: SourceDefinition[] = [
  openaiCosts,
  openaiUsage,
  anthropicCost,
  anthropicUsage,
  litellm,
  otelGenai,
  langfuse,
  helicone,
  gatewayCsv,
  commitments,
  // GPU reservations and telemetry (docs/gpu.md)
  gpuReservations,
  nvidiaSmi,
  dcgm,
  opencost,
  focus,
];

export function sourceById(id: string): SourceDefinition {
  const s = SOURCES.find((x) => x.id === id);
  if (s) return s;
  const nearest = [...SOURCES].sort((a, b) => editDistance(id, a.id) - editDistance(id, b.id))[0];
  throw new InputError(
    `unknown source "${id}"`,
    {},
    nearest ? `did you mean "${nearest.id}"? (aicost sources lists them)` : undefined,
  );
}

/** The best definition for a sniffed file, or null with the scores (for the "closest candidates" message). */
export function detectSource(sniff: Sniff): { source: SourceDefinition | null; candidates: string[] } {
  const scored = SOURCES.map((s) => ({
    s,
    score: detectScore(s, sniff),
  })).sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (best && best.score >= 0.5) return { source: best.s, candidates: [] };
  const candidates = SOURCES.filter((s) => s.formats.includes(sniff.format as never)).map((s) => s.id);
  return { source: null, candidates };
}
