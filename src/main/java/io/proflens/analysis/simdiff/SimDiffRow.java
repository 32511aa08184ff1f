package io.proflens.analysis.simdiff;

import java.util.Objects;

/**
 * One operator of a {@link SimDiff}. On a one-sided row (operator measured but not simulated, or the reverse) the
 * other side, the diff and the share are {@code null}.
 *
 * @param key               canonical matching key ({@link SimDiff#canonical})
 * @param measuredName      measured name(s) joined by {@code " + "}, or {@code null} when not measured
 * @param simName           simulator name(s) joined by {@code " + "}, or {@code null} when not simulated
 * @param measuredNs        measured mean per layer, ns, or {@code null}
 * @param simNs             simulated time per layer, ns, or {@code null}
 * @param diffNs            simulated − measured per layer, ns, or {@code null}
 * @param layers            layer count used, ≥ 1
 * @param diffTimesLayersNs diff × layers, ns, or {@code null} on a one-sided row
 * @param sharePct          |diff × layers| as percent of Σ |diff × layers| over matched rows, 0-100, or {@code null}
 * @param note              why a value is special (layer mismatch, unknown layers, one-sided), or {@code null}
 */
public record SimDiffRow(String key, String measuredName, String simName, Long measuredNs, Long simNs, Long diffNs,
                         int layers, Long diffTimesLayersNs, Double sharePct, String note) {
    /** Requires the key. */
    public SimDiffRow {
        Objects.requireNonNull(key, "key");
    }
}
