#!/usr/bin/env python3
"""Writes fixtures/<folder>/expected.json: what ingesting each fixture file must store, computed WITHOUT aicost.

This script reads the raw vendor files itself (Python's json/csv/gzip, `zstd -dc` for .zst) and applies the token
and money rules as the documentation states them, not as the TypeScript implements them:

- docs/data-model.md ("Token classes", "Reconciliation") and docs/vendor-formats.md (one section per vendor);
- the header comments of src/sources/langfuse.ts, src/sources/otel-genai.ts and src/sources/helicone.ts, which state
  the Langfuse, OTel and Helicone token rules in words; fixtures/gateway-csv/README.md for the generic gateway CSV;
- src/normalize/focus-defaults.ts for the one FOCUS default that changes a money total (ContractedCost = ListCost
  when the input has no ContractedCost column);
- fixtures/commitments/README.md and docs/data-model.md ("Token lifecycle") for prepaid bundles: the Purchase row of
  a bundle, and the cost-report rows a bundle pays for, whose BilledCost drops by what it paid.

Money is summed with decimal.Decimal from the input's own text (never a float) and written at the stored scale,
DECIMAL(38,18), as DuckDB prints `SUM(x)::VARCHAR`; a total that does not fit that scale exactly is written exact and
reported, since aicost cannot store it. test/sources/expected.test.ts ingests each listed file and compares, so a
disagreement between this reading of the rules and the code fails there: investigate, never copy aicost's number.

Usage: python3 scripts/fixture-expected.py          (rewrite every expected.json)
       python3 scripts/fixture-expected.py --check  (exit 1 when a committed expected.json differs)
"""

import csv
import gzip
import io
import json
import re
import subprocess
import sys
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal, getcontext
from pathlib import Path

getcontext().prec = 80

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / 'fixtures'
FOLDERS = [
    'openai', 'anthropic', 'litellm', 'focus', 'gateway-csv', 'helicone', 'langfuse', 'otel-genai', 'quirks',
    'compressed', 'allocation', 'deliveries', 'forecast', 'commitments',
]
NOT_DATA = {'ORIGIN.md', 'README.md', 'expected.json'}
TOKEN_CLASSES = ['input', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'cache_write', 'output']
FOCUS_MONEY = ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost']
SCALE = Decimal('1e-18')
problems = []


# ---------------------------------------------------------------- reading raw bytes

def raw_bytes(path):
    data = path.read_bytes()
    if data[:2] == b'\x1f\x8b':
        return gzip.decompress(data)
    if data[:4] == b'\x28\xb5\x2f\xfd':
        return subprocess.run(['zstd', '-dcq'], input=data, capture_output=True, check=True).stdout
    return data


def text_of(path):
    return raw_bytes(path).decode('utf-8-sig')


def json_docs(text):
    """One JSON document, or NDJSON (one per line). Numbers keep their text: floats become Decimal."""
    try:
        return [json.loads(text, parse_float=Decimal)]
    except json.JSONDecodeError:
        return [json.loads(line, parse_float=Decimal) for line in text.splitlines() if line.strip()]


def csv_rows(text):
    first = text.split('\n', 1)[0]
    delim = ';' if first.count(';') > first.count(',') else ','
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=delim)
    header = [h.strip() for h in next(reader)]
    return header, [dict(zip(header, r)) for r in reader if r]


# ---------------------------------------------------------------- values

