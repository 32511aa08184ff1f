package io.proflens.ingest.kineto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.analysis.stats.StatsContext;
import io.proflens.analysis.stats.StatsReport;
import io.proflens.analysis.stats.StatsReportRegistry;
import io.proflens.analysis.stats.StreamableReport;
import io.proflens.analysis.stats.TraceFilter;
import io.proflens.ingest.ImportException;
import io.proflens.ingest.ImportOptions;
import io.proflens.ingest.ProgressListener;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.ImportIssue;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.MemcpyKind;
import io.proflens.model.MemoryKind;
import io.proflens.model.NvtxTable;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kineto reader over the real traces of {@code ../shared/data/kineto} (read in place, never written) plus
 * synthetic edge cases. Expected per-file figures are parsed from each folder's {@code SOURCE.txt}; upstream
 * figures are quoted from kineto-reference.md §5 and the TraceLens {@code EXPECTED_perf_report_csvs}.
 */
class KinetoJsonImporterTest {
    static final Path DATA = Path.of("..", "shared", "data", "kineto");
    private final KinetoJsonImporter importer = new KinetoJsonImporter();

    static Stream<Path> traces() throws IOException {
        try (Stream<Path> s = Files.walk(DATA)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json.gz")).sorted().collect(Collectors.toList()).stream();
        }
    }

    private Trace load(Path p) throws ImportException {
        return importer.read(p, ImportOptions.all(), ProgressListener.NONE);
    }

    private Trace load(String relative) throws ImportException {
        return load(DATA.resolve(relative));
    }

    // ------------------------------------------------------------------------------ SOURCE.txt expectations

    /** Per-trace statistics of one SOURCE.txt block ("kernel=yes (N)", "ProfilerSteps=[...]"). */
    record SourceStats(int kernels, List<String> profilerSteps) {
    }

    private static final Pattern FILE_LINE = Pattern.compile("^  (\\S+\\.json\\.gz): compressed");
    private static final Pattern KERNELS = Pattern.compile("\\bkernel=(?:yes \\((\\d+)\\)|no)");
    private static final Pattern STEPS = Pattern.compile("ProfilerSteps=\\[([^\\]]*)\\]");

    static Map<String, SourceStats> sourceStats(Path folder) throws IOException {
        Map<String, SourceStats> out = new LinkedHashMap<>();
        String current = null;
        Integer kernels = null;
        List<String> steps = null;
        for (String line : Files.readAllLines(folder.resolve("SOURCE.txt"), StandardCharsets.UTF_8)) {
            Matcher f = FILE_LINE.matcher(line);
            if (f.find()) {
                if (current != null) {
                    out.put(current, new SourceStats(kernels, steps));
                }
                current = f.group(1);
                kernels = null;
                steps = null;
                continue;
            }
            if (current == null) {
                continue;
            }
            Matcher k = KERNELS.matcher(line);
            if (k.find()) {
                kernels = k.group(1) == null ? 0 : Integer.parseInt(k.group(1));
            }
            Matcher s = STEPS.matcher(line);
            if (s.find()) {
                steps = new ArrayList<>();
                for (String x : s.group(1).split(",")) {
                    String t = x.trim().replace("'", "");
                    if (!t.isEmpty()) {
                        steps.add(t);
                    }
                }
            }
            if (line.isBlank() || line.startsWith("expected")) {
                out.put(current, new SourceStats(kernels, steps));
                current = null;
            }
        }
        if (current != null) {
            out.put(current, new SourceStats(kernels, steps));
        }
        return out;
    }

    @Test
    void sourceFilesDescribeEveryTraceButTheExpectedOverlay() throws IOException {
        List<Path> all = traces().collect(Collectors.toList());
        assertThat(all).hasSizeGreaterThanOrEqualTo(30);
        int described = 0;
        for (Path p : all) {
            Map<String, SourceStats> stats = sourceStats(p.getParent());
            if (stats.containsKey(p.getFileName().toString())) {
                described++;
                assertThat(stats.get(p.getFileName().toString()).kernels()).as(p.toString()).isNotNull();
            }
        }
        assertThat(described).isEqualTo(all.size() - 1); // simple_add_overlaid_critical_path_EXPECTED has no block
    }

    @ParameterizedTest
    @MethodSource("traces")
    void loadsWithTheKernelCountAndProfilerStepsOfSourceTxt(Path p) throws Exception {
        String before = sha256(p);
        long t0 = System.nanoTime();
        Trace t = load(p);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("kineto load %-90s %5d ms %7d kernels%n", DATA.relativize(p), ms, t.kernels().size());
        assertThat(sha256(p)).as("input unchanged").isEqualTo(before);
        assertThat(t.metadata().format()).isEqualTo("kineto-json");
        assertThat(t.kernels().size() + t.cudaApi().size() + t.cpuRanges().size()).isPositive();
        assertThat(t.issues()).extracting(ImportIssue::severity).doesNotContain(ImportIssue.Severity.ERROR);
        assertThat(t.issues()).extracting(ImportIssue::code)
                .doesNotContain("event.duplicate", "event.unknown_category", "event.unknown_phase", "event.negative_dur",
                        "event.missing_dur", "gpu.process_unknown");
        for (int i = 0; i < t.kernels().size(); i++) {
            assertThat(t.kernels().endNs(i)).isGreaterThanOrEqualTo(t.kernels().startNs(i));
        }
        SourceStats expected = sourceStats(p.getParent()).get(p.getFileName().toString());
        if (expected == null) {
            return; // the expected critical-path overlay has no statistics block
        }
        assertThat(t.kernels().size()).as("kernels of %s (SOURCE.txt)", p).isEqualTo(expected.kernels());
        assertThat(t.kernels().present()).isEqualTo(expected.kernels() > 0);
        Set<String> steps = new TreeSet<>();
        NvtxTable n = t.nvtx();
        for (int i = 0; i < n.size(); i++) {
            String text = t.string(n.textId(i));
            if (text.startsWith("ProfilerStep#") && !KinetoJsonImporter.isGpuStreamThread(n.globalTid(i))) {
                steps.add(text);
                assertThat(n.eventType(i)).isEqualTo(NvtxTable.PUSH_POP);
                assertThat(n.domainNameId(i)).isEqualTo(io.proflens.model.StringTable.NONE);
            }
        }
        assertThat(steps).as("ProfilerStep ranges of %s", p).containsExactlyInAnyOrderElementsOf(expected.profilerSteps());
    }

