// DuckDB baseline for Weir's `per_user` pipeline: the same aggregation over
// the same file, through @duckdb/node-api (installed at run time by
// bench/run.sh from bench/package.json).
//
// Usage: node duckdb/per_user.mjs --format json|csv --threads N INPUT OUTPUT
//
// The timed part is one COPY statement: DuckDB reads the file, aggregates and
// writes JSON lines to OUTPUT (Weir also reads, aggregates and writes a
// file). Printed on stdout as one JSON object:
//   {"query_s": ..., "rows": <output rows>, "threads": N, "duckdb_version": "v1.x"}
// The node process's own start-up and DuckDB's instance creation are not in
// query_s; bench/run.sh times the whole process as well.
import { DuckDBInstance } from '@duckdb/node-api';

function parseArgs(argv) {
  const args = { format: '', threads: 1, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--format') args.format = argv[++i];
    else if (argv[i] === '--threads') args.threads = Number(argv[++i]);
    else args.positional.push(argv[i]);
  }
  if (!['json', 'csv'].includes(args.format) || args.positional.length !== 2 ||
      !(args.threads >= 1)) {
    console.error('usage: per_user.mjs --format json|csv --threads N INPUT OUTPUT');
    process.exit(2);
  }
  [args.input, args.output] = args.positional;
  return args;
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

// Explicit column types, like the .weir schema: no sampling or sniffing.
function scan(format, input) {
  if (format === 'json') {
    return `read_json(${sqlString(input)}, format = 'newline_delimited',
      columns = {txn_id: 'VARCHAR', user_id: 'BIGINT', merchant: 'VARCHAR',
                 amount: 'DOUBLE', ts: 'TIMESTAMP'},
      timestampformat = '%Y-%m-%dT%H:%M:%S.%gZ')`;
  }
  // An empty field of a non-nullable string column is "", as in Weir, not
  // NULL (which count(DISTINCT ...) would skip). The columns are not
  // nullable, so NULL is spelled as something that never occurs
  // (force_not_null is ignored together with explicit columns in 1.5).
  return `read_csv(${sqlString(input)}, header = true, delim = ',', quote = '"',
      nullstr = '\\N',
      columns = {'txn_id': 'VARCHAR', 'user_id': 'BIGINT', 'merchant': 'VARCHAR',
                 'amount': 'DOUBLE', 'ts': 'TIMESTAMP'},
      timestampformat = '%Y-%m-%dT%H:%M:%S.%gZ')`;
}

// The output has Weir's columns and formats: first_seen as ISO-8601 UTC with
// milliseconds. DuckDB does not keep first-seen key order; bench/compare.py
// compares the rows as a map keyed by user_id.
function perUserQuery(format, input) {
  return `SELECT user_id,
         count(*) AS n,
         sum(amount) AS total,
         max(amount) AS biggest,
         strftime(min(ts), '%Y-%m-%dT%H:%M:%S.%gZ') AS first_seen,
         count(DISTINCT merchant) AS merchants
    FROM ${scan(format, input)}
   GROUP BY user_id`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`SET threads = ${args.threads}`);
  // Insertion order is not needed (results are compared as a map); keeping
  // it would only slow DuckDB down.
  await connection.run('SET preserve_insertion_order = false');

  const copy = `COPY (${perUserQuery(args.format, args.input)})
                TO ${sqlString(args.output)} (FORMAT json)`;
  const start = process.hrtime.bigint();
  const result = await connection.run(copy);
  const rows = await result.getRowObjects();
  const querySeconds = Number(process.hrtime.bigint() - start) / 1e9;

  const written = rows.length ? Number(rows[0].Count ?? Object.values(rows[0])[0]) : -1;
  const version = (await connection.runAndReadAll('SELECT version() AS v')).getRowObjects()[0].v;
  console.log(JSON.stringify({
    query_s: querySeconds, rows: written, threads: args.threads, duckdb_version: version,
  }));
  connection.closeSync();
  instance.closeSync();
}

main().catch((err) => {
  console.error(`duckdb per_user: ${err.message}`);
  process.exit(1);
});
