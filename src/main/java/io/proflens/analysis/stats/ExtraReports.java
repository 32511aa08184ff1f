package io.proflens.analysis.stats;

import java.util.List;

/** The trace, union and projection reports beyond the summaries (listed here, registered by the registry). */
final class ExtraReports {
    private ExtraReports() {
    }

    static List<StatsReport> all() {
        return List.of(
                new CudaGpuSumReport(),
                new CudaApiGpuSumReport(),
                new CudaKernExecSumReport(),
                new CudaKernExecTraceReport(),
                new CudaGpuTraceReport(),
                new CudaApiTraceReport(),
                new NvtxPushPopTraceReport(),
                new NvtxGpuProjSumReport(),
                new NvtxGpuProjTraceReport(),
                new NvtxKernSumReport());
    }
}
