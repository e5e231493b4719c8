package dev.tracewright.runtime.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Regex rules applied in order. Every default pattern is anchored on a literal prefix or bounded in
 * length, and input is capped before any rule runs, so hostile input cannot make matching blow up.
 */
public final class PatternRedactor implements Redactor {
  /** Longer text is cut before matching: captured content is capped earlier, this is a backstop. */
  static final int MAX_INPUT_CHARS = 2 * 1024 * 1024;

  private static final Pattern SENSITIVE_KEY =
      Pattern.compile(
          "(password|passwd|pwd|passphrase|secret|apikey|api_key|api-key|accesskey|access_key|token"
              + "|authorization|auth|credential|credentials|privatekey|private_key|cookie|session_id)$");

  private final List<Rule> rules;

  /** {@code keyValue}: group 1 = key and separator, 2 = key name; the value follows the match. */
  private record Rule(String name, Pattern pattern, Predicate<String> applies, boolean keyValue) {}

  private PatternRedactor(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text.length() > MAX_INPUT_CHARS ? text.substring(0, MAX_INPUT_CHARS) : text;
    for (Rule rule : rules) {
      out = apply(rule, out);
    }
    return out;
  }

  private static String apply(Rule rule, String text) {
    Matcher m = rule.pattern.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    int last = 0;
    do {
      if (rule.keyValue) {
        if (SENSITIVE_KEY.matcher(m.group(2).toLowerCase(Locale.ROOT)).find()) {
          int valueEnd = valueEnd(text, m.end());
          if (valueEnd > m.end()) {
            sb.append(text, last, m.end());
            sb.append("[REDACTED:").append(rule.name).append(']');
            last = valueEnd;
          }
        }
      } else if (rule.applies == null || rule.applies.test(m.group())) {
        sb.append(text, last, m.start()).append("[REDACTED:").append(rule.name).append(']');
        last = m.end();
      }
    } while (m.find());
    return sb.append(text, last, text.length()).toString();
  }

  /**
   * Where the value starting at {@code from} ends: inside a JSON string (the previous character is
   * its opening quote) at the closing quote, honouring escapes; otherwise at white space or a
   * delimiter. Scanned by hand because a regex over escaped strings recurses per escape.
   */
  private static int valueEnd(String text, int from) {
    boolean quoted = from > 0 && text.charAt(from - 1) == '"';
    if (text.startsWith("[REDACTED", from)) {
      return from; // already redacted by a more specific rule
    }
    int i = from;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i += 2;
          continue;
        }
        if (c == '"') {
          return i;
        }
      } else if (Character.isWhitespace(c) || ",;&\"'}".indexOf(c) >= 0) {
        return i;
      }
      i++;
    }
    return Math.min(i, text.length());
  }

  /** Luhn checksum over the digits of a candidate card number (separators ignored). */
  static boolean luhnValid(String candidate) {
    int sum = 0;
    int digits = 0;
    boolean doubleIt = false;
    for (int i = candidate.length() - 1; i >= 0; i--) {
      char c = candidate.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if (doubleIt) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      digits++;
      doubleIt = !doubleIt;
    }
    return digits >= 13 && digits <= 19 && sum % 10 == 0;
  }

  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();

    /** Adds the built-in rules (order matters: specific shapes before generic ones). */
    public Builder withDefaults() {
      rule("private_key", "-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[\\s\\S]{0,16384}?-----END [A-Z ]{0,40}PRIVATE KEY-----");
      rule("jwt", "\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}");
      rule("anthropic_key", "\\bsk-ant-[A-Za-z0-9_-]{20,}");
      rule("openai_key", "\\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}");
      rule("aws_access_key", "\\b(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z0-9]{16}\\b");
      rule("github_token", "\\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\\b");
      rule("google_api_key", "\\bAIza[0-9A-Za-z_-]{35}");
      rule("stripe_key", "\\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\\b");
      rule("slack_token", "\\bxox[abposr]-[A-Za-z0-9-]{10,}");
      rule("slack_webhook", "https://hooks\\.slack\\.com/services/[A-Za-z0-9/_-]{10,}");
      rule("bearer", "(?i)\\bbearer\\s+[A-Za-z0-9._~+/=-]{8,}");
      // JSON "key": "value" and key=value / key: value where the key names a secret.
      rules.add(new Rule("secret", Pattern.compile("(\"([A-Za-z0-9_.-]{1,64})\"\\s*:\\s*\")"), null, true));
      rules.add(new Rule("secret", Pattern.compile("(\\b([A-Za-z0-9_.-]{1,64})\\s*[=:]\\s*)(?=[^\\s\"])"), null, true));
      rule("email", "\\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,8}\\.[A-Za-z]{2,24}\\b");
      rules.add(new Rule("card", Pattern.compile("\\b\\d(?:[ -]?\\d){12,18}\\b"), PatternRedactor::luhnValid, false));
      return this;
    }

    /** Adds a rule: every match of {@code regex} is replaced by {@code [REDACTED:name]}. */
    public Builder rule(String name, String regex) {
      Objects.requireNonNull(name, "name");
      rules.add(new Rule(name, Pattern.compile(Objects.requireNonNull(regex, "regex")), null, false));
      return this;
    }

    public PatternRedactor build() {
      return new PatternRedactor(rules);
    }
  }
}
