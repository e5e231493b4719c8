package dev.tracewright.runtime.store;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.OverflowPolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TraceStats;
import dev.tracewright.runtime.Tracewright;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs in a child JVM with a small heap. {@code big DB CALLS BUDGET}: 4 threads make CALLS traced
 * calls each whose prompt and answer are 200 KB to 2 MB (BUDGET bytes, or {@code default}).
 * {@code block DB THREADS BUDGET}: THREADS threads each make one call with a 200 KB prompt under
 * BLOCK into a slow store, so they pile up blocked. Prints one RESULT line.
 */
public final class MemoryChild {
  private static final int[] SIZES = {200 * 1024, 700 * 1024, 1300 * 1024, 2 * 1024 * 1024};

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path db = Path.of(args[1]);
    int count = Integer.parseInt(args[2]);
    TraceConfig.Builder config = TraceConfig.builder();
    if (!args[3].equals("default")) {
      config.queuedContentBytes(Long.parseLong(args[3]));
    }
    AtomicLong appErrors = new AtomicLong();
    AtomicLong calls = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    if (mode.equals("big")) {
      Tracewright.init(config.store(H2Store.file(db)).build());
      String[] values = new String[SIZES.length];
      for (int i = 0; i < SIZES.length; i++) {
        values[i] = "p".repeat(SIZES[i]); // the application's own data, shared by its calls
      }
      for (int t = 0; t < 4; t++) {
        int offset = t;
        threads.add(new Thread(() -> {
          for (int i = 0; i < count; i++) {
            call(values[(i + offset) % values.length], appErrors, calls);
          }
        }));
      }
    } else {
      H2Store h2 = H2Store.file(db);
      TraceStore slow =
          new TraceStore() {
            @Override
            public void write(WriteBatch batch) throws Exception {
              Thread.sleep(2);
              h2.write(batch);
            }

            @Override
            public void sync() throws Exception {
              h2.sync();
            }

            @Override
            public void close() {
              h2.close();
            }
          };
      Tracewright.init(config.store(slow).overflowPolicy(OverflowPolicy.BLOCK).queueCapacity(4).batchSize(1).build());
      String prompt = "q".repeat(200 * 1024); // shared: the application itself holds it once
      for (int t = 0; t < count; t++) {
        threads.add(new Thread(() -> call(prompt, appErrors, calls), "app-" + t));
      }
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    boolean flushed = Tracewright.flush(Duration.ofSeconds(120));
    TraceStats s = Tracewright.stats();
    System.out.println("RESULT calls=" + calls.get() + " appErrors=" + appErrors.get() + " flushed=" + flushed
        + " persisted=" + s.persisted() + " failed=" + s.failed() + " contentDropped=" + s.contentDropped()
        + " dropped=" + s.dropped() + " internalErrors=" + s.internalErrors() + " lastError=" + s.lastError());
    System.out.flush();
    Tracewright.shutdown(Duration.ofSeconds(30));
  }

  /** One traced call; whatever reaches the application from it is counted. */
  private static void call(String prompt, AtomicLong appErrors, AtomicLong calls) {
    try (ActiveSpan span = Tracewright.span("llm", SpanKind.LLM).input("prompt", prompt).start()) {
      span.output(prompt);
      calls.incrementAndGet();
    } catch (Throwable t) {
      appErrors.incrementAndGet();
    }
  }
}
