package dev.tracewright.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;

/** {@code --since}: {@code 30m}, {@code 2h}, {@code 7d}, or a date / local date-time / offset date-time. */
public final class SinceConverter implements CommandLine.ITypeConverter<Instant> {
  @Override
  public Instant convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.matches("\\d+[smhd]")) {
      return Instant.now().minus(new AgeConverter().convert(v));
    }
    try {
      return OffsetDateTime.parse(value.trim()).toInstant();
    } catch (DateTimeParseException ignored) {
      // try the local forms
    }
    try {
      return LocalDateTime.parse(value.trim()).atZone(ZoneId.systemDefault()).toInstant();
    } catch (DateTimeParseException ignored) {
      // try a date
    }
    try {
      return LocalDate.parse(value.trim()).atStartOfDay(ZoneId.systemDefault()).toInstant();
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a time: use 30m, 2h, 7d, 2026-11-23 or 2026-11-23T10:00");
    }
  }
}
