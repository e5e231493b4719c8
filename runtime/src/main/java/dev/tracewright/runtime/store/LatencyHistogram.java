package dev.tracewright.runtime.store;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latency histogram of a rollup row as it is stored: the occupied buckets of
 * {@link Rollups#bucket(double)} and their counts, in bucket order, each as two varints (the bucket's
 * distance from the previous one, zigzag-coded, and its count). A row of a few hundred occupied
 * buckets takes well under a kilobyte, and a row per hour, name and model replaces a row per bucket.
 */
public final class LatencyHistogram {
  private LatencyHistogram() {}

  /** The stored form of {@code counts}; buckets whose count is not positive are left out. */
  public static byte[] encode(Map<Integer, Long> counts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(counts.size() * 3);
    int previous = 0;
    for (Map.Entry<Integer, Long> e : new TreeMap<>(counts).entrySet()) {
      if (e.getValue() <= 0) {
        continue;
      }
      int delta = e.getKey() - previous;
      writeVarint(out, ((delta << 1) ^ (delta >> 31)) & 0xFFFFFFFFL);
      writeVarint(out, e.getValue());
      previous = e.getKey();
    }
    return out.toByteArray();
  }

  /** Receives a stored histogram's buckets in order, without boxing (a stats read merges thousands of rows). */
  @FunctionalInterface
  public interface BucketConsumer {
    void accept(int bucket, long count);
  }

  /** Hands each bucket of a stored histogram and its count to {@code to}, in bucket order. */
  public static void forEach(byte[] stored, BucketConsumer to) {
    int[] at = {0};
    int bucket = 0;
    while (at[0] < stored.length) {
      long zigzag = readVarint(stored, at);
      bucket += (int) ((zigzag >>> 1) ^ -(zigzag & 1));
      to.accept(bucket, readVarint(stored, at));
    }
  }

  /** Adds {@code sign} times the counts of a stored histogram to {@code into}. */
  public static void addTo(byte[] stored, Map<Integer, Long> into, int sign) {
    forEach(stored, (bucket, count) -> into.merge(bucket, sign * count, Long::sum));
  }

  /** The counts of a stored histogram, in bucket order. */
  public static TreeMap<Integer, Long> decode(byte[] stored) {
    TreeMap<Integer, Long> counts = new TreeMap<>();
    addTo(stored, counts, 1);
    return counts;
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static long readVarint(byte[] in, int[] at) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in[at[0]++];
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("a latency histogram with a varint longer than 64 bits");
  }
}
