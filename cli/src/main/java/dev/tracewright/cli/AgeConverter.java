package dev.tracewright.cli;

import java.time.Duration;
import java.util.Locale;

/** {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}: a positive age. */
final class AgeConverter implements picocli.CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!v.matches("\\d{1,9}[smhd]")) {
      throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not an age: use 30d, 12h, 90m or 45s");
    }
    long n = Long.parseLong(v.substring(0, v.length() - 1));
    Duration d = switch (v.charAt(v.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    if (d.isZero()) {
      throw new picocli.CommandLine.TypeConversionException("an age must be more than 0, not " + value);
    }
    return d;
  }
}
