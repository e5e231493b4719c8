package dev.tracewright.springai.app;

import org.springframework.ai.tool.annotation.Tool;
import org.springframework.stereotype.Component;

/** A Spring AI tool bean with one tool method also traced (one TOOL span, the traced method's, with the call ID) and one not. */
@Component
public class CurrencyTools {
  @Tool(name = "convert_currency", description = "Converts euros to yen")
  @dev.tracewright.annotations.Tool
  public double convert(double euros) {
    return euros * 160;
  }

  /** Not traced by Tracewright: the generated subclass only forwards it, so Spring AI's observation makes its span. */
  @Tool(name = "exchange_rate", description = "Yen per euro today")
  public double rate() {
    return 160;
  }
}
