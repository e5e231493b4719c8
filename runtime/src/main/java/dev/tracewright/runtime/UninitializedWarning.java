package dev.tracewright.runtime;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A traced call before {@code Tracewright.init}/{@code initLocal()} records nothing, which looks
 * exactly like a tracing bug. The first such call logs one line saying so, once per JVM
 * ({@code -Dtracewright.warnUninitialized=false} silences it); later calls pay one plain read.
 */
final class UninitializedWarning {
  static final String PROPERTY = "tracewright.warnUninitialized";
  private static final AtomicBoolean WARNED = new AtomicBoolean(!Boolean.parseBoolean(System.getProperty(PROPERTY, "true")));
  private static boolean warned = WARNED.get(); // a plain read on the uninitialised path after the first warning

  private UninitializedWarning() {}

  static void once(TracedCall.Site site) {
    if (warned || !WARNED.compareAndSet(false, true)) {
      return;
    }
    warned = true;
    System.getLogger("dev.tracewright").log(Level.WARNING,
        "Tracewright is not initialised: the traced call " + site.codeNamespace + "." + site.codeFunction
            + " records nothing. Call Tracewright.initLocal() (or Tracewright.init(config)) at start-up."
            + " This is said once per JVM; -D" + PROPERTY + "=false silences it.");
  }

  /** For tests: the next uninitialised call warns again. */
  static void reset() {
    WARNED.set(false);
    warned = false;
  }
}
