package io.proflens.rules;

import java.util.Locale;

/**
 * How rules write numbers into evidence and summaries, so every finding reads the same way:
 * durations with an adaptive unit ("192.000 s", "1.07 ms", "24.3 µs"), counts with thousands separators
 * ("179,993"), sizes in binary units ("24 KiB"), percentages with one decimal ("38.7%").
 */
public final class EvidenceFormat {
    private EvidenceFormat() {
    }

    /** @return ns as "1.234 s" (≥ 1 s), "1.07 ms" (≥ 1 ms, 3 significant digits up to 0.01 ms), "24.3 µs", or "850 ns" */
    public static String duration(double ns) {
        double a = Math.abs(ns);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.3f s", ns / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, a >= 1e8 ? "%.1f ms" : "%.2f ms", ns / 1e6);
        }
        if (a >= 1e3) {
            return String.format(Locale.ROOT, a >= 1e5 ? "%.0f µs" : "%.1f µs", ns / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f ns", ns);
    }

    /** @return "179,993" */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** @return "38.7%" */
    public static String pct(double pct) {
        return String.format(Locale.ROOT, "%.1f%%", pct);
    }

    /** @return "2.73×" */
    public static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f×", r);
    }

    /** @return bytes as "512 B", "24 KiB", "1.5 MiB", "2.00 GiB" (binary units; integers shown without decimals) */
    public static String bytes(double b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        double v = b;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0 || Math.abs(v - Math.rint(v)) < 0.05) {
            return String.format(Locale.ROOT, "%.0f %s", v, units[u]);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    /** @return bytes/s as "12.3 GB/s" (decimal units, as bandwidth is quoted) */
    public static String bandwidth(double bytesPerSec) {
        if (bytesPerSec >= 1e9) {
            return String.format(Locale.ROOT, "%.1f GB/s", bytesPerSec / 1e9);
        }
        if (bytesPerSec >= 1e6) {
            return String.format(Locale.ROOT, "%.1f MB/s", bytesPerSec / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f KB/s", bytesPerSec / 1e3);
    }
}
