package dev.weir.peers.flink;

/** Query A's output row: {"seq","sent_us","grp","payload"}. */
public class OutA implements Keyed {
  public long seq;
  public long sent_us;
  public long grp;
  public String payload;

  public OutA() {}

  public static OutA of(Event e) {
    OutA o = new OutA();
    o.seq = e.seq;
    o.sent_us = e.sent_us;
    o.grp = e.grp;
    o.payload = Payload.encode(e.payload);
    return o;
  }

  @Override
  public long key() {
    return grp;
  }
}
