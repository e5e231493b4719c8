package dev.tracewright.springai;

import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import org.springframework.beans.factory.DisposableBean;

/**
 * Tracewright's lifetime inside an application context: initialised when this bean is created, flushed
 * and shut down when the context closes (so every span is in the database once {@code close()} returns).
 */
public final class TracewrightRecording implements DisposableBean {
  private final TraceConfig config;

  public TracewrightRecording(TraceConfig config) {
    this.config = config;
    Tracewright.init(config);
  }

  public TraceConfig config() {
    return config;
  }

  @Override
  public void destroy() {
    Tracewright.shutdown();
  }
}
