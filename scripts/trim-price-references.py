#!/usr/bin/env python3
"""Dev-time only: trim the public price maps to the models of prices/book.yaml, for test/prices/book-vs-references.

    python3 scripts/trim-price-references.py LITELLM_JSON LANGFUSE_JSON OUT_DIR

LITELLM_JSON: LiteLLM's model_prices_and_context_window.json (BerriAI/litellm, or its verbatim mirror
RoCry/llm-api-price); LANGFUSE_JSON: worker/src/constants/default-model-prices.json of langfuse/langfuse. Keeps,
every LiteLLM entry whose key is a book id or alias behind one of the route/profile prefixes below (its price fields
and litellm_provider, mode, source, deprecation_date; values unchanged), and every Langfuse entry whose
matchPattern matches a book id or alias (name, pattern, dates and pricing tiers, unchanged). Record the commits in OUT_DIR/ORIGIN.md.
"""
import json
import re
import sys

import yaml

PREFIXES = ['', 'gemini/', 'mistral/', 'azure/', 'us.', 'eu.', 'apac.', 'jp.', 'au.', 'global.', 'us-gov.']

litellm_path, langfuse_path, out = sys.argv[1:4]
book = yaml.safe_load(open('prices/book.yaml'))
ids = set()
for models in book['providers'].values():
    for model, entry in models.items():
        ids.add(model)
        ids.update(a.lower() for a in entry.get('aliases', []))

litellm = json.load(open(litellm_path))
LITELLM_FIELDS = ('litellm_provider', 'mode', 'source', 'deprecation_date')
keep = {
    k: {f: x for f, x in v.items() if f in LITELLM_FIELDS or 'cost' in f}
    for k, v in litellm.items()
    if any(k == p + i for i in ids for p in PREFIXES)
}
with open(f'{out}/litellm-model-prices.json', 'w') as f:
    json.dump(dict(sorted(keep.items())), f, indent=1)
    f.write('\n')

langfuse = json.load(open(langfuse_path))


def matches(entry):
    pattern = re.compile(entry['matchPattern'].replace('(?i)', ''), re.IGNORECASE)
    return any(pattern.match(i) for i in ids)


LANGFUSE_FIELDS = ('modelName', 'matchPattern', 'createdAt', 'updatedAt', 'pricingTiers')
kept = [{f: e[f] for f in LANGFUSE_FIELDS if f in e} for e in langfuse if matches(e)]
with open(f'{out}/langfuse-default-model-prices.json', 'w') as f:
    json.dump(kept, f, indent=1)
    f.write('\n')
print(f'{len(keep)} LiteLLM entries, {len(kept)} Langfuse entries')
