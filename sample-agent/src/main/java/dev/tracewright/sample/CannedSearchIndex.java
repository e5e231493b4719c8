package dev.tracewright.sample;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** "The web", offline: a fixed set of pages scored by shared words. */
public final class CannedSearchIndex implements SearchIndex {
  private static final List<Hit> PAGES = List.of(
      new Hit("Rayleigh scattering", "https://en.wikipedia.org/wiki/Rayleigh_scattering",
          "Shorter (blue) wavelengths of sunlight scatter far more in air than longer (red) ones, so the sky looks blue."),
      new Hit("Why is the sky blue? | NASA Space Place", "https://spaceplace.nasa.gov/blue-sky/",
          "Sunlight reaches Earth's atmosphere and is scattered in all directions by gases; blue is scattered more."),
      new Hit("Sunsets are red", "https://example.org/sunset",
          "At sunset light crosses more air, blue is scattered away and reds and oranges remain."),
      new Hit("Leap year", "https://en.wikipedia.org/wiki/Leap_year",
          "A leap year has 366 days; the extra day is February 29."),
      new Hit("Seconds in a day", "https://example.org/time",
          "A day has 24 hours of 3600 seconds each: 86,400 seconds."),
      new Hit("Division by zero", "https://en.wikipedia.org/wiki/Division_by_zero",
          "Division by zero has no meaning in ordinary arithmetic."));

  @Override
  public List<Hit> search(String query, int limit) {
    OfflineModel.sleepMillis(15 + query.length() % 25); // network latency, simulated
    List<String> words = List.of(query.toLowerCase(Locale.ROOT).split("[^a-z0-9]+"));
    List<Hit> ranked = new ArrayList<>(PAGES);
    ranked.sort(Comparator.comparingLong((Hit h) -> -score(h, words)));
    return ranked.stream().filter(h -> score(h, words) > 0).limit(limit).toList();
  }

  private static long score(Hit hit, List<String> words) {
    String text = (hit.title() + " " + hit.snippet()).toLowerCase(Locale.ROOT);
    return words.stream().filter(w -> w.length() > 2 && text.contains(w)).count();
  }
}
