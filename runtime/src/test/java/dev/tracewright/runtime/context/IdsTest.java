package dev.tracewright.runtime.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void reservationsAreUniqueAcrossThreadsAndOrderedByMillisecond() throws Exception {
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    long baseMillis = System.currentTimeMillis();
    int threads = 4;
    int millis = 50;
    int perMilli = 1_000; // more than one reservation per millisecond
    long[][] firstAndLast = new long[threads * millis][];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    // Threads move to the next millisecond together, as they do on a shared clock.
    CyclicBarrier tick = new CyclicBarrier(threads);
    try {
      List<Future<Boolean>> results = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          Ids.Reservation ids = new Ids.Reservation();
          long last = 0;
          for (int m = 0; m < millis; m++) {
            tick.await();
            long first = 0;
            for (int i = 0; i < perMilli; i++) {
              long id = ids.next(baseMillis + m);
              if (id <= last || !seen.add(id)) {
                return false; // each thread's IDs increase; no ID is handed out twice
              }
              first = i == 0 ? id : first;
              last = id;
            }
            firstAndLast[m * threads + thread] = new long[] {first, last};
          }
          return true;
        }));
      }
      for (Future<Boolean> r : results) {
        assertTrue(r.get());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(threads * millis * perMilli, seen.size());
    // Every ID of a millisecond sorts before every ID of the next one, whichever thread took it.
    for (int m = 1; m < millis; m++) {
      long latestBefore = Long.MIN_VALUE;
      long earliestNow = Long.MAX_VALUE;
      for (int t = 0; t < threads; t++) {
        latestBefore = Math.max(latestBefore, firstAndLast[(m - 1) * threads + t][1]);
        earliestNow = Math.min(earliestNow, firstAndLast[m * threads + t][0]);
      }
      assertTrue(latestBefore < earliestNow, "millisecond " + m);
    }
  }

  @Test
  void idsSortAsHexTheWayTheyWereMade() {
    Ids.Reservation ids = new Ids.Reservation();
    long a = ids.next(System.currentTimeMillis());
    long b = ids.next(System.currentTimeMillis() + 1);
    assertTrue(Ids.hex(a).compareTo(Ids.hex(b)) < 0);
    assertEquals(16, Ids.hex(a).length());
    assertEquals("000000000000000a", Ids.hex(10));
    assertEquals("0000000000000001ffffffffffffffff", Ids.hex(1, -1));
  }

  @Test
  void traceparentRoundTripsAndRejectsMalformedHeaders() {
    String header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    Traceparent parsed = Traceparent.parse(header).orElseThrow();
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", parsed.traceId());
    assertEquals(0x00f067aa0ba902b7L, parsed.spanId());
    assertTrue(parsed.sampled());
    assertEquals(header, parsed.format());

    Set<String> bad = new HashSet<>(List.of(
        "", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01"));
    for (String h : bad) {
      assertTrue(Traceparent.parse(h).isEmpty(), h);
    }
    assertTrue(Traceparent.parse(null).isEmpty());
    // A future version may append fields.
    assertNotEquals(java.util.Optional.empty(), Traceparent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-future"));
  }
}
