package io.proflens.ingest.kineto;

/**
 * Exact conversion of a decimal microsecond value, given as its JSON text, to integer nanoseconds.
 *
 * <p>Rule: {@code ns = round(µs × 1000)}, rounding half away from zero at 1 ns, computed on the decimal
 * digits themselves (never through {@code double}: an epoch timestamp such as {@code 1716403234567.1235} µs has
 * more significant digits than a double holds). Accepts JSON number syntax ({@code -}, digits, optional
 * fraction, optional exponent) plus a leading {@code +} and surrounding blanks (for numbers written as
 * strings). Examples: {@code "1.0005"} → 1001, {@code "0.0004"} → 0, {@code "-1.5"} → -1500,
 * {@code "1.5e3"} → 1 500 000, {@code "1716403234567.1235"} → 1 716 403 234 567 124.
 */
final class DecimalMicros {
    private DecimalMicros() {
    }

    /**
     * @return {@code text} (µs) in ns
     * @throws NumberFormatException when {@code text} is not a decimal number
     * @throws ArithmeticException   when the result does not fit a {@code long}
     */
    static long toNanos(CharSequence text) {
        char[] c = text.toString().toCharArray();
        return toNanos(c, 0, c.length);
    }

    /**
     * @param c   characters holding the number
     * @param off first character
     * @param len number of characters
     * @return the value (µs) in ns, rounded half away from zero
     * @throws NumberFormatException when the characters are not a decimal number
     * @throws ArithmeticException   when the result does not fit a {@code long}
     */
    static long toNanos(char[] c, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && c[i] <= ' ') {
            i++;
        }
        while (end > i && c[end - 1] <= ' ') {
            end--;
        }
        boolean negative = false;
        if (i < end && (c[i] == '-' || c[i] == '+')) {
            negative = c[i] == '-';
            i++;
        }
        int intStart = i;
        while (i < end && isDigit(c[i])) {
            i++;
        }
        int intEnd = i;
        int fracStart = i;
        int fracEnd = i;
        if (i < end && c[i] == '.') {
            i++;
            fracStart = i;
            while (i < end && isDigit(c[i])) {
                i++;
            }
            fracEnd = i;
        }
        int intDigits = intEnd - intStart;
        int fracDigits = fracEnd - fracStart;
        if (intDigits + fracDigits == 0) {
            throw bad(c, off, len);
        }
        long exponent = 0;
        if (i < end && (c[i] == 'e' || c[i] == 'E')) {
            i++;
            boolean expNegative = false;
            if (i < end && (c[i] == '-' || c[i] == '+')) {
                expNegative = c[i] == '-';
                i++;
            }
            int expStart = i;
            while (i < end && isDigit(c[i])) {
                if (exponent < 1_000_000) { // beyond this every value is 0 or overflows anyway
                    exponent = exponent * 10 + (c[i] - '0');
                }
                i++;
            }
            if (i == expStart) {
                throw bad(c, off, len);
            }
            if (expNegative) {
                exponent = -exponent;
            }
        }
        if (i != end) {
            throw bad(c, off, len);
        }
        // value = D × 10^(exponent - fracDigits) µs, D = the digit string; in ns: D × 10^shift
        long shift = exponent - fracDigits + 3;
        int n = intDigits + fracDigits;
        // digits with a place value >= 1 ns are kept; the first dropped digit (0.1 ns place) decides rounding
        long keep = shift >= 0 ? n : n + shift;
        long acc = 0;
        for (int k = 0; k < keep; k++) {
            acc = Math.addExact(Math.multiplyExact(acc, 10), digit(c, k, intStart, intDigits, fracStart));
        }
        if (keep >= 0 && keep < n && digit(c, (int) keep, intStart, intDigits, fracStart) >= 5) {
            acc = Math.addExact(acc, 1);
        }
        if (shift > 0 && acc != 0) {
            for (long s = 0; s < shift; s++) {
                acc = Math.multiplyExact(acc, 10);
            }
        }
        return negative ? -acc : acc;
    }

    private static int digit(char[] c, int k, int intStart, int intDigits, int fracStart) {
        return (k < intDigits ? c[intStart + k] : c[fracStart + k - intDigits]) - '0';
    }

    private static boolean isDigit(char ch) {
        return ch >= '0' && ch <= '9';
    }

    private static NumberFormatException bad(char[] c, int off, int len) {
        String s = new String(c, off, Math.min(len, 40));
        return new NumberFormatException("not a decimal number: '" + s + (len > 40 ? "...'" : "'"));
    }
}
