// DuckDB's side of the batch comparison (bench/peers/batch/): the per-user
// aggregate, the per-user 1-minute tumbling window and the rolling 1-hour
// velocity feature, over the card feed as JSON lines or CSV, through
// @duckdb/node-api (bench/package.json, installed by bench/peers/batch/run.sh).
//
// Usage: node peers/batch/duckdb_batch.mjs --query per_user|tumbling|rolling
//          --format json|csv --threads N INPUT OUTPUT
//
// End to end in one statement: `txns` is a view over read_json / read_csv
// (explicit column types, as the .weir schema: no sampling or sniffing), and
// one COPY scans the file, runs the query and writes JSON lines to OUTPUT
// with Weir's columns and timestamp format. Scanning in the query instead of
// loading a table first is what a DuckDB user does with a file read once;
// DuckDB parallelizes the scan itself. The SQL is the same as
// bench/duckdb/per_user.mjs (per_user) and bench/duckdb/windows.mjs
// (tumbling: time_bucket; rolling: a RANGE window). Printed on stdout:
//   {"query_s": ..., "rows": <output rows>, "threads": N, "duckdb_version": "v1.x"}
// The input has no late rows (run.sh generates it so): Weir drops late rows,
// SQL has no watermark.
import { DuckDBInstance } from '@duckdb/node-api';

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;
const iso = (expr) => `strftime(${expr}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
const COLUMNS = `{'txn_id': 'VARCHAR', 'user_id': 'BIGINT', 'merchant': 'VARCHAR',
                  'amount': 'DOUBLE', 'ts': 'TIMESTAMP'}`;

function scan(format, input) {
  if (format === 'json') {
    return `read_json(${sqlString(input)}, format = 'newline_delimited', columns = ${COLUMNS},
                      timestampformat = '%Y-%m-%dT%H:%M:%S.%gZ')`;
  }
  // An empty merchant is "" in Weir, not NULL (which count(DISTINCT ...)
  // would skip): NULL is spelled as something that never occurs, as in
  // bench/duckdb/per_user.mjs.
  return `read_csv(${sqlString(input)}, header = true, delim = ',', quote = '"', nullstr = '\\N',
                   columns = ${COLUMNS}, timestampformat = '%Y-%m-%dT%H:%M:%S.%gZ')`;
}

const QUERIES = {
  per_user: `
    SELECT user_id, count(*) AS n, sum(amount) AS total, max(amount) AS biggest,
           ${iso('min(ts)')} AS first_seen, count(DISTINCT merchant) AS merchants
      FROM txns GROUP BY user_id`,
  tumbling: `
    SELECT user_id, ${iso('w')} AS window_start, ${iso('w + INTERVAL 1 minute')} AS window_end,
           count(*) AS n, sum(amount) AS total, max(amount) AS biggest
      FROM (SELECT user_id, amount, time_bucket(INTERVAL 1 minute, ts) AS w FROM txns)
     GROUP BY user_id, w`,
  rolling: `
    SELECT txn_id, user_id, ${iso('ts')} AS ts,
           count(*) OVER w AS n_1h, sum(amount) OVER w AS total_1h
      FROM txns
    WINDOW w AS (PARTITION BY user_id ORDER BY ts
                 RANGE BETWEEN INTERVAL 1 hour PRECEDING AND CURRENT ROW)`,
};

function parseArgs(argv) {
  const args = { query: '', format: '', threads: 1, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--query') args.query = argv[++i];
    else if (argv[i] === '--format') args.format = argv[++i];
    else if (argv[i] === '--threads') args.threads = Number(argv[++i]);
    else args.positional.push(argv[i]);
  }
  if (!(args.query in QUERIES) || !['json', 'csv'].includes(args.format) ||
      args.positional.length !== 2 || !(args.threads >= 1)) {
    console.error('usage: duckdb_batch.mjs --query per_user|tumbling|rolling --format json|csv ' +
                  '--threads N INPUT OUTPUT');
    process.exit(2);
  }
  [args.input, args.output] = args.positional;
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`SET threads = ${args.threads}`);
  // Results are compared as sets; keeping insertion order only slows DuckDB.
  await connection.run('SET preserve_insertion_order = false');
  await connection.run(`CREATE VIEW txns AS SELECT * FROM ${scan(args.format, args.input)}`);

  const start = process.hrtime.bigint();
  const result = await connection.run(
    `COPY (${QUERIES[args.query]}) TO ${sqlString(args.output)} (FORMAT json)`);
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
  console.error(`duckdb batch: ${err.message}`);
  process.exit(1);
});
