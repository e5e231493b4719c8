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
        Arguments.of("bearer", "Bearer abcDEF123456.ghiJKL789-_"),
        Arguments.of("stripe_key", "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        Arguments.of("slack_token", "xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef"),
        Arguments.of("slack_token", "xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4OTAxMi0xMjM0NTY3ODkwMTIzLTEyMzQ1Njc4OTAxMjM0"),
        Arguments.of("card", "6011 0009 9013 9424"), // Discover
        Arguments.of("card", "3530 1113 3330 0000"), // JCB
        Arguments.of("card", "3056 930902 5904"), // Diners, 4-6-4
        Arguments.of("card", "6200 0000 0000 0005"), // UnionPay
        Arguments.of("card", "2221 0000 0000 0009")); // Mastercard 2-series
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

  /**
   * Issue 14: the probes that leaked, one case each: (probe, text, what must not survive). The
   * text is what a user's call would carry; the fragment is the secret inside it.
   */
  static List<Arguments> issue14Leaks() {
    String pgp = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGVxYz0BCADKq7Zn3pQvR2mN8sT1uW4xY6zA9bC0dE2fG5hI7jK3lM\n=Ab12\n-----END PGP PRIVATE KEY BLOCK-----";
    return List.of(
        Arguments.of("password in a JSON string body", "{\"tool\":\"http\",\"body\":\"{\\\"user\\\":\\\"bob\\\",\\\"password\\\":\\\"Hunter2!xyz\\\"}\"}", "Hunter2!xyz"),
        Arguments.of("password in a doubly escaped JSON body", "{\"a\":\"{\\\"b\\\":\\\"{\\\\\\\"password\\\\\\\":\\\\\\\"Dbl3sc@ped\\\\\\\"}\\\"}\"}", "Dbl3sc@ped"),
        Arguments.of("postgresql URL", "connect postgresql://app:Pg-s3cret-42@db:5432/orders now", "Pg-s3cret-42"),
        Arguments.of("redis URL without user", "cache at redis://:R3dis-pass-99@cache:6379/0", "R3dis-pass-99"),
        Arguments.of("mongodb URL in an exception message",
            "com.mongodb.MongoSocketOpenException: Exception opening socket to mongodb://admin:M0ngo-pass@mongo1:27017,mongo2:27017/prod?replicaSet=rs0",
            "M0ngo-pass"),
        Arguments.of("JDBC URL in an exception message", "java.sql.SQLException: Cannot connect to jdbc:postgresql://svc:JdbcPw-77@10.0.0.5/app", "JdbcPw-77"),
        Arguments.of("token as URL user", "git clone https://ghs_Xy12ab34CD56ef78GH90ij12KL34mn56OP7@github.com/acme/repo", "Xy12ab34CD56ef78GH90ij12"),
        Arguments.of("raw Authorization: Basic header", "GET / HTTP/1.1\r\nAuthorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l\r\nAccept: */*", "YWxhZGRpbjpvcGVuc2VzYW1l"),
        Arguments.of("Basic credentials in prose", "the proxy wants Basic YWxhZGRpbjpvcGVuc2VzYW1l on every call", "YWxhZGRpbjpvcGVuc2VzYW1l"),
        Arguments.of("raw Authorization: Token header", "Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"),
        Arguments.of("Token credentials in prose", "send Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b upstream", "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"),
        Arguments.of("X-Auth-Token as Map<String, List<String>> (JSON)", "{\"headers\":{\"X-Auth-Token\":[\"tok-5f8a9c2e71\"],\"Accept\":[\"application/json\"]}}", "tok-5f8a9c2e71"),
        Arguments.of("X-Auth-Token as Map<String, List<String>> (toString)", "headers={X-Auth-Token=[tok-5f8a9c2e71, tok-second-2], Accept=[json]}", "tok-"),
        Arguments.of("X-Auth-Token list in a JSON string body", "{\"body\":\"{\\\"X-Auth-Token\\\":[\\\"tok-5f8a9c2e71\\\"],\\\"n\\\":1}\"}", "tok-5f8a9c2e71"),
        Arguments.of("short key named pass", "{\"credentials\":{\"user\":\"u\",\"pass\":\"P4ss-word\"}}", "P4ss-word"),
        Arguments.of("raw X-Auth-Token header", "X-Auth-Token: tok-5f8a9c2e71", "tok-5f8a9c2e71"),
        Arguments.of("secretKey field", "{\"secretKey\":\"Sk9-abcdef-123\"}", "Sk9-abcdef-123"),
        Arguments.of("signingKey field", "{\"signingKey\":\"sign-77aa99\"}", "sign-77aa99"),
        Arguments.of("encryption_key field", "encryption_key=enc0ded-key-42", "enc0ded-key-42"),
        Arguments.of("ENCRYPTION-KEY header", "ENCRYPTION-KEY: enc0ded-key-42", "enc0ded-key-42"),
        Arguments.of("numeric password", "{\"user\":\"bob\",\"password\":84726153}", "84726153"),
        Arguments.of("numeric password, escaped JSON", "{\"body\":\"{\\\"pin_password\\\":84726153}\"}", "84726153"),
        Arguments.of("AWS secret key in prose", "my AWS secret is wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, keep it safe", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        Arguments.of("PGP private key block", "key: " + pgp + " end", "lQOYBGVxYz0BCADKq7Zn3pQvR2mN8sT1uW4xY6zA9bC0dE2fG5hI7jK3lM"),
        Arguments.of("PEM key with no END line", "{\"pem\":\"-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\",\"n\":1}",
            "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn"),
        Arguments.of("PEM key with no END line, plain text", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"),
        Arguments.of("card number with dots", "card 4111.1111.1111.1111 exp 12/29", "4111.1111.1111.1111"),
        Arguments.of("JSON-escaped OpenAI key", "{\"key\":\"\\u0073k-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3i\"}", "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"),
        Arguments.of("JSON-escaped secret key name", "{\"\\u0070assword\":\"Esc4ped-name\"}", "Esc4ped-name"),
        Arguments.of("Stripe webhook secret", "STRIPE: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        Arguments.of("Slack app token", "slack xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef", "abcdef0123456789abcdef"),
        Arguments.of("ODBC PWD", "Driver={SQL Server};Server=db;UID=sa;PWD=0dbc-Secret;", "0dbc-Secret"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("issue14Leaks")
  void issue14LeaksAreClosed(String probe, String text, String secret) {
    String clean = DEFAULTS.redact(text);
    assertFalse(clean.contains(secret), probe + ": " + clean);
    assertTrue(clean.contains("[REDACTED:"), probe + ": " + clean);
  }

  /** Issue 14: look-alikes that were redacted, one case each; each must survive unchanged. */
  @ParameterizedTest
  @ValueSource(strings = {
      "created_at=1732370000009 (a Luhn-valid 13-digit epoch millisecond)",
      "t_unix_nano 1732370000000000009 is Luhn-valid",
      "tweet 1541815603606036489 and message 175928847299117062 (snowflake IDs)",
      "IMEI 490154203237518, IMEI 356938035643809",
      "order id 1000000000000008 has no card issuer prefix",
      "PWD=/home/bob/projects/agent OLDPWD=~/src",
      "Reset your password: click the link we sent you",
      "Bearer Instruments reported record revenue",
      "Your password: required field. Password: must be 12 characters.",
      "pi is 3.14159265358979 and 3.6 0000 0000 0000",
      "ssh://git@github.com/acme/repo.git and https://user@example.com/docs",
      "sha1 9fceb02d0ae598e95dc970b74767f19372d61af8 is the secret of our speed",
      "the token limit is 4096; Token counts differ",
      "a JSON escape \\\\u0073 stays and \\n stays",
  })
  void issue14LookalikesSurvive(String text) {
    assertEquals(text, DEFAULTS.redact(text));
  }

  static final String OPENAI_TAIL = "k-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3i";
  static final String GITHUB_TAIL = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";

  /**
   * Issue 20: a String argument holding JSON text whose secret is written as a JSON escape. The
   * backslash is a real character of the argument, so Jackson escapes it again and the redactor
   * sees {@code \\u0073k-proj-...}; one more level of JSON inside doubles it again.
   */
  static List<Arguments> issue20NestedEscapes() {
    String once = "{\"note\":\"\\u0073" + OPENAI_TAIL + "\"}";
    String github = "{\"note\":\"ghp\\u005f" + GITHUB_TAIL + "\"}";
    String twice = "{\"outer\":\"{\\\"note\\\":\\\"\\\\u0073" + OPENAI_TAIL + "\\\"}\"}";
    String githubTwice = "{\"outer\":\"{\\\"note\\\":\\\"ghp\\\\u005f" + GITHUB_TAIL + "\\\"}\"}";
    return List.of(
        Arguments.of("openai_key", once, OPENAI_TAIL.substring(2)),
        Arguments.of("github_token", github, GITHUB_TAIL),
        Arguments.of("openai_key", twice, OPENAI_TAIL.substring(2)),
        Arguments.of("github_token", githubTwice, GITHUB_TAIL));
  }

  /** The argument serialized as the runtime does: a JSON object keyed by parameter name. */
  private static String capturedArgument(String value) {
    Captured c = new ContentCapture(1 << 20).arguments(ContentCapture.keys(new String[] {"payload"}), new Object[] {value});
    return new String(c.json(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("issue20NestedEscapes")
  void issue20SecretsEscapedInsideJsonTextArgumentsAreRedacted(String rule, String argument, String secret) throws Exception {
    String captured = capturedArgument(argument);
    assertTrue(captured.contains("\\\\u00"), "the escape is nested in what the redactor sees: " + captured);
    String clean = DEFAULTS.redact(captured);
    assertFalse(clean.contains(secret), clean);
    assertTrue(clean.contains("[REDACTED:" + rule + "]"), clean);
    assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().readTree(clean).has("payload"), "still JSON: " + clean);
  }

  /** The same, through the writer's path: captured arguments become a preview and a blob. */
  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("issue20NestedEscapes")
  void issue20NestedEscapesNeverReachThePreviewOrTheBlob(String rule, String argument, String secret) {
    Captured c = new ContentCapture(1 << 20).arguments(ContentCapture.keys(new String[] {"payload"}), new Object[] {argument});
    ContentProcessor.Processed p = new ContentProcessor(DEFAULTS, 1_000).process(c, true);
    String blob = new String(p.blob().content(), StandardCharsets.UTF_8);
    assertFalse(p.preview().contains(secret), p.preview());
    assertFalse(blob.contains(secret), blob);
    assertTrue(blob.contains("[REDACTED:" + rule + "]"), blob);
  }

  /** Issue 20: escapes that hide nothing come out as they went in, byte for byte. */
  @ParameterizedTest
  @ValueSource(strings = {
      "C:\\users\\u0041pp\\data",
      "{\"path\":\"C:\\users\\u0041pp\"}",
      "a literal \\u0041 and \\\\u0042 and \\u0073k-short",
      "{\"outer\":\"{\\\"x\\\":\\\"\\\\u0041\\\"}\"}",
  })
  void issue20EscapesWithoutSecretsSurviveCapture(String argument) {
    String captured = capturedArgument(argument);
    assertEquals(captured, DEFAULTS.redact(captured));
    Captured c = new ContentCapture(1 << 20).arguments(ContentCapture.keys(new String[] {"payload"}), new Object[] {argument});
    assertEquals(captured, new String(new ContentProcessor(DEFAULTS, 1_000).process(c, true).blob().content(), StandardCharsets.UTF_8));
  }

  /** Issue 20: look-alikes that were redacted; each must survive unchanged. */
  @ParameterizedTest
  @ValueSource(strings = {
      "OAuth: enabled",
      "OAuth: enabled, SAML: disabled; auth=none; token: true",
      "git@github.com:org/repo.git",
      "git clone git@github.com:acme/agent.git && cd agent; deploy@build-01.example.com:~/releases/app.tar",
  })
  void issue20LookalikesSurvive(String text) {
    assertEquals(text, DEFAULTS.redact(text));
  }

  /** Issue 20: what the look-alike rules must still catch. */
  @Test
  void issue20WordsAndRemotesDoNotOpenALeak() {
    assertEquals("OAuth: [REDACTED:secret]", DEFAULTS.redact("OAuth: ya29a0AfH6SMBx3kq"));
    assertEquals("auth_token=[REDACTED:secret]", DEFAULTS.redact("auth_token=abc123"));
    assertEquals("password: [REDACTED:secret]", DEFAULTS.redact("password: letmein"), "a password is often a plain word");
    assertEquals("{\"token\":\"[REDACTED:secret]\"}", DEFAULTS.redact("{\"token\":\"enabled\"}"), "JSON values of secret keys stay hidden");
    assertEquals("mail [REDACTED:email]: he knows", DEFAULTS.redact("mail bob@example.com: he knows"));
    assertEquals("[REDACTED:email]", DEFAULTS.redact("bob@example.com"));
  }

  @Test
  void redactedJsonStaysJsonWithItsOtherFields() {
    assertEquals("{\"body\":\"{\\\"pin_password\\\":\\\"[REDACTED:secret]\\\"}\"}", DEFAULTS.redact("{\"body\":\"{\\\"pin_password\\\":84726153}\"}"));
    assertEquals("{\"password\":\"[REDACTED:secret]\",\"n\":1}", DEFAULTS.redact("{\"password\":84726153,\"n\":1}"));
    assertEquals("{\"X-Auth-Token\":[\"[REDACTED:secret]\"],\"Accept\":[\"json\"]}", DEFAULTS.redact("{\"X-Auth-Token\":[\"a\",\"b\"],\"Accept\":[\"json\"]}"));
    assertEquals("{\"body\":\"{\\\"X-Auth-Token\\\":[\\\"[REDACTED:secret]\\\"],\\\"n\\\":1}\"}",
        DEFAULTS.redact("{\"body\":\"{\\\"X-Auth-Token\\\":[\\\"tok-5f8a9c2e71\\\"],\\\"n\\\":1}\"}"));
    assertEquals("{\"body\":\"{\\\"password\\\":\\\"[REDACTED:secret]\\\",\\\"n\\\":1}\"}",
        DEFAULTS.redact("{\"body\":\"{\\\"password\\\":\\\"a\\\\\\\"b\\\",\\\"n\\\":1}\"}"));
    assertEquals("{\"pem\":\"[REDACTED:private_key]\",\"n\":1}", DEFAULTS.redact("{\"pem\":\"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIB\",\"n\":1}"));
    assertEquals("{\"key\":\"sk\"}", DEFAULTS.redact("{\"key\":\"\\u0073k\"}"), "printable escapes are decoded: same JSON");
    assertEquals("{\"q\":\"\\u0022\\u005c\\u000a\"}", DEFAULTS.redact("{\"q\":\"\\u0022\\u005c\\u000a\"}"), "quote, backslash, control stay escaped");
  }

  @Test
  void valuesOfSecretNamedKeysAreRedactedKeepingTheKey() {
    String json = "{\"user\":\"bob\",\"password\":\"hunter2\",\"api_key\":\"abc123\",\"Authorization\":\"Basic dXNlcjpwYXNz\","
        + "\"client_secret\":\"s3cr\\\"et\",\"accessToken\":\"t0k3n\",\"max_tokens\":256,\"tokenizer\":\"cl100k\"}";
    String clean = DEFAULTS.redact(json);
    assertEquals("{\"user\":\"bob\",\"password\":\"[REDACTED:secret]\",\"api_key\":\"[REDACTED:secret]\",\"Authorization\":\"[REDACTED:basic_auth]\","
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
        "-----BEGIN RSA PRIVATE KEY-----".repeat(30_000), "eyJ".repeat(330_000), "x=".repeat(500_000),
        // the scanners added for issue 14: each fed what it anchors on, a megabyte of it
        "a://".repeat(250_000), "x://" + "@".repeat(1_000_000), "4111.".repeat(200_000), "4 ".repeat(500_000),
        "\\u0073".repeat(170_000), "\\\\\"".repeat(250_000), "\"password\":[".repeat(70_000),
        "\\\"password\\\":\\\"" + "\\\\\\\"".repeat(250_000),
        "password=[".repeat(100_000), "\\\"password\\\":\\\"" + "\\".repeat(500_000), "aws " + "A/b1".repeat(250_000),
        "secret " + ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ").repeat(24_000), "Basic ".repeat(170_000),
        "Bearer " + "a".repeat(1_000_000), "Token " + "x".repeat(1_000_000), "Authorization: Basic ".repeat(50_000),
        "-----BEGIN PGP PRIVATE KEY BLOCK-----".repeat(25_000), "PWD=/".repeat(200_000),
        "password: " + "click".repeat(200_000) + " here", "Authorization: Token ".repeat(50_000), "1".repeat(1_000_000),
        // issue 20: nested escapes are decoded into a view, then the rules run again
        "\\\\u0073k-".repeat(200_000), "\\\\\\\\u0073".repeat(100_000), "\\".repeat(1_000_000) + "u0073", "OAuth: on ".repeat(100_000),
        "git@github.com:".repeat(70_000))) {
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
