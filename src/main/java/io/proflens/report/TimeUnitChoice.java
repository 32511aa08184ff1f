package io.proflens.report;

import java.util.Locale;

/**
 * The {@code --timeunit} of {@code nsys stats}: header unit and scale for duration and timestamp columns.
 * Parsing accepts any prefix of the nsys spellings ({@code nsec}, {@code usec}, {@code msec},
 * {@code seconds}) as nsys's longest-prefix match does, plus {@code ns}, {@code us}, {@code ms}, {@code s}.
 */
public enum TimeUnitChoice {
    NSEC("ns", 0), USEC("us", 3), MSEC("ms", 6), SEC("s", 9);

    private final String header;
    private final int decimalShift;

    TimeUnitChoice(String header, int decimalShift) {
        this.header = header;
        this.decimalShift = decimalShift;
    }

    /** @return the unit shown in headers: ns, us, ms, s. */
    public String header() {
        return header;
    }

    /** @return how many decimal places a ns value moves left (0, 3, 6, 9). */
    public int decimalShift() {
        return decimalShift;
    }

    /**
     * @param text user input
     * @return the unit
     * @throws IllegalArgumentException for an unknown unit (message lists the valid ones)
     */
    public static TimeUnitChoice parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
            switch (t) {
                case "ns": return NSEC;
                case "us": return USEC;
                case "ms": return MSEC;
                case "s": return SEC;
                default:
                    break;
            }
            if ("nsec".startsWith(t)) {
                return NSEC;
            }
            if ("usec".startsWith(t)) {
                return USEC;
            }
            if ("msec".startsWith(t)) {
                return MSEC;
            }
            if ("seconds".startsWith(t)) {
                return SEC;
            }
        }
        throw new IllegalArgumentException("unknown time unit '" + text + "' (use nsec, usec, msec or seconds)");
    }
}
