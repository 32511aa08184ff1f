package io.proflens.analysis.phases;

import io.proflens.analysis.classify.KernelCategory;
import java.util.List;

/**
 * GPU operations projected from all occurrences of one series, by {@link KernelCategory} and by name. Times are
 * plain sums of operation durations (overlapping operations on several streams count twice), as in nsys
 * {@code cuda_gpu_kern_sum}.
 *
 * @param phaseLabel  label of the series' key
 * @param pid         process of the series
 * @param tid         thread of the series
 * @param role        role of the series
 * @param gpuOpTimeNs total duration of the projected operations, ns
 * @param categories  per category, by time descending then label; kernels are classified by
 *                    {@link io.proflens.analysis.classify.KernelClassifier#builtIn()}, copy-engine memcpys count as
 *                    {@link KernelCategory#MEMCPY}, memsets as {@link KernelCategory#MEMSET}
 * @param topKernels  the {@link PhaseOptions#topKernels()} operation names with the most time, by time descending
 *                    then name
 */
public record PhaseKernels(String phaseLabel, int pid, int tid, PhaseRole role, long gpuOpTimeNs,
                           List<CategoryTime> categories, List<KernelTime> topKernels) {
    /** Copies the lists. */
    public PhaseKernels {
        categories = List.copyOf(categories);
        topKernels = List.copyOf(topKernels);
    }

    /**
     * @param category  the category
     * @param timeNs    total duration of its operations, ns
     * @param count     number of operations
     * @param sharePct  {@code timeNs} as percent of {@link #gpuOpTimeNs()}, 0-100
     * @param topKernel name of the operation with the most time in the category
     */
    public record CategoryTime(KernelCategory category, long timeNs, long count, double sharePct, String topKernel) {
    }

    /**
     * @param name     kernel name (demangled), or the nsys memcpy/memset label
     * @param category its category
     * @param timeNs   total duration, ns
     * @param count    number of operations
     */
    public record KernelTime(String name, KernelCategory category, long timeNs, long count) {
    }
}
