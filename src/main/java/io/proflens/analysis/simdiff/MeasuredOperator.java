package io.proflens.analysis.simdiff;

import java.util.Objects;

/**
 * A measured operator time to compare with a simulator: the mean time of one occurrence per layer and how many
 * layers run it per step.
 *
 * @param name   operator name as measured (kernel family, annotation or op name); matched to the simulator's names
 *               by {@link SimDiff} after normalisation and aliases
 * @param meanNs mean time per layer (one occurrence), ns, finite and ≥ 0
 * @param layers layers per step that run the operator, ≥ 0; 0 = unknown (the simulator's layer count, else 1, is used)
 */
public record MeasuredOperator(String name, double meanNs, int layers) {
    /**
     * @throws IllegalArgumentException for a blank name, a negative or non-finite time or a negative layer count
     */
    public MeasuredOperator {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("measured operator without a name");
        }
        if (!Double.isFinite(meanNs) || meanNs < 0) {
            throw new IllegalArgumentException("measured operator '" + name + "': mean must be finite and >= 0 ns, got "
                    + meanNs);
        }
        if (layers < 0) {
            throw new IllegalArgumentException("measured operator '" + name + "': layers must be >= 0, got " + layers);
        }
    }
}
