package dev.tracewright.springai;

import dev.tracewright.annotations.CapturePolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code tracewright.*} properties that start Tracewright in a Spring Boot application.
 *
 * @param enabled whether Tracewright records at all; false leaves the runtime uninitialised, so traced
 *     calls cost one volatile read and record nothing
 * @param db the H2 database file for traces; unset means {@code .tracewright/traces} in the working
 *     directory, or the path in {@code -Dtracewright.db} / {@code TRACEWRIGHT_DB}
 * @param capturePolicy what is kept of arguments, results, prompts and replies: METADATA_ONLY,
 *     REDACTED_PREVIEW, FULL_LOCAL (content stays in the local database) or FULL_EXPORTABLE
 * @param samplingRatio the fraction of traces kept (0 to 1); traces with an error are always kept
 * @param serviceName the service name of traces and exported spans; unset means
 *     {@code spring.application.name}, else {@code OTEL_SERVICE_NAME}, else {@code unknown_service:java}
 * @param redaction whether the default redaction (e-mails, API keys, bearer tokens, JWTs, card numbers)
 *     applies to captured content
 * @param tracedBeans whether beans whose class has a generated {@code *Traced} subclass are created as
 *     that subclass
 */
@ConfigurationProperties("tracewright")
public record TracewrightProperties(
    @DefaultValue("true") boolean enabled,
    String db,
    @DefaultValue("FULL_LOCAL") CapturePolicy capturePolicy,
    @DefaultValue("1.0") double samplingRatio,
    String serviceName,
    @DefaultValue("true") boolean redaction,
    @DefaultValue("true") boolean tracedBeans) {}
