package dev.weir.peers.flink;

/**
 * An input record of bench/rtm (Record.h): a Flink POJO (public fields, a
 * no-argument constructor), so JsonDeserializationSchema maps the JSON onto it
 * and Flink serializes it with its POJO serializer, not Kryo.
 */
public class Event {
  public long seq;
  public long sent_us;
  public long grp;
  public long lookup_key;
  public String payload;

  public Event() {}
}
