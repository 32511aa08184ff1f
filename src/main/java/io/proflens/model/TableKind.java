package io.proflens.model;

/** The event tables of the {@link Trace} model; readers are told which to load, reports say which they need. */
public enum TableKind {
    /** {@link KernelTable}. */
    KERNEL,
    /** {@link MemcpyTable}. */
    MEMCPY,
    /** {@link MemsetTable}. */
    MEMSET,
    /** CUDA runtime/driver {@link ApiCallTable}. */
    CUDA_API,
    /** {@link SyncTable}. */
    SYNC,
    /** {@link NvtxTable}. */
    NVTX,
    /** OS runtime {@link ApiCallTable}. */
    OSRT
}
