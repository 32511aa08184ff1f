package io.proflens.analysis.gputime;

import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemsetTable;
import io.proflens.model.LongIntHashMap;
import io.proflens.model.PrimitiveSort;
import io.proflens.model.Trace;

/**
 * The GPU operations of a trace in one flat columnar view: kernels, then memcpys, then memsets, each in table order.
 * An operation is a row with a known end and {@code start > 0} (nsys {@code gpustats.GPUOperation} keeps
 * {@code start > 0}); an end before the start is clamped to the start. Shared by the analyses of this package;
 * arrays are owned here and never handed out of the package.
 */
final class GpuOps {
    /** {@link #kind} of a kernel row. */
    static final byte KERNEL = 0;
    /** {@link #kind} of a memcpy row. */
    static final byte MEMCPY = 1;
    /** {@link #kind} of a memset row. */
    static final byte MEMSET = 2;
    /** {@link #launchStartNs} of an operation whose launching API call is not in the trace. */
    static final long NO_LAUNCH = Long.MIN_VALUE;

    final int n;
    final long[] startNs;
    final long[] endNs;
    final int[] pid;
    final int[] deviceId;
    final int[] contextId;
    final int[] streamId;
    final byte[] kind;
    /** Row in its source table (kernels, memcpys or memsets, by {@link #kind}). */
    final int[] row;
    /** Start of the launching CUDA API call, ns, or {@link #NO_LAUNCH}; null unless requested. */
    final long[] launchStartNs;

    private GpuOps(int capacity, boolean withLaunch) {
        startNs = new long[capacity];
        endNs = new long[capacity];
        pid = new int[capacity];
        deviceId = new int[capacity];
        contextId = new int[capacity];
        streamId = new int[capacity];
        kind = new byte[capacity];
        row = new int[capacity];
        launchStartNs = withLaunch ? new long[capacity] : null;
        n = 0;
    }

    private GpuOps(GpuOps b, int size) {
        n = size;
        startNs = b.startNs;
        endNs = b.endNs;
        pid = b.pid;
        deviceId = b.deviceId;
        contextId = b.contextId;
        streamId = b.streamId;
        kind = b.kind;
        row = b.row;
        launchStartNs = b.launchStartNs;
    }

    /** @return all GPU operations, without launch times */
    static GpuOps of(Trace trace) {
        return of(trace, false, Long.MAX_VALUE);
    }

    /**
     * @param trace            the trace
     * @param withLaunch       fill {@link #launchStartNs}
     * @param launchedBeforeNs when not {@link Long#MAX_VALUE}, keep only operations whose launching call is in the
     *                         trace and started strictly before this time (HTA's window, see
     *                         {@link IdleAttribution#htaWindowEndNs(Trace)})
     * @return the operations
     */
    static GpuOps of(Trace trace, boolean withLaunch, long launchedBeforeNs) {
        KernelTable k = trace.kernels();
        MemcpyTable mc = trace.memcpys();
        MemsetTable ms = trace.memsets();
        boolean window = launchedBeforeNs != Long.MAX_VALUE;
        boolean needLinks = withLaunch || window;
        LaunchLinks links = needLinks ? trace.launchLinksOrCompute() : null;
        ApiCallTable api = trace.cudaApi();
        GpuOps b = new GpuOps(k.size() + mc.size() + ms.size(), needLinks);
        int o = 0;
        for (int i = 0; i < k.size(); i++) {
            if (k.hasEnd(i) && k.startNs(i) > 0) {
                long launch = needLinks ? launchStart(api, links.kernelApiRow(i)) : NO_LAUNCH;
                if (!window || (launch != NO_LAUNCH && launch < launchedBeforeNs)) {
                    b.put(o++, k.startNs(i), k.endNs(i), k.globalPid(i), k.deviceId(i), k.contextId(i), k.streamId(i),
                            KERNEL, i, launch);
                }
            }
        }
        for (int i = 0; i < mc.size(); i++) {
            if (mc.hasEnd(i) && mc.startNs(i) > 0) {
                long launch = needLinks ? launchStart(api, links.memcpyApiRow(i)) : NO_LAUNCH;
                if (!window || (launch != NO_LAUNCH && launch < launchedBeforeNs)) {
                    b.put(o++, mc.startNs(i), mc.endNs(i), mc.globalPid(i), mc.deviceId(i), mc.contextId(i),
                            mc.streamId(i), MEMCPY, i, launch);
                }
            }
        }
        for (int i = 0; i < ms.size(); i++) {
            if (ms.hasEnd(i) && ms.startNs(i) > 0) {
                long launch = needLinks ? launchStart(api, links.memsetApiRow(i)) : NO_LAUNCH;
                if (!window || (launch != NO_LAUNCH && launch < launchedBeforeNs)) {
                    b.put(o++, ms.startNs(i), ms.endNs(i), ms.globalPid(i), ms.deviceId(i), ms.contextId(i),
                            ms.streamId(i), MEMSET, i, launch);
                }
            }
        }
        return new GpuOps(b, o);
    }