def dec(v):
    """A money or count value from JSON or CSV text; None when absent, empty or literally NULL."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, Decimal)):
        return Decimal(v)
    s = str(v).strip()
    if s == '' or s.upper() == 'NULL':
        return None
    return Decimal(s)


def count(v):
    d = dec(v)
    if d is None:
        return 0
    if d != d.to_integral_value() or d < 0:
        raise ValueError(f'not a token count: {v!r}')
    return int(d)


def money_text(total, where):
    if total is None:
        return None
    q = total.quantize(SCALE)
    if q != total:
        problems.append(f'{where}: {total} has more than 18 decimals; DECIMAL(38,18) cannot hold it')
        return format(total, 'f')
    return format(q, 'f')


def tokens_dict(rows):
    return {c: sum(r.get(c, 0) for r in rows) for c in TOKEN_CLASSES}


def usage_result(source, rows, costs, skipped=None):
    present = [c for c in costs if c is not None]
    out = {
        'source': source,
        'dataset': 'usage',
        'rows': len(rows),
        'tokens': tokens_dict(rows),
        'totals': {'source_cost': sum(present, Decimal(0)) if present else None},
    }
    if skipped is not None:
        out['skipped'] = skipped
    return out


def focus_result(source, money_rows):
    """money_rows: one dict per stored row, column -> Decimal or None (plus `_` keys a later step reads)."""
    totals = {}
    for c in FOCUS_MONEY:
        vals = [r[c] for r in money_rows if r.get(c) is not None]
        totals[c] = sum(vals, Decimal(0)) if vals else None
    return {'source': source, 'dataset': 'focus', 'rows': len(money_rows), 'totals': totals, '_rows': money_rows}


def utc(text):
    """ISO 8601 text (a trailing Z, an offset, or none: UTC) or unix seconds, as an aware datetime."""
    if isinstance(text, (int, Decimal)):
        return datetime.fromtimestamp(int(text), timezone.utc)
    t = datetime.fromisoformat(str(text).strip().replace('Z', '+00:00'))
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


# ---------------------------------------------------------------- OpenAI (docs/vendor-formats.md#openai)

def openai_results(doc):
    return [(b, r) for b in doc['data'] for r in b['results']]


def openai_costs(doc):
    # amount.value is dollars (a float in the JSON, read from its text); one row per result, itemized or not
    rows = []
    for b, r in openai_results(doc):
        v = dec(r['amount']['value'])
        rows.append({**{c: v for c in FOCUS_MONEY}, '_t': utc(b['start_time']), '_provider': 'openai',
                     '_currency': r['amount']['currency'].upper()})
    return focus_result('openai-costs', rows)


def openai_usage(doc):
    # input_tokens INCLUDES cached and cache-write tokens: uncached = input_uncached_tokens when given, else
    # input_tokens - input_cached_tokens - input_cache_write_tokens. Cache writes carry no TTL: cache_write.
    rows = []
    for _, r in openai_results(doc):
        cached = count(r.get('input_cached_tokens'))
        write = count(r.get('input_cache_write_tokens'))
        if r.get('input_uncached_tokens') is not None:
            uncached = count(r['input_uncached_tokens'])
        else:
            uncached = count(r.get('input_tokens')) - cached - write
        rows.append({'input': uncached, 'cache_read': cached, 'cache_write': write,
                     'output': count(r.get('output_tokens'))})
    return usage_result('openai-usage', rows, [])


# ---------------------------------------------------------------- Anthropic (docs/vendor-formats.md#anthropic)

def anthropic_cost(doc):
    # amount is a decimal STRING in cents: divide by 100
    rows = []
    for b in doc['data']:
        for r in b['results']:
            v = dec(r['amount']) / 100
            rows.append({**{c: v for c in FOCUS_MONEY}, '_t': utc(b['starting_at']), '_provider': 'anthropic',
                         '_currency': r['currency'].upper()})
    return focus_result('anthropic-cost', rows)


def anthropic_usage(doc):
    # reported split, never nested: each field is its own class
    rows = []
    for b in doc['data']:
        for r in b['results']:
            cc = r.get('cache_creation') or {}
            rows.append({
                'input': count(r.get('uncached_input_tokens')),
                'cache_read': count(r.get('cache_read_input_tokens')),
                'cache_write_5m': count(cc.get('ephemeral_5m_input_tokens')),
                'cache_write_1h': count(cc.get('ephemeral_1h_input_tokens')),
                'output': count(r.get('output_tokens')),
            })
    return usage_result('anthropic-usage', rows, [])


# ---------------------------------------------------------------- LiteLLM (docs/vendor-formats.md#litellm)

def litellm_record(rec):
    # prompt_tokens follows the OpenAI shape: cached tokens (usage_object.prompt_tokens_details.cached_tokens, or
    # cache_read_input_tokens) and cache-creation tokens (cache_creation_input_tokens, split by TTL when
    # cache_creation.ephemeral_* is given, or the OpenAI-shape prompt_tokens_details.cache_write_tokens /
    # cache_creation_tokens: the same writes, so the larger count) are inside it, and are subtracted only when they
    # fit inside it.
    meta = rec.get('metadata')
    if isinstance(meta, str):
        try:
            meta = json.loads(meta, parse_float=Decimal) if meta.strip() else None
        except json.JSONDecodeError:
            meta = None
    uo = (meta.get('usage_object') if isinstance(meta, dict) else None) or {}
    details = uo.get('prompt_tokens_details') or {}
    if details.get('cached_tokens') is not None:
        read = count(details['cached_tokens'])
    else:
        read = count(uo.get('cache_read_input_tokens'))
    ttl = uo.get('cache_creation') or {}
    w5, w1 = ttl.get('ephemeral_5m_input_tokens'), ttl.get('ephemeral_1h_input_tokens')
    # the TTL split is a breakdown of cache_creation_input_tokens; when they disagree the larger is the total
    openai_writes = details.get('cache_write_tokens')
    if openai_writes is None:
        openai_writes = details.get('cache_creation_tokens')
    write_total = max(count(uo.get('cache_creation_input_tokens')), count(w5) + count(w1), count(openai_writes))
    prompt = count(rec.get('prompt_tokens'))
    uncached = prompt - read - write_total if prompt >= read + write_total else prompt
    row = {'input': uncached, 'cache_read': read, 'output': count(rec.get('completion_tokens'))}
    if w5 is not None or w1 is not None:
        row['cache_write_5m'], row['cache_write_1h'] = count(w5), count(w1)
        row['cache_write'] = write_total - count(w5) - count(w1)
    else:
        row['cache_write'] = write_total
    return row, dec(rec.get('spend'))


def litellm(records):
    rows, costs = zip(*[litellm_record(r) for r in records]) if records else ((), ())
    return usage_result('litellm', list(rows), list(costs))


# ---------------------------------------------------------------- Helicone (src/sources/helicone.ts header)

def helicone(records):
    # Helicone's token columns are disjoint: input = prompt + prompt audio, cache_read, cache_write (no TTL),
    # output = completion + completion audio. cost (else the older costUSD) is Helicone's estimate: source_cost.
    rows, costs = [], []
    for r in records:
        rows.append({
            'input': count(r.get('prompt_tokens')) + count(r.get('prompt_audio_tokens')),
            'cache_read': count(r.get('prompt_cache_read_tokens')),
            'cache_write': count(r.get('prompt_cache_write_tokens')),
            'output': count(r.get('completion_tokens')) + count(r.get('completion_audio_tokens')),
        })
        cost = dec(r.get('cost'))
        costs.append(cost if cost is not None else dec(r.get('costUSD')))
    return usage_result('helicone', rows, costs)


# ---------------------------------------------------------------- gateway CSV (fixtures/gateway-csv/README.md)

GATEWAY_TOKENS = {'input_tokens': 'input', 'cache_read_tokens': 'cache_read',
                  'cache_write_5m_tokens': 'cache_write_5m', 'cache_write_1h_tokens': 'cache_write_1h',
                  'cache_write_tokens': 'cache_write', 'output_tokens': 'output'}


def gateway_csv(rows_in):
    # one column per class, never overlapping; empty optional token columns are 0
    rows, costs = [], []
    for r in rows_in:
        low = {k.lower(): v for k, v in r.items()}
        rows.append({cls: count(low.get(col)) for col, cls in GATEWAY_TOKENS.items()})
        costs.append(dec(low.get('cost')))
    return usage_result('gateway-csv', rows, costs)


# ---------------------------------------------------------------- Langfuse (src/sources/langfuse.ts header)
# usageDetails keys, classified by the stated rule: Langfuse's own `input_*`/`output_*` details are disjoint buckets
# (added), as are provider-native keys (Anthropic's cache tokens beside input_tokens, Gemini's thoughts beside the
# candidates); OpenInference/OTel pass-through details (`prompt_details.*`, `completion_details.*`,
# `cache_read.input_tokens`) and Gemini's cached_content_token_count are breakdowns INSIDE input/output: a cache
# breakdown moves out of input once (only when it fits inside input), the others are not counted again. A cache
# creation total of unknown TTL has the 5m/1h keys, when present, as its breakdown.

LF_INPUT = ['input', 'input_tokens', 'prompt_tokens', 'prompt_token_count', 'promptTokenCount']
LF_OUTPUT = ['output', 'output_tokens', 'completion_tokens', 'candidates_token_count', 'candidatesTokenCount']
LF_NOT_TOKENS = {'total', 'unit'}


def lf_classify(key):
    """(class, how): how is 'base' (the first present synonym counts), 'add' (disjoint), 'inside' (a cache
    breakdown inside input), 'note' (a breakdown already counted)."""
    if key in LF_INPUT:
        return 'input', 'base'
    if key in LF_OUTPUT:
        return 'output', 'base'
    if key.startswith(('prompt_details.', 'completion_details.')) or key.endswith('.input_tokens'):
        if 'cache_read' in key:
            return 'cache_read', 'inside'
        if 'cache_write' in key or 'cache_creation' in key:
            return 'cache_write', 'inside'
        return None, 'note'
    if key in ('cached_content_token_count', 'cachedContentTokenCount'):
        return 'cache_read', 'inside'
    if key in ('thoughts_token_count', 'thoughtsTokenCount'):
        return 'output', 'add'
    if key in ('reasoning_tokens',):
        return None, 'note'
    if key in ('cache_read_input_tokens',):
        return 'cache_read', 'add'
    if key in ('cache_creation_input_tokens', 'cache_write_tokens'):
        return 'cache_write', 'add'
    if key.startswith('input_'):
        if 'cache_read' in key or 'cached' in key:
            return 'cache_read', 'add'
        if re.search(r'(creation|ephemeral)_5m', key):
            return 'cache_write_5m', 'add'
        if re.search(r'(creation|ephemeral)_1h', key):
            return 'cache_write_1h', 'add'
        if 'cache_creation' in key or 'cache_write' in key:
            return 'cache_write', 'add'
        return 'input', 'add'  # audio, text, image, modality buckets
    if key.startswith('output_'):
        return 'output', 'add'  # reasoning, audio, text, modality buckets
    raise ValueError(f'langfuse: no rule for usage key {key!r}: decide its class before adding the fixture')


def langfuse_observation(o):
    usage = o.get('usageDetails') or o.get('usage') or {}
    base = {'input': None, 'output': None}
    added = dict.fromkeys(TOKEN_CLASSES, 0)
    inside = {'cache_read': 0, 'cache_write': 0}
    for k, v in usage.items():
        if k in LF_NOT_TOKENS:
            continue
        cls, how = lf_classify(k)
        if how == 'base':
            # synonyms: the first in the documented order wins
            order = LF_INPUT if cls == 'input' else LF_OUTPUT
            cur = base[cls]
            if cur is None or order.index(k) < order.index(cur[0]):
                base[cls] = (k, count(v))
        elif how == 'add':
            added[cls] += count(v)
        elif how == 'inside':
            inside[cls] += count(v)
    inp = base['input'][1] if base['input'] else 0
    out = base['output'][1] if base['output'] else 0
    fits = inp >= inside['cache_read'] + inside['cache_write']
    row = {
        'input': inp - (inside['cache_read'] + inside['cache_write'] if fits else 0) + added['input'],
        'cache_read': added['cache_read'] + inside['cache_read'],
        'cache_write_5m': added['cache_write_5m'],
        'cache_write_1h': added['cache_write_1h'],
        # the unknown-TTL total minus its 5m/1h breakdown (never below 0), plus a breakdown inside input
        'cache_write': max(added['cache_write'] - added['cache_write_5m'] - added['cache_write_1h'], 0)
        + inside['cache_write'],
        'output': out + added['output'],
    }
    # costDetails.total is Langfuse's cost; an empty costDetails means "no price known" (NULL, not 0); exports
    # without costDetails carry only the legacy totalCost / calculatedTotalCost
    cd = o.get('costDetails')
    if cd and cd.get('total') is not None:
        cost = dec(cd['total'])
    elif cd is None or cd != {}:
        cost = dec(o.get('totalCost'))
        cost = cost if cost is not None else dec(o.get('calculatedTotalCost'))
    else:
        cost = None
    return row, cost


def langfuse(docs):
    rows, costs, skipped = [], [], 0
    for d in docs:
        for o in d['observations']:
            # only model calls are rows; agent, chain, tool, span and event observations carry roll-ups
            if str(o.get('type', '')).upper() not in ('GENERATION', 'EMBEDDING'):
                skipped += 1
                continue
            row, cost = langfuse_observation(o)
            rows.append(row)
            costs.append(cost)
    return usage_result('langfuse', rows, costs, skipped)


# ---------------------------------------------------------------- OTel GenAI (src/sources/otel-genai.ts header)

OT_INPUT = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens']
OT_OUTPUT = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens']
OT_READ = ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens']
OT_CREATE = ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_write.input_tokens',
             'gen_ai.usage.cache_creation_input_tokens']
OT_LEAF_OPS = {'chat', 'generate_content', 'text_completion', 'embeddings'}
OT_ROLLUP_OPS = {'invoke_agent', 'create_agent', 'invoke_workflow', 'execute_tool'}
OT_ROLLUP_KINDS = {'agent', 'chain', 'tool', 'workflow', 'task'}


def otlp_value(v):
    for k in ('stringValue', 'intValue', 'doubleValue', 'boolValue'):
        if k in v:
            return v[k]
    return None


def otel(docs):
    rows, skipped = [], 0
    for d in docs:
        for rs in d.get('resourceSpans', []):
            for ss in rs.get('scopeSpans', []):
                for s in ss.get('spans', []):
                    a = {x['key']: otlp_value(x.get('value') or {}) for x in s.get('attributes', [])}

                    def first(names):
                        for n in names:
                            if a.get(n) is not None and str(a[n]).strip() != '':
                                return count(a[n])
                        return None

                    op = str(a.get('gen_ai.operation.name') or '').lower()
                    kind = str(a.get('openinference.span.kind') or a.get('traceloop.span.kind') or '').lower()
                    has_usage = any(a.get(n) is not None for n in OT_INPUT + OT_OUTPUT + OT_READ + OT_CREATE)
                    # leaf model calls only: agent/workflow/tool spans carry roll-ups of their children
                    leaf = op in OT_LEAF_OPS or (has_usage and op not in OT_ROLLUP_OPS
                                                 and kind not in OT_ROLLUP_KINDS)
                    if not leaf:
                        skipped += 1
                        continue
                    inp, read, create = first(OT_INPUT) or 0, first(OT_READ) or 0, first(OT_CREATE) or 0
                    # cached tokens are inside input_tokens by the convention; when they do not fit, the
                    # instrumentation copied Anthropic's raw split and input is already uncached
                    uncached = inp - read - create if inp >= read + create else inp
                    rows.append({'input': uncached, 'cache_read': read, 'cache_write': create,
                                 'output': first(OT_OUTPUT) or 0})
    return usage_result('otel-genai', rows, [], skipped)


# ---------------------------------------------------------------- FOCUS (docs/vendor-formats.md#focus-input)

def focus_csv(header, rows_in):
    # literal NULL and empty cells are NULL; ContractedCost defaults to ListCost when the input has no such column
    # (src/normalize/focus-defaults.ts); other money columns the input lacks stay NULL
    has = set(header)
    rows = []
    for r in rows_in:
        m = {c: dec(r[c]) if c in has else None for c in FOCUS_MONEY}
        if 'ContractedCost' not in has and 'ListCost' in has:
            m['ContractedCost'] = m['ListCost']
        rows.append(m)
    return focus_result('focus', rows)


# ---------------------------------------------------------------- prepaid bundles (fixtures/commitments/README.md)

BUNDLE_COLUMNS = {'bundle_id', 'provider', 'purchased_units', 'unit', 'amount_paid', 'currency', 'valid_from',
                  'valid_to'}
PROVIDERS = {'openai': 'openai', 'anthropic': 'anthropic', 'anthropic_api': 'anthropic', 'openai_api': 'openai'}


def commitments_csv(rows_in):
    # one Purchase row per bundle: BilledCost = ListCost = ContractedCost = amount paid, EffectiveCost 0
    rows = []
    for r in rows_in:
        r = {k.lower(): v for k, v in r.items()}
        paid = dec(r['amount_paid'])
        rows.append({'BilledCost': paid, 'EffectiveCost': Decimal(0), 'ListCost': paid, 'ContractedCost': paid,
                     '_bundle': {'id': r['bundle_id'], 'provider': PROVIDERS.get(r['provider'].lower(), r['provider']),
                                 'currency': r['currency'].upper(), 'from': utc(r['valid_from']),
                                 'to': utc(r['valid_to']), 'units': dec(r['purchased_units']), 'paid': paid}})
    return focus_result('commitments', rows)


def round18(x):
    return x.quantize(SCALE, rounding=ROUND_HALF_UP)


def burn_down(results):
    """A bundle pays for its provider's cost-report rows in its currency and validity, in charge time order, the
    bundle expiring first first, until its units run out; the row that outruns it is paid up to the balance and the
    rest stays billed. Units = cost x units / paid, rounded half up to 18 decimals. BilledCost drops by what it paid."""
    bundles = sorted((r['_bundle'] for res in results for r in res.get('_rows', []) if '_bundle' in r),
                     key=lambda b: (b['to'], b['from'], b['id']))
    for b in bundles:
        b['balance'] = b['units']
    rows = sorted((r for res in results for r in res.get('_rows', []) if '_t' in r), key=lambda r: r['_t'])
    for i, r in enumerate(rows):
        cost = r['EffectiveCost']
        b = next((b for b in bundles if b['balance'] > 0 and b['provider'] == r['_provider']
                  and b['currency'] == r['_currency'] and b['from'] <= r['_t'] < b['to']), None)
        if b is None or cost <= 0:
            continue
        if i + 1 < len(rows) and rows[i + 1]['_t'] == r['_t']:
            raise ValueError('two covered rows at the same time: the draw order would depend on row ids')
        need = round18(cost * b['units'] / b['paid'])
        units = min(need, b['balance'])
        paid = cost if units == need else round18(units * b['paid'] / b['units'])
        b['balance'] -= units
        r['BilledCost'] = cost - paid
    for res in (x for x in results if bundles and '_rows' in x):
        vals = [r['BilledCost'] for r in res['_rows']]
        res['totals']['BilledCost'] = sum(vals, Decimal(0)) if vals else None


# ---------------------------------------------------------------- which vendor format a file is (by structure)

def classify(path):
    text = text_of(path)
    stripped = text.lstrip()
    if stripped[:1] in ('{', '['):
        docs = json_docs(text)
        d0 = docs[0]
        if isinstance(d0, dict) and d0.get('object') == 'page':
            kinds = {r['object'] for _, r in openai_results(d0)}
            if kinds == {'organization.costs.result'}:
                return openai_costs(d0)
            if all(re.fullmatch(r'organization\.usage\.[a-z_]+\.result', k) for k in kinds):
                return openai_usage(d0)
        if isinstance(d0, dict) and 'resourceSpans' in d0:
            return otel(docs)
        lf = docs[0] if isinstance(docs[0], list) else docs
        if all(isinstance(x, dict) and 'trace' in x and 'observations' in x for x in lf):
            return langfuse(lf)
        if isinstance(d0, dict) and isinstance(d0.get('data'), list) and d0['data'] and 'starting_at' in d0['data'][0]:
            results = [r for b in d0['data'] for r in b['results']]
            if all('amount' in r for r in results):
                return anthropic_cost(d0)
            if all('uncached_input_tokens' in r for r in results):
                return anthropic_usage(d0)
        records = d0 if isinstance(d0, list) else d0.get('data') if set(d0) <= {'data', 'error'} else docs
        if all('request_id' in r and 'spend' in r for r in records):
            return litellm(records)
        if all('request_created_at' in r for r in records):
            return helicone(records)
        raise ValueError(f'{path}: unknown JSON shape')
    header, rows = csv_rows(text)
    low = {h.lower() for h in header}
    if {'request_id', 'spend'} <= low:
        return litellm([{k: v for k, v in r.items()} for r in rows])
    if {'response_id', 'request_created_at'} <= low:
        return helicone(rows)
    if {'timestamp', 'request_id', 'model', 'input_tokens', 'output_tokens'} <= low:
        return gateway_csv(rows)
    if 'ChargePeriodStart' in header and ('BilledCost' in header or 'EffectiveCost' in header):
        return focus_csv(header, rows)
    if BUNDLE_COLUMNS <= low:
        return commitments_csv(rows)
    raise ValueError(f'{path}: unknown CSV header')


# ---------------------------------------------------------------- folder deliveries (fixtures/deliveries/ORIGIN.md)

def delivery_parts(manifest):
    """The data files a delivery manifest lists, as local paths (S3 keys matched by their tail)."""
    m = json.loads(manifest.read_text())
    if 'reportKeys' in m:  # legacy CUR: <period>/<assemblyId>/<file>, manifest in <period>/
        return [manifest.parent / m['assemblyId'] / k.rsplit('/', 1)[1] for k in m['reportKeys']]
    # Data Exports: .../<export>/data/<partition>/<file>, manifest in <export>/metadata/<partition>/
    export = manifest.parent.parent.parent
    return [export / re.search(r'/(data/.*)$', u).group(1) for u in m['dataFiles']]


def deliveries(folder):
    out = {}
    for rel, manifest in [
        ('aws-cur', 'aws-cur/focus-report/20240901-20241001/focus-report-Manifest.json'),
        ('aws-data-exports/focus-export',
         'aws-data-exports/focus-export/metadata/BILLING_PERIOD=2024-09/focus-export-Manifest.json'),
    ]:
        header, rows = None, []
        for p in delivery_parts(folder / manifest):
            h, r = csv_rows(text_of(p))
            header = header or h
            rows += r
        out[rel] = {'manifest': manifest, **focus_csv(header, rows)}
    return out


# ---------------------------------------------------------------- output

def render(res, where):
    out = {'source': res['source'], 'dataset': res['dataset'], 'rows': res['rows']}
    if 'skipped' in res:
        out['skipped'] = res['skipped']
    out['totals'] = {k: money_text(v, f'{where} {k}') for k, v in res['totals'].items()}
    if res['dataset'] == 'usage':
        out['tokens'] = res['tokens']
    return out


ABOUT = ('What ingesting each file must store: its source, the rows stored, exact totals per money column '
         '(DECIMAL(38,18) as SUM(x)::VARCHAR prints them; null when no row has a value) and, for usage rows, tokens '
         'per class. Computed from the raw files by scripts/fixture-expected.py, independently of aicost; checked '
         'by test/sources/expected.test.ts and test/sources/registry.test.ts. Regenerate, never edit by hand.')


def folder_expected(name):
    folder = FIX / name
    files = sorted(p for p in folder.rglob('*') if p.is_file() and p.name not in NOT_DATA
                   and not p.name.endswith('-Manifest.json'))
    result = {'about': ABOUT, 'files': {}}
    classified = {p.relative_to(folder).as_posix(): classify(p) for p in files}
    # the folder is ingested into one data home: its bundles pay for its cost reports
    burn_down(list(classified.values()))
    for rel, res in classified.items():
        result['files'][rel] = render(res, f'{name}/{rel}')
    if name == 'deliveries':
        result['deliveries'] = {k: {'manifest': v.pop('manifest'), **render(v, f'{name}/{k}')}
                                for k, v in deliveries(folder).items()}
    return result


def main():
    check = '--check' in sys.argv[1:]
    stale = []
    for name in FOLDERS:
        text = json.dumps(folder_expected(name), indent=2, ensure_ascii=False) + '\n'
        target = FIX / name / 'expected.json'
        if check:
            if not target.exists() or target.read_text() != text:
                stale.append(str(target.relative_to(ROOT)))
        else:
            target.write_text(text)
    for p in problems:
        print(f'problem: {p}', file=sys.stderr)
    if stale:
        print('stale (run python3 scripts/fixture-expected.py):\n  ' + '\n  '.join(stale), file=sys.stderr)
        sys.exit(1)
    if problems:
        sys.exit(1)
    if not check:
        print(f'wrote expected.json in {len(FOLDERS)} fixture folders')


if __name__ == '__main__':
    main()
