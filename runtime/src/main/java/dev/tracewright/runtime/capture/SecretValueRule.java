package dev.tracewright.runtime.capture;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Values of keys named like secrets: {@code "password": "..."} in JSON (also JSON inside a JSON
 * string, {@code \"password\":\"...\"}, numbers and arrays of strings), and {@code api_key=...},
 * {@code X-Auth-Token: ...} or {@code Authorization: Basic ...} in text. Anchored on each {@code :}
 * and {@code =}: the key is read backwards (at most 64 characters), the value forwards to its
 * closing quote or bracket (escapes honoured) or to a delimiter, so the scan is linear whatever the
 * input.
 */
final class SecretValueRule implements PatternRedactor.Rule {
  private static final int MAX_KEY = 64;
  private static final int MAX_GAP = 16;
  /**
   * A key is sensitive when, lower-cased with {@code _ - .} removed, it ends with one of these:
   * db_password, accessToken, X-Auth-Token, signingKey, encryption_key.
   */
  private static final List<String> SENSITIVE_SUFFIXES =
      List.of("password", "passwd", "pwd", "passphrase", "secret", "secrets", "secretkey", "signingkey", "encryptionkey",
          "privatekey", "masterkey", "hmackey", "apikey", "accesskey", "token", "authorization", "auth", "credential",
          "credentials", "cookie", "sessionid");
  /**
   * Keys whose value a person picks (a password is often a plain word): their values are hidden
   * whatever they look like. Other secrets (tokens, keys, auth, cookies) are made by machines: in
   * running text, a plain word after one of them is a setting ("OAuth: enabled"), not the secret.
   */
  private static final List<String> CHOSEN_SUFFIXES = List.of("password", "passwd", "pwd", "passphrase", "secret", "secrets");
  /** A plain word has at most this many letters; longer runs of letters may be generated. */
  private static final int MAX_PLAIN_WORD = 16;
  /** Short keys that name a secret only as a whole word: "pin" but not "spin", "pass" but not "bypass". */
  private static final Set<String> SENSITIVE_KEYS = Set.of("pass", "pin", "otp", "cvv", "cvc");
  /** Schemes of an Authorization value: the credential is the word after them. */
  private static final Set<String> AUTH_SCHEMES =
      Set.of("basic", "bearer", "token", "digest", "negotiate", "ntlm", "apikey", "key", "hmac", "aws4-hmac-sha256");
  /** Words that follow "password:" in prose and UI text, never a password worth hiding. */
  private static final Set<String> PROSE_VALUES =
      Set.of("required", "optional", "none", "null", "empty", "hidden", "redacted", "masked", "invalid", "incorrect",
          "expired", "changed", "reset", "unknown", "n/a", "yes", "no", "true", "false");

  @Override
  public String apply(String text) {
    StringBuilder sb = null;
    int last = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != ':' && c != '=') {
        continue;
      }
      int keyEnd = i;
      int gap = 0;
      while (keyEnd > last && gap < MAX_GAP && text.charAt(keyEnd - 1) == ' ') {
        keyEnd--;
        gap++;
      }
      boolean quotedKey = keyEnd > last && (text.charAt(keyEnd - 1) == '"' || text.charAt(keyEnd - 1) == '\'');
      int nameEnd = quotedKey ? keyEnd - 1 : keyEnd;
      while (quotedKey && nameEnd > last && text.charAt(nameEnd - 1) == '\\') {
        nameEnd--; // \"password\": a key inside a JSON string
      }
      boolean escapedKey = quotedKey && nameEnd < keyEnd - 1;
      int nameStart = nameEnd;
      while (nameStart > last && nameEnd - nameStart < MAX_KEY && isKey(text.charAt(nameStart - 1))) {
        nameStart--;
      }
      boolean boundary = quotedKey ? nameStart > 0 && isQuote(text.charAt(nameStart - 1)) : nameStart == 0 || !isKey(text.charAt(nameStart - 1));
      if (nameStart == nameEnd || !boundary || !sensitive(text, nameStart, nameEnd)) {
        continue;
      }
      int valueStart = i + 1;
      while (valueStart < text.length() && valueStart - i <= MAX_GAP && text.charAt(valueStart) == ' ') {
        valueStart++;
      }
      if (valueStart >= text.length() || text.startsWith("[REDACTED", valueStart)) {
        continue;
      }
      char open = text.charAt(valueStart);
      int valueEnd;
      boolean quoteMarker = false; // a bare JSON value becomes a JSON string (quoted like its key): still JSON
      if (open == '"' || open == '\'') {
        valueStart++;
        valueEnd = closingQuote(text, valueStart, open);
      } else if (open == '\\' && escapedQuoteAt(text, valueStart) > 0) {
        int run = escapedQuoteAt(text, valueStart);
        valueStart += run + 1;
        valueEnd = closingEscapedQuote(text, valueStart, run);
      } else if (open == '[') {
        int close = closingBracket(text, valueStart, escapedKey);
        if (quotedKey) {
          valueStart++; // keep the brackets: ["[REDACTED:secret]"]
          valueEnd = close;
          quoteMarker = true;
        } else {
          valueEnd = Math.min(text.length(), close + 1);
        }
      } else if (quotedKey) {
        if (!(open == '-' || (open >= '0' && open <= '9'))) {
          continue; // a JSON boolean, null or object: the object's own keys are scanned in turn
        }
        valueEnd = valueStart;
        while (valueEnd < text.length() && "0123456789.eE+-".indexOf(text.charAt(valueEnd)) >= 0) {
          valueEnd++;
        }
        quoteMarker = true;
      } else {
        if (isPathOfPwd(text, nameStart, nameEnd, open)) {
          continue; // PWD=/home/bob is the shell's working directory (decided before any scan ahead)
        }
        valueEnd = wordEnd(text, valueStart);
        if (isAuthScheme(text, valueStart, valueEnd) && valueEnd + 1 < text.length() && text.charAt(valueEnd) == ' '
            && !isDelimiter(text.charAt(valueEnd + 1))) {
          valueEnd = wordEnd(text, valueEnd + 1); // Authorization: Basic dXNlcjpwYXNz
        } else if (c == ':' && isProse(text, valueStart, valueEnd)) {
          continue; // "Reset your password: click the link"
        } else if (isPlainWord(text, valueStart, valueEnd) && !choosesItsValue(text, nameStart, nameEnd)) {
          continue; // "OAuth: enabled", "auth=none": a setting, not a credential
        }
      }
      if (valueEnd <= valueStart || text.startsWith("[REDACTED", valueStart)) {
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(text.length());
      }
      String marker = PatternRedactor.marker("secret");
      String quote = text.substring(nameEnd, keyEnd); // the key's own quote, escaped as deep as it is
      sb.append(text, last, valueStart).append(quoteMarker ? quote + marker + quote : marker);
      last = valueEnd;
      i = valueEnd - 1;
    }
    return sb == null ? text : sb.append(text, last, text.length()).toString();
  }

  /** Whether values under this key (a whole attribute key) are secrets whatever they look like. */
  static boolean isSecretKey(String key) {
    if (key == null || key.length() > 4 * MAX_KEY) {
      return false;
    }
    String normalized = normalize(key, 0, key.length());
    return !normalized.equals("pwd") && !normalized.equals("oldpwd") && endsWithSensitive(normalized);
  }

  private static boolean sensitive(String text, int from, int to) {
    return endsWithSensitive(normalize(text, from, to));
  }

  private static boolean endsWithSensitive(String normalized) {
    if (SENSITIVE_KEYS.contains(normalized)) {
      return true;
    }
    for (String suffix : SENSITIVE_SUFFIXES) {
      if (normalized.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the secret under this key is one a person picks: a password, a passphrase, a PIN. */
  private static boolean choosesItsValue(String text, int from, int to) {
    String name = normalize(text, from, to);
    if (SENSITIVE_KEYS.contains(name)) {
      return true;
    }
    for (String suffix : CHOSEN_SUFFIXES) {
      if (name.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A word: 1 to {@value #MAX_PLAIN_WORD} ASCII letters. A credential made by a machine mixes in
   * digits or symbols, or is longer (and {@link PatternRedactor#tokenShaped} holds for letters only
   * from 24 on, so no word here is token-shaped).
   */
  private static boolean isPlainWord(String text, int from, int to) {
    if (to - from < 1 || to - from > MAX_PLAIN_WORD) {
      return false;
    }
    for (int k = from; k < to; k++) {
      char ch = text.charAt(k);
      if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) {
        return false;
      }
    }
    return true;
  }

  private static String normalize(String text, int from, int to) {
    StringBuilder sb = new StringBuilder(to - from);
    for (int k = from; k < to; k++) {
      char ch = text.charAt(k);
      if (ch != '_' && ch != '-' && ch != '.') {
        sb.append(Character.toLowerCase(ch));
      }
    }
    return sb.toString();
  }

  private static boolean isPathOfPwd(String text, int nameStart, int nameEnd, char open) {
    String name = normalize(text, nameStart, nameEnd);
    return (name.equals("pwd") || name.equals("oldpwd")) && (open == '/' || open == '~');
  }

  private static boolean isAuthScheme(String text, int from, int to) {
    return to - from <= 16 && AUTH_SCHEMES.contains(text.substring(from, to).toLowerCase(Locale.ROOT));
  }

  /**
   * After {@code key:} in running text: a value that is a known prose word, or a plain word
   * followed by more words, is a sentence, not a credential. {@code password=...} is always one.
   */
  private static boolean isProse(String text, int from, int to) {
    if (to - from <= 16 && PROSE_VALUES.contains(text.substring(from, to).toLowerCase(Locale.ROOT))) {
      return true;
    }
    for (int k = from; k < to; k++) {
      if (!Character.isLetter(text.charAt(k))) {
        return false;
      }
    }
    return to + 1 < text.length() && text.charAt(to) == ' ' && Character.isLetter(text.charAt(to + 1));
  }

  private static int wordEnd(String text, int from) {
    int end = from;
    while (end < text.length() && !isDelimiter(text.charAt(end))) {
      end++;
    }
    return end;
  }

  private static boolean isQuote(char c) {
    return c == '"' || c == '\'';
  }

  private static boolean isKey(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  }

  private static boolean isDelimiter(char c) {
    return Character.isWhitespace(c) || ",;&\"'}".indexOf(c) >= 0;
  }

  /** Index of the closing quote (escapes skipped), or the end of the text. */
  private static int closingQuote(String text, int from, char quote) {
    int i = from;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == quote) {
        return i;
      } else {
        i++;
      }
    }
    return text.length();
  }

  /** At {@code from}, a run of backslashes then a quote: the run's length, else 0. */
  private static int escapedQuoteAt(String text, int from) {
    int k = from;
    while (k < text.length() && k - from < MAX_KEY && text.charAt(k) == '\\') {
      k++;
    }
    return k < text.length() && text.charAt(k) == '"' ? k - from : 0;
  }

  /**
   * The end of a string opened by {@code run} backslashes and a quote (JSON inside a JSON string):
   * the first quote preceded by at most {@code run} backslashes (the string's own close, or an
   * outer string's), or by an even number (an outer string closed). A quote escaped one level
   * deeper has more. Returns where that quote's backslashes start, or the end of the text.
   */
  private static int closingEscapedQuote(String text, int from, int run) {
    for (int q = text.indexOf('"', from); q >= 0; q = text.indexOf('"', q + 1)) {
      int r = 0;
      while (q - r - 1 >= from && text.charAt(q - r - 1) == '\\') {
        r++;
      }
      if (r <= run || r % 2 == 0) {
        return q - r;
      }
    }
    return text.length();
  }

  /**
   * The index of the bracket closing the one at {@code from}, or the end. Strings are skipped, but
   * not in JSON inside a JSON string, whose quotes are escaped: there brackets are just counted.
   */
  private static int closingBracket(String text, int from, boolean escaped) {
    int depth = 0;
    int i = from;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '"' && !escaped) {
        i = closingQuote(text, i + 1, '"') + 1;
        continue;
      }
      if (c == '[') {
        depth++;
      } else if (c == ']' && --depth == 0) {
        return i;
      }
      i++;
    }
    return text.length();
  }
}
