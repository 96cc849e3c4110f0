// SQL fragments as a type. Source definitions hold only `Sql` values, and `Sql` is made in three ways: by the column
// operations of this folder (ops.ts, usage-ops.ts, ...), by `lit`/`ident` (which quote), and by the one escape hatch
// `sql\`...\`` for an expression no operation covers. The tag accepts only `Sql` (or numbers) inside `${}`, so a
// plain string can never reach SQL unquoted: grep `sql\`` to review every hand-written expression of a source.

declare const SQL_BRAND: unique symbol;

/** A SQL expression (or clause) that was built by a quoting helper or an operation, never from raw text. */
export type Sql = string & { readonly [SQL_BRAND]: true };

/** The escape hatch: a hand-written SQL expression. Interpolations must themselves be `Sql` (or finite numbers). */
export function sql(strings: TemplateStringsArray, ...values: (Sql | number)[]): Sql {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`sql: non-finite number ${v}`);
    out += String(v) + (strings[i + 1] ?? '');
  });
  return out as Sql;
}

/** A quoted identifier (column name). */
export function ident(name: string): Sql {
  return `"${name.replaceAll('"', '""')}"` as Sql;
}

/** A SQL string literal. */
export function lit(value: string): Sql {
  return `'${value.replaceAll("'", "''")}'` as Sql;
}

/** The JSONPath text of one top-level key, quoted so that dots, `$` or `"` inside the key are part of it. */
export function jsonKeyPathText(key: string): string {
  return `$."${key.replaceAll('"', '\\"')}"`;
}

/** The JSONPath of one top-level key as a SQL literal (`json_extract_string(tags, jsonKeyPath('team'))`). */
export function jsonKeyPath(key: string): Sql {
  return lit(jsonKeyPathText(key));
}

/** A literal list of strings: `('a', 'b')` for IN, or `['a', 'b']` with `brackets`. */
export function litList(values: readonly string[], brackets = false): Sql {
  const inner = values.map(lit).join(', ');
  return (brackets ? `[${inner}]` : `(${inner})`) as Sql;
}

/** Joins fragments with a separator (e.g. `, ` or ` AND `). */
export function joinSql(parts: readonly Sql[], separator: string): Sql {
  return parts.join(separator) as Sql;
}

/** SQL NULL, and the boolean constants, as fragments. */
export const NULL = 'NULL' as Sql;
export const TRUE = 'true' as Sql;
export const FALSE = 'false' as Sql;
