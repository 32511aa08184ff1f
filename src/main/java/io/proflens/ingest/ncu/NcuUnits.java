package io.proflens.ingest.ncu;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses ncu's printed numbers and normalises its units to base units, once, at import (CONVENTIONS habit 2).
 *
 * <p>Numbers: ncu prints en-US grouping ({@code "21,760"}, {@code "9,495.42"}); grouping commas are removed, a lone
 * decimal comma ({@code "0,5"}) is read as a decimal point; {@code "n/a"}, empty and non-numeric text give NaN.
 * Units (Nsight Compute Profiling Guide, "Metrics Units"; ncu prints SI prefixes in base 10 by default, so
 * {@code Kbyte} = 1000 byte): times ({@code ns/nsecond, us/usecond, ms/msecond, s/second}) → ns; sizes
 * ({@code byte, Kbyte, Mbyte, Gbyte, Tbyte}, and binary {@code KiB/Kibyte...}) → byte; rates ({@code Gbyte/s},
 * {@code Gbyte/second}, {@code byte/usecond}) → byte/s; frequencies ({@code Ghz}, {@code Mhz}, {@code cycle/nsecond},
 * {@code cycle/usecond}) → Hz; {@code %} stays; counts ({@code cycle, inst, warp, thread, ...}) lose their SI prefix
 * ({@code Kinst} → inst × 1000); per-unit suffixes are kept ({@code Kbyte/block} → byte/block).
 */
final class NcuUnits {
    private static final Pattern GROUPED = Pattern.compile("[-+]?\\d{1,3}(,\\d{3})+(\\.\\d+)?");
    private static final Pattern DECIMAL_COMMA = Pattern.compile("[-+]?\\d+,\\d+");
    private static final Pattern PLAIN = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Map<String, Double> TIME = Map.ofEntries(Map.entry("ns", 1d), Map.entry("nsecond", 1d),
            Map.entry("us", 1e3), Map.entry("usecond", 1e3), Map.entry("µs", 1e3), Map.entry("ms", 1e6),
            Map.entry("msecond", 1e6), Map.entry("s", 1e9), Map.entry("second", 1e9));
    private static final Map<String, Double> PREFIX = Map.of("", 1d, "K", 1e3, "M", 1e6, "G", 1e9, "T", 1e12,
            "P", 1e15, "Ki", 1024d, "Mi", 1024d * 1024, "Gi", 1024d * 1024 * 1024, "Ti", 1024d * 1024 * 1024 * 1024);
    private static final java.util.List<String> COUNTS = java.util.List.of("byte", "cycle", "inst", "warp", "thread",
            "request", "sector", "wavefront", "transaction", "instruction", "block", "flop", "sample");

    private NcuUnits() {
    }

    /** A value in its base unit. */
    record Normalized(double value, String baseUnit) {
    }

    /**
     * @param text a value as printed
     * @return the number, NaN when {@code text} is not one
     */
    static double parseNumber(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            return Double.NaN;
        }
        if (GROUPED.matcher(t).matches()) {
            t = t.replace(",", "");
        } else if (DECIMAL_COMMA.matcher(t).matches()) {
            t = t.replace(',', '.');
        }
        if (!PLAIN.matcher(t).matches()) {
            return Double.NaN;
        }
        return Double.parseDouble(t);
    }

    /**
     * @param unit  the unit as printed
     * @param value the number in that unit (NaN passes through)
     * @return the value in its base unit and that unit
     */
    static Normalized normalize(String unit, double value) {
        String u = unit.trim();
        if (u.isEmpty() || u.equals("%")) {
            return new Normalized(value, u);
        }
        String lower = u.toLowerCase(Locale.ROOT);
        if (lower.endsWith("hz") && PREFIX.containsKey(prefixOf(u.substring(0, u.length() - 2)))) {
            return new Normalized(value * PREFIX.get(prefixOf(u.substring(0, u.length() - 2))), "Hz");
        }
        int slash = u.indexOf('/');
        String num = slash < 0 ? u : u.substring(0, slash);
        String den = slash < 0 ? "" : u.substring(slash + 1);
        if (den.isEmpty() && TIME.containsKey(num)) {
            return new Normalized(value * TIME.get(num), "ns");
        }
        double scale = 1;
        String base = num;
        for (String c : COUNTS) {
            if (num.endsWith(c) && PREFIX.containsKey(num.substring(0, num.length() - c.length()))) {
                scale = PREFIX.get(num.substring(0, num.length() - c.length()));
                base = c;
                break;
            }
        }
        if (num.endsWith("B") && PREFIX.containsKey(num.substring(0, num.length() - 1))) {
            scale = PREFIX.get(num.substring(0, num.length() - 1));
            base = "byte";
        }
        if (den.isEmpty()) {
            return new Normalized(value * scale, base);
        }
        if (TIME.containsKey(den)) {
            // a rate: per ns/us/ms/s → per second
            double perSecond = 1e9 / TIME.get(den);
            if (base.equals("cycle")) {
                return new Normalized(value * scale * perSecond, "Hz");
            }
            return new Normalized(value * scale * perSecond, base + "/s");
        }
        return new Normalized(value * scale, base + "/" + den);
    }

    private static String prefixOf(String s) {
        // "G" of "Ghz", "" of "hz"; ncu prints "Ghz" and "Mhz" (lower-case h)
        return s.length() <= 2 ? s.toUpperCase(Locale.ROOT).replace("I", "i") : "?";
    }
}