    @ParameterizedTest
    @MethodSource("traces")
    void everyStatsReportComputesOrSaysSkipped(Path p) throws Exception {
        Trace t = load(p);
        StatsReportRegistry reg = new StatsReportRegistry();
        StatsContext ctx = new StatsContext(List.of(), TraceFilter.NONE, NamingPolicy.forMetadata(t.metadata()));
        for (StatsReport r : reg.all()) {
            String missing = r.missingData(t);
            if (missing != null) {
                assertThat(missing).startsWith("does not contain");
                continue;
            }
            assertThat(r.compute(t, ctx).columns()).as(r.name()).isNotEmpty();
        }
    }

    // ------------------------------------------------------------------------------ correlation links

    @ParameterizedTest
    @MethodSource("traces")
    void mostKernelsFindTheirLaunchInTheirOwnProcess(Path p) throws Exception {
        Trace t = load(p);
        KernelTable k = t.kernels();
        LaunchLinks links = t.launchLinks();
        assertThat(links).isNotNull();
        if (k.size() == 0 || p.toString().contains("hta-trace-compare-tiny")) {
            return; // hand-trimmed 33-event files: 4 of 6 kernels lost their launch in the trimming
        }
        int matched = 0;
        int launchNamed = 0;
        for (int i = 0; i < k.size(); i++) {
            int api = links.kernelApiRow(i);
            if (api >= 0) {
                matched++;
                assertThat(t.cudaApi().correlationId(api)).isEqualTo(k.correlationId(i));
                assertThat(GlobalIds.processOf(t.cudaApi().globalTid(api))).isEqualTo(k.globalPid(i));
                if (t.string(t.cudaApi().nameId(api)).contains("aunch")) {
                    launchNamed++;
                }
            }
            assertThat(t.processes()).containsKey(k.globalPid(i));
        }
        assertThat((double) matched / k.size()).as("share of kernels with their launch, %s", p).isGreaterThan(0.6);
        assertThat((double) launchNamed / matched).as("linked calls are launches, %s", p).isGreaterThan(0.9);
        ImportIssue unmatched = issue(t, "kernel.launch_not_in_capture");
        assertThat(unmatched == null ? 0 : unmatched.count()).isEqualTo(links.unmatchedKernels());
    }

    /**
     * kineto-reference.md §2.9 [computed]: in the Qwen traces the 509 (H100) / 463 (MI300X) GPU events before the
     * profiled step have no runtime event. Counted by the reader's own correlation map when links are not computed,
     * by {@link LaunchLinks} when they are: both agree.
     */
    @ParameterizedTest
    @CsvSource({"tl-h100-qwen1.5-0.5b-chat-infer/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz, 509",
            "tl-mi300x-qwen1.5-0.5b-chat-infer/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz, 463"})
    void gpuEventsWithoutLaunchMatchTheReference(String file, long expected) throws Exception {
        Trace linked = load(file);
        assertThat(linked.launchLinks().unmatchedKernels() + linked.launchLinks().unmatchedMemops()).isEqualTo(expected);
        Trace unlinked = importer.read(DATA.resolve(file), new ImportOptions(EnumSet.allOf(TableKind.class), true, false),
                ProgressListener.NONE);
        assertThat(unlinked.launchLinks()).isNull();
        long k = count(unlinked, "kernel.launch_not_in_capture");
        long m = count(unlinked, "memop.launch_not_in_capture");
        assertThat(k).isEqualTo(linked.launchLinks().unmatchedKernels());
        assertThat(k + m).isEqualTo(expected);
    }

    // ------------------------------------------------------------------------------ time

    @Test
    void nsResolutionTraceKeepsSubMicrosecondPrecision() throws Exception {
        Trace t = load("hta-resnet-ddp-v100-ns-resolution/rank-0.Apr_03_18_51_38.1102.pt.trace.json.gz");
        KernelTable k = t.kernels();
        // first kernel of the file: "ts": 1712195495505582.988, "dur": 4.928 (19 significant digits; a double
        // near 1.7e15 has a spacing of 0.25 µs and would lose the ns)
        assertThat(k.startNs(0)).isEqualTo(1_712_195_495_505_582_988L);
        assertThat(k.endNs(0)).isEqualTo(1_712_195_495_505_587_916L);
        long subMicro = 0;
        for (int i = 0; i < k.size(); i++) {
            if (k.startNs(i) % 1000 != 0) {
                subMicro++;
            }
        }
        assertThat(subMicro).isGreaterThan(k.size() / 2);
        assertThat(t.metadata().properties()).containsEntry("displayTimeUnit", "ns"); // a viewer hint only (§2.6)
        assertThat(t.metadata().sessionStartUtcEpochNs()).isNull();
    }

    @Test
    void relativeTimestampsKeepTheirBase() throws Exception {
        Trace t = load("tl-h100-qwen1.5-0.5b-chat-infer/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz");
        assertThat(t.metadata().sessionStartUtcEpochNs()).isEqualTo(1_751_410_836_000_000_000L);
        // first python_function: "ts": 1428625731516.983, "dur": 49779.532 (pid 0, tid 0)
        NvtxTable c = t.cpuRanges();
        int first = -1;
        for (int i = 0; i < c.size(); i++) {
            if (t.string(c.textId(i)).equals("threading.py(1032): _bootstrap")) {
                first = i;
                break;
            }
        }
        assertThat(first).isNotNegative();
        assertThat(c.startNs(first)).isEqualTo(1_428_625_731_516_983L);
        assertThat(c.durationNs(first)).isEqualTo(49_779_532L);
        assertThat(t.string(c.domainNameId(first))).isEqualTo("python_function");
        assertThat(c.globalTid(first)).isEqualTo(GlobalIds.globalTid(1, 0, 0));
    }

