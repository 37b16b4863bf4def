// DuckDB baselines for the windowed batch queries of bench/windows/*.weir,
// through @duckdb/node-api (installed at run time from bench/package.json).
//
// Usage: node duckdb/windows.mjs --kind tumbling|hopping|session|rolling
//                                --threads N INPUT OUTPUT
//
// End to end = load + query: the JSON lines are loaded into a table (typed
// columns, no sniffing), then one COPY runs the query and writes JSON lines
// to OUTPUT with Weir's columns and timestamp format. Printed on stdout:
//   {"load_s": ..., "query_s": ..., "rows": <output rows>, "threads": N,
//    "duckdb_version": "v1.x"}
// The SQL is what a SQL engineer writes for each kind: time_bucket for
// tumbling; one-minute slices joined with range(10) for hopping; lag and a
// running sum of session starts for sessions; a RANGE window for rolling.
// The input is assumed to have no late rows (bench/windows/run.sh generates
// it so); Weir drops late rows, SQL has no watermark.
import { DuckDBInstance } from '@duckdb/node-api';

const KINDS = ['tumbling', 'hopping', 'session', 'rolling'];

function parseArgs(argv) {
  const args = { kind: '', threads: 1, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--kind') args.kind = argv[++i];
    else if (argv[i] === '--threads') args.threads = Number(argv[++i]);
    else args.positional.push(argv[i]);
  }
  if (!KINDS.includes(args.kind) || args.positional.length !== 2 || !(args.threads >= 1)) {
    console.error('usage: windows.mjs --kind tumbling|hopping|session|rolling --threads N INPUT OUTPUT');
    process.exit(2);
  }
  [args.input, args.output] = args.positional;
  return args;
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;
const iso = (expr) => `strftime(${expr}, '%Y-%m-%dT%H:%M:%S.%gZ')`;

const QUERIES = {
  tumbling: `
    SELECT user_id, ${iso('w')} AS window_start, ${iso("w + INTERVAL 1 minute")} AS window_end,
           count(*) AS n, sum(amount) AS total, max(amount) AS biggest
      FROM (SELECT user_id, amount, time_bucket(INTERVAL 1 minute, ts) AS w FROM txns)
     GROUP BY user_id, w`,
  // Each one-minute slice is in the 10 windows starting 0..9 minutes before it.
  hopping: `
    WITH slices AS (
      SELECT user_id, time_bucket(INTERVAL 1 minute, ts) AS slice,
             count(*) AS n, sum(amount) AS total
        FROM txns GROUP BY ALL)
    SELECT user_id, ${iso('w')} AS window_start, ${iso("w + INTERVAL 10 minute")} AS window_end,
           sum(n) AS n, sum(total) AS total
      FROM (SELECT user_id, slice - k * INTERVAL 1 minute AS w, n, total
              FROM slices CROSS JOIN range(10) AS r(k))
     GROUP BY user_id, w`,
  // A row starts a session when it is the user's first or 5 minutes or more
  // after the previous one; the running count of starts numbers sessions.
  session: `
    WITH marked AS (
      SELECT user_id, ts, amount,
             CASE WHEN ts - lag(ts) OVER (PARTITION BY user_id ORDER BY ts) < INTERVAL 5 minute
                  THEN 0 ELSE 1 END AS starts
        FROM txns),
    numbered AS (
      SELECT *, sum(starts) OVER (PARTITION BY user_id ORDER BY ts
                                  ROWS UNBOUNDED PRECEDING) AS session
        FROM marked)
    SELECT user_id, ${iso('min(ts)')} AS window_start,
           ${iso("max(ts) + INTERVAL 5 minute")} AS window_end,
           count(*) AS n, sum(amount) AS total
      FROM numbered GROUP BY user_id, session`,
  rolling: `
    SELECT txn_id, user_id, ${iso('ts')} AS ts,
           count(*) OVER w AS n_1h, sum(amount) OVER w AS total_1h
      FROM txns
    WINDOW w AS (PARTITION BY user_id ORDER BY ts
                 RANGE BETWEEN INTERVAL 1 hour PRECEDING AND CURRENT ROW)`,
};

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`SET threads = ${args.threads}`);
  // Results are compared as sets; keeping insertion order only slows DuckDB.
  await connection.run('SET preserve_insertion_order = false');

  const load = `CREATE TABLE txns AS SELECT * FROM read_json(${sqlString(args.input)},
      format = 'newline_delimited',
      columns = {txn_id: 'VARCHAR', user_id: 'BIGINT', merchant: 'VARCHAR',
                 amount: 'DOUBLE', ts: 'TIMESTAMP'},
      timestampformat = '%Y-%m-%dT%H:%M:%S.%gZ')`;
  const copy = `COPY (${QUERIES[args.kind]}) TO ${sqlString(args.output)} (FORMAT json)`;

  let start = process.hrtime.bigint();
  await connection.run(load);
  const loadSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  start = process.hrtime.bigint();
  const result = await connection.run(copy);
  const rows = await result.getRowObjects();
  const querySeconds = Number(process.hrtime.bigint() - start) / 1e9;

  const written = rows.length ? Number(rows[0].Count ?? Object.values(rows[0])[0]) : -1;
  const version = (await connection.runAndReadAll('SELECT version() AS v')).getRowObjects()[0].v;
  console.log(JSON.stringify({
    load_s: loadSeconds, query_s: querySeconds, rows: written, threads: args.threads,
    duckdb_version: version,
  }));
  connection.closeSync();
  instance.closeSync();
}

main().catch((err) => {
  console.error(`duckdb windows: ${err.message}`);
  process.exit(1);
});
