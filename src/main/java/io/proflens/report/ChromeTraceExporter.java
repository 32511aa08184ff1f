package io.proflens.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.GpuDevice;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.MemcpyKind;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemoryKind;
import io.proflens.model.MemsetTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.ProcessInfo;
import io.proflens.model.ThreadInfo;
import io.proflens.model.Trace;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a trace as a Chrome trace-event JSON document in the PyTorch profiler (Kineto) dialect, which
 * ui.perfetto.dev, chrome://tracing and HTA/TraceLens open (an nsys export cannot be opened there directly).
 *
 * <ul>
 *   <li>Host side: process {@code pid} and thread {@code tid} from the globalTid; CUDA runtime calls as
 *       {@code cuda_runtime} (driver calls {@code cuda_driver}), NVTX ranges as {@code user_annotation}, NVTX marks as
 *       instant events, Kineto CPU operators as {@code cpu_op}, OS runtime calls as {@code os_runtime}.</li>
 *   <li>GPU side: one process per device ({@code pid} = device id, named {@code GPU N}) with one thread per stream
 *       ({@code tid} = stream id, named {@code stream N}); kernels as {@code kernel} with grid/block/registers/shared
 *       memory args, copies as {@code gpu_memcpy} named like Kineto ({@code Memcpy HtoD (Pageable -> Device)}) with
 *       {@code bytes}, sets as {@code gpu_memset}.</li>
 *   <li>Launch → GPU op links: {@code args.correlation} on both sides and an {@code ac2g} flow pair ({@code s} on the
 *       launch, {@code f} with {@code bp:"e"} on the GPU op), for each GPU op whose launching call is in the trace.
 *       Correlation ids are scoped by process in the model (nsys numbers them per process) but global in a Chrome
 *       trace, so each (process, correlation id) pair is renumbered 1, 2, ... in order of first appearance; the
 *       source id is kept in {@code args["source correlation"]}.</li>
 *   <li>Times: {@code ts}/{@code dur} in µs written as exact decimals of the ns values (3 fraction digits), on the
 *       trace's own clock; {@code displayTimeUnit} "ns". Rows without an end are written with {@code dur} 0.</li>
 * </ul>
 * Not exported: CUDA synchronization rows and Kineto's {@code gpu_user_annotation} projections (both derivable), and
 * nsys tables the model does not hold. Event order: metadata, then per table in row order (viewers sort by time).
 */
public final class ChromeTraceExporter {
    private final JsonFactory factory = new JsonFactory();

    /** Counts of what was written. */
    public record Summary(long events, long flows) {
    }

    /**
     * Writes the trace to {@code target} atomically; gzip-compressed when the name ends in {@code .gz}.
     *
     * @param trace  the trace
     * @param target output file
     * @return what was written
     * @throws IOException when the file cannot be written
     */
    public Summary export(Trace trace, Path target) throws IOException {
        long[] counts = new long[2];
        boolean gz = target.getFileName().toString().endsWith(".gz");
        AtomicFiles.writeStream(target, os -> {
            OutputStream out = gz ? new GZIPOutputStream(os, 1 << 16) : os;
            Summary s = write(trace, out);
            counts[0] = s.events();
            counts[1] = s.flows();
            if (out instanceof GZIPOutputStream g) {
                g.finish();
            }
        });
        return new Summary(counts[0], counts[1]);
    }

