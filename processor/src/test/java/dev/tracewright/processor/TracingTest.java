package dev.tracewright.processor;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.InMemoryStore;

/** Each test records into a fresh in-memory store; {@link #recorded()} flushes first. */
abstract class TracingTest {
  final InMemoryStore store = new InMemoryStore();

  @org.junit.jupiter.api.BeforeEach
  void startTracing() {
    Tracewright.init(configure(TraceConfig.builder().store(store)).build());
  }

  TraceConfig.Builder configure(TraceConfig.Builder builder) {
    return builder.capturePolicy(CapturePolicy.FULL_LOCAL);
  }

  @org.junit.jupiter.api.AfterEach
  void stopTracing() {
    Tracewright.shutdown();
  }

  InMemoryStore recorded() {
    if (!Tracewright.flush()) {
      throw new AssertionError("flush timed out");
    }
    return store;
  }
}
