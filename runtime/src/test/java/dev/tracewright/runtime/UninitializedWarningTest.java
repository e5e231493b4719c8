package dev.tracewright.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.store.InMemoryStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Forgetting initLocal() is said once, by the first traced call, and never again. */
class UninitializedWarningTest {
  static final TracedCall.Site SITE = TracedCall.site(UninitializedWarningTest.class, "research", SpanKind.AGENT, "research");
  private final Logger log = Logger.getLogger("dev.tracewright"); // held: JUL keeps loggers weakly
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      messages.add(r.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @AfterEach
  void stop() {
    log.removeHandler(capture);
    Tracewright.shutdown();
  }

  @Test
  void theFirstTracedCallBeforeInitSaysSoOnce() {
    Tracewright.shutdown();
    UninitializedWarning.reset();
    log.addHandler(capture);
    for (int i = 0; i < 3; i++) {
      TracedCall call = SITE.begin();
      assertSame(NoopSpan.INSTANCE, call, "nothing is recorded");
      call.returned("x");
    }
    assertEquals(1, messages.size(), messages.toString());
    assertTrue(messages.get(0).contains("not initialised") && messages.get(0).contains("UninitializedWarningTest.research")
        && messages.get(0).contains("initLocal()"), messages.get(0));

    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).build());
    SITE.begin().returned("y");
    assertEquals(1, messages.size(), "an initialised call says nothing");
  }
}
