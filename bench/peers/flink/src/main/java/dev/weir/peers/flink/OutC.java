package dev.weir.peers.flink;

/** Query C's output row: {"seq","sent_us","grp","lookup_value","payload"}. */
public class OutC implements Keyed {
  public long seq;
  public long sent_us;
  public long grp;
  public long lookup_value;
  public String payload;

  public OutC() {}

  @Override
  public long key() {
    return grp;
  }
}
