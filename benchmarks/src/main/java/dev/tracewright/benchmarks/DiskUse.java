package dev.tracewright.benchmarks;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.OverflowPolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Issue 20 item 6: bytes per span on disk as a file really grows. An agent records traces of 10
 * spans, each with about 700 bytes of its own content (arguments and result), and the writer
 * stores them as it does in an application (batches, a sync at least every second); the file's
 * size is printed every {@code step} spans while it grows, then after shutdown (which compacts).
 * Not a JMH benchmark: it measures space, not time.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.tracewright.benchmarks.DiskUse DIR [SPANS] [STEP] [SPANS_PER_SECOND]</pre>
 */
public final class DiskUse {
  static final TracedCall.Site ROOT = TracedCall.site(DiskUse.class, "run", SpanKind.AGENT, "research");
  static final TracedCall.Site TOOL = TracedCall.site(DiskUse.class, "search", SpanKind.TOOL, "web_search");

  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]));
    int spans = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int step = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    int perSecond = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    Path base = dir.resolve("disk-use");
    Files.deleteIfExists(H2Store.dataFile(base));
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).overflowPolicy(OverflowPolicy.BLOCK).build());
    long started = System.nanoTime();
    for (int recorded = 0; recorded < spans; ) {
      recordTrace();
      recorded += 10;
      if (perSecond > 0) { // an agent's pace rather than as fast as the writer goes
        long due = started + recorded * 1_000_000_000L / perSecond;
        for (long wait; (wait = due - System.nanoTime()) > 0; ) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
      if (recorded % step == 0) {
        Tracewright.flush();
        report("growing", recorded, Files.size(H2Store.dataFile(base)));
      }
    }
    Tracewright.shutdown();
    report("after shutdown", spans, Files.size(H2Store.dataFile(base)));
  }

  private static void report(String when, long spans, long bytes) {
    System.out.printf("%-15s %,9d spans %,13d bytes %,7d B/span%n", when, spans, bytes, bytes / spans);
  }

  private static void recordTrace() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    TracedCall root = ROOT.begin();
    root.input("question " + random.nextLong());
    for (int c = 0; c < 9; c++) {
      TracedCall tool = TOOL.begin();
      tool.input("query " + random.nextLong());
      StringBuilder page = new StringBuilder(700);
      while (page.length() < 650) {
        page.append(Long.toString(random.nextLong(), 36)).append(' ');
      }
      tool.returned(page.toString());
    }
    root.returned("answer " + random.nextLong());
  }
}
