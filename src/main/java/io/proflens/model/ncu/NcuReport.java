package io.proflens.model.ncu;

import io.proflens.model.ImportIssue;
import java.util.List;

/**
 * Everything read from one or several Nsight Compute CSV files ({@code ncu --csv --page details|raw}, per-section
 * files): one {@link NcuKernel} per profiled launch, the files read, and what the reader dropped or found suspect.
 *
 * @param kernels kernels ordered by process id, then ID, then name (ncu's launch order within a process)
 * @param sources the files read, in the order given
 * @param issues  counted problems (conflicting duplicate metrics, rows without a kernel), never null
 */
public record NcuReport(List<NcuKernel> kernels, List<String> sources, List<ImportIssue> issues) {
    public NcuReport {
        kernels = List.copyOf(kernels);
        sources = List.copyOf(sources);
        issues = List.copyOf(issues);
    }

    /** @return the number of kernels */
    public int size() {
        return kernels.size();
    }
}
