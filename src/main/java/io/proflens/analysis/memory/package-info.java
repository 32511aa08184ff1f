/**
 * Memory-transfer analysis: {@link io.proflens.analysis.memory.MemoryTransferAnalysis} summarises the memory copies
 * of a trace per direction and size bucket, separates pageable from pinned host memory, lists the pageable
 * asynchronous copies of the nsys {@code cuda_memcpy_async} expert rule (extended to the driver API) and measures the
 * host time spent in memcpy API calls.
 *
 * <pre>{@code
 * MemoryTransferAnalysis m = MemoryTransferAnalysis.of(trace);
 * double share = m.memcpyApiPct();              // percent of CUDA API time in cudaMemcpy... and cuMemcpy... calls
 * List<ResultTable> tables = m.toTables();      // memcpy_by_direction, memcpy_size_histogram, memcpy_pageable, memcpy_api
 * }</pre>
 *
 * <p>Results are immutable records; lists are never {@code null} and are ordered as documented on each component.
 * Bytes are B, times ns, bandwidth bytes/s, percentages 0-100.
 */
package io.proflens.analysis.memory;
