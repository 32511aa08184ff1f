package io.proflens.rules;

/**
 * One number or fact that supports a {@link Finding}, as a label and its formatted value, e.g.
 * {@code ("nanosleep total", "192.000 s over 179,993 calls (avg 1.07 ms)")}.
 *
 * @param label what the value is
 * @param value the value with its unit, already formatted for people
 */
public record Evidence(String label, String value) {
}
