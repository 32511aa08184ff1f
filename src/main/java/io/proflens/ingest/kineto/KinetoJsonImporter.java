package io.proflens.ingest.kineto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.proflens.ingest.ByteCountingInputStream;
import io.proflens.ingest.ImportException;
import io.proflens.ingest.ImportOptions;
import io.proflens.ingest.ProgressListener;
import io.proflens.model.ImportIssue.Severity;
import io.proflens.model.RowSinks;
import io.proflens.model.Trace;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a PyTorch profiler / Kineto Chrome-trace file ({@code .json}, or gzip-compressed {@code .json.gz}; gzip
 * is recognised by its magic bytes, not the extension) into a {@link Trace}. Semantics and the traces it was
 * checked on: {@code ../shared/docs/kineto-reference.md} §1, §2, §7.
 *
 * <h2>Streaming</h2>
 * One pass over the token stream of jackson-core's {@link JsonParser} (no DOM): memory grows with the events
 * that are kept, not with the JSON size; categories that are not loaded ({@link ImportOptions}) are skipped
 * token by token. Tables with a sink in {@link RowSinks} are fed instead of stored. GPU rows (kernel, memcpy,
 * memset, sync) are held in primitive columns until the end of the file and then fed in file order, because
 * their process is that of the runtime call that launched them and NVIDIA traces write the GPU events first.
 *
 * <h2>Time</h2>
 * {@code ts} and {@code dur} are microseconds in every Kineto trace, integer or decimal, whatever
 * {@code displayTimeUnit} says (a viewer hint, kept as a property; §2.6). Both are converted to ns from the
 * number's decimal text, rounding half away from zero at 1 ns ({@code 1.0005} µs → 1001 ns, {@code 0.0004} →
 * 0, {@code -1.5} → -1500), exactly — never through {@code double}, which cannot hold the 19 digits of an
 * epoch timestamp with ns fraction. A row's end is its start plus its duration, each rounded once. Times stay on
 * the trace's own clock: absolute epoch µs in older traces, relative to {@code baseTimeNanoseconds} in newer ones
 * ({@link io.proflens.model.TraceMetadata#sessionStartUtcEpochNs()} is that base when the file has one, else
 * {@code null}).
 *
 * <h2>Mapping</h2>
 * Categories match case-insensitively, including the 2021 names ({@code Kernel}, {@code Runtime}, {@code Operator},
 * ...). Only complete events ({@code ph: "X"}) become rows.
 * <table>
 * <caption>Kineto category → model</caption>
 * <tr><th>{@code cat}</th><th>table</th><th>columns</th></tr>
 * <tr><td>{@code kernel}</td><td>{@link Trace#kernels()}</td><td>device = {@code args.device} (else pid), stream =
 *   {@code args.stream} (else tid), context, correlation, name (demangled and short name = a base name derived from it,
 *   e.g. {@code cunn_SoftMaxForward}; no mangled name), grid/block from the {@code grid}/{@code block} arrays, registers per
 *   thread, {@code shared memory} (Kineto writes static + dynamic as one number: stored as dynamic, static 0),
 *   {@code est. achieved occupancy %} and {@code blocks per SM} (NaN when absent, e.g. on AMD)</td></tr>
 * <tr><td>{@code gpu_memcpy}</td><td>{@link Trace#memcpys()}</td><td>bytes ({@code args.bytes}, else the launching
 *   call's {@code bytes}/{@code size}, else 0 + issue); copy kind from the name {@code Memcpy HtoD (Pinned -> Device)}:
 *   HtoD 1, DtoH 2, HtoA 3, AtoH 4, AtoA 5, AtoD 6, DtoA 7, DtoD 8, HtoH 9, PtoP 10 (AMD {@code args.kind} as
 *   fallback); source/destination memory kind from the parentheses: Pageable 0, Pinned 1, Device 2, Array 3,
 *   Managed 4, Device Static 5, Managed Static 6, ROCm's {@code Host} and anything else -1</td></tr>
 * <tr><td>{@code gpu_memset}</td><td>{@link Trace#memsets()}</td><td>bytes, memory kind from {@code Memset (Device)},
 *   value 0 (not recorded)</td></tr>
 * <tr><td>{@code cuda_sync}</td><td>{@link Trace#syncs()}</td><td>sync type from the name/{@code cuda_sync_kind}:
 *   Event Sync 1, Stream Wait Event 2, Stream Sync 3, Context Sync 4; stream -1 for event/context syncs</td></tr>
 * <tr><td>{@code cuda_runtime}, {@code cuda_driver} (HIP calls on ROCm use the same categories)</td>
 *   <td>{@link Trace#cudaApi()}</td><td>eventClass 0 runtime / 1 driver, name as written ({@code cudaLaunchKernel},
 *   {@code hipLaunchKernel}), correlation, host globalTid</td></tr>
 * <tr><td>{@code user_annotation} (incl. {@code ProfilerStep#N})</td><td>{@link Trace#nvtx()}</td><td>push/pop range
 *   (eventType 59), domain 0 without domain name (reports print the bare text), host globalTid</td></tr>
 * <tr><td>{@code gpu_user_annotation}</td><td>{@link Trace#nvtx()}</td><td>push/pop range in domain 3 named
 *   {@code gpu_user_annotation} (so {@code nvtx_sum} lists the GPU span of a step beside its CPU range rather than
 *   merging the two) on a GPU pseudo thread:
 *   {@link #gpuStreamGlobalTid}(device, stream) — vm id {@value #GPU_VM_ID}, pid bits = device, tid bits = stream;
 *   listed in {@link Trace#threads()} ("stream 7") and {@link Trace#processes()} ("GPU 0")</td></tr>
 * <tr><td>{@code cpu_op}, {@code python_function}</td><td>{@link Trace#cpuRanges()}</td><td>push/pop ranges with
 *   domain id 1 / 2 and domain name {@code "cpu_op"} / {@code "python_function"}; stored when NVTX is loaded and
 *   not streamed</td></tr>
 * <tr><td>{@code cpu_instant_event}, {@code Trace}, {@code overhead}, {@code cuda_profiler_range}, flows
 *   ({@code ac2g}, {@code fwdbwd}, {@code async_cpu_to_gpu}), instants</td><td>none</td><td>counted
 *   ({@code event.not_imported})</td></tr>
 * </table>
 *
 * <h2>Ids</h2>
 * Host rows: {@code globalTid = GlobalIds.globalTid(}{@value #HOST_VM_ID}{@code , pid, tid)}. Pids and tids that
 * do not fit 24 bits (negative thread ids written as truncated {@code pthread_t}, ids ≥ 2^24, non-numeric strings)
 * get free 24-bit ids, distinct ids staying distinct ({@code ids.remapped}). GPU rows carry the globalPid of the
 * host process that launched them: the process of the {@code cuda_runtime}/{@code cuda_driver} event with the same
 * correlation id, else the only launching (or, without launches, the only host) process, else 0
 * ({@code gpu.process_unknown}). So {@link io.proflens.model.LaunchLinks}' process-scoped join works as for nsys.
 * Devices come from {@code deviceProperties} (name, {@code numSms}, compute capability, {@code totalGlobalMem}) plus
 * any device id used by a GPU row; thread and process names from the {@code M} events.
 *
 * <h2>Metadata</h2>
 * Format {@value #FORMAT}, producer "{@value #PRODUCER}", producer version from a {@code kineto_version} /
 * {@code pytorch_version} field if the file has one (Kineto writes none: usually {@code null}), schema version
 * = {@code schemaVersion}. Properties: every top-level scalar field as written ({@code schemaVersion},
 * {@code traceName}, {@code displayTimeUnit}, {@code baseTimeNanoseconds}, {@code trace_id},
 * {@code cuda_runtime_version}, ...), {@code distributedInfo} as {@code rank}, {@code world_size}, {@code backend}
 * and {@code distributedInfo.<key>} for its other scalars. Nested top-level objects (TraceLens' {@code metadata}
 * holds a whole environment dump) are not copied.
 *
 * <h2>Import issues</h2>
 * Counted, never silently dropped ({@link io.proflens.model.ImportIssue}): {@code event.missing_ts} and
 * {@code event.bad_number} (dropped), {@code event.missing_dur} (kept, zero length), {@code event.negative_dur}
 * (kept), {@code event.duplicate} (an event identical to the one before it, dropped), {@code event.unknown_phase},
 * {@code event.unknown_category} (by category), {@code event.not_imported} (INFO, by category),
 * {@code ids.remapped}, {@code kernel.launch_not_in_capture} / {@code memop.launch_not_in_capture} (INFO: GPU rows
 * whose correlation matches no runtime event of their process; from {@link io.proflens.model.LaunchLinks} when they
 * are computed), {@code gpu.process_unknown}, {@code memcpy.bytes_from_api}, {@code memcpy.bytes_missing},
 * {@code memset.bytes_missing}, {@code memcpy.unknown_kind}, {@code correlation.out_of_range},
 * {@code gpu.device_missing}, {@code flow.unpaired} (INFO), {@code json.trailing_content}.
 *
 * <h2>Errors</h2>
 * {@link ImportException} with a one-line message naming the file: missing/unreadable file, empty file, not JSON,
 * JSON that is not a trace (no {@code traceEvents} array), invalid or truncated JSON and truncated or corrupt gzip —
 * the last three with the byte offset where reading stopped. The input is only read.
 *
 * <p>Thread safety: an instance holds no state; {@link #read} may be called concurrently.
 */
public final class KinetoJsonImporter {
    /** Format id recorded in {@link io.proflens.model.TraceMetadata#format()}. */
    public static final String FORMAT = "kineto-json";
    /** Producer recorded in {@link io.proflens.model.TraceMetadata#producer()}. */
    public static final String PRODUCER = "PyTorch Profiler (Kineto)";
    /** VM id of host threads in globalTids ({@link io.proflens.model.GlobalIds}). */
    public static final int HOST_VM_ID = 1;
    /** VM id of the GPU pseudo threads of {@code gpu_user_annotation} rows: pid bits = device, tid bits = stream. */
    public static final int GPU_VM_ID = 2;

    private static final int BUFFER = 1 << 16;
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(1 << 28).build())
            .build();

    /**
     * @param head the first bytes of a file (any length; 64 is plenty)
     * @return whether {@code head} (the first bytes of a file) is gzip (magic {@code 1f 8b}) or text whose first
     *         non-blank byte (after an optional UTF-8 byte order mark) is <code>'{'</code> or {@code '['}
     */
    public static boolean looksLikeJsonOrGzip(byte[] head) {
        if (head.length >= 2 && (head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b) {
            return true;
        }
        int i = 0;
        if (head.length >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        for (; i < head.length; i++) {
            int b = head[i] & 0xFF;
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            return b == '{' || b == '[';
        }
        return false;
    }

    /**
     * @param device GPU device id ({@code args.device} / pid of the GPU event)
     * @param stream stream id ({@code args.stream} / tid of the GPU event)
     * @return the globalTid of the GPU pseudo thread that {@code gpu_user_annotation} rows of {@code device} and
     *         {@code stream} carry (both within 24 bits; other values are remapped by the reader)
     */
    public static long gpuStreamGlobalTid(int device, int stream) {
        return io.proflens.model.GlobalIds.globalTid(GPU_VM_ID, device, stream);
    }

    /**
     * @param globalTid a globalTid of a trace read by this importer
     * @return whether {@code globalTid} is a GPU pseudo thread ({@link #GPU_VM_ID}) rather than a host thread
     */
    public static boolean isGpuStreamThread(long globalTid) {
        return io.proflens.model.GlobalIds.vmId(globalTid) == GPU_VM_ID;
    }

    /**
     * Reads everything {@code options} asks for and stores it (no sinks).
     *
     * @param file     {@code .json} or {@code .json.gz} (sniffed by content)
     * @param options  what to load
     * @param progress progress sink
     * @return the trace
     * @throws ImportException as {@link #read(Path, ImportOptions, ProgressListener, RowSinks)}
     */
    public Trace read(Path file, ImportOptions options, ProgressListener progress) throws ImportException {
        return read(file, options, progress, RowSinks.NONE);
    }

    /**
     * Reads the trace, streaming the tables that have a sink in {@code sinks} (those are left empty, with their
     * {@code present} flag, in the returned trace) and storing the other loaded tables.
     *
     * @param file     {@code .json} or {@code .json.gz} (sniffed by content)
     * @param options  tables to load, whether to keep kernel launch configuration, whether to compute launch links
     * @param progress told the file size in bytes and the compressed bytes consumed so far
     * @param sinks    row consumers per table, or {@link RowSinks#NONE}
     * @return the trace
     * @throws ImportException for a missing, unreadable, empty, non-JSON, non-trace, corrupt or truncated file
     */
    public Trace read(Path file, ImportOptions options, ProgressListener progress, RowSinks sinks)
            throws ImportException {
        checkFile(file);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ImportException(file, "cannot read (" + oneLine(e) + ")", e);
        }
        if (size == 0) {
            throw new ImportException(file, "empty file");
        }
        JsonParser parser = null;
        boolean gzip = false;
        ByteCountingInputStream counted = null;
        progress.begin("Kineto JSON (bytes)", size);
        try (InputStream fileIn = Files.newInputStream(file)) {
            counted = new ByteCountingInputStream(fileIn);
            BufferedInputStream raw = new BufferedInputStream(counted, BUFFER);
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            gzip = b0 == 0x1f && b1 == 0x8b;
            InputStream content = gzip ? new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER) : raw;
            sniffJson(file, content, gzip);
            ByteCountingInputStream c = counted;
            KinetoTraceReader reader = new KinetoTraceReader(file, options, progress, sinks, c::count);
            parser = JSON.createParser(content);
            JsonToken top = reader.readDocument(parser);
            if (top != JsonToken.START_OBJECT && top != JsonToken.START_ARRAY) {
                throw new ImportException(file, "JSON " + describe(top) + " is not a trace; a Kineto trace is an "
                        + "object with a traceEvents array");
            }
            if (!reader.sawTraceEvents) {
                throw new ImportException(file, "JSON without a traceEvents array (top-level keys: "
                        + (reader.topLevelKeys().isEmpty() ? "none" : String.join(", ", reader.topLevelKeys()))
                        + "); not a PyTorch profiler / Kineto trace");
            }
            checkTrailing(parser, reader);
            return reader.finish();
        } catch (JsonEOFException e) {
            throw new ImportException(file, "truncated JSON: input ends at " + (gzip ? "decompressed " : "") + "byte offset "
                    + offset(e.getLocation(), parser) + " before the document is complete (" + firstLine(e.getOriginalMessage())
                    + ")", e);
        } catch (StreamConstraintsException e) {
            throw new ImportException(file, "JSON exceeds a parser limit at " + (gzip ? "decompressed " : "") + "byte offset "
                    + offset(null, parser) + " (" + firstLine(e.getOriginalMessage()) + ")", e);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new ImportException(file, "invalid JSON at " + (gzip ? "decompressed " : "") + "byte offset "
                    + offset(loc, parser) + (loc != null && loc.getLineNr() > 0 ? " (line " + loc.getLineNr() + ", column "
                    + loc.getColumnNr() + ")" : "") + ": " + firstLine(e.getOriginalMessage()), e);
        } catch (EOFException e) {
            throw new ImportException(file, "truncated gzip data: the compressed stream ends at byte " + count(counted)
                    + " of " + size + " before the gzip end marker (JSON read up to decompressed byte offset "
                    + offset(null, parser) + ")", e);
        } catch (ZipException e) {
            throw new ImportException(file, "corrupt gzip data near compressed byte offset " + count(counted)
                    + " (decompressed byte offset " + offset(null, parser) + "): " + oneLine(e), e);
        } catch (IOException e) {
            throw new ImportException(file, "cannot read (" + oneLine(e) + ")", e);
        } finally {
            progress.end();
            if (parser != null) {
                try {
                    parser.close();
                } catch (IOException ignored) {
                    // reading is over; the stream is closed with the file
                }
            }
        }
    }

    private static void checkFile(Path file) throws ImportException {
        if (!Files.exists(file)) {
            throw new ImportException(file, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new ImportException(file, "is a directory, expected a Kineto trace file (.json or .json.gz)");
        }
        if (!Files.isReadable(file)) {
            throw new ImportException(file, "permission denied (file is not readable)");
        }
    }

    /** Checks that the (decompressed) content starts like JSON, without consuming it. */
    private static void sniffJson(Path file, InputStream in, boolean gzip) throws IOException, ImportException {
        in.mark(BUFFER);
        int first = -1;
        long offset = 0;
        int b;
        while (offset < BUFFER - 1 && (b = in.read()) >= 0) {
            boolean bom = offset < 3 && (b == 0xEF || b == 0xBB || b == 0xBF); // UTF-8 byte order mark
            if (!bom && b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                first = b;
                break;
            }
            offset++;
        }
        in.reset();
        if (first < 0) {
            throw new ImportException(file, gzip ? "gzip file decompresses to no JSON content" : "no JSON content (only blanks)");
        }
        if (first != '{' && first != '[') {
            throw new ImportException(file, "not JSON: the " + (gzip ? "decompressed content" : "file") + " starts with byte 0x"
                    + String.format("%02x", first) + (first >= 0x20 && first < 0x7f ? " ('" + (char) first + "')" : "")
                    + " at offset " + offset + "; expected a PyTorch profiler / Kineto trace (.json or .json.gz)");
        }
    }

    /** Anything after the root value is ignored but counted; a truncated or corrupt gzip trailer still fails. */
    private static void checkTrailing(JsonParser parser, KinetoTraceReader reader) throws IOException {
        try {
            JsonToken t = parser.nextToken();
            if (t != null) {
                reader.note("json.trailing_content", Severity.WARNING, 1, "content after the end of the JSON document "
                        + "(ignored), starting at byte offset " + parser.currentTokenLocation().getByteOffset());
            }
        } catch (JsonProcessingException e) {
            reader.note("json.trailing_content", Severity.WARNING, 1, "content after the end of the JSON document "
                    + "(ignored): " + firstLine(e.getOriginalMessage()));
        }
    }

    private static long offset(JsonLocation loc, JsonParser parser) {
        if (loc != null && loc.getByteOffset() >= 0) {
            return loc.getByteOffset();
        }
        return parser == null ? 0 : Math.max(0, parser.currentLocation().getByteOffset());
    }

    private static long count(ByteCountingInputStream c) {
        return c == null ? 0 : c.count();
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "document is empty and";
        }
        switch (t) {
            case VALUE_STRING:
                return "string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "boolean";
            case VALUE_NULL:
                return "null";
            default:
                return t.toString();
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    private static String oneLine(Throwable e) {
        return firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
