package dev.tracewright.runtime.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default redactor: rules applied in order, each replacing what it finds with
 * {@code [REDACTED:rule]}. Built for hostile input: text is capped before any rule runs, every regex
 * rule is skipped unless a literal it needs occurs in the text (a fast {@code indexOf}), and the
 * shapes that regexes handle with quadratic backtracking (PEM blocks, emails, key/value secrets) are
 * found by linear hand-written scans anchored on their one fixed character.
 */
public final class PatternRedactor implements Redactor {
  /** Longer text is cut before matching: captured content is capped earlier, this is a backstop. */
  static final int MAX_INPUT_CHARS = 2 * 1024 * 1024;

  private final List<Rule> rules;
  private final boolean secretKeys;
  private final boolean nestedEscapes;

  /** One rule: returns the text unchanged (the same instance) when it finds nothing. */
  interface Rule {
    String apply(String text);
  }

  private PatternRedactor(List<Rule> rules, boolean secretKeys, boolean nestedEscapes) {
    this.rules = List.copyOf(rules);
    this.secretKeys = secretKeys;
    this.nestedEscapes = nestedEscapes;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = applyRules(text.length() > MAX_INPUT_CHARS ? text.substring(0, MAX_INPUT_CHARS) : text);
    if (nestedEscapes) {
      // A secret escaped inside JSON text inside JSON (a String argument holding JSON) shows only
      // once its escapes are decoded. The view of the already redacted text is used only when the
      // rules find more there: text whose escapes hide nothing comes back as it was.
      String view = NestedEscapes.view(out);
      if (view != out) {
        String again = applyRules(view);
        if (!again.equals(view)) {
          return again;
        }
      }
    }
    return out;
  }

  private String applyRules(String text) {
    String out = text;
    for (Rule rule : rules) {
      out = rule.apply(out);
    }
    return out;
  }

  /** With the defaults: keys named like password, token, secretKey, X-Auth-Token... */
  @Override
  public boolean hidesValueOf(String key) {
    return secretKeys && SecretValueRule.isSecretKey(key);
  }

  static String marker(String name) {
    return "[REDACTED:" + name + "]";
  }

  /** A regex rule, skipped unless one of its literals occurs; {@code accept} vets each match. */
  record RegexRule(String name, Pattern pattern, List<String> anyOf, boolean literalsIgnoreCase, Predicate<String> accept)
      implements Rule {
    @Override
    public String apply(String text) {
      if (!anyOf.isEmpty() && anyOf.stream().noneMatch(l -> contains(text, l, literalsIgnoreCase))) {
        return text;
      }
      Matcher m = pattern.matcher(text);
      StringBuilder sb = null;
      int last = 0;
      while (m.find()) {
        if (accept == null || accept.test(m.group())) {
          if (sb == null) {
            sb = new StringBuilder(text.length());
          }
          sb.append(text, last, m.start()).append(marker(name));
          last = m.end();
        }
      }
      return sb == null ? text : sb.append(text, last, text.length()).toString();
    }
  }

