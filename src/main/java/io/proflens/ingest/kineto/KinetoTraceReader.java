package io.proflens.ingest.kineto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import io.proflens.ingest.ImportOptions;
import io.proflens.ingest.ProgressListener;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.GpuDevice;
import io.proflens.model.ImportIssue;
import io.proflens.model.ImportIssue.Severity;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemsetTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.ProcessInfo;
import io.proflens.model.RowSinks;
import io.proflens.model.StringTable;
import io.proflens.model.SyncTable;
import io.proflens.model.TableKind;
import io.proflens.model.ThreadInfo;
import io.proflens.model.Trace;
import io.proflens.model.TraceMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * One read of one Kineto trace: walks the token stream once, feeds host rows straight into their builders or
 * sinks, holds GPU rows until the end (see {@link GpuRowBuffer}), then resolves processes, devices, threads and
 * import issues. Not thread-safe; one instance per file. Mapping and rules: {@link KinetoJsonImporter}.
 */
final class KinetoTraceReader {
    static final int PROGRESS_EVERY = 1 << 14;
    private static final long NONE = Long.MIN_VALUE;
    private static final int DOMAIN_CPU_OP = 1;
    private static final int DOMAIN_PYTHON = 2;
    private static final int DOMAIN_GPU_ANNOTATION = 3;

    private final Path file;
    private final ImportOptions options;
    private final ProgressListener progress;
    private final RowSinks sinks;
    private final LongSupplier rawBytesRead;

    private final StringTable strings = new StringTable();
    private final NameInterner names = new NameInterner(strings);
    private final IdSpace hostPids = new IdSpace("pid");
    private final IdSpace hostTids = new IdSpace("tid");
    private final IdSpace gpuDevices = new IdSpace("GPU device");
    private final IdSpace gpuStreams = new IdSpace("GPU stream");

    // destinations (null: not kept)
    private final RowSinks.ApiCallSink apiOut;
    private final ApiCallTable.Builder apiStore;
    private final RowSinks.NvtxSink nvtxOut;
    private final NvtxTable.Builder nvtxStore;
    private final NvtxTable.Builder cpuStore;
    private final GpuRowBuffer kernelBuf;
    private final GpuRowBuffer memcpyBuf;
    private final GpuRowBuffer memsetBuf;
    private final GpuRowBuffer syncBuf;

    // what the file had
    private final long[] seen = new long[KinetoCategory.values().length];
    private final Map<String, long[]> unknownCategories = new TreeMap<>();
    private final Map<String, long[]> notImported = new TreeMap<>();   // complete events, by category
    private final Map<String, long[]> flowCounts = new TreeMap<>();    // flow events, by category
    private final Map<String, long[]> instantCounts = new TreeMap<>(); // instant events, by category
    private final Map<String, long[]> unknownPhases = new TreeMap<>();
    private final Map<String, long[]> missingDur = new TreeMap<>();
    private final Map<String, long[]> negativeDur = new TreeMap<>();
    private long events;
    private long missingTs;
    private long badNumbers;
    private String badNumberExample;
    private long duplicates;
    private long nonObjectEvents;
    private long correlationFolded;
    private long gpuDeviceMissing;

    // links and processes
    private final LaunchIndex corrToPid = new LaunchIndex();
    private final Map<Long, Long> corrToBytes = new HashMap<>();
    private final Set<Integer> launcherPids = new LinkedHashSet<>();
    private final Set<Integer> hostPidSet = new LinkedHashSet<>();
    private final Set<Long> hostThreads = new LinkedHashSet<>();
    private final Map<Long, long[]> gpuThreads = new LinkedHashMap<>(); // pseudo globalTid -> {device, stream}
    private final CompactIdSet flowStarts = new CompactIdSet();
    private final CompactIdSet flowEnds = new CompactIdSet();
    private final Map<String, Integer> flowCategoryIds = new HashMap<>();
    private final Map<String, String> processNames = new HashMap<>();   // raw pid key -> name
    private final Map<String, String> processLabels = new HashMap<>();  // raw pid key -> labels
    private final Map<String, String> threadNames = new HashMap<>();    // raw "pid/tid" key -> name
    private final Map<Integer, GpuDevice> devices = new TreeMap<>();
    private final Map<String, String> properties = new TreeMap<>();
    private final List<String> topLevelKeys = new ArrayList<>();
    private int[] shortNameOf = new int[0];    // name id -> base-name id + 1
    private final Map<Integer, int[]> memopKinds = new HashMap<>(); // name id -> {copy, src, dst}
    private int cpuOpDomainNameId = StringTable.NONE;
    private int pythonDomainNameId = StringTable.NONE;
    private int gpuAnnotationDomainNameId = StringTable.NONE;

    // host thread cache
    private boolean cacheValid;
    private long cachePidNum;
    private String cachePidStr;
    private long cacheTidNum;
    private String cacheTidStr;
    private long cacheGlobalTid;
    private int cacheMappedPid;
    private int lastLauncherPid = -1;

    // current event
    private char ph;
    private String phText;
    private String catText;
    private KinetoCategory cat;
    private String nameText;
    private int nameId;
    private long pidNum;
    private String pidStr;
    private long tidNum;
    private String tidStr;
    private long tsNs;
    private boolean hasTs;
    private long durNs;
    private boolean hasDur;
    private boolean badNumber;
    private long flowId;
    private String flowIdStr;
    // current event args
    private long aCorr;
    private long aDevice;
    private long aStream;
    private long aContext;
    private final int[] aGrid = new int[3];
    private final int[] aBlock = new int[3];
    private boolean aHasGrid;
    private boolean aHasBlock;
    private long aRegs;
    private long aSmem;
    private double aOcc;
    private double aBps;
    private long aBytes;
    private long aSize;
    private String aKind;
    private String aSyncKind;
    private long aExtId;
    private long aEvIdx;
    private long aPyId;
    private String aName;
    private String aLabels;
    // previous kept complete event (duplicate check)
    private boolean prevValid;
    private KinetoCategory prevCat;
    private int prevNameId;
    private long prevPidNum;
    private String prevPidStr;
    private long prevTidNum;
    private String prevTidStr;
    private long prevTs;
    private long prevDur;
    private long prevCorr;
    private long prevExtId;
    private long prevEvIdx;
    private long prevPyId;

