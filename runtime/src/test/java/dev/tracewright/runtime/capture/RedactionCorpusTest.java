package dev.tracewright.runtime.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §8 redaction corpus. The secrets below are fakes in the real shapes. */
class RedactionCorpusTest {
  static final Redactor DEFAULTS = Redactor.defaults();

  static List<Arguments> secrets() {
    return List.of(
        Arguments.of("openai_key", "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9o"),
        Arguments.of("openai_key", "sk-" + "T3BlbkFJ" + "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6"),
        Arguments.of("anthropic_key", "sk-ant-api03-" + "x".repeat(20) + "Yz12_AB-cd34" + "q".repeat(60)),
        Arguments.of("aws_access_key", "AKIAIOSFODNN7EXAMPLE"),
        Arguments.of("aws_access_key", "ASIAY34FZKBOKMUTVV7A"),
        Arguments.of("github_token", "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"),
        Arguments.of("github_token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQ"),
        Arguments.of("google_api_key", "AIzaSyD-" + "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p"),
        Arguments.of("stripe_key", "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"),
        Arguments.of("stripe_key", "rk_test_" + "51H8s2AKa8d0Bz9xYqW3eRt6"),
        Arguments.of("slack_token", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
        Arguments.of("slack_webhook", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"),
        Arguments.of("jwt", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
        Arguments.of("private_key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\naFDrBz9vFqU4yB2yH2tW0\n-----END RSA PRIVATE KEY-----"),
        Arguments.of("private_key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz\n-----END OPENSSH PRIVATE KEY-----"),
        Arguments.of("private_key", "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END CERTIFICATE-----\nAb12\n-----END PRIVATE KEY-----"),
        Arguments.of("email", "alice.smith+agents@example.co.uk"),
        Arguments.of("card", "4111 1111 1111 1111"),
        Arguments.of("card", "5500-0000-0000-0004"),
        Arguments.of("card", "378282246310005"),
        Arguments.of("bearer", "Bearer abcDEF123456.ghiJKL789-_"));
  }

  @ParameterizedTest
  @MethodSource("secrets")
  void secretShapesAreRedactedInTheirContext(String rule, String secret) {
    String text = "note: user sent " + secret + " to the agent.";
    String clean = DEFAULTS.redact(text);
    assertFalse(clean.contains(secret), clean);
    assertTrue(clean.contains("[REDACTED:" + rule + "]"), clean);
    assertTrue(clean.startsWith("note: user sent ") && clean.endsWith(" to the agent."), clean);
  }

  @Test
  void valuesOfSecretNamedKeysAreRedactedKeepingTheKey() {
    String json = "{\"user\":\"bob\",\"password\":\"hunter2\",\"api_key\":\"abc123\",\"Authorization\":\"Basic dXNlcjpwYXNz\","
        + "\"client_secret\":\"s3cr\\\"et\",\"accessToken\":\"t0k3n\",\"max_tokens\":256,\"tokenizer\":\"cl100k\"}";
    String clean = DEFAULTS.redact(json);
    assertEquals("{\"user\":\"bob\",\"password\":\"[REDACTED:secret]\",\"api_key\":\"[REDACTED:secret]\",\"Authorization\":\"[REDACTED:secret]\","
        + "\"client_secret\":\"[REDACTED:secret]\",\"accessToken\":\"[REDACTED:secret]\",\"max_tokens\":256,\"tokenizer\":\"cl100k\"}", clean);

    assertEquals("db?user=bob&password=[REDACTED:secret]&ssl=true", DEFAULTS.redact("db?user=bob&password=hunter2&ssl=true"));
    assertEquals("OPENAI_API_KEY=[REDACTED:secret]", DEFAULTS.redact("OPENAI_API_KEY=abc123xyz"));
    assertEquals("authorization: [REDACTED:bearer]", DEFAULTS.redact("authorization: Bearer abc.def-123456"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "The quick brown fox jumps over the lazy dog. Paris is the capital of France.",
      "request id 123e4567-e89b-12d3-a456-426614174000 took 35 ms",
      "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 and commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
      "card 4111 1111 1111 1112 fails Luhn, so does 1234567890123456",
      "order 2024-11-23 shipped; call 555-0100; ISBN 978-0-306-40615-7",
      "models: gpt-4o, claude-sonnet-4, gemini-2.5-pro; task-list ready; ask-me anything",
      "input_tokens=1200 output_tokens=300 tokens: 1500 cost: 0.0045",
      "{\"max_tokens\":1024,\"temperature\":0.2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
      "see https://example.com/docs/page?id=42 and at sign @ alone",
  })
  void ordinaryTextSurvivesUnchanged(String text) {
    assertEquals(text, DEFAULTS.redact(text));
  }

  @Test
  void luhnCheckDecidesForCardLookalikes() {
    assertTrue(PatternRedactor.luhnValid("4111111111111111"));
    assertFalse(PatternRedactor.luhnValid("4111111111111112"));
    assertFalse(PatternRedactor.luhnValid("0000"));
  }

  @Test
  void userRulesAddToTheDefaults() {
    Redactor r = PatternRedactor.builder().withDefaults().rule("employee_id", "\\bEMP-\\d{6}\\b").build();
    assertEquals("[REDACTED:employee_id] mailed [REDACTED:email]", r.redact("EMP-123456 mailed bob@example.com"));
  }

  @Test
  @Timeout(30)
  void adversarialMegabyteInputsFinish() {
    for (String attack : List.of("a@".repeat(500_000), "1 ".repeat(500_000), "\"password\":\"" + "\\\\".repeat(500_000),
        "-----BEGIN RSA PRIVATE KEY-----".repeat(30_000), "eyJ".repeat(330_000), "x=".repeat(500_000))) {
      assertTrue(DEFAULTS.redact(attack).length() > 0);
    }
  }

  @Test
  void nothingRawReachesTheStoreFromContentErrorsOrAttributes() {
    InMemoryStore store = new InMemoryStore();
    Tracewright.init(TraceConfig.builder().store(store).build());
    String key = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9o";
    try (ActiveSpan s = Tracewright.span("call", SpanKind.LLM).input("prompt", "my key is " + key).attribute("header", "Bearer " + key).start()) {
      s.output(Map.of("echo", key));
      s.event("retry", Map.of("reason", "401 for " + key));
      s.error(new IllegalStateException("rejected key " + key));
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    SpanRecord span = store.spans().get(0);
    String everything = span.toString() + store.events() + store.traces()
        + store.blobs().values().stream().map(b -> new String(b.content(), StandardCharsets.UTF_8)).toList();
    assertFalse(everything.contains(key), everything);
    assertTrue(span.errorMessage().contains("[REDACTED:openai_key]"), span.errorMessage());
  }

  @Test
  void aRedactorThatThrowsStoresTheFailureMarkerNeverTheRawValue() {
    InMemoryStore store = new InMemoryStore();
    Tracewright.init(TraceConfig.builder().store(store).redactor(text -> { throw new IllegalStateException("broken rule"); }).build());
    Tracewright.span("call", SpanKind.TOOL).input("password", "hunter2").run(() -> {});
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    SpanRecord span = store.spans().get(0);
    assertEquals(Redactor.FAILED, span.inputPreview());
    assertEquals(Redactor.FAILED, new String(store.blobs().get(span.inputRef()).content(), StandardCharsets.UTF_8));
  }
}
