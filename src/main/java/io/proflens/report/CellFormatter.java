package io.proflens.report;

import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Text of cells and headers as {@code nsys stats} prints them.
 * <ul>
 *   <li>Headers: {@code Label (unit)} — {@code (%)}, {@code (ns)}/{@code (us)}/…, {@code (MB)}, {@code (MBps)}.</li>
 *   <li>Durations/timestamps: in ns, integers as is and averages with the one decimal they were rounded to
 *       ({@code 3579315.9}); in another unit the exact decimal value of the ns figure
 *       ({@code 1358264 ns → 1358.264 us}), so no precision is lost or invented.</li>
 *   <li>Bytes: MB = 10^6 B with 3 decimals, rounded half up ({@code 4 B → 0.000}); throughput MB/s likewise.</li>
 *   <li>Percent: one decimal. {@code null}: empty. No thousands separators (nsys 2024.6 console output has none).</li>
 * </ul>
 */
public final class CellFormatter {
    private final TimeUnitChoice unit;

    public CellFormatter(TimeUnitChoice unit) {
        this.unit = unit;
    }

    /** @return the header text of {@code c}. */
    public String header(Column c) {
        switch (c.kind()) {
            case PERCENT: return c.label() + " (%)";
            case DURATION:
            case TIMESTAMP: return c.label() + " (" + unit.header() + ")";
            case BYTES_MB: return c.label() + " (MB)";
            case THROUGHPUT_MBPS: return c.label() + " (MBps)";
            default: return c.label();
        }
    }

    /** @return the text of a cell of column {@code c}; {@code ""} for null. */
    public String format(Column c, Object v) {
        if (v == null) {
            return "";
        }
        Kind k = c.kind();
        switch (k) {
            case PERCENT:
                return oneDecimal(((Number) v).doubleValue());
            case DURATION:
            case TIMESTAMP:
                return time(v);
            case BYTES_MB:
            case THROUGHPUT_MBPS:
                return decimal(v).movePointLeft(6).setScale(3, RoundingMode.HALF_UP).toPlainString();
            case INTEGER:
                return v instanceof Double ? oneDecimal((Double) v) : String.valueOf(((Number) v).longValue());
            case NUMBER:
                return v instanceof Double ? plain((Double) v) : v.toString();
            default:
                return v.toString();
        }
    }

    /** @return the value of a numeric cell as a JSON-ready number in the chosen unit, or the string for text. */
    public Object jsonValue(Column c, Object v) {
        if (v == null || c.kind() == Kind.TEXT) {
            return v;
        }
        String s = format(c, v);
        return new BigDecimal(s);
    }

    private String time(Object v) {
        if (unit.decimalShift() == 0) {
            return v instanceof Double ? oneDecimal((Double) v) : String.valueOf(((Number) v).longValue());
        }
        BigDecimal d = decimal(v).movePointLeft(unit.decimalShift());
        return d.stripTrailingZeros().scale() <= 0 ? d.setScale(1, RoundingMode.UNNECESSARY).toPlainString()
                : d.stripTrailingZeros().toPlainString();
    }

    private static BigDecimal decimal(Object v) {
        if (v instanceof Double) {
            double d = (Double) v;
            return BigDecimal.valueOf(d); // shortest decimal of the (already rounded) double
        }
        return BigDecimal.valueOf(((Number) v).longValue());
    }

    private static String oneDecimal(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.toString(d);
        }
        return BigDecimal.valueOf(d).setScale(1, RoundingMode.HALF_UP).toPlainString();
    }

    private static String plain(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.toString(d);
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
