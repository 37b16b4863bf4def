package dev.weir.peers.flink;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** base64(substr(payload, 1, 1000)), as query_a/c.weir compute it. */
final class Payload {
  static final int KEEP_CHARS = 1000;

  private Payload() {}

  static String encode(String payload) {
    String head = payload.length() > KEEP_CHARS ? payload.substring(0, KEEP_CHARS) : payload;
    return Base64.getEncoder().encodeToString(head.getBytes(StandardCharsets.UTF_8));
  }
}
