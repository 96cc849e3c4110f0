// aicost doctor: check the data home's manifest against its files and crash leftovers; --fix repairs.
import type { Command } from 'commander';
import { CheckFailedError } from '../errors.js';
import type { DoctorReport } from '../ingest/doctor.js';
import { output } from '../report/output.js';
import { formatFlag, globalOptions, jsonFlag, outputFormat } from './global.js';

export function register(program: Command): void {
  program
    .command('doctor')
    .description(
      'Check the data home: listed files missing, truncated or changed, and what crashes left behind (--fix repairs)',
    )
    .option(
      '--fix',
      'drop broken files (with the rest of their input, recorded in the manifest) and remove leftovers',
    )
    .addOption(formatFlag(['table', 'json']))
    .addOption(jsonFlag())
    .addHelpText(
      'after',
      `
Examples:
  $ aicost doctor                  report; exit 1 when a listed file is broken
  $ aicost doctor --fix            drop broken files, then ingest the inputs it names again

A broken file is dropped together with every file of the same input (and the allocations built on them), and the
input record goes too, so ingesting that input again restores it. Each repair is recorded in manifest.json
("repairs"). Leftovers (staging folders, unlisted Parquet, retired files no reader uses) are also removed by the
next ingest, allocate or forget.

Exit codes: 0 healthy (or repaired), 1 broken files found (without --fix), 2 data home unreadable or locked.`,
    )
    .action(async (opts: { fix?: boolean }, cmd: Command) => {
      const { doctor } = await import('../ingest/doctor.js');
      const r = await doctor({ home: globalOptions(cmd).data, fix: opts.fix });
      output.data(outputFormat(cmd) === 'json' ? JSON.stringify(r, null, 2) : renderDoctor(r));
      if (r.broken.length > 0 && !r.fixed)
        throw new CheckFailedError(`${r.broken.length} stored file(s) broken: run \`aicost doctor --fix\``);
    });
}

function renderDoctor(r: DoctorReport): string {
  const lines = [`data home ${r.home}: generation ${r.generation}, ${r.files} files, ${r.inputs} inputs`];
  if (r.broken.length === 0) lines.push('stored files: all present and complete');
  else {
    lines.push(`broken stored files: ${r.broken.length}`);
    for (const b of r.broken) lines.push(`  ${b.path}: ${b.problem} (${b.rows} rows from ${b.input})`);
  }
  const l = r.leftovers;
  lines.push(
    `leftovers: ${l.staging} staging folders, ${l.unlisted.length} unlisted Parquet files, ${l.retiredDeletable} retired files to delete, ${l.retiredWaiting} kept for running readers`,
  );
  lines.push(`writer lock: ${r.lock.state}${r.lock.owner ? ` (${r.lock.owner})` : ''}`);
  if (r.fixed) {
    const f = r.fixed;
    lines.push(
      `fixed: dropped ${f.files.length} files (${f.rows} rows) of ${f.inputs.length} inputs; removed ${f.staging} staging folders, ${f.unlisted} unlisted and ${f.retired} retired files`,
    );
    for (const i of f.inputs) lines.push(`  ingest again to restore: ${i.path}`);
  } else if (r.broken.length > 0 || l.staging + l.unlisted.length + l.retiredDeletable > 0)
    lines.push('run `aicost doctor --fix` to repair');
  return lines.join('\n');
}
