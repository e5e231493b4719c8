package dev.tracewright.runtime.store;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.OverflowPolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Runs in a child JVM that {@link RepeatedKillTest} kills with SIGKILL. {@code DB RANGES FIRST}:
 * opens the database the way an application does (the file was usually left by a killed JVM),
 * prints {@code PRESENT n} (how many traces of the confirmed RANGES, {@code a-b,c-d}, are there
 * whole), then records traces {@code kill-SEQ} on two threads at full rate (SEQ from FIRST and
 * from FIRST + 100,000,000) and prints {@code CONFIRMED a b} (the last trace of each thread that
 * ended before a {@code flush()} that returned true), until it is killed; {@code CONTENT DROPPED n}
 * before it if any content was dropped (which would make a trace look incomplete).
 */
public final class RepeatedKillChild {
  static final int RECORDERS = 2;
  static final long RECORDER_SPAN = 100_000_000L;

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    String ranges = args[1];
    long first = Long.parseLong(args[2]);
    // A content budget the full queue cannot exceed (8,192 spans of at most ~9 KB): a span whose
    // content went over the default budget would be written without it, and its trace would count
    // as missing here though nothing was lost to the kill.
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).overflowPolicy(OverflowPolicy.BLOCK)
        .queuedContentBytes(512L << 20).build());
    // The writer opens the file on its first batch; this span makes it open it now, as in an agent.
    Tracewright.span("open", SpanKind.AGENT).start().close();
    if (!Tracewright.flush()) {
      System.out.println("OPEN FAILED " + Tracewright.stats().lastError());
      System.exit(1);
    }
    System.out.println("PRESENT " + wholeTracesIn(db, ranges));
    System.out.flush();
    // Two agents record at full rate (seq first.. and first+RECORDER_SPAN..) while this thread
    // flushes: a flush confirms every trace that ended before it started.
    AtomicLongArray done = new AtomicLongArray(RECORDERS);
    for (int r = 0; r < RECORDERS; r++) {
      int recorder = r;
      long start = first + r * RECORDER_SPAN;
      done.set(r, start - 1);
      Thread t = new Thread(() -> {
        for (long seq = start; ; seq++) {
          recordTrace(seq);
          done.set(recorder, seq);
        }
      });
      t.setDaemon(true);
      t.start();
    }
    while (true) {
      StringBuilder before = new StringBuilder("CONFIRMED");
      for (int r = 0; r < RECORDERS; r++) {
        before.append(' ').append(done.get(r));
      }
      if (Tracewright.flush()) {
        if (Tracewright.stats().contentDropped() > 0) {
          System.out.println("CONTENT DROPPED " + Tracewright.stats().contentDropped());
        }
        System.out.println(before);
        System.out.flush();
      }
    }
  }

  /** Traces of the ranges with all 5 spans and the content of the last one. */
  private static long wholeTracesIn(Path db, String ranges) throws Exception {
    long whole = 0;
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, true, true), "sa", "");
        PreparedStatement q =
            c.prepareStatement(
                "SELECT COUNT(*) FROM traces t WHERE t.name LIKE 'kill-%'"
                    + " AND CAST(SUBSTRING(t.name FROM 6) AS BIGINT) BETWEEN ? AND ?"
                    + " AND (SELECT COUNT(*) FROM spans s WHERE s.trace_id = t.trace_id) = 5"
                    + " AND EXISTS (SELECT 1 FROM spans s JOIN blobs b ON b.hash = s.output_ref"
                    + "   WHERE s.trace_id = t.trace_id AND s.name = 'answer')")) {
      for (String range : ranges.split(",")) {
        if (range.isEmpty()) {
          continue;
        }
        String[] ends = range.split("-");
        q.setLong(1, Long.parseLong(ends[0]));
        q.setLong(2, Long.parseLong(ends[1]));
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          whole += rs.getLong(1);
        }
      }
    }
    return whole;
  }

  /** A fetched page of 8 KB, different for every call (content is stored once per distinct value). */
  private static String page(long seq, int call) {
    StringBuilder page = new StringBuilder(8_200).append(seq).append('/').append(call).append(' ');
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (page.length() < 8_192) {
      page.append(Long.toString(random.nextLong(), 36)).append(' ');
    }
    return page.toString();
  }

  private static void recordTrace(long seq) {
    try (ActiveSpan root = Tracewright.span("kill-" + seq, SpanKind.AGENT).input("question", "question " + seq).start()) {
      for (int c = 0; c < 3; c++) {
        try (ActiveSpan tool = Tracewright.span("search", SpanKind.TOOL).input("query", "query " + seq + "/" + c).start()) {
          tool.output(page(seq, c));
        }
      }
      try (ActiveSpan answer = Tracewright.span("answer", SpanKind.LLM).input("prompt", "prompt " + seq).start()) {
        answer.output("answer " + seq);
      }
      root.output("done " + seq);
    }
  }
}
