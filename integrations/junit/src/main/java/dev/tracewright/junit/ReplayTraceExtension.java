package dev.tracewright.junit;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.replay.RecordedTrace;
import dev.tracewright.runtime.replay.Replay;
import dev.tracewright.runtime.store.InMemoryStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link ReplayTrace}. Before each test: Tracewright recording into a new
 * {@link InMemoryStore} (FULL_LOCAL, default redaction), which a test can take as a parameter to
 * assert on the replayed run. Around the test method, on its thread: the replay. After each test:
 * Tracewright shut down. The extension owns Tracewright's configuration while a test runs.
 */
public final class ReplayTraceExtension implements BeforeEachCallback, AfterEachCallback, InvocationInterceptor, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ReplayTraceExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    ReplayTrace annotation = annotation(context);
    RecordedTrace recording = load(annotation, context.getRequiredTestClass()); // a bad file fails before anything starts
    InMemoryStore store = new InMemoryStore();
    context.getStore(NAMESPACE).put(ReplayedRun.class, new ReplayedRun(store, recording));
    Tracewright.init(TraceConfig.builder().store(store).capturePolicy(CapturePolicy.FULL_LOCAL).build());
  }

  @Override
  public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context)
      throws Throwable {
    ReplayTrace annotation = annotation(context);
    Replay.Builder replay =
        Replay.of(run(context).recording())
            .matching(annotation.matching())
            .onMismatch(annotation.onMismatch())
            .kinds(annotation.kinds())
            .failOnUnused(annotation.failOnUnused());
    try (Replay open = replay.open()) {
      invocation.proceed();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Tracewright.shutdown();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == ReplayedRun.class || type == InMemoryStore.class;
  }

  /**
   * A {@link ReplayedRun} (complete whenever the test asks it), or the test's {@link InMemoryStore}
   * (written in the background: call {@code Tracewright.flush()} before reading it).
   */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ReplayedRun run = run(context);
    return parameter.getParameter().getType() == ReplayedRun.class ? run : run.storeAsIs();
  }

  private static ReplayedRun run(ExtensionContext context) {
    return context.getStore(NAMESPACE).get(ReplayedRun.class, ReplayedRun.class);
  }

  private static ReplayTrace annotation(ExtensionContext context) {
    Optional<ReplayTrace> onMethod = AnnotationSupport.findAnnotation(context.getTestMethod(), ReplayTrace.class);
    return onMethod.or(() -> AnnotationSupport.findAnnotation(context.getTestClass(), ReplayTrace.class))
        .orElseThrow(() -> new ExtensionConfigurationException("ReplayTraceExtension needs @ReplayTrace(\"file.jsonl\") on the test or its class"));
  }

  private static RecordedTrace load(ReplayTrace annotation, Class<?> testClass) {
    Path file = locate(annotation.value(), testClass);
    return annotation.traceId().isEmpty() ? RecordedTrace.fromFile(file) : RecordedTrace.fromFile(file, annotation.traceId());
  }

  /** A class-path resource (as a file, copied out of a jar if need be), else a path from the working directory. */
  static Path locate(String name, Class<?> testClass) {
    String resource = name.startsWith("/") ? name.substring(1) : name;
    ClassLoader loader = testClass.getClassLoader();
    URL url = loader == null ? null : loader.getResource(resource);
    if (url != null) {
      try {
        if ("file".equals(url.getProtocol())) {
          return Path.of(url.toURI());
        }
        Path copy = Files.createTempFile("tracewright-replay-", ".jsonl");
        copy.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
          Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + url, e);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("cannot read " + url, e);
      }
    }
    Path file = Path.of(name);
    if (!Files.isRegularFile(file)) {
      throw new ExtensionConfigurationException(
          "@ReplayTrace(\"" + name + "\"): no such class-path resource, nor file " + file.toAbsolutePath()
              + " (record the agent once, then: tracewright export --format jsonl --content --trace <id> -o src/test/resources/" + resource + ")");
    }
    return file;
  }
}