    @ParameterizedTest
    @CsvSource({
            "1.0005, 1001",
            "0.0004, 0",
            "0.0005, 1",
            "-0.0005, -1",
            "-1.5, -1500",
            "-0.0004, 0",
            "12, 12000",
            "0, 0",
            "-0, 0",
            "45.0, 45000",
            "68.0, 68000",
            "0.639, 639",
            "1716403234567.1235, 1716403234567124",
            "1716403234567.1234999, 1716403234567123",
            "1712195495519689.047, 1712195495519689047",
            "1.5e3, 1500000",
            "1.5E+3, 1500000",
            "2e-3, 2",
            "5e-4, 1",
            "4.9e-4, 0",
            "1e-400, 0",
            "9223372036854775.807, 9223372036854775807",
            "-9223372036854775.807, -9223372036854775807",
            "00012.5, 12500",
            "'  7 ', 7000",
            ".5, 500",
            "3., 3000"})
    void roundsMicrosecondsToNanosecondsHalfAwayFromZeroExactly(String micros, long nanos) {
        assertThat(DecimalMicros.toNanos(micros)).isEqualTo(nanos);
        // cross-check against BigDecimal (HALF_UP rounds half away from zero)
        assertThat(new BigDecimal(micros.trim()).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact())
                .isEqualTo(nanos);
    }

    @ParameterizedTest
    @CsvSource({"9223372036854775.808", "1e20", "-9223372036854776"})
    void overflowingTimesAreRejected(String micros) {
        assertThatThrownBy(() -> DecimalMicros.toNanos(micros)).isInstanceOf(ArithmeticException.class);
    }