    private static long launchStart(ApiCallTable api, int apiRow) {
        return apiRow < 0 ? NO_LAUNCH : api.startNs(apiRow);
    }

    private void put(int i, long s, long e, long globalPid, int dev, int ctx, int stream, byte k, int r, long launch) {
        startNs[i] = s;
        endNs[i] = Math.max(s, e);
        pid[i] = GlobalIds.pid(globalPid);
        deviceId[i] = dev;
        contextId[i] = ctx;
        streamId[i] = stream;
        kind[i] = k;
        row[i] = r;
        if (launchStartNs != null) {
            launchStartNs[i] = launch;
        }
    }

    /** @return operation indices ordered by pid, device, start, end, then index */
    int[] byDeviceThenStart() {
        return PrimitiveSort.sortByGroupThen(PrimitiveSort.identity(n),
                a -> ((long) pid[a] << 32) | (deviceId[a] & 0xFFFFFFFFL),
                (a, b) -> {
                    int c = Integer.compare(pid[a], pid[b]);
                    return c != 0 ? c : Integer.compare(deviceId[a], deviceId[b]);
                },
                this::byStartThenEnd);
    }

    private int byStartThenEnd(int a, int b) {
        int c = Long.compare(startNs[a], startNs[b]);
        return c != 0 ? c : Long.compare(endNs[a], endNs[b]);
    }

    /** @return operation indices ordered by pid, device, stream, start, end, then index */
    int[] byStreamThenStart() {
        // group identity: (pid, device) mapped to a dense index, then the stream id
        LongIntHashMap devices = new LongIntHashMap(16);
        int[] dev = new int[n];
        for (int i = 0; i < n; i++) {
            long k = ((long) pid[i] << 32) | (deviceId[i] & 0xFFFFFFFFL);
            int d = devices.get(k);
            if (d < 0) {
                d = devices.size();
                devices.putIfAbsent(k, d);
            }
            dev[i] = d;
        }
        return PrimitiveSort.sortByGroupThen(PrimitiveSort.identity(n),
                a -> ((long) dev[a] << 32) | (streamId[a] & 0xFFFFFFFFL),
                (a, b) -> {
                    int c = Integer.compare(pid[a], pid[b]);
                    if (c == 0) {
                        c = Integer.compare(deviceId[a], deviceId[b]);
                    }
                    return c != 0 ? c : Integer.compare(streamId[a], streamId[b]);
                },
                this::byStartThenEnd);
    }

    /** @return whether operations {@code a} and {@code b} belong to the same (pid, device) */
    boolean sameDevice(int a, int b) {
        return pid[a] == pid[b] && deviceId[a] == deviceId[b];
    }

    /** @return whether operations {@code a} and {@code b} belong to the same (pid, device, stream) */
    boolean sameStream(int a, int b) {
        return sameDevice(a, b) && streamId[a] == streamId[b];
    }
}
