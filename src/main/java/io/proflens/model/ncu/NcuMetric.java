package io.proflens.model.ncu;

import java.util.Objects;

/**
 * One metric of one profiled kernel launch, as Nsight Compute printed it and normalised to a base unit.
 *
 * <p>From a {@code --page details} row: {@code section} = "Section Name" (e.g. "GPU Speed Of Light Throughput"),
 * {@code label} = "Body Item Label" (roofline chart files only, else {@code ""}), {@code name} = "Metric Name"
 * (e.g. "Duration"). From a {@code --page raw} column: {@code section} and {@code label} are {@code ""} and
 * {@code name} is the metric's column header (e.g. {@code gpu__time_duration.sum}).
 *
 * @param section   section name, {@code ""} for raw-page metrics (never null)
 * @param label     body item label, {@code ""} when none (never null)
 * @param name      metric name (never null)
 * @param unit      the unit exactly as ncu printed it ({@code "us"}, {@code "usecond"}, {@code "Kbyte/block"},
 *                  {@code "%"}, {@code ""})
 * @param text      the value exactly as printed ({@code "21,760"}, {@code "n/a"}, {@code "(32, 4, 1)"})
 * @param value     the value in {@code baseUnit}, NaN when the text is not a number ({@code "n/a"}, tuples, words)
 * @param baseUnit  the normalised unit: {@code ns} (times), {@code byte} (sizes, decimal SI prefixes as ncu prints
 *                  them: 1 Kbyte = 1000 byte), {@code byte/s} (rates), {@code Hz} (frequencies), {@code %}, or the
 *                  printed unit with its prefix removed for counts ({@code cycle}, {@code warp}, {@code block},
 *                  {@code inst/cycle}, {@code register/thread}, {@code byte/block}, {@code ""})
 */
public record NcuMetric(String section, String label, String name, String unit, String text, double value,
                        String baseUnit) {
    public NcuMetric {
        Objects.requireNonNull(section);
        Objects.requireNonNull(label);
        Objects.requireNonNull(name);
        Objects.requireNonNull(unit);
        Objects.requireNonNull(text);
        Objects.requireNonNull(baseUnit);
    }

    /**
     * @return the identity of the metric within one kernel: {@code section / label / name} without empty parts,
     *         e.g. {@code "GPU Speed Of Light Throughput / Duration"} or {@code "gpu__time_duration.sum"}
     */
    public String key() {
        StringBuilder sb = new StringBuilder();
        for (String p : new String[] {section, label, name}) {
            if (!p.isEmpty()) {
                if (sb.length() > 0) {
                    sb.append(" / ");
                }
                sb.append(p);
            }
        }
        return sb.toString();
    }

    /** @return whether {@link #value()} is a number */
    public boolean numeric() {
        return !Double.isNaN(value);
    }
}
