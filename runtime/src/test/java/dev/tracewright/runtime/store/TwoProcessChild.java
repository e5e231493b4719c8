package dev.tracewright.runtime.store;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs in a child JVM, one of two on the same database file: {@code DB TAG TRACES} records TRACES
 * traces of 3 spans named TAG, flushes, prints {@code FLUSH <result> <persisted>}, and shuts down.
 */
public final class TwoProcessChild {
  public static void main(String[] args) {
    Path db = Path.of(args[0]);
    String tag = args[1];
    int traces = Integer.parseInt(args[2]);
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    for (int i = 0; i < traces; i++) {
      try (ActiveSpan root = Tracewright.span(tag, SpanKind.AGENT).input("i", i).start()) {
        Tracewright.span(tag, SpanKind.TOOL).start().close();
        Tracewright.span(tag, SpanKind.TOOL).start().close();
      }
    }
    boolean flushed = Tracewright.flush(Duration.ofSeconds(60));
    System.out.println("FLUSH " + flushed + " " + Tracewright.stats().persisted() + " " + Tracewright.stats());
    System.out.flush();
    Tracewright.shutdown(Duration.ofSeconds(30));
  }
}
