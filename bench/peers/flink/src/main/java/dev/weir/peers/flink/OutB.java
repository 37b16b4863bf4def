package dev.weir.peers.flink;

/** Query B's output row: {"grp","n","sent_us"}, one per input record. */
public class OutB implements Keyed {
  public long grp;
  public long n;
  public long sent_us;

  public OutB() {}

  @Override
  public long key() {
    return grp;
  }
}
