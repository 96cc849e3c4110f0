#!/usr/bin/env python3
"""Writes fixtures/forecast/focus12_daily.csv: a constructed FOCUS 1.2 Cost and Usage export with one row per UTC day
and service for 70 days (2025-06-01 .. 2025-08-09), for the forecast tests. Deterministic (seeded). The cost of a
day is level x trend x weekday factor x noise, rounded to cents: weekdays carry the traffic, weekends ~55 %.
Run from the repo root: python3 scripts/make-forecast-fixture.py"""
import csv
import datetime as dt
import random

rng = random.Random(20250601)
COLUMNS = ['BillingAccountId', 'BillingAccountName', 'BillingCurrency', 'BillingPeriodStart', 'BillingPeriodEnd',
           'ChargeCategory', 'ChargeClass', 'ChargeDescription', 'ChargeFrequency', 'ChargePeriodStart',
           'ChargePeriodEnd', 'BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost', 'InvoiceIssuerName',
           'ProviderName', 'PublisherName', 'PricingQuantity', 'PricingUnit', 'PricingCurrency',
           'ServiceCategory', 'ServiceName', 'SkuId', 'Tags']
SERVICES = [('OpenAI', 'OpenAI API', 120.0, 0.004), ('Anthropic', 'Claude API', 80.0, 0.006)]
WEEKDAY = [1.0, 1.05, 1.1, 1.08, 0.97, 0.55, 0.52]  # Monday .. Sunday


def iso(d):
    return d.strftime('%Y-%m-%dT%H:%M:%SZ')


start = dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)
with open('fixtures/forecast/focus12_daily.csv', 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(COLUMNS)
    for i in range(70):
        day = start + dt.timedelta(days=i)
        month = day.replace(day=1)
        nxt = (month + dt.timedelta(days=32)).replace(day=1)
        for provider, service, level, growth in SERVICES:
            cost = level * (1 + growth * i) * WEEKDAY[day.weekday()] * (1 + rng.gauss(0, 0.05))
            cost = f'{max(cost, 0):.2f}'
            w.writerow(['acct-1', 'Example Org', 'USD', iso(month), iso(nxt), 'Usage', '', f'{service} usage',
                        'Usage-Based', iso(day), iso(day + dt.timedelta(days=1)), cost, cost, cost, cost, provider,
                        provider, provider, '1', 'Units', 'USD', 'AI and Machine Learning', service,
                        f'{provider.lower()}:api', '{"team":"%s"}' % ('search' if provider == 'OpenAI' else 'support')])
print('fixtures/forecast/focus12_daily.csv written')
