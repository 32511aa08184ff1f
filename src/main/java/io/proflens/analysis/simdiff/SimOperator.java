package io.proflens.analysis.simdiff;

import java.util.Objects;

/**
 * One row of a simulator's per-operator table.
 *
 * @param name   operator name as the simulator writes it
 * @param timeUs predicted time per layer (one occurrence), µs, finite and ≥ 0
 * @param layers layer count the simulator states, or {@code null} when its table has none
 */
public record SimOperator(String name, double timeUs, Integer layers) {
    /** @throws IllegalArgumentException for a blank name, a negative or non-finite time, or layers &lt; 1 */
    public SimOperator {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("simulator operator without a name");
        }
        if (!Double.isFinite(timeUs) || timeUs < 0) {
            throw new IllegalArgumentException("simulator operator '" + name + "': time must be finite and >= 0 µs");
        }
        if (layers != null && layers < 1) {
            throw new IllegalArgumentException("simulator operator '" + name + "': layers must be >= 1");
        }
    }
}
