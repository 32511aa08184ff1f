package io.proflens.analysis.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The authoritative list of {@code proflens stats} reports (one instance per report, stateless) and nsys's
 * default set. An object, not static state: create one and pass it where needed.
 */
public final class StatsReportRegistry {
    /**
     * nsys's default report set for {@code nsys stats} that proflens implements, in nsys's order
     * (nsys-reference.md §2.6); nsys's graphics/OpenMP reports of the default set have no data in the
     * model and are not listed.
     */
    public static final List<String> DEFAULT_SET = List.of("nvtx_sum", "osrt_sum", "cuda_api_sum", "cuda_gpu_kern_sum",
            "cuda_gpu_mem_time_sum", "cuda_gpu_mem_size_sum");

    private final Map<String, StatsReport> byName = new LinkedHashMap<>();

    /** Registry with every built-in report. */
    public StatsReportRegistry() {
        List<StatsReport> all = new ArrayList<>(List.of(
                NvtxSumReport.nvtxSum(),
                NvtxSumReport.pushPopSum(),
                NvtxSumReport.startEndSum(),
                ApiSumReport.osrtSum(),
                ApiSumReport.cudaApiSum(),
                new CudaGpuKernSumReport(),
                MemOpSumReport.byTime(),
                MemOpSumReport.bySize()));
        all.addAll(ExtraReports.all());
        for (StatsReport r : all) {
            if (byName.put(r.name(), r) != null) {
                throw new IllegalStateException("duplicate report " + r.name());
            }
        }
    }

    /** @return the report called {@code name}, or {@code null}. */
    public StatsReport get(String name) {
        return byName.get(name);
    }

    /** @return all reports in registration order. */
    public List<StatsReport> all() {
        return Collections.unmodifiableList(new ArrayList<>(byName.values()));
    }
}
