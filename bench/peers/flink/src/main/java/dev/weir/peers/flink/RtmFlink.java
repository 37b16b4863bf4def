package dev.weir.peers.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * bench/rtm's queries A, B and C as a Flink DataStream job in a local
 * MiniCluster (one JVM: job manager and task manager), Kafka in, Kafka out.
 * Runs until killed; prints a start line and, once the job is scheduled,
 * "rtm-flink: job ID RUNNING" on stderr. README.md has the
 * settings and why.
 */
public final class RtmFlink {
  private RtmFlink() {}

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("rtm-flink: " + e.getMessage() + "\n" + Options.USAGE);
      System.exit(2);
      return;
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration(o));
    // One subtask per input partition (bench/rtm's topics have 2).
    env.setParallelism(o.parallelism);
    env.setBufferTimeout(o.bufferTimeoutMs);
    if (o.latencyMode()) {
      // No defensive copies between chained operators: no function keeps or
      // changes a record it has handed on.
      env.getConfig().enableObjectReuse();
    }
    if (o.checkpointIntervalMs > 0) {
      // exactly_once: aligned barriers; the sink's transactions commit when a
      // checkpoint completes. at_least_once: barriers without alignment
      // waits; the sink flushes its producer at each checkpoint.
      env.enableCheckpointing(o.checkpointIntervalMs,
          o.exactlyOnce() ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
    }

    DataStream<Event> events =
        env.fromSource(KafkaIo.source(o), WatermarkStrategy.noWatermarks(), "kafka:" + o.in).uid("source");
    switch (o.query) {
      case "A" -> events.map(OutA::of).uid("query-a").name("query A")
          .sinkTo(KafkaIo.<OutA>sink(o)).uid("sink").name("kafka:" + o.out);
      case "B" -> events.keyBy(e -> e.grp).process(new CountPerGroup()).uid("query-b").name("query B")
          .sinkTo(KafkaIo.<OutB>sink(o)).uid("sink").name("kafka:" + o.out);
      case "C" -> events.flatMap(new LookupJoin(o.lookup)).uid("query-c").name("query C")
          .sinkTo(KafkaIo.<OutC>sink(o)).uid("sink").name("kafka:" + o.out);
      default -> throw new AssertionError(o.query);
    }
    System.err.printf("rtm-flink: query %s %s -> %s, %s, mode %s, parallelism %d, buffer timeout %d ms, "
            + "checkpoints every %d ms%n", o.query, o.in, o.out, o.guarantee, o.mode, o.parallelism,
        o.bufferTimeoutMs, o.checkpointIntervalMs);
    JobClient job = env.executeAsync("rtm-flink query " + o.query);
    // A line for harnesses to wait for (like rtm-relay's "assigned"): the
    // job is scheduled; its tasks still open their Kafka clients (~1-2 s).
    while (job.getJobStatus().get() != JobStatus.RUNNING) {
      if (job.getJobStatus().get().isTerminalState())
        break;
      Thread.sleep(50);
    }
    System.err.println("rtm-flink: job " + job.getJobID() + " " + job.getJobStatus().get());
    try {
      job.getJobExecutionResult().get(); // runs until killed or failed
    } catch (ExecutionException e) {
      System.err.println("rtm-flink: the job failed: " + e.getCause());
      e.printStackTrace();
      System.exit(1); // the MiniCluster's threads would keep the JVM alive
    }

  }

  private static Configuration configuration(Options o) throws IOException {
    Configuration c = new Configuration();
    // Everything of the MiniCluster listens on the loopback only (the BLOB
    // server would bind the wildcard address; the REST port is random).
    c.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
    c.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
    c.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    // A job that keeps failing (a missing topic, a lost broker) ends the
    // program after 3 restarts 1 s apart, so a benchmark harness sees it;
    // with checkpoints Flink's default would retry forever (exponential delay).
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
    if (o.stateDir != null) {
      // Checkpoints on disk (state stays on the heap: the hashmap backend),
      // kept when the job ends, and the newest one restored by the next run
      // with the same --state-dir: the source's offsets, B's counts and the
      // sink's open transactions (committed or aborted on restore). Without
      // --state-dir they live in the job manager's memory and die with it.
      Path dir = Path.of(o.stateDir).toAbsolutePath();
      c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
      c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
      c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
          ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
      Path latest = latestCheckpoint(dir);
      if (latest != null) {
        c.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.toUri().toString());
        // The new run owns the restored checkpoint and deletes it once a
        // newer one completes, so the directory does not grow run after run.
        c.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.CLAIM);
        System.err.println("rtm-flink: resuming from " + latest);
      }
    }
    return c;
  }

  /** The newest completed checkpoint (DIR/JOB_ID/chk-N with its _metadata) or null. */
  static Path latestCheckpoint(Path dir) throws IOException {
    if (!Files.isDirectory(dir))
      return null;
    try (Stream<Path> files = Files.find(dir, 3, (p, attrs) -> p.getFileName().toString().equals("_metadata")
        && p.getParent().getFileName().toString().startsWith("chk-"))) {
      return files.max(Comparator.comparing((Path p) -> {
            try {
              return Files.getLastModifiedTime(p);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }))
          .map(Path::getParent)
          .orElse(null);
    }
  }
}
