package dev.tracewright.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.SpanRecord;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What generated code captures, and that capturing never touches the user's call. */
class CaptureTest extends TracingTest {

  static final Compiled PROBE =
      Compiled.compile(
          "package com.acme;",
          "import dev.tracewright.annotations.*;",
          "public class Probe {",
          "  public static int getterCalls;",
          "  public static class Arg {",
          "    public String getValue() { getterCalls++; return \"v\"; }",
          "  }",
          "  public static class Hostile {",
          "    public String getBoom() { throw new IllegalStateException(\"getter exploded\"); }",
          "  }",
          "  @Tool public String use(Arg arg) { return \"used\"; }",
          "  @Tool public String secret(@NoCapture Arg key, String query) { return query; }",
          "  @Tool @NoCapture public Arg token() { return new Arg(); }",
          "  @Tool(capture = CapturePolicy.METADATA_ONLY) public Arg quiet(Arg arg) { return arg; }",
          "  @Tool(capture = CapturePolicy.REDACTED_PREVIEW) public String preview(String text) { return text; }",
          "  @Tool public Hostile hostile(Hostile h) { return h; }",
          "}");

  private int getterCalls() throws Exception {
    return PROBE.load("com.acme.Probe").getField("getterCalls").getInt(null);
  }

  private void resetGetterCalls() throws Exception {
    PROBE.load("com.acme.Probe").getField("getterCalls").setInt(null, 0);
  }

  private Object arg() throws Throwable {
    return PROBE.create("com.acme.Probe$Arg");
  }

  @Test
  void metadataOnlyRunsNoCaptureCodeAtAll() throws Throwable {
    Tracewright.init(TraceConfig.builder().store(store).capturePolicy(CapturePolicy.METADATA_ONLY).build());
    Object probe = PROBE.create("com.acme.ProbeTraced");
    resetGetterCalls();

    assertEquals("used", Compiled.call(probe, "use", arg()));

    assertEquals(0, getterCalls(), "the argument was never serialized");
    SpanRecord use = recorded().span("use");
    assertNull(use.inputPreview());
    assertNull(use.outputPreview());
    assertNull(use.inputRef());
  }

  @Test
  void perAnnotationPolicyOverridesTheRuntimeDefault() throws Throwable {
    Object probe = PROBE.create("com.acme.ProbeTraced");
    resetGetterCalls();
    Object a = arg();

    assertSame(a, Compiled.call(probe, "quiet", a));
    assertEquals("hello", Compiled.call(probe, "preview", "hello"));

    assertEquals(0, getterCalls());
    assertNull(recorded().span("quiet").inputPreview());
    SpanRecord preview = store.span("preview");
    assertEquals("{\"text\":\"hello\"}", preview.inputPreview());
    assertNull(preview.inputRef(), "REDACTED_PREVIEW keeps no blob");
  }

  @Test
  void fullLocalKeepsRedactedContentAsABlob() throws Throwable {
    Object probe = PROBE.create("com.acme.ProbeTraced");
    Compiled.call(probe, "use", arg());
    SpanRecord use = recorded().span("use");
    assertEquals("{\"arg\":{\"value\":\"v\"}}", use.inputPreview());
    assertEquals("{\"arg\":{\"value\":\"v\"}}", new String(store.blobs().get(use.inputRef()).content(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(64, use.inputRef().length());
  }

  @Test
  void noCaptureKeepsAParameterOrAResultOut() throws Throwable {
    Object probe = PROBE.create("com.acme.ProbeTraced");
    resetGetterCalls();

    assertEquals("q", Compiled.call(probe, "secret", arg(), "q"));
    Compiled.call(probe, "token");

    assertEquals(0, getterCalls());
    assertEquals("{\"query\":\"q\"}", recorded().span("secret").inputPreview());
    assertNull(store.span("token").outputPreview());
  }

  @Test
  void anArgumentThatCannotBeSerializedBecomesAMarkerAndTheCallGoesOn() throws Throwable {
    Object probe = PROBE.create("com.acme.ProbeTraced");
    Object hostile = PROBE.create("com.acme.Probe$Hostile");

    assertSame(hostile, Compiled.call(probe, "hostile", hostile));

    SpanRecord span = recorded().span("hostile");
    assertEquals(SpanRecord.OK, span.status());
    assertTrue(span.inputPreview().startsWith("{\"h\":{\"$unserializable\":\"com.acme.Probe$Hostile: "), span.inputPreview());
    assertTrue(span.inputPreview().contains("getter exploded"), span.inputPreview());
    assertTrue(span.outputPreview().contains("$unserializable"), span.outputPreview());
  }

  @Test
  void aFailingStoreNeverReachesTheCaller() throws Throwable {
    Tracewright.init(
        TraceConfig.builder()
            .store(batch -> { throw new java.sql.SQLException("disk full"); })
            .storeRetryTimeout(Duration.ZERO)
            .build());
    Object probe = PROBE.create("com.acme.ProbeTraced");

    assertEquals("q", Compiled.call(probe, "secret", arg(), "q"));
    assertFalse(Tracewright.flush(), "the span was lost: flush says so");
    assertEquals(1, Tracewright.stats().failed());
  }
}