    @ParameterizedTest
    @CsvSource({"abc", "1.2.3", "-", "1e", "e5", "0x10", "'1,5'", "''", "NaN", "Infinity"})
    void nonNumbersAreRejected(String micros) {
        assertThatThrownBy(() -> DecimalMicros.toNanos(micros)).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void timesAreParsedFromTheJsonTextEndToEnd(@TempDir Path dir) throws Exception {
        Path f = write(dir, "t.json", trace(
                "{'ph':'X','cat':'cuda_runtime','name':'cudaLaunchKernel','pid':10,'tid':11,'ts':1716403234567.1235,"
                        + "'dur':1.0005,'args':{'correlation':5}}",
                "{'ph':'X','cat':'kernel','name':'k','pid':0,'tid':7,'ts':1.5e3,'dur':0.0004,"
                        + "'args':{'device':0,'stream':7,'correlation':5}}",
                "{'ph':'X','cat':'cpu_op','name':'aten::mm','pid':10,'tid':11,'ts':\"12.0005\",'dur':-1.5}"));
        Trace t = load(f);
        ApiCallTable api = t.cudaApi();
        assertThat(api.startNs(0)).isEqualTo(1_716_403_234_567_124L);
        assertThat(api.endNs(0)).isEqualTo(1_716_403_234_567_124L + 1001);
        assertThat(t.kernels().startNs(0)).isEqualTo(1_500_000L);
        assertThat(t.kernels().durationNs(0)).isZero();
        assertThat(t.cpuRanges().startNs(0)).isEqualTo(12_001L);
        assertThat(t.cpuRanges().durationNs(0)).isEqualTo(-1500L); // kept as written, counted
        assertThat(count(t, "event.negative_dur")).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------ errors

    @Test
    void truncatedGzipNamesTheByteOffset(@TempDir Path dir) throws Exception {
        Path src = DATA.resolve("tl-h100-qwen1.5-0.5b-chat-infer/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz");
        byte[] all = Files.readAllBytes(src);
        int cut = all.length / 2;
        Path f = dir.resolve("cut.json.gz");
        Files.write(f, Arrays.copyOf(all, cut));
        assertThatThrownBy(() -> load(f)).isInstanceOf(ImportException.class)
                .hasMessageStartingWith(f + ": truncated gzip data")
                .hasMessageContaining("ends at byte " + cut + " of " + cut)
                .hasMessageContaining("decompressed byte offset")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        // gzip trailer missing only: the JSON is complete but the file is still cut
        Path g = dir.resolve("trailer.json.gz");
        Files.write(g, Arrays.copyOf(all, all.length - 4));
        assertThatThrownBy(() -> load(g)).isInstanceOf(ImportException.class).hasMessageContaining("truncated gzip data");
    }

    @Test
    void truncatedJsonNamesTheByteOffset(@TempDir Path dir) throws Exception {
        byte[] json = gunzip(DATA.resolve("hta-critical-path-a100/event_sync_trace.json.gz"));
        int cut = json.length * 3 / 5;
        Path f = dir.resolve("cut.json");
        Files.write(f, Arrays.copyOf(json, cut));
        assertThatThrownBy(() -> load(f)).isInstanceOf(ImportException.class)
                .hasMessageStartingWith(f + ": truncated JSON: input ends at byte offset " + cut)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        // the same cut JSON, gzip-compressed correctly: the offset is in the decompressed stream
        Path g = dir.resolve("cut.json.gz");
        Files.write(g, gzip(Arrays.copyOf(json, cut)));
        assertThatThrownBy(() -> load(g)).isInstanceOf(ImportException.class)
                .hasMessageStartingWith(g + ": truncated JSON: input ends at decompressed byte offset " + cut);
    }

    @Test
    void invalidJsonNamesTheByteOffset(@TempDir Path dir) throws Exception {
        Path f = write(dir, "bad.json", "{\"traceEvents\": [{\"ph\": \"X\",, }]}");
        assertThatThrownBy(() -> load(f)).isInstanceOf(ImportException.class)
                .hasMessageStartingWith(f + ": invalid JSON at byte offset 28 (line 1, column 29)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void jsonThatIsNotATraceIsRejected(@TempDir Path dir) throws Exception {
        Path f = write(dir, "a.json", "{\"a\":1}");
        assertThatThrownBy(() -> load(f)).isInstanceOf(ImportException.class)
                .hasMessage(f + ": JSON without a traceEvents array (top-level keys: a); not a PyTorch profiler / Kineto trace");
        Path g = write(dir, "b.json.gz", "");
        Files.write(g, gzip("{\"traceEvents\": 5}".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> load(g)).isInstanceOf(ImportException.class)
                .hasMessageContaining("JSON without a traceEvents array (top-level keys: traceEvents)");
    }

    @Test
    void binaryGarbageAndEmptyFilesAreRejectedInOneLine(@TempDir Path dir) throws Exception {
        Path bin = dir.resolve("garbage.json");
        byte[] b = new byte[4096];
        new java.util.Random(42).nextBytes(b);
        b[0] = 0x00;
        Files.write(bin, b);
        assertThatThrownBy(() -> load(bin)).isInstanceOf(ImportException.class)
                .hasMessageStartingWith(bin + ": not JSON: the file starts with byte 0x00 at offset 0")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Path sqlite = write(dir, "x.json", "SQLite format 3\0...");
        assertThatThrownBy(() -> load(sqlite)).isInstanceOf(ImportException.class)
                .hasMessageContaining("not JSON: the file starts with byte 0x53 ('S') at offset 0");
        Path gz = dir.resolve("garbage.json.gz");
        Files.write(gz, gzip("\n\n  hello".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> load(gz)).isInstanceOf(ImportException.class)
                .hasMessageContaining("not JSON: the decompressed content starts with byte 0x68 ('h') at offset 4");
        Path badGz = dir.resolve("bad.json.gz");
        byte[] corrupt = gzip("{\"traceEvents\": []}".repeat(100).getBytes(StandardCharsets.UTF_8));
        for (int i = 12; i < corrupt.length - 8; i++) {
            corrupt[i] ^= 0x5a;
        }
        Files.write(badGz, corrupt);
        assertThatThrownBy(() -> load(badGz)).isInstanceOf(ImportException.class)
                .hasMessageContaining("gzip")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Path empty = write(dir, "empty.json", "");
        assertThatThrownBy(() -> load(empty)).isInstanceOf(ImportException.class).hasMessage(empty + ": empty file");
        Path blanks = write(dir, "blank.json", "  \n ");
        assertThatThrownBy(() -> load(blanks)).isInstanceOf(ImportException.class)
                .hasMessage(blanks + ": no JSON content (only blanks)");
        Path emptyGz = dir.resolve("empty.json.gz");
        Files.write(emptyGz, gzip(new byte[0]));
        assertThatThrownBy(() -> load(emptyGz)).isInstanceOf(ImportException.class)
                .hasMessage(emptyGz + ": gzip file decompresses to no JSON content");
        assertThatThrownBy(() -> load(dir.resolve("missing.json"))).isInstanceOf(ImportException.class)
                .hasMessageEndingWith(": no such file");
        assertThatThrownBy(() -> load(dir)).isInstanceOf(ImportException.class).hasMessageContaining("is a directory");
        Path number = write(dir, "n.json", "[1, 2]");
        assertThat(count(load(number), "event.not_json_object")).isEqualTo(2);
    }

    @Test
    void sniffsJsonAndGzipByContent() {
        assertThat(KinetoJsonImporter.looksLikeJsonOrGzip(new byte[] {0x1f, (byte) 0x8b, 8, 0})).isTrue();
        assertThat(KinetoJsonImporter.looksLikeJsonOrGzip(" \n\t{\"traceEvents\"".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(KinetoJsonImporter.looksLikeJsonOrGzip("[{}]".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(KinetoJsonImporter.looksLikeJsonOrGzip(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{'})).isTrue();
        assertThat(KinetoJsonImporter.looksLikeJsonOrGzip("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(KinetoJsonImporter.looksLikeJsonOrGzip("   ".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(KinetoJsonImporter.looksLikeJsonOrGzip(new byte[0])).isFalse();
        assertThat(KinetoJsonImporter.looksLikeJsonOrGzip(new byte[] {0x1f})).isFalse();
    }

    // ------------------------------------------------------------------------------ stats over Kineto input

    @ParameterizedTest
    @MethodSource("traces")
    void kernelSummaryInstancesSumToTheKernelCount(Path p) throws Exception {
        Trace t = load(p);
        StatsReport r = new StatsReportRegistry().get("cuda_gpu_kern_sum");
        if (r.missingData(t) != null) {
            assertThat(t.kernels().size()).isZero();
            return;
        }
        ResultTable table = r.compute(t, new StatsContext(List.of(), TraceFilter.NONE, null));
        int inst = table.columnIndex("Instances");
        int total = table.columnIndex("Total Time");
        long instances = 0;
        long time = 0;
        for (Object[] row : table.rows()) {
            instances += ((Number) row[inst]).longValue();
            time += ((Number) row[total]).longValue();
        }
        assertThat(instances).isEqualTo(t.kernels().size());
        long sum = 0;
        for (int i = 0; i < t.kernels().size(); i++) {
            sum += t.kernels().durationNs(i);
        }
        assertThat(time).isEqualTo(sum);
    }

    /**
     * TraceLens {@code kernel_summary.csv} (tests/test_perf_report_regression.py expected output) lists every kernel
     * of the trace, one row per (parent op category, parent cpu_op, kernel name, stream), with count and sum in µs.
     * Definition difference: nsys's {@code cuda_gpu_kern_sum} groups by kernel name only, so the CSV rows are summed
     * per name; both then count all kernels (TraceLens's kernels without a launch form rows with an empty parent).
     * Kineto's µs have 3 decimals, so the sums must agree to the ns.
     */
    @ParameterizedTest
    @CsvSource({"tl-h100-qwen1.5-0.5b-chat-infer, 26", "tl-mi300x-qwen1.5-0.5b-chat-infer, 28",
            "tl-h100-owlv2-large-infer, 54"})
    void kernelSummaryReproducesTraceLensPerKernelCountsAndTimes(String folder, int names) throws Exception {
        Path dir = DATA.resolve(folder);
        Path trace;
        try (Stream<Path> s = Files.list(dir)) {
            trace = s.filter(x -> x.toString().endsWith(".json.gz")).findFirst().orElseThrow();
        }
        Map<String, long[]> expected = new HashMap<>(); // name -> {count, sum ns}
        List<List<String>> csv = io.proflens.TestData.readCsv(dir.resolve("EXPECTED_perf_report_csvs/kernel_summary.csv"));
        List<String> header = csv.get(0);
        int nameCol = header.indexOf("Kernel name");
        int sumCol = header.indexOf("Kernel duration (µs)_sum");
        int countCol = header.indexOf("Kernel duration (µs)_count");
        for (List<String> row : csv.subList(1, csv.size())) {
            long[] e = expected.computeIfAbsent(row.get(nameCol), k -> new long[2]);
            e[0] += Long.parseLong(row.get(countCol));
            e[1] += new BigDecimal(row.get(sumCol)).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        }
        assertThat(expected).hasSize(names);
        Trace t = load(trace);
        ResultTable table = new StatsReportRegistry().get("cuda_gpu_kern_sum")
                .compute(t, new StatsContext(List.of(), TraceFilter.NONE, null));
        Map<String, long[]> actual = new HashMap<>();
        int name = table.columnIndex("Name");
        for (Object[] row : table.rows()) {
            actual.put((String) row[name], new long[] {((Number) row[table.columnIndex("Instances")]).longValue(),
                    ((Number) row[table.columnIndex("Total Time")]).longValue()});
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            long[] a = actual.get(e.getKey());
            assertThat(a[0]).as("instances of %s", e.getKey()).isEqualTo(e.getValue()[0]);
            // CSV sums are float64 sums of 3-decimal µs: within 1 ns of the exact ns total
            assertThat(a[1]).as("total ns of %s", e.getKey()).isCloseTo(e.getValue()[1], within(1L));
        }
    }

    /** kineto-reference.md §5 / HTA tests/test_trace_parse.py::test_nccl_parser_config: 21 ncclKernel kernels. */
    @Test
    void ncclKernelCountMatchesHta() throws Exception {
        Trace t = load("hta-resnet-ddp-a100-ws2-nccl-args/nccl_data.json.gz");
        ResultTable table = new StatsReportRegistry().get("cuda_gpu_kern_sum")
                .compute(t, new StatsContext(List.of(), TraceFilter.NONE, null));
        long nccl = 0;
        for (Object[] row : table.rows()) {
            if (((String) row[table.columnIndex("Name")]).contains("ncclKernel")) {
                nccl += ((Number) row[table.columnIndex("Instances")]).longValue();
            }
        }
        assertThat(nccl).isEqualTo(21);
        assertThat(t.metadata().properties()).containsEntry("rank", "0").containsEntry("world_size", "2")
                .containsEntry("backend", "nccl").containsEntry("distributedInfo.nccl_version", "2.17.1");
    }

    /**
     * kineto-reference.md §5, HTA tests/test_trace_diff.py on hta-trace-compare-tiny/base.json: rank 1; the CPU ops of
     * iteration 1010 are {ProfilerStep#1010, aten::as_strided, aten::empty, cudaEventQuery, cudaLaunchKernel,
     * nccl:all_reduce}, once each, with total durations {122149, 0, 0, 4, 4, 67} µs. HTA puts an op in the iteration
     * whose ProfilerStep range contains its start; the same rule over the three host tables gives the same six rows.
     */
    @Test
    void iterationOpsMatchHtaOpsSummary() throws Exception {
        Trace t = load("hta-trace-compare-tiny/base.json.gz");
        assertThat(t.metadata().properties()).containsEntry("rank", "1");
        long s = -1;
        long e = -1;
        for (int i = 0; i < t.nvtx().size(); i++) {
            if (t.string(t.nvtx().textId(i)).equals("ProfilerStep#1010")) {
                s = t.nvtx().startNs(i);
                e = t.nvtx().endNs(i);
            }
        }
        Map<String, Long> ops = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (NvtxTable n : List.of(t.nvtx(), t.cpuRanges())) {
            for (int i = 0; i < n.size(); i++) {
                if (n.startNs(i) >= s && n.startNs(i) < e) {
                    ops.merge(t.string(n.textId(i)), n.durationNs(i), Long::sum);
                    counts.merge(t.string(n.textId(i)), 1, Integer::sum);
                }
            }
        }
        for (int i = 0; i < t.cudaApi().size(); i++) {
            if (t.cudaApi().startNs(i) >= s && t.cudaApi().startNs(i) < e) {
                ops.merge(t.string(t.cudaApi().nameId(i)), t.cudaApi().durationNs(i), Long::sum);
                counts.merge(t.string(t.cudaApi().nameId(i)), 1, Integer::sum);
            }
        }
        assertThat(ops).containsExactlyInAnyOrderEntriesOf(Map.of("ProfilerStep#1010", 122_149_000L,
                "aten::as_strided", 0L, "aten::empty", 0L, "cudaEventQuery", 4_000L, "cudaLaunchKernel", 4_000L,
                "nccl:all_reduce", 67_000L));
        assertThat(counts.values()).containsOnly(1);
    }

    /** kineto-reference.md §5: the CUPTI-counter trace has 77 cuda_profiler_range events and no kernel events. */
    @Test
    void cuptiCounterRangesAreCountedNotImported() throws Exception {
        Trace t = load("hta-cupti-counters-alexnet-a100/benchmark_result_924719_1679055439_trace.json.gz");
        assertThat(t.kernels().present()).isFalse();
        assertThat(new StatsReportRegistry().get("cuda_gpu_kern_sum").missingData(t)).isNotNull();
        assertThat(issue(t, "event.not_imported").message()).contains("cuda_profiler_range 77");
    }

    /** Streaming equals eager: the report fed by the reader's sinks gives the same table as over stored rows. */
    @Test
    void streamedKernelSummaryEqualsEager() throws Exception {
        Path p = DATA.resolve("tl-mi300x-resnet-ddp8-act-checkpoint/resnet_act_checkpoint.json.gz");
        StreamableReport r = (StreamableReport) new StatsReportRegistry().get("cuda_gpu_kern_sum");
        StatsContext ctx = new StatsContext(List.of(), TraceFilter.NONE, null);
        ResultTable eager = r.compute(load(p), ctx);
        StreamableReport.Accumulator acc = r.accumulator(ctx);
        Trace streamed = importer.read(p, new ImportOptions(EnumSet.of(TableKind.KERNEL), false, false),
                ProgressListener.NONE, acc.sinks());
        assertThat(streamed.kernels().size()).isZero();
        assertThat(streamed.kernels().present()).isTrue();
        ResultTable viaSinks = acc.finish(streamed);
        assertThat(viaSinks.size()).isEqualTo(eager.size());
        for (int i = 0; i < eager.size(); i++) {
            assertThat(viaSinks.rows().get(i)).containsExactly(eager.rows().get(i));
        }
    }

    @Test
    void loadsOnlyTheRequestedTables() throws Exception {
        Path p = DATA.resolve("hta-critical-path-a100/alexnet_trace.json.gz");
        Trace all = load(p);
        Trace some = importer.read(p, new ImportOptions(EnumSet.of(TableKind.KERNEL), false, true), ProgressListener.NONE);
        assertThat(some.kernels().size()).isEqualTo(all.kernels().size());
        assertThat(some.kernels().hasLaunchConfig()).isFalse();
        assertThat(some.cudaApi().size()).isZero();
        assertThat(some.cudaApi().present()).isTrue();
        assertThat(some.nvtx().size()).isZero();
        assertThat(some.nvtx().present()).isTrue();
        assertThat(some.cpuRanges().size()).isZero();
        assertThat(some.memcpys().size()).isZero();
        assertThat(some.memcpys().present()).isTrue();
        assertThat(some.syncs().size()).isZero();
        assertThat(some.osRuntime().present()).isFalse();
        assertThat(some.launchLinks()).isNull(); // needs the API table
        for (int i = 0; i < all.kernels().size(); i++) {
            assertThat(some.kernels().globalPid(i)).isEqualTo(all.kernels().globalPid(i)); // process still resolved
            assertThat(some.kernels().startNs(i)).isEqualTo(all.kernels().startNs(i));
        }
        assertThat(all.syncs().size()).isEqualTo(41);
        assertThat(all.syncs().syncType(0)).isBetween(1, 4);
    }

    // ------------------------------------------------------------------------------ mapping details

    @Test
    void kernelColumnsComeFromTheArgs() throws Exception {
        Trace t = load("tl-h100-qwen1.5-0.5b-chat-infer/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz");
        KernelTable k = t.kernels();
        // first kernel: grid [17888,1,1] on 132 SMs -> blocks per SM 135.515152 (§2.5)
        assertThat(k.gridX(0)).isEqualTo(17888);
        assertThat(k.gridY(0)).isEqualTo(1);
        assertThat(k.blockX(0)).isEqualTo(128);
        assertThat(k.registersPerThread(0)).isEqualTo(16);
        assertThat(k.blocksPerSm(0)).isCloseTo(135.515152, within(1e-9));
        assertThat(k.achievedOccupancyPct(0)).isEqualTo(100.0);
        assertThat(k.deviceId(0)).isZero();
        assertThat(k.streamId(0)).isEqualTo(7);
        assertThat(t.string(k.shortNameId(0))).isEqualTo("vectorized_elementwise_kernel");
        assertThat(t.string(k.demangledNameId(0))).startsWith("void at::native::vectorized_elementwise_kernel<4,");
        assertThat(k.mangledNameId(0)).isEqualTo(io.proflens.model.StringTable.NONE);
        assertThat(t.devices()).hasSize(1);
        assertThat(t.devices().get(0).name()).isEqualTo("NVIDIA H100 80GB HBM3");
        assertThat(t.devices().get(0).smCount()).isEqualTo(132);
        assertThat(t.devices().get(0).computeMajor()).isEqualTo(9);
        assertThat(t.devices().get(0).totalMemoryBytes()).isEqualTo(85_018_279_936L);
        // the one memcpy: "Memcpy DtoH (Device -> Pinned)"
        assertThat(t.memcpys().copyKind(0)).isEqualTo(MemcpyKind.DTOH.id());
        assertThat(t.memcpys().srcKind(0)).isEqualTo(MemoryKind.DEVICE.id());
        assertThat(t.memcpys().dstKind(0)).isEqualTo(MemoryKind.PINNED.id());
        assertThat(t.memsets().memKind(0)).isEqualTo(MemoryKind.DEVICE.id());
        // one cuLaunchKernel (driver) among the runtime calls
        long driver = 0;
        for (int i = 0; i < t.cudaApi().size(); i++) {
            if (t.cudaApi().eventClass(i) == ApiCallTable.CLASS_CUDA_DRIVER) {
                driver++;
                assertThat(t.string(t.cudaApi().nameId(i))).isEqualTo("cuLaunchKernel");
            }
        }
        assertThat(driver).isEqualTo(1);
        // GPU-side ProfilerStep#6 on the stream-7 pseudo thread of device 0
        long gpuStep = KinetoJsonImporter.gpuStreamGlobalTid(0, 7);
        assertThat(t.threads().get(gpuStep).name()).isEqualTo("stream 7");
        assertThat(t.processes().get(GlobalIds.processOf(gpuStep)).name()).isEqualTo("GPU 0");
        boolean found = false;
        for (int i = 0; i < t.nvtx().size(); i++) {
            if (t.nvtx().globalTid(i) == gpuStep) {
                found = true;
                assertThat(t.string(t.nvtx().textId(i))).isEqualTo("ProfilerStep#6");
                assertThat(t.nvtx().durationNs(i)).isEqualTo(34_892_421L); // "dur": 34892.421
            }
        }
        assertThat(found).isTrue();
        assertThat(t.processes().get(GlobalIds.globalTid(1, 25286, 0)).name()).isEqualTo("python3");
        assertThat(t.threads().get(GlobalIds.globalTid(1, 25286, 25286)).name()).isEqualTo("thread 25286 (python3)");
    }

    @Test
    void amdTracesMapHipCallsAndMissingBytes() throws Exception {
        Trace t = load("hta-amd-mi250-minitoy/mi250_minitoy_train_ROCm6_2_kineto.json.gz");
        assertThat(t.kernels().size()).isEqualTo(14);
        assertThat(t.kernels().achievedOccupancyPct(0)).isNaN();
        assertThat(t.kernels().deviceId(0)).isEqualTo(2);
        assertThat(t.launchLinks().unmatchedKernels()).isZero();
        assertThat(t.string(t.cudaApi().nameId(t.launchLinks().kernelApiRow(0)))).startsWith("hip");
        // the two copies state no bytes; hipMemcpyWithStream says "size": "2560"
        assertThat(t.memcpys().bytes(0)).isEqualTo(2560);
        assertThat(t.memcpys().copyKind(0)).isEqualTo(MemcpyKind.HTOD.id());
        assertThat(t.memcpys().srcKind(0)).isEqualTo(-1); // "Host": neither pageable nor pinned
        assertThat(count(t, "memcpy.bytes_from_api")).isEqualTo(2);
        assertThat(t.devices()).extracting(d -> d.name()).contains("AMD Radeon Graphics");
        Trace x = load("tl-mi300x-resnet-ddp8-act-checkpoint/resnet_act_checkpoint.json.gz");
        assertThat(count(x, "memcpy.bytes_missing")).isEqualTo(184);
        assertThat(count(x, "memset.bytes_missing")).isEqualTo(108);
        assertThat(x.metadata().properties()).containsEntry("world_size", "8").containsEntry("hip_runtime_version", "60443483");
    }

    @Test
    void negativeThreadIdsAreRemappedAndCounted() throws Exception {
        Trace t = load("hta-resnet-ddp-a100-ws2-nccl-args/nccl_data.json.gz");
        ImportIssue remap = issue(t, "ids.remapped");
        assertThat(remap).isNotNull();
        assertThat(remap.count()).isEqualTo(1);
        assertThat(remap.message()).contains("tid -549452224 -> 16777215");
        assertThat(t.threads()).containsKey(GlobalIds.globalTid(1, 2910249, 0xFFFFFF));
    }

    @Test
    void syntheticEdgeCases(@TempDir Path dir) throws Exception {
        Path f = write(dir, "edge.json", trace(
                // 2021 capitalised categories, lower-case "external id", GPU tid "stream 7"
                "{'ph':'X','cat':'Kernel','name':'k1','pid':0,'tid':'stream 7','ts':100,'dur':5,"
                        + "'args':{'device':0,'correlation':1,'external id':9,'grid':[2,3,4],'block':[32,1,1],"
                        + "'blocks per SM':'inf'}}",
                "{'ph':'X','cat':'Runtime','name':'cudaLaunchKernel','pid':100,'tid':101,'ts':90,'dur':5,'args':{'correlation':1}}",
                "{'ph':'X','cat':'Operator','name':'aten::add','pid':100,'tid':101,'ts':80,'dur':20}",
                "{'ph':'X','cat':'Operator','name':'aten::add','pid':100,'tid':101,'ts':80,'dur':20}", // duplicate
                "{'ph':'X','cat':'Memcpy','name':'Memcpy HtoD (Pageable -> Device)','pid':0,'tid':7,'ts':110,'dur':1,"
                        + "'args':{'device':0,'stream':7,'correlation':2,'bytes':4096}}",
                // a second host process whose launch explains correlation 2
                "{'ph':'X','cat':'cuda_runtime','name':'cudaMemcpyAsync','pid':200,'tid':'spawn_main','ts':95,'dur':3,"
                        + "'args':{'correlation':2}}",
                "{'ph':'X','cat':'kernel','name':'orphan','pid':0,'tid':7,'ts':120,'dur':1,'args':{'device':0,'stream':7,"
                        + "'correlation':77}}",
                "{'ph':'X','cat':'mystery','name':'m','pid':100,'tid':101,'ts':1,'dur':1}",
                "{'ph':'X','cat':'user_annotation','name':'ProfilerStep#1','pid':100,'tid':4294967296,'ts':1}",
                "{'ph':'X','cat':'user_annotation','name':'late','pid':100,'tid':16777215,'ts':2,'dur':1}",
                "{'ph':'B','cat':'cpu_op','name':'b','pid':100,'tid':101,'ts':1}",
                "{'ph':'X','cat':'cpu_op','name':'no ts','pid':100,'tid':101,'dur':1}",
                "{'ph':'X','cat':'cpu_op','name':'bad ts','pid':100,'tid':101,'ts':'soon','dur':1}",
                "{'ph':'s','cat':'ac2g','id':1,'pid':100,'tid':101,'ts':90}",
                "{'ph':'f','cat':'ac2g','id':1,'pid':0,'tid':7,'ts':100,'bp':'e'}",
                "{'ph':'s','cat':'ac2g','id':3,'pid':100,'tid':101,'ts':91}",
                "{'ph':'M','name':'thread_name','pid':100,'tid':101,'args':{'name':'main '}}",
                "{'ph':'M','name':'process_name','pid':100,'args':{'name':'trainer'}}",
                "{'name':'cuda_sync_like','cat':'cuda_sync','ph':'X','pid':0,'tid':-1,'ts':130,'dur':2,"
                        + "'args':{'cuda_sync_kind':'Context Sync','stream':4294967295,'device':0,'correlation':1}}",
                "'distributedInfo': {'rank': 3, 'world_size': 8, 'backend': 'nccl', 'pg_config': [{'x': 1}]}",
                "'schemaVersion': 1", "'metadata': {'env': {'TOKEN': 'secret'}}", "'displayTimeUnit': 'ms'"));
        Trace t = load(f);
        KernelTable k = t.kernels();
        assertThat(k.size()).isEqualTo(2);
        assertThat(k.streamId(0)).isEqualTo(7);
        assertThat(k.gridX(0)).isEqualTo(2);
        assertThat(k.gridZ(0)).isEqualTo(4);
        assertThat(k.blocksPerSm(0)).isInfinite();
        assertThat(k.globalPid(0)).isEqualTo(GlobalIds.globalTid(1, 100, 0)); // by correlation
        assertThat(k.globalPid(1)).isZero(); // two launching processes, no launch: unknown
        assertThat(t.memcpys().globalPid(0)).isEqualTo(GlobalIds.globalTid(1, 200, 0));
        assertThat(t.memcpys().copyKind(0)).isEqualTo(MemcpyKind.HTOD.id());
        assertThat(t.memcpys().srcKind(0)).isEqualTo(MemoryKind.PAGEABLE.id());
        assertThat(t.memcpys().bytes(0)).isEqualTo(4096);
        assertThat(t.syncs().syncType(0)).isEqualTo(4);
        assertThat(t.syncs().streamId(0)).isEqualTo(-1);
        assertThat(t.cpuRanges().size()).isEqualTo(1); // duplicate dropped, no-ts and bad-ts dropped
        assertThat(t.cpuRanges().domainId(0)).isEqualTo(1);
        assertThat(t.cudaApi().size()).isEqualTo(2);
        assertThat(count(t, "event.duplicate")).isEqualTo(1);
        assertThat(count(t, "event.missing_ts")).isEqualTo(1);
        assertThat(count(t, "event.bad_number")).isEqualTo(1);
        assertThat(count(t, "event.missing_dur")).isEqualTo(1);
        assertThat(count(t, "event.unknown_phase")).isEqualTo(1);
        assertThat(issue(t, "event.unknown_category").message()).contains("mystery 1");
        assertThat(count(t, "gpu.process_unknown")).isEqualTo(1);
        assertThat(count(t, "kernel.launch_not_in_capture")).isEqualTo(1);
        assertThat(count(t, "flow.unpaired")).isEqualTo(1);
        // the string tid "spawn_main" and tid 4294967296 do not fit 24 bits and get 16777215 and 16777214; the raw
        // in-range tid 16777215 that comes later collides with a handed-out id and is remapped too: all stay distinct
        assertThat(count(t, "ids.remapped")).isEqualTo(3);
        Set<Long> annotationThreads = new TreeSet<>();
        for (int i = 0; i < t.nvtx().size(); i++) {
            annotationThreads.add(t.nvtx().globalTid(i));
        }
        assertThat(annotationThreads).hasSize(2);
        Set<Long> all = new TreeSet<>(t.threads().keySet());
        assertThat(all).hasSize(4); // 100/101, 200/spawn_main, 100/4294967296, 100/16777215

        assertThat(t.threads().get(GlobalIds.globalTid(1, 100, 101)).name()).isEqualTo("main");
        assertThat(t.processes().get(GlobalIds.globalTid(1, 100, 0)).name()).isEqualTo("trainer");
        assertThat(t.metadata().properties()).containsEntry("rank", "3").containsEntry("world_size", "8")
                .containsEntry("backend", "nccl").containsEntry("schemaVersion", "1").containsEntry("displayTimeUnit", "ms")
                .doesNotContainKey("metadata").doesNotContainKey("pg_config");
        assertThat(t.metadata().properties().values()).doesNotContain("secret");
        assertThat(t.metadata().schemaVersion()).isEqualTo("1");
        assertThat(t.metadata().producer()).isEqualTo("PyTorch Profiler (Kineto)");
        assertThat(t.issues()).allSatisfy(i -> assertThat(i.message()).doesNotContain("\n"));
    }

    @Test
    void chromeArrayFormatAndTrailingContentAreAccepted(@TempDir Path dir) throws Exception {
        Path f = write(dir, "array.json", "[{\"ph\":\"X\",\"cat\":\"kernel\",\"name\":\"k\",\"pid\":0,\"tid\":7,\"ts\":1,\"dur\":2,"
                + "\"args\":{\"device\":0,\"stream\":7,\"correlation\":3}}]");
        Trace t = load(f);
        assertThat(t.kernels().size()).isEqualTo(1);
        assertThat(t.kernels().globalPid(0)).isZero(); // no host process at all
        Path g = write(dir, "trailing.json", "{\"traceEvents\": []} {\"x\": 1}");
        Trace u = load(g);
        assertThat(count(u, "json.trailing_content")).isEqualTo(1);
        assertThat(u.kernels().present()).isFalse();
    }

    // ------------------------------------------------------------------------------ helpers

    private static ImportIssue issue(Trace t, String code) {
        for (ImportIssue i : t.issues()) {
            if (i.code().equals(code)) {
                return i;
            }
        }
        return null;
    }

    private static long count(Trace t, String code) {
        ImportIssue i = issue(t, code);
        return i == null ? 0 : i.count();
    }

    /** A trace object with the given events (single quotes stand for double quotes) and extra top-level fields. */
    private static String trace(String... eventsThenFields) {
        List<String> events = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        for (String s : eventsThenFields) {
            (s.startsWith("{") ? events : fields).add(s);
        }
        return ("{" + String.join(", ", fields) + (fields.isEmpty() ? "" : ", ") + "'traceEvents': [\n"
                + String.join(",\n", events) + "\n]}").replace('\'', '"');
    }

    private static Path write(Path dir, String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(bos)) {
            o.write(data);
        }
        return bos.toByteArray();
    }

    private static byte[] gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return in.readAllBytes();
        }
    }

    static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
