package io.proflens.analysis.api;

import io.proflens.TestData;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.KernelTable;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemsetTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.StringTable;
import io.proflens.model.SyncTable;
import io.proflens.model.ThreadInfo;
import io.proflens.model.Trace;
import io.proflens.model.TraceMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds small in-memory traces for the host-side analysis tests (nsys 2024.6 metadata, one process pid 100 on
 * vm 1), and lists the corpus files the corpus-wide tests run on.
 */
public final class TestTraces {
    /** Process of all rows. */
    public static final int PID = 100;
    public final StringTable strings = new StringTable();
    public final KernelTable.Builder kernels = new KernelTable.Builder(true, false, 0);
    public final MemcpyTable.Builder memcpys = new MemcpyTable.Builder(true, 0);
    public final ApiCallTable.Builder api = new ApiCallTable.Builder(true, 0);
    public final ApiCallTable.Builder osrt = new ApiCallTable.Builder(true, 0);
    public final NvtxTable.Builder nvtx = new NvtxTable.Builder(true, 0);
    public final Map<Long, ThreadInfo> threads = new TreeMap<>();

    /** @return the globalTid of thread {@code tid} of the test process. */
    public static long tid(int tid) {
        return GlobalIds.globalTid(1, PID, tid);
    }

    /** @return the globalPid of the test process. */
    public static long pid() {
        return GlobalIds.processOf(tid(PID));
    }

    public int id(String s) {
        return strings.intern(s);
    }

    /** Names a thread. */
    public TestTraces thread(int tid, String name) {
        threads.put(tid(tid), new ThreadInfo(tid(tid), name, 0));
        return this;
    }

    /** Adds a CUDA API call on thread {@code tid}. */
    public int call(String name, long start, long end, int tid, int corr) {
        return api.add(start, end, tid(tid), corr, id(name), name.startsWith("cuda") ? 0 : 1, 0, 0);
    }

    /** Adds a kernel of correlation {@code corr}. */
    public int kernel(long start, long end, int corr) {
        int n = id("kernel");
        return kernels.add(start, end, 0, 1, 7, corr, pid(), n, n, StringTable.NONE);
    }

    /** Adds a memcpy of correlation {@code corr}. */
    public int memcpy(long start, long end, int corr, long bytes, int copyKind, int srcKind, int dstKind) {
        return memcpys.add(start, end, 0, 1, 7, corr, pid(), bytes, copyKind, srcKind, dstKind);
    }

    /** Adds an OS runtime call of class 27. */
    public int os(String name, long start, long end, int tid) {
        return osrt.add(start, end, tid(tid), 0, id(name), ApiCallTable.CLASS_OS_RUNTIME, 0, 0);
    }

    /** Adds an NVTX push/pop range in the default domain. */
    public int range(String text, long start, long end, int tid) {
        return nvtx.add(start, end, NvtxTable.PUSH_POP, id(text), 0, StringTable.NONE, tid(tid), 0);
    }

    public Trace build() {
        TraceMetadata md = new TraceMetadata("test.sqlite", "nsys-sqlite", "NVIDIA Nsight Systems", "2024.6.1", null,
                null, false, Map.of());
        return new Trace(md, strings, kernels.build(), memcpys.build(), MemsetTable.empty(true), api.build(),
                SyncTable.empty(false), nvtx.build(), osrt.build(), threads, Map.of(), List.of(), List.of(), null);
    }

    /** @return every nsys export and Kineto trace of the corpus, as paths relative to the corpus root, sorted. */
    public static List<String> corpusFiles() {
        List<String> r = new ArrayList<>();
        for (Path p : TestData.allNsysExports()) {
            r.add(TestData.root().relativize(p).toString());
        }
        try (Stream<Path> s = Files.walk(TestData.root().resolve("kineto"))) {
            r.addAll(s.filter(p -> p.toString().endsWith(".json.gz") || p.toString().endsWith(".json"))
                    .map(p -> TestData.root().relativize(p).toString()).sorted().collect(Collectors.toList()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }
}
