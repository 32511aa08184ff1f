package io.proflens.ingest.kineto;

import java.util.Arrays;

/**
 * GPU rows of one table (kernels, memcpys, memsets or syncs) held in file order until the end of the file,
 * because their {@code globalPid} is the launching host process and NVIDIA traces write the GPU events
 * <em>before</em> the runtime calls that launched them (kineto-reference.md §2.9; seen in every NVIDIA trace
 * here). About 60 bytes per memory-operation row, 110 per kernel row.
 *
 * <p>Per-kind columns: {@code kind1..3} hold copy kind / source kind / destination kind (memcpy), memory kind
 * (memset, in {@code kind1}) or sync type (sync, in {@code kind1}); {@code bytes} is -1 when the event did not
 * say (filled from the launching API call at the end when possible).
 */
final class GpuRowBuffer {
    final boolean kernelColumns;
    int size;
    long[] startNs = new long[0];
    long[] endNs = new long[0];
    int[] device = new int[0];
    int[] context = new int[0];
    int[] stream = new int[0];
    int[] correlation = new int[0];
    int[] nameId = new int[0];
    int[] shortNameId = new int[0];
    long[] bytes = new long[0];
    byte[] kind1 = new byte[0];
    byte[] kind2 = new byte[0];
    byte[] kind3 = new byte[0];
    /** Kernels: gridX, gridY, gridZ, blockX, blockY, blockZ, registers per thread, shared memory bytes. */
    int[] launch = new int[0];
    double[] occupancyPct = new double[0];
    double[] blocksPerSm = new double[0];

    GpuRowBuffer(boolean kernelColumns) {
        this.kernelColumns = kernelColumns;
    }

    /** Appends a row with the common columns; returns its index. */
    int add(long start, long end, int dev, int ctx, int str, int corr, int name) {
        if (size == startNs.length) {
            grow();
        }
        int i = size++;
        startNs[i] = start;
        endNs[i] = end;
        device[i] = dev;
        context[i] = ctx;
        stream[i] = str;
        correlation[i] = corr;
        nameId[i] = name;
        return i;
    }

    private void grow() {
        int c = Math.max(64, startNs.length + (startNs.length >> 1));
        startNs = Arrays.copyOf(startNs, c);
        endNs = Arrays.copyOf(endNs, c);
        device = Arrays.copyOf(device, c);
        context = Arrays.copyOf(context, c);
        stream = Arrays.copyOf(stream, c);
        correlation = Arrays.copyOf(correlation, c);
        nameId = Arrays.copyOf(nameId, c);
        if (kernelColumns) {
            shortNameId = Arrays.copyOf(shortNameId, c);
            launch = Arrays.copyOf(launch, 8 * c);
            occupancyPct = Arrays.copyOf(occupancyPct, c);
            blocksPerSm = Arrays.copyOf(blocksPerSm, c);
        } else {
            bytes = Arrays.copyOf(bytes, c);
            kind1 = Arrays.copyOf(kind1, c);
            kind2 = Arrays.copyOf(kind2, c);
            kind3 = Arrays.copyOf(kind3, c);
        }
    }
}
