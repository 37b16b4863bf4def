package dev.weir.peers.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Query B: the running count of a group in keyed ValueState, one update per
 * input record carrying that record's sent_us (Weir's count() and
 * last(sent_us) under a streaming trigger). Keyed state is checkpointed with
 * the source offsets, so a restart resumes the counts where they were.
 */
public class CountPerGroup extends KeyedProcessFunction<Long, Event, OutB> {
  private transient ValueState<Long> count;
  private transient OutB out; // reused: object reuse is on and the sink serializes at once

  @Override
  public void open(OpenContext ctx) {
    count = getRuntimeContext().getState(new ValueStateDescriptor<>("n", Types.LONG));
    out = new OutB();
  }

  @Override
  public void processElement(Event e, Context ctx, Collector<OutB> collector) throws Exception {
    Long n = count.value();
    long next = n == null ? 1 : n + 1;
    count.update(next);
    out.grp = e.grp;
    out.n = next;
    out.sent_us = e.sent_us;
    collector.collect(out);
  }
}
