package io.proflens.model;

/**
 * Streaming consumers of event rows, for inputs too large to hold: a reader given a sink for a table feeds
 * every row of that table to it, in source order, and does not store the table (jdk.jfr.consumer's idea:
 * stream instead of "read everything"). The table builders implement the same interfaces, so the eager
 * and the streaming paths run the same reader code. Any field may be {@code null} (not streamed).
 *
 * @param kernels   GPU kernel rows
 * @param memcpys   memcpy rows
 * @param memsets   memset rows
 * @param cudaApi   CUDA runtime/driver API rows
 * @param nvtx      NVTX rows
 * @param osRuntime OS runtime rows
 */
public record RowSinks(KernelSink kernels, MemcpySink memcpys, MemsetSink memsets, ApiCallSink cudaApi,
                       NvtxSink nvtx, ApiCallSink osRuntime) {
    /** No streaming: every loaded table is stored. */
    public static final RowSinks NONE = new RowSinks(null, null, null, null, null, null);

    /** Receives kernel rows; names are {@link StringTable} ids. */
    @FunctionalInterface
    public interface KernelSink {
        /** @return the row index if stored, -1 when streamed */
        int kernel(long startNs, long endNs, int deviceId, int contextId, int streamId, int correlationId,
                   long globalPid, int demangledNameId, int shortNameId, int mangledNameId);
    }

    /** Receives memcpy rows. */
    @FunctionalInterface
    public interface MemcpySink {
        int memcpy(long startNs, long endNs, int deviceId, int contextId, int streamId, int correlationId,
                   long globalPid, long bytes, int copyKind, int srcKind, int dstKind);
    }

    /** Receives memset rows. */
    @FunctionalInterface
    public interface MemsetSink {
        int memset(long startNs, long endNs, int deviceId, int contextId, int streamId, int correlationId,
                   long globalPid, long bytes, int memKind, int value);
    }

    /** Receives CUDA API or OS runtime rows. */
    @FunctionalInterface
    public interface ApiCallSink {
        int call(long startNs, long endNs, long globalTid, int correlationId, int nameId, int eventClass,
                 int returnValue, int nestingLevel);
    }

    /** Receives NVTX rows; {@code endNs} is {@link IntervalTable#NO_END} when unknown. */
    @FunctionalInterface
    public interface NvtxSink {
        int nvtx(long startNs, long endNs, int eventType, int textId, int domainId, int domainNameId,
                 long globalTid, long endGlobalTid);
    }
}
