package io.proflens.analysis.anatomy;

import java.util.List;
import java.util.Objects;

/**
 * Settings of {@link StepAnatomy}.
 *
 * @param stepRange          name of the annotation range that is one step (NVTX or Kineto user annotation, compared
 *                           after normalisation, e.g. {@code decode_step} or {@code ProfilerStep#N}); {@code null}
 *                           (default) to choose automatically (see {@link StepAnatomy})
 * @param operatorDepth      which annotation range inside a layer names a kernel's operator: {@code 0} (default) the
 *                           innermost range that contains the kernel's launch, {@code k ≥ 1} the range {@code k} levels
 *                           below the layer range (or the innermost one when the launch is not that deep)
 * @param mapping            kernel name → operator rules for kernels outside operator ranges and for finding layers
 *                           from the kernel sequence; {@link OperatorMapping#builtIn()} by default
 * @param anchorOperators    operators that occur once per layer, tried in order to find layers from the kernel sequence
 *                           (default {@code attention}, {@code softmax}); when none occurs twice in a step, the
 *                           operator with the most GPU time among those occurring at least twice is used
 * @param minLayerCoveragePct annotation ranges are taken as layers only when they contain at least this share of the
 *                           step's kernel time, 0-100 (default {@value #DEFAULT_MIN_LAYER_COVERAGE_PCT}); otherwise
 *                           layers are searched in the kernel sequence
 */
public record AnatomyOptions(String stepRange, int operatorDepth, OperatorMapping mapping,
                             List<String> anchorOperators, double minLayerCoveragePct) {
    /** Default of {@link #minLayerCoveragePct()}. */
    public static final double DEFAULT_MIN_LAYER_COVERAGE_PCT = 50.0;

    /**
     * @throws IllegalArgumentException for a negative depth or a coverage outside 0-100
     * @throws NullPointerException     for a null mapping or anchor list
     */
    public AnatomyOptions {
        Objects.requireNonNull(mapping, "mapping");
        anchorOperators = List.copyOf(anchorOperators);
        if (operatorDepth < 0) {
            throw new IllegalArgumentException("operatorDepth must be >= 0: " + operatorDepth);
        }
        if (!(minLayerCoveragePct >= 0 && minLayerCoveragePct <= 100)) {
            throw new IllegalArgumentException("minLayerCoveragePct must be within 0-100: " + minLayerCoveragePct);
        }
    }

    /** @return automatic step, innermost operator ranges, built-in mapping, anchors attention then softmax, 50% */
    public static AnatomyOptions defaults() {
        return new AnatomyOptions(null, 0, OperatorMapping.builtIn(), List.of("attention", "softmax"),
                DEFAULT_MIN_LAYER_COVERAGE_PCT);
    }

    /** @return these options with {@link #stepRange()} set (may be {@code null}) */
    public AnatomyOptions withStepRange(String name) {
        return new AnatomyOptions(name, operatorDepth, mapping, anchorOperators, minLayerCoveragePct);
    }

    /** @return these options with {@link #operatorDepth()} set */
    public AnatomyOptions withOperatorDepth(int depth) {
        return new AnatomyOptions(stepRange, depth, mapping, anchorOperators, minLayerCoveragePct);
    }

    /** @return these options with {@link #mapping()} set */
    public AnatomyOptions withMapping(OperatorMapping m) {
        return new AnatomyOptions(stepRange, operatorDepth, m, anchorOperators, minLayerCoveragePct);
    }

    /** @return these options with {@link #anchorOperators()} set */
    public AnatomyOptions withAnchorOperators(List<String> anchors) {
        return new AnatomyOptions(stepRange, operatorDepth, mapping, anchors, minLayerCoveragePct);
    }
}