    /**
     * Writes the document to a stream (not closed).
     *
     * @param trace the trace
     * @param out   destination
     * @return what was written
     * @throws IOException on write failure
     */
    public Summary write(Trace trace, OutputStream out) throws IOException {
        long events = 0;
        long flows = 0;
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeNumberField("schemaVersion", 1);
            g.writeStringField("displayTimeUnit", "ns");
            g.writeStringField("traceName", trace.metadata().sourcePath() == null ? "proflens export"
                    : trace.metadata().sourcePath());
            g.writeStringField("producer", "proflens export of " + trace.metadata().producer()
                    + (trace.metadata().producerVersion() == null ? "" : " " + trace.metadata().producerVersion()));
            g.writeArrayFieldStart("deviceProperties");
            for (GpuDevice d : trace.devices()) {
                g.writeStartObject();
                g.writeNumberField("id", d.id());
                g.writeStringField("name", d.name());
                if (d.smCount() != null) {
                    g.writeNumberField("numSms", d.smCount());
                }
                if (d.computeMajor() != null) {
                    g.writeNumberField("computeMajor", d.computeMajor());
                    g.writeNumberField("computeMinor", d.computeMinor() == null ? 0 : d.computeMinor());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("traceEvents");
            events += metadata(g, trace);
            LaunchLinks links = trace.launchLinksOrCompute();
            ApiCallTable api = trace.cudaApi();
            io.proflens.model.LongIntHashMap corrIds = new io.proflens.model.LongIntHashMap(1024);
            boolean[] launches = new boolean[api.size()];
            KernelTable k = trace.kernels();
            for (int i = 0; i < k.size(); i++) {
                int a = links.kernelApiRow(i);
                g.writeStartObject();
                common(g, "kernel", trace.string(k.demangledNameId(i)), k.startNs(i), k.hasEnd(i) ? k.durationNs(i) : 0,
                        k.deviceId(i), k.streamId(i));
                g.writeObjectFieldStart("args");
                g.writeNumberField("device", k.deviceId(i));
                g.writeNumberField("context", k.contextId(i));
                g.writeNumberField("stream", k.streamId(i));
                int kc = corr(corrIds, k.globalPid(i), k.correlationId(i));
                g.writeNumberField("correlation", kc);
                g.writeNumberField("source correlation", k.correlationId(i));
                if (k.hasLaunchConfig()) {
                    g.writeNumberField("registers per thread", k.registersPerThread(i));
                    g.writeNumberField("shared memory", k.staticSharedMemoryBytes(i) + k.dynamicSharedMemoryBytes(i));
                    triple(g, "grid", k.gridX(i), k.gridY(i), k.gridZ(i));
                    triple(g, "block", k.blockX(i), k.blockY(i), k.blockZ(i));
                }
                g.writeEndObject();
                g.writeEndObject();
                events++;
                if (a >= 0) {
                    launches[a] = true;
                    flow(g, kc, k.startNs(i), k.deviceId(i), k.streamId(i));
                    flows++;
                }
            }
            MemcpyTable mc = trace.memcpys();
            for (int i = 0; i < mc.size(); i++) {
                int a = links.memcpyApiRow(i);
                g.writeStartObject();
                common(g, "gpu_memcpy", memcpyName(mc, i), mc.startNs(i), mc.hasEnd(i) ? mc.durationNs(i) : 0,
                        mc.deviceId(i), mc.streamId(i));
                g.writeObjectFieldStart("args");
                g.writeNumberField("device", mc.deviceId(i));
                g.writeNumberField("context", mc.contextId(i));
                g.writeNumberField("stream", mc.streamId(i));
                int cc = corr(corrIds, mc.globalPid(i), mc.correlationId(i));
                g.writeNumberField("correlation", cc);
                g.writeNumberField("source correlation", mc.correlationId(i));
                g.writeNumberField("bytes", mc.bytes(i));
                g.writeEndObject();
                g.writeEndObject();
                events++;
                if (a >= 0) {
                    launches[a] = true;
                    flow(g, cc, mc.startNs(i), mc.deviceId(i), mc.streamId(i));
                    flows++;
                }
            }
            MemsetTable ms = trace.memsets();
            for (int i = 0; i < ms.size(); i++) {
                int a = links.memsetApiRow(i);
                g.writeStartObject();
                common(g, "gpu_memset", "Memset (Device)", ms.startNs(i), ms.hasEnd(i) ? ms.durationNs(i) : 0,
                        ms.deviceId(i), ms.streamId(i));
                g.writeObjectFieldStart("args");
                g.writeNumberField("device", ms.deviceId(i));
                g.writeNumberField("context", ms.contextId(i));
                g.writeNumberField("stream", ms.streamId(i));
                int sc = corr(corrIds, ms.globalPid(i), ms.correlationId(i));
                g.writeNumberField("correlation", sc);
                g.writeNumberField("source correlation", ms.correlationId(i));
                g.writeEndObject();
                g.writeEndObject();
                events++;
                if (a >= 0) {
                    launches[a] = true;
                    flow(g, sc, ms.startNs(i), ms.deviceId(i), ms.streamId(i));
                    flows++;
                }
            }
            for (int i = 0; i < api.size(); i++) {
                long tid = api.globalTid(i);
                g.writeStartObject();
                common(g, api.eventClass(i) == ApiCallTable.CLASS_CUDA_DRIVER ? "cuda_driver" : "cuda_runtime",
                        trace.string(api.nameId(i)), api.startNs(i), api.hasEnd(i) ? api.durationNs(i) : 0,
                        GlobalIds.pid(tid), GlobalIds.tid(tid));
                int ac = corr(corrIds, GlobalIds.processOf(tid), api.correlationId(i));
                g.writeObjectFieldStart("args");
                g.writeNumberField("correlation", ac);
                g.writeNumberField("source correlation", api.correlationId(i));
                g.writeEndObject();
                g.writeEndObject();
                events++;
                if (launches[i]) {
                    g.writeStartObject();
                    g.writeStringField("ph", "s");
                    g.writeStringField("cat", "ac2g");
                    g.writeStringField("name", "ac2g");
                    g.writeNumberField("id", ac);
                    g.writeNumberField("pid", GlobalIds.pid(tid));
                    g.writeNumberField("tid", GlobalIds.tid(tid));
                    g.writeFieldName("ts");
                    g.writeNumber(micros(api.startNs(i)));
                    g.writeEndObject();
                }
            }
            events += ranges(g, trace, trace.nvtx(), "user_annotation");
            events += ranges(g, trace, trace.cpuRanges(), "cpu_op");
            ApiCallTable os = trace.osRuntime();
            for (int i = 0; i < os.size(); i++) {
                long tid = os.globalTid(i);
                g.writeStartObject();
                common(g, "os_runtime", trace.string(os.nameId(i)), os.startNs(i), os.hasEnd(i) ? os.durationNs(i) : 0,
                        GlobalIds.pid(tid), GlobalIds.tid(tid));
                g.writeEndObject();
                events++;
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return new Summary(events, flows);
    }

    /** Process and thread names: host processes and threads of the capture, GPUs and their streams. */
    private static long metadata(JsonGenerator g, Trace trace) throws IOException {
        long n = 0;
        for (ProcessInfo p : trace.processes().values()) {
            n += meta(g, "process_name", p.pid(), 0, p.name() == null ? "pid " + p.pid() : p.name());
        }
        for (Map.Entry<Long, ThreadInfo> e : trace.threads().entrySet()) {
            String name = e.getValue().name();
            n += meta(g, "thread_name", GlobalIds.pid(e.getKey()), GlobalIds.tid(e.getKey()),
                    name == null ? "thread " + GlobalIds.tid(e.getKey()) : name);
        }
        Map<Integer, TreeSet<Integer>> streams = new TreeMap<>();
        for (io.proflens.model.GpuActivityTable t : new io.proflens.model.GpuActivityTable[] {trace.memcpys(),
            trace.memsets()}) {
            for (int i = 0; i < t.size(); i++) {
                streams.computeIfAbsent(t.deviceId(i), d -> new TreeSet<>()).add(t.streamId(i));
            }
        }
        KernelTable k = trace.kernels();
        int lastDev = Integer.MIN_VALUE;
        int lastStream = Integer.MIN_VALUE;
        for (int i = 0; i < k.size(); i++) {
            if (k.deviceId(i) != lastDev || k.streamId(i) != lastStream) {
                lastDev = k.deviceId(i);
                lastStream = k.streamId(i);
                streams.computeIfAbsent(lastDev, d -> new TreeSet<>()).add(lastStream);
            }
        }
        for (Map.Entry<Integer, TreeSet<Integer>> e : streams.entrySet()) {
            n += meta(g, "process_name", e.getKey(), 0, "GPU " + e.getKey());
            for (int s : e.getValue()) {
                n += meta(g, "thread_name", e.getKey(), s, "stream " + s);
            }
        }
        return n;
    }

    private static int meta(JsonGenerator g, String what, int pid, int tid, String name) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", "M");
        g.writeStringField("name", what);
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        g.writeStringField("name", name);
        g.writeEndObject();
        g.writeEndObject();
        return 1;
    }

    private static long ranges(JsonGenerator g, Trace trace, NvtxTable t, String cat) throws IOException {
        long n = 0;
        for (int i = 0; i < t.size(); i++) {
            String domain = t.domainNameId(i) < 0 ? null : trace.string(t.domainNameId(i));
            if ("gpu_user_annotation".equals(domain) || t.textId(i) < 0) {
                continue; // Kineto's GPU projections of annotations: derivable, not exported
            }
            long tid = t.globalTid(i);
            g.writeStartObject();
            if (t.eventType(i) == NvtxTable.MARK) {
                g.writeStringField("ph", "i");
                g.writeStringField("s", "t");
                g.writeStringField("cat", cat);
                g.writeStringField("name", trace.string(t.textId(i)));
                g.writeNumberField("pid", GlobalIds.pid(tid));
                g.writeNumberField("tid", GlobalIds.tid(tid));
                g.writeFieldName("ts");
                g.writeNumber(micros(t.startNs(i)));
            } else {
                common(g, cat, trace.string(t.textId(i)), t.startNs(i), t.hasEnd(i) ? t.durationNs(i) : 0,
                        GlobalIds.pid(tid), GlobalIds.tid(tid));
                if (domain != null && !domain.isEmpty()) {
                    g.writeObjectFieldStart("args");
                    g.writeStringField("domain", domain);
                    g.writeEndObject();
                }
            }
            g.writeEndObject();
            n++;
        }
        return n;
    }

    private static void common(JsonGenerator g, String cat, String name, long startNs, long durNs, int pid, int tid)
            throws IOException {
        g.writeStringField("ph", "X");
        g.writeStringField("cat", cat);
        g.writeStringField("name", name == null ? "" : name);
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeFieldName("ts");
        g.writeNumber(micros(startNs));
        g.writeFieldName("dur");
        g.writeNumber(micros(Math.max(0, durNs)));
    }

    private static void flow(JsonGenerator g, int correlation, long startNs, int device, int stream) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", "f");
        g.writeStringField("bp", "e");
        g.writeStringField("cat", "ac2g");
        g.writeStringField("name", "ac2g");
        g.writeNumberField("id", correlation);
        g.writeNumberField("pid", device);
        g.writeNumberField("tid", stream);
        g.writeFieldName("ts");
        g.writeNumber(micros(startNs));
        g.writeEndObject();
    }

    /** @return the export's correlation id of (process, source id): 1, 2, ... in order of first use */
    private static int corr(io.proflens.model.LongIntHashMap ids, long globalPid, int correlationId) {
        long key = GlobalIds.pid(globalPid) * 0x1_0000_0000L + (correlationId & 0xFFFFFFFFL); // pid < 2^24
        int v = ids.get(key);
        if (v < 0) {
            v = ids.size() + 1;
            ids.putIfAbsent(key, v);
        }
        return v;
    }

    private static void triple(JsonGenerator g, String field, int x, int y, int z) throws IOException {
        g.writeArrayFieldStart(field);
        g.writeNumber(x);
        g.writeNumber(y);
        g.writeNumber(z);
        g.writeEndArray();
    }

    /** @return ns as exact µs with 3 fraction digits (1234567 → 1234.567) */
    static BigDecimal micros(long ns) {
        return BigDecimal.valueOf(ns, 3);
    }

    /** Kineto's copy name: {@code Memcpy HtoD (Pageable -> Device)}. */
    private static String memcpyName(MemcpyTable mc, int i) {
        MemcpyKind kind = MemcpyKind.ofId(mc.copyKind(i));
        MemoryKind src = MemoryKind.ofId(mc.srcKind(i));
        MemoryKind dst = MemoryKind.ofId(mc.dstKind(i));
        return "Memcpy " + (kind == null ? "Unknown" : kind.shortLabel()) + " (" + (src == null ? "Unknown" : src.label())
                + " -> " + (dst == null ? "Unknown" : dst.label()) + ")";
    }
}
