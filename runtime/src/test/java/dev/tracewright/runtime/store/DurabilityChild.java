package dev.tracewright.runtime.store;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.OverflowPolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import java.nio.file.Path;

/**
 * Runs in a child JVM. {@code kill DB N}: records N traces of 5 spans, flushes, prints FLUSHED,
 * then keeps recording (unflushed) until killed. {@code exit DB N}: records N traces and returns
 * from main without flushing: the shutdown hook must persist them.
 */
public final class DurabilityChild {
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path db = Path.of(args[1]);
    int traces = Integer.parseInt(args[2]);
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).overflowPolicy(OverflowPolicy.BLOCK).build());
    for (int i = 0; i < traces; i++) {
      recordTrace("flushed");
    }
    if (mode.equals("exit")) {
      System.out.println("RECORDED " + Tracewright.stats().recorded());
      return;
    }
    if (!Tracewright.flush()) {
      System.out.println("FLUSH TIMED OUT");
      System.exit(1);
    }
    System.out.println("FLUSHED " + Tracewright.stats().persisted());
    System.out.flush();
    while (true) {
      recordTrace("after");
    }
  }

  private static void recordTrace(String name) {
    try (ActiveSpan root = Tracewright.span(name, SpanKind.AGENT).input("question", "q").start()) {
      for (int c = 0; c < 4; c++) {
        try (ActiveSpan child = Tracewright.span(name + "-child", SpanKind.TOOL).input("n", c).start()) {
          child.output("result " + c);
          child.event("tick");
        }
      }
    }
  }
}