    KinetoTraceReader(Path file, ImportOptions options, ProgressListener progress, RowSinks sinks,
                      LongSupplier rawBytesRead) {
        this.file = file;
        this.options = options;
        this.progress = progress;
        this.sinks = sinks;
        this.rawBytesRead = rawBytesRead;
        if (sinks.cudaApi() != null) {
            apiStore = null;
            apiOut = sinks.cudaApi();
        } else if (options.loads(TableKind.CUDA_API)) {
            apiStore = new ApiCallTable.Builder(true, 1024);
            apiOut = apiStore;
        } else {
            apiStore = null;
            apiOut = null;
        }
        if (sinks.nvtx() != null) {
            nvtxStore = null;
            nvtxOut = sinks.nvtx();
        } else if (options.loads(TableKind.NVTX)) {
            nvtxStore = new NvtxTable.Builder(true, 256);
            nvtxOut = nvtxStore;
        } else {
            nvtxStore = null;
            nvtxOut = null;
        }
        // CPU operator ranges have no TableKind of their own: stored with the NVTX ranges they resemble, and not
        // when NVTX is streamed (a streaming caller holds nothing per row).
        cpuStore = options.loads(TableKind.NVTX) && sinks.nvtx() == null ? new NvtxTable.Builder(true, 1024) : null;
        kernelBuf = sinks.kernels() != null || options.loads(TableKind.KERNEL) ? new GpuRowBuffer(true) : null;
        memcpyBuf = sinks.memcpys() != null || options.loads(TableKind.MEMCPY) ? new GpuRowBuffer(false) : null;
        memsetBuf = sinks.memsets() != null || options.loads(TableKind.MEMSET) ? new GpuRowBuffer(false) : null;
        syncBuf = options.loads(TableKind.SYNC) ? new GpuRowBuffer(false) : null;
    }

    /** Result of the token walk, before the error checks of the caller. */
    boolean sawTraceEvents;