  static boolean contains(String text, String literal, boolean ignoreCase) {
    if (!ignoreCase) {
      return text.contains(literal);
    }
    int n = literal.length();
    char lower = Character.toLowerCase(literal.charAt(0));
    char upper = Character.toUpperCase(literal.charAt(0));
    for (int i = 0; i + n <= text.length(); i++) {
      char c = text.charAt(i); // a plain compare first: regionMatches per position was most of the cost
      if ((c == lower || c == upper) && text.regionMatches(true, i, literal, 0, n)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code text[from, to)} looks like a credential rather than a word: at least 8
   * characters with a letter and a digit, or three of lower case, upper case (after the first
   * letter: "Instruments" is a word), digit and symbol, or 24 or more letters mixing cases.
   */
  static boolean tokenShaped(CharSequence text, int from, int to) {
    if (to - from < 8) {
      return false;
    }
    boolean lower = false;
    boolean upper = false;
    boolean digit = false;
    boolean symbol = false;
    for (int k = from; k < to; k++) {
      char c = text.charAt(k);
      if (c >= 'a' && c <= 'z') {
        lower = true;
      } else if (c >= 'A' && c <= 'Z') {
        upper |= k > from;
      } else if (c >= '0' && c <= '9') {
        digit = true;
      } else {
        symbol = true;
      }
    }
    int classes = (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (symbol ? 1 : 0);
    return ((lower || upper) && digit) || classes >= 3 || (to - from >= 24 && lower && upper);
  }

  /** The credential after an auth scheme ("Bearer x", "Token x"): the match's last word. */
  static boolean credentialAfterScheme(String match) {
    int k = match.length();
    while (k > 0 && !Character.isWhitespace(match.charAt(k - 1))) {
      k--;
    }
    return tokenShaped(match, k, match.length());
  }

  /** {@code Basic <base64>} whose payload decodes to printable {@code user:password}. */
  static boolean basicCredentials(String match) {
    int k = match.length();
    while (k > 0 && !Character.isWhitespace(match.charAt(k - 1))) {
      k--;
    }
    try {
      byte[] decoded = java.util.Base64.getDecoder().decode(match.substring(k));
      boolean colon = false;
      for (byte b : decoded) {
        if (b < 0x20 || b > 0x7e) {
          return false;
        }
        colon |= b == ':';
      }
      return colon;
    } catch (IllegalArgumentException e) {
      return false;
    }
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

  /** Whether the text has a run of at least 13 digits, separators allowed: the card rule's filter. */
  static boolean hasLongDigitRun(String text) {
    int digits = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++digits >= 13) {
          return true;
        }
      } else if (c != ' ' && c != '-' && c != '.') {
        digits = 0;
      }
    }
    return false;
  }

  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();

    private boolean secretKeys;
    private boolean nestedEscapes;

    /**
     * Adds the built-in rules (order matters: specific shapes before generic ones). With them, text
     * holding escapes nested in JSON strings is looked at again with those escapes decoded.
     */
    public Builder withDefaults() {
      secretKeys = true;
      nestedEscapes = true;
      rules.add(new JsonEscapeRule());
      rules.add(new PemKeyRule());
      regex("jwt", "\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}", "eyJ");
      regex("anthropic_key", "\\bsk-ant-[A-Za-z0-9_-]{20,}", "sk-ant-");
      regex("openai_key", "\\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}", "sk-");
      regex("aws_access_key", "\\b(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z0-9]{16}\\b", "AKIA", "ASIA", "ABIA", "ACCA", "AROA", "AIDA");
      regex("github_token", "\\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\\b", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_");
      regex("google_api_key", "\\bAIza[0-9A-Za-z_-]{35}", "AIza");
      regex("stripe_key", "\\b(?:(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})\\b", "_live_", "_test_", "whsec_");
      regex("slack_token", "\\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,}", "xox", "xapp-");
      regex("slack_webhook", "https://hooks\\.slack\\.com/services/[A-Za-z0-9/_-]{10,}", "hooks.slack.com");
      rules.add(new UrlCredentialsRule());
      // Possessive: the credential class excludes whitespace, so nothing is ever given back.
      rules.add(new RegexRule("basic_auth", Pattern.compile("(?i)\\bbasic\\s{1,16}+[A-Za-z0-9+/]{8,}+={0,2}+"), List.of("basic"), true,
          PatternRedactor::basicCredentials));
      rules.add(new RegexRule("bearer", Pattern.compile("(?i)\\bbearer\\s{1,16}+[A-Za-z0-9._~+/=-]{8,}+"), List.of("bearer"), true,
          PatternRedactor::credentialAfterScheme));
      rules.add(new RegexRule("auth_token", Pattern.compile("\\bToken\\s{1,16}+[A-Za-z0-9._~+/=-]{16,}+"), List.of("Token"), false,
          PatternRedactor::credentialAfterScheme));
      rules.add(new AwsSecretKeyRule());
      rules.add(new SecretValueRule());
      rules.add(new EmailRule());
      rules.add(new CardNumberRule());
      return this;
    }

    private void regex(String name, String regex, String... anyOf) {
      rules.add(new RegexRule(name, Pattern.compile(regex), List.of(anyOf), false, null));
    }

    /** Adds a rule: every match of {@code regex} is replaced by {@code [REDACTED:name]}. */
    public Builder rule(String name, String regex) {
      Objects.requireNonNull(name, "name");
      rules.add(new RegexRule(name, Pattern.compile(Objects.requireNonNull(regex, "regex")), List.of(), false, null));
      return this;
    }

    public PatternRedactor build() {
      return new PatternRedactor(rules, secretKeys, nestedEscapes);
    }
  }
}
