package io.proflens.demo;

/**
 * Shape of a SYNTHETIC demo profile written by {@link DemoProfileWriter}: how many decode steps, and how
 * many dense, MoE and multi-token-prediction (MTP) layers each step runs, plus the seed of the
 * deterministic timing jitter.
 *
 * <p>Every step runs, in order, {@code denseLayers} dense layers ({@code layer_0} …), {@code moeLayers}
 * MoE layers and {@code mtpLayers} MTP layers, so the file holds roughly
 * {@code steps × (12·denseLayers + 19·moeLayers + 22·mtpLayers + 4)} kernels. The same spec always gives
 * the same table contents.
 *
 * @param steps       decode steps, 1 to {@link #MAX_STEPS}
 * @param denseLayers dense transformer layers per step, 1 to {@link #MAX_LAYERS}
 * @param moeLayers   MoE transformer layers per step, 1 to {@link #MAX_LAYERS}
 * @param mtpLayers   MTP layers per step, 1 to {@link #MAX_LAYERS}
 * @param seed        seed of the {@link java.util.SplittableRandom} that jitters durations and gaps; any value
 */
public record DemoSpec(int steps, int denseLayers, int moeLayers, int mtpLayers, long seed) {

    /**
     * Largest accepted {@link #steps()}: keeps a mistyped count from filling a disk (a step with the default
     * layers takes about 70 KB).
     */
    public static final int MAX_STEPS = 10_000;

    /** Largest accepted count for each layer kind. */
    public static final int MAX_LAYERS = 1_000;

    /**
     * Validates the counts.
     *
     * @param steps       decode steps, 1 to {@link #MAX_STEPS}
     * @param denseLayers dense layers per step, 1 to {@link #MAX_LAYERS}
     * @param moeLayers   MoE layers per step, 1 to {@link #MAX_LAYERS}
     * @param mtpLayers   MTP layers per step, 1 to {@link #MAX_LAYERS}
     * @param seed        jitter seed, any value
     * @throws IllegalArgumentException if a count is outside its range; the message names the component
     */
    public DemoSpec {
        requireRange("steps", steps, MAX_STEPS);
        requireRange("denseLayers", denseLayers, MAX_LAYERS);
        requireRange("moeLayers", moeLayers, MAX_LAYERS);
        requireRange("mtpLayers", mtpLayers, MAX_LAYERS);
    }

    /**
     * The built-in demo: 4 decode steps of a DeepSeek-V3-like model cut down to 3 dense, 12 MoE and 1 MTP
     * layer, seed 42 (about 1,200 kernels, well under 3 MB).
     *
     * @return the default spec
     */
    public static DemoSpec defaults() {
        return new DemoSpec(4, 3, 12, 1, 42L);
    }

    /**
     * One-line description stored as {@code PROFLENS_DEMO_SPEC} in {@code META_DATA_EXPORT}.
     *
     * @return e.g. {@code "SYNTHETIC MoE decode: steps=4 denseLayers=3 moeLayers=12 mtpLayers=1 seed=42"}
     */
    public String describe() {
        return "SYNTHETIC MoE decode: steps=" + steps + " denseLayers=" + denseLayers + " moeLayers=" + moeLayers
                + " mtpLayers=" + mtpLayers + " seed=" + seed;
    }

    private static void requireRange(String name, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(
                    "demo spec: " + name + " must be between 1 and " + max + ", got " + value);
        }
    }
}
