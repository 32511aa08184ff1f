package io.proflens.analysis.diff;

import java.util.Locale;

/**
 * The groupings a {@link TraceDiff} compares. Times of {@link #KERNEL}, {@link #CATEGORY} and {@link #OPERATOR} are
 * GPU kernel time (sum of kernel durations); times of {@link #NVTX} and {@link #PHASE} are wall time of the ranges.
 */
public enum DiffSection {
    /** Per kernel name (normalised, see {@link KernelNameNormalizer}). */
    KERNEL("kernel", "diff_kernels", "Kernels"),
    /** Per kernel category ({@link io.proflens.analysis.classify.KernelClassifier}). */
    CATEGORY("category", "diff_categories", "Kernel Categories"),
    /**
     * Per operator: the kernels launched inside the innermost enclosing CPU operator range of their launch call
     * (Kineto {@code cpu_op}; for nsys exports the innermost NVTX push/pop range, which is the ATen operator under
     * PyTorch {@code emit_nvtx}); kernels without one are in the row {@value RunSummary#NO_OPERATOR}.
     */
    OPERATOR("op", "diff_operators", "Operators (GPU kernel time)"),
    /** Per NVTX / user-annotation range name: count and summed wall duration. */
    NVTX("nvtx", "diff_nvtx", "NVTX Ranges (wall time)"),
    /** Per repeating phase ({@link io.proflens.analysis.phases.PhaseAnalysis} series that are not operators). */
    PHASE("phase", "diff_phases", "Phases (wall time)");

    private final String id;
    private final String reportName;
    private final String title;

    DiffSection(String id, String reportName, String title) {
        this.id = id;
        this.reportName = reportName;
        this.title = title;
    }

    /** @return the short id used on the command line and in gate metrics: kernel, category, op, nvtx, phase */
    public String id() {
        return id;
    }

    /** @return the report name of its diff table, e.g. {@code diff_kernels} */
    public String reportName() {
        return reportName;
    }

    /** @return a human title */
    public String title() {
        return title;
    }

    /** @return whether times are GPU kernel time (share = of total kernel time) rather than wall time */
    public boolean kernelTime() {
        return this == KERNEL || this == CATEGORY || this == OPERATOR;
    }

    /**
     * @param text an {@link #id()} or constant name, case-insensitive ({@code operator} is accepted for {@code op})
     * @return the section
     * @throws IllegalArgumentException naming the text and the valid ids
     */
    public static DiffSection parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (DiffSection s : values()) {
            if (s.id.equals(t) || s.name().toLowerCase(Locale.ROOT).equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown section '" + text + "' (use kernel, category, op, nvtx, phase)");
    }
}