    /**
     * Reads the document from its first token.
     *
     * @return the top-level token kind found ({@code null} for an empty document)
     */
    JsonToken readDocument(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.START_ARRAY) {
            // Chrome's "JSON Array Format": the document is the event array itself
            readEventArray(p);
            sawTraceEvents = true;
        } else if (t == JsonToken.START_OBJECT) {
            String f;
            while ((f = p.nextFieldName()) != null) {
                JsonToken v = p.nextToken();
                if (topLevelKeys.size() < 12) {
                    topLevelKeys.add(f);
                }
                switch (f) {
                    case "traceEvents":
                        if (v == JsonToken.START_ARRAY) {
                            readEventArray(p);
                            sawTraceEvents = true;
                        } else {
                            p.skipChildren();
                        }
                        break;
                    case "deviceProperties":
                        if (v == JsonToken.START_ARRAY) {
                            readDevices(p);
                        } else {
                            p.skipChildren();
                        }
                        break;
                    case "distributedInfo":
                        if (v == JsonToken.START_OBJECT) {
                            readDistributedInfo(p);
                        } else {
                            p.skipChildren();
                        }
                        break;
                    default:
                        if (v.isScalarValue()) {
                            properties.put(f, scalarText(p, v));
                        } else {
                            // nested objects (e.g. TraceLens' "metadata" with an environment dump, Kineto's "INFO"
                            // log lines) are not copied: unbounded and may hold secrets
                            p.skipChildren();
                        }
                        break;
                }
            }
        }
        return t;
    }

    List<String> topLevelKeys() {
        return topLevelKeys;
    }

    private static String scalarText(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return "null";
        }
        String s = p.getText();
        return s.length() > 4096 ? s.substring(0, 4096) + "..." : s;
    }

    private void readDistributedInfo(JsonParser p) throws IOException {
        String f;
        while ((f = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            if (v.isScalarValue()) {
                String key = f.equals("rank") || f.equals("world_size") || f.equals("backend") ? f : "distributedInfo." + f;
                properties.put(key, scalarText(p, v));
            } else {
                p.skipChildren();
            }
        }
    }

    private void readDevices(JsonParser p) throws IOException {
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            Long id = null;
            String name = null;
            Integer sms = null;
            Integer major = null;
            Integer minor = null;
            Long mem = null;
            String f;
            while ((f = p.nextFieldName()) != null) {
                JsonToken v = p.nextToken();
                switch (f) {
                    case "id":
                        id = longOrNull(p, v);
                        break;
                    case "name":
                        name = v == JsonToken.VALUE_STRING ? p.getText() : null;
                        break;
                    case "numSms":
                        sms = intOrNull(longOrNull(p, v));
                        break;
                    case "computeMajor":
                        major = intOrNull(longOrNull(p, v));
                        break;
                    case "computeMinor":
                        minor = intOrNull(longOrNull(p, v));
                        break;
                    case "totalGlobalMem":
                        mem = longOrNull(p, v);
                        break;
                    default:
                        p.skipChildren();
                        break;
                }
            }
            int dev = id != null && id >= Integer.MIN_VALUE && id <= Integer.MAX_VALUE ? id.intValue() : index;
            devices.putIfAbsent(dev, new GpuDevice(dev, name, sms, major, minor, mem, null, null, null));
            index++;
        }
    }

    private static Long longOrNull(JsonParser p, JsonToken v) throws IOException {
        long x = longArg(p, v);
        return x == NONE ? null : x;
    }

    private static Integer intOrNull(Long v) {
        return v == null || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? null : v.intValue();
    }

    private void readEventArray(JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                return; // end of input; the caller reports the truncation
            }
            if (t == JsonToken.START_OBJECT) {
                readEvent(p);
            } else {
                p.skipChildren();
                nonObjectEvents++;
            }
            if ((++events & (PROGRESS_EVERY - 1)) == 0) {
                progress.advance(rawBytesRead.getAsLong());
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ events

    private void readEvent(JsonParser p) throws IOException {
        ph = 0;
        phText = null;
        catText = null;
        cat = null;
        nameText = null;
        nameId = StringTable.NONE;
        pidNum = NONE;
        pidStr = null;
        tidNum = NONE;
        tidStr = null;
        hasTs = false;
        hasDur = false;
        badNumber = false;
        flowId = NONE;
        flowIdStr = null;
        aCorr = NONE;
        aDevice = NONE;
        aStream = NONE;
        aContext = NONE;
        aHasGrid = false;
        aHasBlock = false;
        aRegs = NONE;
        aSmem = NONE;
        aOcc = Double.NaN;
        aBps = Double.NaN;
        aBytes = NONE;
        aSize = NONE;
        aKind = null;
        aSyncKind = null;
        aExtId = NONE;
        aEvIdx = NONE;
        aPyId = NONE;
        aName = null;
        aLabels = null;
        String f;
        while ((f = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (f) {
                case "ph":
                    if (v == JsonToken.VALUE_STRING) {
                        if (p.getTextLength() == 1) {
                            ph = p.getTextCharacters()[p.getTextOffset()];
                        } else {
                            ph = '?';
                            phText = p.getText();
                        }
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "cat":
                    if (v == JsonToken.VALUE_STRING) {
                        readCategory(p);
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "name":
                    if (v == JsonToken.VALUE_STRING) {
                        if (cat != null && ph == 'X') {
                            if (keeps(cat)) {
                                nameId = names.intern(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                            }
                        } else {
                            nameText = p.getText();
                        }
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "pid":
                    if (v == JsonToken.VALUE_NUMBER_INT) {
                        pidNum = intToken(p);
                        if (pidNum == NONE) {
                            pidStr = p.getText();
                        }
                    } else if (v.isScalarValue() && v != JsonToken.VALUE_NULL) {
                        pidStr = p.getText();
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "tid":
                    if (v == JsonToken.VALUE_NUMBER_INT) {
                        tidNum = intToken(p);
                        if (tidNum == NONE) {
                            tidStr = p.getText();
                        }
                    } else if (v.isScalarValue() && v != JsonToken.VALUE_NULL) {
                        tidStr = p.getText();
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "ts":
                    tsNs = time(p, v);
                    hasTs = v != JsonToken.VALUE_NULL;
                    break;
                case "dur":
                    durNs = time(p, v);
                    hasDur = v != JsonToken.VALUE_NULL;
                    break;
                case "id":
                    if (v == JsonToken.VALUE_NUMBER_INT) {
                        flowId = intToken(p);
                    }
                    if (flowId == NONE && v.isScalarValue()) {
                        flowIdStr = p.getText();
                    } else if (!v.isScalarValue()) {
                        p.skipChildren();
                    }
                    break;
                case "args":
                    if (v == JsonToken.START_OBJECT && (cat == null || ph == 'M' || keepsArgs(cat))) {
                        readArgs(p);
                    } else {
                        p.skipChildren();
                    }
                    break;
                default:
                    p.skipChildren();
                    break;
            }
        }
        switch (ph) {
            case 'X':
                complete();
                break;
            case 'M':
                metadataEvent();
                break;
            case 's':
            case 'f':
            case 't':
                flowEvent();
                break;
            case 'i':
            case 'I':
                count(instantCounts, catText == null ? "(no category)" : catText);
                prevValid = false;
                break;
            default:
                count(unknownPhases, ph == 0 ? "(none)" : ph == '?' ? phText : String.valueOf(ph));
                prevValid = false;
                break;
        }
    }

    private void readCategory(JsonParser p) throws IOException {
        // categories repeat: compare with the previous one before allocating
        char[] c = p.getTextCharacters();
        int off = p.getTextOffset();
        int len = p.getTextLength();
        String prev = lastCatText;
        if (prev != null && prev.length() == len) {
            boolean same = true;
            for (int i = 0; i < len; i++) {
                if (prev.charAt(i) != c[off + i]) {
                    same = false;
                    break;
                }
            }
            if (same) {
                catText = prev;
                cat = lastCat;
                return;
            }
        }
        catText = new String(c, off, len);
        cat = KinetoCategory.of(catText);
        lastCatText = catText;
        lastCat = cat;
    }

    private String lastCatText;
    private KinetoCategory lastCat;

    /** @return whether rows of {@code c} go to a kept table or sink. */
    private boolean keeps(KinetoCategory c) {
        switch (c) {
            case KERNEL:
                return kernelBuf != null;
            case MEMCPY:
                return memcpyBuf != null;
            case MEMSET:
                return memsetBuf != null;
            case CUDA_SYNC:
                return syncBuf != null;
            case CUDA_RUNTIME:
            case CUDA_DRIVER:
                return apiOut != null;
            case USER_ANNOTATION:
            case GPU_USER_ANNOTATION:
                return nvtxOut != null;
            case CPU_OP:
            case PYTHON_FUNCTION:
                return cpuStore != null;
            default:
                return false;
        }
    }

    /** Runtime calls are always read for their correlation (the GPU rows' process), even when not kept. */
    private boolean keepsArgs(KinetoCategory c) {
        return keeps(c) || c == KinetoCategory.CUDA_RUNTIME || c == KinetoCategory.CUDA_DRIVER;
    }

    private void readArgs(JsonParser p) throws IOException {
        String f;
        while ((f = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (f) {
                case "correlation":
                    aCorr = longArg(p, v);
                    break;
                case "device":
                    aDevice = longArg(p, v);
                    break;
                case "stream":
                    aStream = longArg(p, v);
                    break;
                case "context":
                    aContext = longArg(p, v);
                    break;
                case "grid":
                    aHasGrid = triple(p, v, aGrid);
                    break;
                case "block":
                    aHasBlock = triple(p, v, aBlock);
                    break;
                case "registers per thread":
                    aRegs = longArg(p, v);
                    break;
                case "shared memory":
                    aSmem = longArg(p, v);
                    break;
                case "est. achieved occupancy %":
                    aOcc = doubleArg(p, v);
                    break;
                case "blocks per SM":
                    aBps = doubleArg(p, v);
                    break;
                case "bytes":
                    aBytes = longArg(p, v);
                    break;
                case "size":
                    aSize = longArg(p, v);
                    break;
                case "kind":
                    aKind = v == JsonToken.VALUE_STRING ? p.getText() : skip(p);
                    break;
                case "cuda_sync_kind":
                    aSyncKind = v == JsonToken.VALUE_STRING ? p.getText() : skip(p);
                    break;
                case "External id":
                case "external id":
                    aExtId = longArg(p, v);
                    break;
                case "Ev Idx":
                    aEvIdx = longArg(p, v);
                    break;
                case "Python id":
                    aPyId = longArg(p, v);
                    break;
                case "name":
                    aName = v == JsonToken.VALUE_STRING ? p.getText() : skip(p);
                    break;
                case "labels":
                    aLabels = v == JsonToken.VALUE_STRING ? p.getText() : skip(p);
                    break;
                default:
                    p.skipChildren();
                    break;
            }
        }
    }

    private static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    /** @return an integer token's value, or {@link #NONE} when it does not fit a long. */
    private static long intToken(JsonParser p) throws IOException {
        try {
            long v = p.getLongValue();
            return v == NONE ? NONE + 1 : v;
        } catch (InputCoercionException e) {
            return NONE;
        }
    }

    /** @return an integer arg (number, integral float, or decimal/hex string), {@link #NONE} when not one. */
    static long longArg(JsonParser p, JsonToken v) throws IOException {
        switch (v) {
            case VALUE_NUMBER_INT:
                return intToken(p);
            case VALUE_NUMBER_FLOAT: {
                double d = p.getDoubleValue();
                return d == Math.rint(d) && Math.abs(d) < 9.0e18 ? (long) d : NONE;
            }
            case VALUE_STRING:
                return parseIntegerText(p.getText());
            case START_ARRAY:
            case START_OBJECT:
                p.skipChildren();
                return NONE;
            default:
                return NONE;
        }
    }

    private static long parseIntegerText(String s) {
        String t = s.trim();
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return NONE;
        }
    }

    private static double doubleArg(JsonParser p, JsonToken v) throws IOException {
        switch (v) {
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_STRING: {
                // Kineto writes "inf" for blocks/warps per SM when the SM count is unknown
                String t = p.getText().trim();
                if (t.equalsIgnoreCase("inf")) {
                    return Double.POSITIVE_INFINITY;
                }
                try {
                    return Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
            case START_ARRAY:
            case START_OBJECT:
                p.skipChildren();
                return Double.NaN;
            default:
                return Double.NaN;
        }
    }

    private static boolean triple(JsonParser p, JsonToken v, int[] out) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return false;
        }
        out[0] = 1;
        out[1] = 1;
        out[2] = 1;
        int k = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            long x = longArg(p, t);
            if (k < 3 && x != NONE) {
                out[k] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, x));
            }
            k++;
        }
        return true;
    }

    /** @return the time token in ns; sets {@link #badNumber} when it is not a decimal number that fits. */
    private long time(JsonParser p, JsonToken v) throws IOException {
        switch (v) {
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
            case VALUE_STRING:
                try {
                    return DecimalMicros.toNanos(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                } catch (NumberFormatException | ArithmeticException e) {
                    noteBadNumber(p.getText());
                    return 0;
                }
            case VALUE_NULL:
                return 0;
            default:
                p.skipChildren();
                noteBadNumber(v.toString());
                return 0;
        }
    }

    private void noteBadNumber(String text) {
        badNumber = true;
        if (badNumberExample == null) {
            badNumberExample = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        }
    }

    // ------------------------------------------------------------------------------------------------ phases

    private void complete() {
        KinetoCategory c = cat == null ? KinetoCategory.UNKNOWN : cat;
        seen[c.ordinal()]++;
        if (!c.imported()) {
            if (c == KinetoCategory.UNKNOWN) {
                count(unknownCategories, catText == null ? "(no category)" : catText);
            } else {
                count(notImported, catText);
            }
            prevValid = false;
            return;
        }
        boolean kept = keeps(c);
        boolean runtime = c == KinetoCategory.CUDA_RUNTIME || c == KinetoCategory.CUDA_DRIVER;
        if (!kept && !runtime) {
            prevValid = false;
            return;
        }
        if (!hasTs) {
            missingTs++;
            prevValid = false;
            return;
        }
        if (badNumber) {
            badNumbers++;
            prevValid = false;
            return;
        }
        long dur = hasDur ? durNs : 0;
        if (kept && !hasDur) {
            count(missingDur, c.canonical());
        } else if (kept && dur < 0) {
            count(negativeDur, c.canonical());
        }
        long start = tsNs;
        long end;
        try {
            end = Math.addExact(start, dur);
        } catch (ArithmeticException e) {
            badNumbers++;
            prevValid = false;
            return;
        }
        if (kept) {
            if (nameId == StringTable.NONE && nameText != null) {
                nameId = names.intern(nameText); // "name" came before "cat" or "ph" in this event
            }
            if (isDuplicate(c, start, dur)) {
                duplicates++;
                return;
            }
        } else {
            prevValid = false;
        }
        switch (c) {
            case KERNEL:
            case MEMCPY:
            case MEMSET:
            case CUDA_SYNC:
                gpuRow(c, start, end);
                break;
            case CUDA_RUNTIME:
            case CUDA_DRIVER:
                apiRow(c, start, end, kept);
                break;
            case USER_ANNOTATION:
                nvtxOut.nvtx(start, end, NvtxTable.PUSH_POP, nameId, 0, StringTable.NONE, hostThread(), 0);
                break;
            case GPU_USER_ANNOTATION:
                // A GPU-side copy of a user annotation (same name, GPU time span): its own domain, so a summary
                // lists it beside the CPU range instead of counting the step twice under one name.
                if (gpuAnnotationDomainNameId == StringTable.NONE) {
                    gpuAnnotationDomainNameId = names.intern(KinetoCategory.GPU_USER_ANNOTATION.canonical());
                }
                nvtxOut.nvtx(start, end, NvtxTable.PUSH_POP, nameId, DOMAIN_GPU_ANNOTATION, gpuAnnotationDomainNameId,
                        gpuThread(), 0);
                break;
            case CPU_OP:
                if (cpuOpDomainNameId == StringTable.NONE) {
                    cpuOpDomainNameId = names.intern(KinetoCategory.CPU_OP.canonical());
                }
                cpuStore.add(start, end, NvtxTable.PUSH_POP, nameId, DOMAIN_CPU_OP, cpuOpDomainNameId, hostThread(), 0);
                break;
            case PYTHON_FUNCTION:
                if (pythonDomainNameId == StringTable.NONE) {
                    pythonDomainNameId = names.intern(KinetoCategory.PYTHON_FUNCTION.canonical());
                }
                cpuStore.add(start, end, NvtxTable.PUSH_POP, nameId, DOMAIN_PYTHON, pythonDomainNameId, hostThread(), 0);
                break;
            default:
                break;
        }
    }

    /**
     * A duplicate is a complete event equal to the event just before it in the file in phase, category, name,
     * pid, tid, ts, dur and the identifying args (correlation, External id, Ev Idx, Python id). Events that agree
     * only on category/name/ts/dur/tid are distinct operators in integer-µs traces (852 such pairs of
     * {@code cpu_op}s in param-resnet-rtx2080ti/resnet_kineto, all with different {@code Ev Idx}) and are kept.
     */
    private boolean isDuplicate(KinetoCategory c, long start, long dur) {
        boolean same = prevValid && prevCat == c && prevNameId == nameId && prevPidNum == pidNum
                && prevTidNum == tidNum && prevTs == start && prevDur == dur && prevCorr == aCorr
                && prevExtId == aExtId && prevEvIdx == aEvIdx && prevPyId == aPyId
                && Objects.equals(prevPidStr, pidStr) && Objects.equals(prevTidStr, tidStr);
        prevValid = true;
        prevCat = c;
        prevNameId = nameId;
        prevPidNum = pidNum;
        prevPidStr = pidStr;
        prevTidNum = tidNum;
        prevTidStr = tidStr;
        prevTs = start;
        prevDur = dur;
        prevCorr = aCorr;
        prevExtId = aExtId;
        prevEvIdx = aEvIdx;
        prevPyId = aPyId;
        return same;
    }

    private void apiRow(KinetoCategory c, long start, long end, boolean kept) {
        long gtid = hostThread();
        int pid = cacheMappedPid;
        if (pid != lastLauncherPid) {
            launcherPids.add(pid);
            lastLauncherPid = pid;
        }
        int corr = correlation();
        if (corr != 0) {
            long key = corr & 0xFFFFFFFFL;
            corrToPid.put(corr, pid);
            long b = aBytes != NONE ? aBytes : aSize;
            if (b != NONE && b >= 0) {
                corrToBytes.putIfAbsent(key, b);
            }
        }
        if (kept) {
            apiOut.call(start, end, gtid, corr, nameId,
                    c == KinetoCategory.CUDA_DRIVER ? ApiCallTable.CLASS_CUDA_DRIVER : ApiCallTable.CLASS_CUDA_RUNTIME, 0, 0);
        }
    }

    /** @return the correlation arg as CUPTI's unsigned 32-bit id (0 when absent); counts ids that do not fit. */
    private int correlation() {
        if (aCorr == NONE) {
            return 0;
        }
        if (aCorr < 0 || aCorr > 0xFFFFFFFFL) {
            correlationFolded++;
        }
        return (int) aCorr;
    }

    private void gpuRow(KinetoCategory c, long start, long end) {
        int dev;
        if (aDevice != NONE) {
            dev = (int) aDevice;
        } else if (pidNum != NONE) {
            dev = (int) pidNum;
        } else {
            dev = -1;
            gpuDeviceMissing++;
        }
        int stream = aStream != NONE ? (int) aStream : tidNum != NONE ? (int) tidNum : streamFromText(tidStr);
        int ctx = aContext != NONE ? (int) aContext : 0;
        int corr = correlation();
        switch (c) {
            case KERNEL: {
                int i = kernelBuf.add(start, end, dev, ctx, stream, corr, nameId);
                kernelBuf.shortNameId[i] = shortName(nameId);
                int[] l = kernelBuf.launch;
                int b = 8 * i;
                l[b] = aHasGrid ? aGrid[0] : 0;
                l[b + 1] = aHasGrid ? aGrid[1] : 0;
                l[b + 2] = aHasGrid ? aGrid[2] : 0;
                l[b + 3] = aHasBlock ? aBlock[0] : 0;
                l[b + 4] = aHasBlock ? aBlock[1] : 0;
                l[b + 5] = aHasBlock ? aBlock[2] : 0;
                l[b + 6] = aRegs != NONE ? (int) aRegs : 0;
                l[b + 7] = aSmem != NONE ? (int) aSmem : 0;
                kernelBuf.occupancyPct[i] = aOcc;
                kernelBuf.blocksPerSm[i] = aBps;
                break;
            }
            case MEMCPY: {
                int i = memcpyBuf.add(start, end, dev, ctx, stream, corr, nameId);
                int[] k = memopKinds.computeIfAbsent(nameId, n -> {
                    String name = strings.get(n);
                    int[] mk = KinetoNames.memoryKinds(name);
                    return new int[] {KinetoNames.copyKind(name, null), mk[0], mk[1]};
                });
                int copyKind = k[0] >= 0 ? k[0] : KinetoNames.copyKind(null, aKind);
                memcpyBuf.bytes[i] = aBytes >= 0 ? aBytes : -1;
                memcpyBuf.kind1[i] = (byte) copyKind; // -1 = unknown, decided at the end
                memcpyBuf.kind2[i] = (byte) k[1];
                memcpyBuf.kind3[i] = (byte) k[2];
                break;
            }
            case MEMSET: {
                int i = memsetBuf.add(start, end, dev, ctx, stream, corr, nameId);
                int[] k = memopKinds.computeIfAbsent(nameId, n -> {
                    int[] mk = KinetoNames.memoryKinds(strings.get(n));
                    return new int[] {-1, mk[0], mk[1]};
                });
                int memKind = k[1] >= 0 ? k[1] : KinetoNames.memoryKindOf(aKind);
                memsetBuf.bytes[i] = aBytes >= 0 ? aBytes : -1;
                memsetBuf.kind1[i] = (byte) memKind;
                break;
            }
            case CUDA_SYNC: {
                int i = syncBuf.add(start, end, dev, ctx, stream, corr, nameId);
                syncBuf.kind1[i] = (byte) KinetoNames.syncType(strings.get(nameId), aSyncKind);
                break;
            }
            default:
                break;
        }
    }

    /** 2021 Kineto wrote GPU tids as {@code "stream 7"}. */
    private static int streamFromText(String s) {
        if (s == null) {
            return -1;
        }
        int i = s.length();
        while (i > 0 && Character.isDigit(s.charAt(i - 1))) {
            i--;
        }
        long v = i < s.length() && s.length() - i < 10 ? Long.parseLong(s.substring(i)) : -1;
        return (int) v;
    }

    private int shortName(int id) {
        if (id < 0) {
            return id;
        }
        if (id >= shortNameOf.length) {
            shortNameOf = Arrays.copyOf(shortNameOf, Math.max(id + 1, shortNameOf.length * 2));
        }
        int s = shortNameOf[id];
        if (s == 0) {
            String base = KinetoNames.baseName(strings.get(id));
            s = names.intern(base) + 1;
            shortNameOf[id] = s;
        }
        return s - 1;
    }

    /** @return the globalTid of the current host event (vm 1, 24-bit pid and tid; see {@link IdSpace}). */
    private long hostThread() {
        if (cacheValid && cachePidNum == pidNum && cacheTidNum == tidNum
                && Objects.equals(cachePidStr, pidStr) && Objects.equals(cacheTidStr, tidStr)) {
            return cacheGlobalTid;
        }
        int pid = pidStr != null ? hostPids.map(pidStr) : pidNum != NONE ? hostPids.map(pidNum) : hostPids.map("(missing)");
        int tid = tidStr != null ? hostTids.map(tidStr) : tidNum != NONE ? hostTids.map(tidNum) : hostTids.map("(missing)");
        long gtid = GlobalIds.globalTid(KinetoJsonImporter.HOST_VM_ID, pid, tid);
        hostPidSet.add(pid);
        hostThreads.add(gtid);
        cacheValid = true;
        cachePidNum = pidNum;
        cachePidStr = pidStr;
        cacheTidNum = tidNum;
        cacheTidStr = tidStr;
        cacheGlobalTid = gtid;
        cacheMappedPid = pid;
        return gtid;
    }

    /** @return the pseudo globalTid of a GPU-side annotation (vm 2, pid bits = device, tid bits = stream). */
    private long gpuThread() {
        long dev = aDevice != NONE ? aDevice : pidNum != NONE ? pidNum : -1;
        long stream = aStream != NONE ? aStream : tidNum != NONE ? tidNum : streamFromText(tidStr);
        long gtid = GlobalIds.globalTid(KinetoJsonImporter.GPU_VM_ID, gpuDevices.map(dev), gpuStreams.map(stream));
        gpuThreads.putIfAbsent(gtid, new long[] {dev, stream});
        return gtid;
    }

    private void metadataEvent() {
        String what = nameText != null ? nameText : nameId >= 0 ? strings.get(nameId) : null;
        if (what == null) {
            return;
        }
        String pk = pidStr != null ? pidStr : pidNum != NONE ? Long.toString(pidNum) : null;
        if (pk == null) {
            return;
        }
        switch (what) {
            case "process_name":
                if (aName != null) {
                    processNames.putIfAbsent(pk, aName);
                }
                break;
            case "process_labels":
                if (aLabels != null) {
                    processLabels.putIfAbsent(pk, aLabels);
                }
                break;
            case "thread_name":
                String tk = tidStr != null ? tidStr : tidNum != NONE ? Long.toString(tidNum) : null;
                if (aName != null && tk != null) {
                    threadNames.putIfAbsent(pk + "/" + tk, aName);
                }
                break;
            default:
                break; // sort indices: viewer hints
        }
    }

    private void flowEvent() {
        String c = catText == null ? "(no category)" : catText;
        count(flowCounts, c);
        prevValid = false;
        Integer ci = flowCategoryIds.get(c);
        if (ci == null) {
            ci = flowCategoryIds.size();
            flowCategoryIds.put(c, ci);
        }
        long id = flowId != NONE ? flowId : flowIdStr != null ? flowIdStr.hashCode() : NONE;
        if (id == NONE) {
            return;
        }
        long key = ((long) ci << 48) ^ id;
        if (ph == 's') {
            flowStarts.add(key);
        } else if (ph == 'f') {
            flowEnds.add(key);
        }
    }

    private static void count(Map<String, long[]> m, String key) {
        m.computeIfAbsent(key, k -> new long[1])[0]++;
    }

    // ------------------------------------------------------------------------------------------------ finish

    private final Map<String, long[]> issueCounts = new LinkedHashMap<>();
    private final Map<String, String> issueText = new HashMap<>();
    private final Map<String, Severity> issueSeverity = new HashMap<>();

    /** Adds {@code n} to import issue {@code code} (first severity and text win); ignored for {@code n <= 0}. */
    void note(String code, Severity sev, long n, String text) {
        issue(code, sev, n, text);
    }

    private void issue(String code, Severity sev, long n, String text) {
        if (n <= 0) {
            return;
        }
        issueCounts.computeIfAbsent(code, k -> new long[1])[0] += n;
        issueText.putIfAbsent(code, text);
        issueSeverity.putIfAbsent(code, sev);
    }

    private static long total(Map<String, long[]> m) {
        long n = 0;
        for (long[] v : m.values()) {
            n += v[0];
        }
        return n;
    }

    /** @return "a 3, b 2" ordered by count descending, then name. */
    private static String breakdown(Map<String, long[]> m) {
        List<Map.Entry<String, long[]>> e = new ArrayList<>(m.entrySet());
        e.sort((x, y) -> {
            int c = Long.compare(y.getValue()[0], x.getValue()[0]);
            return c != 0 ? c : x.getKey().compareTo(y.getKey());
        });
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, long[]> x : e) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(x.getKey()).append(' ').append(x.getValue()[0]);
        }
        return sb.toString();
    }

    /** Builds the trace after the whole document was read. */
    Trace finish() {
        progress.advance(rawBytesRead.getAsLong());
        // process of the GPU rows: the launching runtime call's, else the only launching (or host) process
        int fallbackPid = launcherPids.size() == 1 ? launcherPids.iterator().next()
                : launcherPids.isEmpty() && hostPidSet.size() == 1 ? hostPidSet.iterator().next() : -1;
        long[] unmatched = new long[3];
        long[] unknownProcess = new long[1];
        KernelTable kernels = KernelTable.empty(seen[KinetoCategory.KERNEL.ordinal()] > 0);
        if (kernelBuf != null) {
            kernels = emitKernels(fallbackPid, unmatched, unknownProcess);
        }
        MemcpyTable memcpys = MemcpyTable.empty(seen[KinetoCategory.MEMCPY.ordinal()] > 0);
        if (memcpyBuf != null) {
            memcpys = emitMemcpys(fallbackPid, unmatched, unknownProcess);
        }
        MemsetTable memsets = MemsetTable.empty(seen[KinetoCategory.MEMSET.ordinal()] > 0);
        if (memsetBuf != null) {
            memsets = emitMemsets(fallbackPid, unmatched, unknownProcess);
        }
        SyncTable syncs = SyncTable.empty(seen[KinetoCategory.CUDA_SYNC.ordinal()] > 0);
        if (syncBuf != null && syncBuf.size > 0) {
            SyncTable.Builder b = new SyncTable.Builder(true, syncBuf.size);
            for (int i = 0; i < syncBuf.size; i++) {
                b.add(syncBuf.startNs[i], syncBuf.endNs[i], syncBuf.device[i], syncBuf.context[i], syncBuf.stream[i],
                        syncBuf.correlation[i], gpuPid(syncBuf.correlation[i], fallbackPid, null, unknownProcess),
                        syncBuf.kind1[i]);
            }
            syncs = b.build();
        }
        boolean apiPresent = seen[KinetoCategory.CUDA_RUNTIME.ordinal()] + seen[KinetoCategory.CUDA_DRIVER.ordinal()] > 0;
        ApiCallTable api = apiStore != null && apiPresent ? apiStore.build() : ApiCallTable.empty(apiPresent);
        boolean nvtxPresent = seen[KinetoCategory.USER_ANNOTATION.ordinal()]
                + seen[KinetoCategory.GPU_USER_ANNOTATION.ordinal()] > 0;
        NvtxTable nvtx = nvtxStore != null && nvtxPresent ? nvtxStore.build() : NvtxTable.empty(nvtxPresent);
        boolean cpuPresent = seen[KinetoCategory.CPU_OP.ordinal()] + seen[KinetoCategory.PYTHON_FUNCTION.ordinal()] > 0;
        NvtxTable cpuRanges = cpuStore != null && cpuPresent ? cpuStore.build() : NvtxTable.empty(cpuPresent);

        LaunchLinks links = null;
        if (options.correlate() && options.loads(TableKind.KERNEL) && options.loads(TableKind.CUDA_API)
                && options.loads(TableKind.MEMCPY) && options.loads(TableKind.MEMSET) && sinks.kernels() == null
                && sinks.cudaApi() == null && sinks.memcpys() == null && sinks.memsets() == null) {
            links = LaunchLinks.compute(kernels, memcpys, memsets, api);
            unmatched[0] = links.unmatchedKernels();
            unmatched[1] = links.unmatchedMemops();
            unmatched[2] = 0;
        }
        reportIssues(unmatched, unknownProcess[0]);

        Map<Long, ProcessInfo> processes = new TreeMap<>();
        Map<Long, ThreadInfo> threads = new TreeMap<>();
        buildProcessesAndThreads(processes, threads);
        addDevicesSeen();

        List<ImportIssue> issues = new ArrayList<>();
        for (Map.Entry<String, long[]> e : issueCounts.entrySet()) {
            issues.add(new ImportIssue(e.getKey(), issueSeverity.get(e.getKey()), e.getValue()[0], issueText.get(e.getKey())));
        }
        String producerVersion = firstOf("kineto_version", "kinetoVersion", "pytorch_version", "torch_version");
        String schemaVersion = properties.get("schemaVersion");
        Long sessionStart = null;
        String base = properties.get("baseTimeNanoseconds");
        if (base != null) {
            try {
                sessionStart = Long.parseLong(base.trim());
            } catch (NumberFormatException e) {
                sessionStart = null;
            }
        }
        TraceMetadata md = new TraceMetadata(file.toString(), KinetoJsonImporter.FORMAT, KinetoJsonImporter.PRODUCER,
                producerVersion, schemaVersion, sessionStart, false, properties);
        return new Trace(md, strings, kernels, memcpys, memsets, api, syncs, nvtx, ApiCallTable.empty(false), cpuRanges,
                threads, processes, new ArrayList<>(devices.values()), issues, links);
    }

    private String firstOf(String... keys) {
        for (String k : keys) {
            String v = properties.get(k);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private long gpuPid(int corr, int fallbackPid, long[] unmatched, long[] unknownProcess) {
        int pid = corr != 0 ? corrToPid.get(corr) : -1;
        if (pid < 0) {
            if (unmatched != null) {
                unmatched[0]++;
            }
            pid = fallbackPid;
        }
        if (pid < 0) {
            unknownProcess[0]++;
            return 0;
        }
        return GlobalIds.globalTid(KinetoJsonImporter.HOST_VM_ID, pid, 0);
    }

    private KernelTable emitKernels(int fallbackPid, long[] unmatched, long[] unknownProcess) {
        GpuRowBuffer k = kernelBuf;
        boolean present = seen[KinetoCategory.KERNEL.ordinal()] > 0;
        RowSinks.KernelSink out = sinks.kernels();
        KernelTable.Builder store = null;
        if (out == null) {
            store = new KernelTable.Builder(present, options.launchConfig(), k.size);
            out = store;
        }
        long[] um = new long[1];
        for (int i = 0; i < k.size; i++) {
            long gpid = gpuPid(k.correlation[i], fallbackPid, um, unknownProcess);
            int row = out.kernel(k.startNs[i], k.endNs[i], k.device[i], k.context[i], k.stream[i], k.correlation[i], gpid,
                    k.nameId[i], k.shortNameId[i], StringTable.NONE);
            if (store != null) {
                int b = 8 * i;
                int[] l = k.launch;
                store.launchConfig(row, l[b], l[b + 1], l[b + 2], l[b + 3], l[b + 4], l[b + 5], l[b + 6], 0, l[b + 7]);
                if (!Double.isNaN(k.occupancyPct[i]) || !Double.isNaN(k.blocksPerSm[i])) {
                    store.occupancy(row, k.occupancyPct[i], k.blocksPerSm[i]);
                }
            }
        }
        unmatched[0] += um[0];
        return store != null ? store.build() : KernelTable.empty(present);
    }

    private long memcpyBytesMissing;
    private long memcpyBytesFromApi;
    private long memcpyUnknownKind;
    private long memsetBytesMissing;

    private MemcpyTable emitMemcpys(int fallbackPid, long[] unmatched, long[] unknownProcess) {
        GpuRowBuffer m = memcpyBuf;
        boolean present = seen[KinetoCategory.MEMCPY.ordinal()] > 0;
        RowSinks.MemcpySink out = sinks.memcpys();
        MemcpyTable.Builder store = null;
        if (out == null) {
            store = new MemcpyTable.Builder(present, m.size);
            out = store;
        }
        long[] um = new long[1];
        for (int i = 0; i < m.size; i++) {
            long gpid = gpuPid(m.correlation[i], fallbackPid, um, unknownProcess);
            long bytes = m.bytes[i];
            if (bytes < 0) {
                Long b = m.correlation[i] != 0 ? corrToBytes.get(m.correlation[i] & 0xFFFFFFFFL) : null;
                if (b != null) {
                    bytes = b;
                    memcpyBytesFromApi++;
                } else {
                    bytes = 0;
                    memcpyBytesMissing++;
                }
            }
            int kind = m.kind1[i];
            if (kind < 0) {
                kind = 0;
                memcpyUnknownKind++;
            }
            out.memcpy(m.startNs[i], m.endNs[i], m.device[i], m.context[i], m.stream[i], m.correlation[i], gpid, bytes,
                    kind, m.kind2[i], m.kind3[i]);
        }
        unmatched[1] += um[0];
        return store != null ? store.build() : MemcpyTable.empty(present);
    }

    private MemsetTable emitMemsets(int fallbackPid, long[] unmatched, long[] unknownProcess) {
        GpuRowBuffer m = memsetBuf;
        boolean present = seen[KinetoCategory.MEMSET.ordinal()] > 0;
        RowSinks.MemsetSink out = sinks.memsets();
        MemsetTable.Builder store = null;
        if (out == null) {
            store = new MemsetTable.Builder(present, m.size);
            out = store;
        }
        long[] um = new long[1];
        for (int i = 0; i < m.size; i++) {
            long gpid = gpuPid(m.correlation[i], fallbackPid, um, unknownProcess);
            long bytes = m.bytes[i];
            if (bytes < 0) {
                bytes = 0;
                memsetBytesMissing++;
            }
            out.memset(m.startNs[i], m.endNs[i], m.device[i], m.context[i], m.stream[i], m.correlation[i], gpid, bytes,
                    m.kind1[i], 0);
        }
        unmatched[2] += um[0];
        return store != null ? store.build() : MemsetTable.empty(present);
    }

    private void reportIssues(long[] unmatched, long unknownProcess) {
        issue("event.missing_ts", Severity.ERROR, missingTs, "complete (X) events without 'ts' (dropped)");
        issue("event.bad_number", Severity.ERROR, badNumbers, "events whose 'ts' or 'dur' is not a decimal number of µs "
                + "that fits 64-bit ns, e.g. '" + badNumberExample + "' (dropped)");
        issue("event.missing_dur", Severity.WARNING, total(missingDur),
                "complete (X) events without 'dur', kept as zero-length: " + breakdown(missingDur));
        issue("event.negative_dur", Severity.WARNING, total(negativeDur),
                "events with a negative 'dur', kept with end < start: " + breakdown(negativeDur));
        issue("event.duplicate", Severity.WARNING, duplicates, "events identical to the event before them (phase, "
                + "category, name, pid, tid, ts, dur, correlation, External id, Ev Idx, Python id); the repeats were dropped");
        issue("event.unknown_phase", Severity.WARNING, total(unknownPhases),
                "events with a phase ('ph') the Kineto reader does not import (dropped): " + breakdown(unknownPhases));
        issue("event.unknown_category", Severity.WARNING, total(unknownCategories),
                "complete events of categories proflens does not know (kept out): " + breakdown(unknownCategories));
        issue("event.not_json_object", Severity.WARNING, nonObjectEvents, "traceEvents entries that are not JSON objects (dropped)");
        Map<String, long[]> skipped = new TreeMap<>(notImported);
        flowCounts.forEach((k, v) -> skipped.put(k + " flow events", v));
        instantCounts.forEach((k, v) -> skipped.put(k + " instants", v));
        issue("event.not_imported", Severity.INFO, total(skipped), "events not mapped to the model (flow arrows: "
                + "launch links come from the correlation args): " + breakdown(skipped));
        long remapped = hostPids.remappedCount() + hostTids.remappedCount() + gpuDevices.remappedCount()
                + gpuStreams.remappedCount();
        if (remapped > 0) {
            List<String> ex = new ArrayList<>();
            for (IdSpace s : List.of(hostPids, hostTids, gpuDevices, gpuStreams)) {
                if (s.remappedCount() > 0) {
                    ex.add(s.examples());
                }
            }
            issue("ids.remapped", Severity.INFO, remapped, "distinct pid/tid/device/stream values that do not fit the "
                    + "24 bits of a globalTid (negative, >= 2^24 or non-numeric) were given free ids: " + String.join("; ", ex));
        }
        issue("correlation.out_of_range", Severity.WARNING, correlationFolded,
                "correlation ids outside CUPTI's unsigned 32-bit range, folded to 32 bits (links may be wrong)");
        issue("gpu.device_missing", Severity.WARNING, gpuDeviceMissing,
                "GPU rows without a numeric 'device' arg or pid; device id -1");
        issue("kernel.launch_not_in_capture", Severity.INFO, unmatched[0],
                "kernels whose correlation id matches no cuda_runtime/cuda_driver event of the same process in the file "
                        + "(normal for work launched before the profiler started)");
        issue("memop.launch_not_in_capture", Severity.INFO, unmatched[1] + unmatched[2],
                "memcpy/memset rows whose correlation id matches no cuda_runtime/cuda_driver event of the same process");
        issue("gpu.process_unknown", Severity.WARNING, unknownProcess, "GPU rows without a launching runtime event in a "
                + "trace with several host processes (" + launcherPids.size() + " launching): globalPid 0");
        issue("memcpy.bytes_from_api", Severity.INFO, memcpyBytesFromApi,
                "gpu_memcpy events without 'bytes' (ROCm); size taken from the launching runtime call's bytes/size arg");
        issue("memcpy.bytes_missing", Severity.WARNING, memcpyBytesMissing,
                "gpu_memcpy events without 'bytes' and without a launching call that states it; bytes 0");
        issue("memset.bytes_missing", Severity.WARNING, memsetBytesMissing, "gpu_memset events without 'bytes' (ROCm); bytes 0");
        issue("memcpy.unknown_kind", Severity.WARNING, memcpyUnknownKind,
                "gpu_memcpy events whose name/kind states no copy direction (HtoD, DtoH, ...); copy kind Unknown");
        long starts = flowStarts.countMissingFrom(flowEnds);
        long ends = flowEnds.countMissingFrom(flowStarts);
        issue("flow.unpaired", Severity.INFO, starts + ends, "flow ids with a start ('s') but no finish ('f'): " + starts
                + ", with a finish but no start: " + ends + " (Kineto drops one side when the other event is outside the "
                + "capture; links use the correlation args instead)");
    }

    private void buildProcessesAndThreads(Map<Long, ProcessInfo> processes, Map<Long, ThreadInfo> threads) {
        // raw pid/tid keys of the metadata events, resolved to the ids the rows were given (never allocating)
        Map<Integer, String> pidName = new HashMap<>();
        for (Map.Entry<String, String> e : processNames.entrySet()) {
            String labels = processLabels.get(e.getKey());
            if (labels != null && labels.startsWith("GPU")) {
                continue; // a device's row group in the viewer, not a host process
            }
            int pid = hostPids.peek(e.getKey());
            if (pid >= 0) {
                pidName.putIfAbsent(pid, e.getValue());
            }
        }
        Map<Long, String> tidName = new HashMap<>();
        for (Map.Entry<String, String> e : threadNames.entrySet()) {
            String k = e.getKey();
            int slash = k.indexOf('/');
            int pid = hostPids.peek(k.substring(0, slash));
            int tid = hostTids.peek(k.substring(slash + 1));
            if (pid >= 0 && tid >= 0) {
                tidName.putIfAbsent(GlobalIds.globalTid(KinetoJsonImporter.HOST_VM_ID, pid, tid), e.getValue().trim());
            }
        }
        for (long gtid : hostThreads) {
            threads.put(gtid, new ThreadInfo(gtid, tidName.get(gtid), 0));
            long gpid = GlobalIds.processOf(gtid);
            int pid = GlobalIds.pid(gtid);
            processes.putIfAbsent(gpid, new ProcessInfo(gpid, pid, pidName.get(pid)));
        }
        for (Map.Entry<Long, long[]> e : gpuThreads.entrySet()) {
            long gtid = e.getKey();
            long dev = e.getValue()[0];
            long stream = e.getValue()[1];
            String name = threadNames.get(dev + "/" + stream);
            threads.put(gtid, new ThreadInfo(gtid, name != null ? name.trim() : "stream " + stream, 0));
            long gpid = GlobalIds.processOf(gtid);
            processes.putIfAbsent(gpid, new ProcessInfo(gpid, GlobalIds.pid(gtid), "GPU " + dev));
        }
    }

    private void addDevicesSeen() {
        for (GpuRowBuffer b : new GpuRowBuffer[] {kernelBuf, memcpyBuf, memsetBuf, syncBuf}) {
            if (b == null) {
                continue;
            }
            int last = Integer.MIN_VALUE;
            for (int i = 0; i < b.size; i++) {
                int d = b.device[i];
                if (d != last && d >= 0) {
                    devices.putIfAbsent(d, new GpuDevice(d, null, null, null, null, null, null, null, null));
                    last = d;
                }
            }
        }
    }
}
