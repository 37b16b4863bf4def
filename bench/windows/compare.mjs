// Compares two JSON-lines results of one windowed batch query as sets of
// rows, with DuckDB (the results have millions of rows: too many for a
// Python dict). Rows are matched by the kind's key columns (kinds.json);
// integers and timestamps must be equal, floats within 1e-9 relative (a sum
// over the same values in another order differs in the last bits).
//
// Usage: node windows/compare.mjs --kind KIND A.jsonl B.jsonl [B2.jsonl ...]
// (A is loaded once and compared with each B.) Prints one JSON line per B:
// {"file": B, "equal": bool, "rows_a", "rows_b", "dup_keys_a",
// "dup_keys_b", "only_a", "only_b", "differ", "examples": [first few
// differing rows, each {"a": row or null, "b": row or null}]}; exit 0 when
// all are equal, 1 when not, 2 on errors.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const kinds = JSON.parse(readFileSync(new URL('./kinds.json', import.meta.url)));
const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

async function main() {
  const argv = process.argv.slice(2);
  const k = argv.indexOf('--kind');
  const kind = k >= 0 ? argv[k + 1] : '';
  const files = argv.filter((_, i) => i !== k && i !== k + 1);
  if (!kinds[kind] || kind.startsWith('_') || files.length < 2) {
    console.error('usage: compare.mjs --kind KIND A.jsonl B.jsonl [B2.jsonl ...]');
    process.exit(2);
  }
  const { columns, key } = kinds[kind];
  const typed = Object.entries(columns).map(([c, t]) => `${c}: '${t}'`).join(', ');
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const load = (name, file) => db.run(`CREATE OR REPLACE TABLE ${name} AS SELECT * FROM
      read_json(${sqlString(file)}, format = 'newline_delimited', columns = {${typed}})`);
  await load('a', files[0]);
  const on = key.map((c) => `a.${c} = b.${c}`).join(' AND ');
  const differs = Object.entries(columns).filter(([c]) => !key.includes(c)).map(([c, t]) =>
    t === 'DOUBLE'
      ? `abs(a.${c} - b.${c}) > 1e-9 * greatest(abs(a.${c}), abs(b.${c}), 1e-3)`
      : `a.${c} IS DISTINCT FROM b.${c}`).join(' OR ');
  const one = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJson()[0];
  let allEqual = true;
  for (const file of files.slice(1)) {
    await load('b', file);
    const counts = await one(`SELECT
        (SELECT count(*) FROM a) AS rows_a, (SELECT count(*) FROM b) AS rows_b,
        (SELECT count(*) - count(DISTINCT (${key.join(', ')})) FROM a) AS dup_keys_a,
        (SELECT count(*) - count(DISTINCT (${key.join(', ')})) FROM b) AS dup_keys_b`);
    await db.run(`CREATE OR REPLACE TABLE joined AS
        SELECT a, b, a.${key[0]} IS NULL AS only_b, b.${key[0]} IS NULL AS only_a,
               (a.${key[0]} IS NOT NULL AND b.${key[0]} IS NOT NULL AND (${differs})) AS differ
          FROM a FULL JOIN b ON ${on}`);
    const tally = await one(`SELECT count(*) FILTER (only_a) AS only_a,
        count(*) FILTER (only_b) AS only_b, count(*) FILTER (differ) AS differ FROM joined`);
    const examples = (await db.runAndReadAll(`SELECT to_json(a) AS a, to_json(b) AS b FROM joined
        WHERE only_a OR only_b OR differ ORDER BY coalesce(a.${key[0]}, b.${key[0]}) LIMIT 5`))
      .getRowObjectsJson().map((r) => ({ a: JSON.parse(r.a ?? 'null'), b: JSON.parse(r.b ?? 'null') }));
    const report = { file };
    for (const [c, v] of Object.entries({ ...counts, ...tally })) report[c] = Number(v);
    report.equal = report.rows_a === report.rows_b && report.dup_keys_a === 0 &&
      report.dup_keys_b === 0 && report.only_a === 0 && report.only_b === 0 && report.differ === 0;
    report.examples = examples;
    console.log(JSON.stringify(report));
    allEqual &&= report.equal;
  }
  db.closeSync();
  instance.closeSync();
  process.exit(allEqual ? 0 : 1);
}

main().catch((err) => {
  console.error(`compare windows: ${err.message}`);
  process.exit(2);
});
