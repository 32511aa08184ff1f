package io.proflens.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.proflens.TestData;
import io.proflens.model.ApiCallTable;
import io.proflens.model.IntervalTable;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.NvtxTable;
import io.proflens.model.Trace;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export reads back through proflens' own Kineto reader with the same events (the round trip is the independent
 * check: a different reader, the JSON text in between), and its JSON has what Perfetto / chrome://tracing need.
 */
class ChromeTraceExporterTest {
    @TempDir
    Path tmp;

    static Stream<Path> corpus() throws Exception {
        List<Path> all = new ArrayList<>(TestData.allNsysExports());
        all.add(TestData.root().resolve("kineto/hta-resnet-ddp-a100-ws2-nccl-args/nccl_data.json.gz"));
        all.add(TestData.root().resolve("kineto/tl-h100-qwen1.5-0.5b-chat-infer")
                .resolve(Files.list(TestData.root().resolve("kineto/tl-h100-qwen1.5-0.5b-chat-infer"))
                        .filter(p -> p.toString().endsWith(".json.gz")).findFirst().orElseThrow().getFileName()));
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void roundTripKeepsEveryGpuOpCallAndRange(Path source) throws Exception {
        Trace a = TestData.load(source);
        Path out = tmp.resolve("export.json.gz");
        ChromeTraceExporter.Summary s = new ChromeTraceExporter().export(a, out);
        Trace b = TestData.load(out);
        assertSameIntervals(a.kernels(), b.kernels(), "kernels");
        assertSameIntervals(a.memcpys(), b.memcpys(), "memcpy");
        assertSameIntervals(a.memsets(), b.memsets(), "memset");
        assertSameIntervals(a.cudaApi(), b.cudaApi(), "cuda api");
        assertThat(names(b, b.kernels())).isEqualTo(names(a, a.kernels()));
        long bytesA = 0;
        long bytesB = 0;
        for (int i = 0; i < a.memcpys().size(); i++) {
            bytesA += a.memcpys().bytes(i);
        }
        for (int i = 0; i < b.memcpys().size(); i++) {
            bytesB += b.memcpys().bytes(i);
        }
        assertThat(bytesB).isEqualTo(bytesA);
        // user ranges (Kineto's GPU projections of annotations are not exported)
        assertThat(rangeCount(b, b.nvtx())).isEqualTo(rangeCount(a, a.nvtx()));
        // every launch link survives (correlation args), and one flow pair is written per linked GPU op
        LaunchLinks la = a.launchLinksOrCompute();
        LaunchLinks lb = b.launchLinksOrCompute();
        assertThat(linked(lb, b)).isEqualTo(linked(la, a)).isEqualTo(s.flows());
    }

    @Test
    void jsonHasTheFieldsViewersNeedAndPairedFlows() throws Exception {
        Trace t = TestData.load(TestData.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite"));
        Path out = tmp.resolve("t.json");
        new ChromeTraceExporter().export(t, out);
        JsonNode doc = new ObjectMapper().readTree(out.toFile());
        Map<Long, int[]> flows = new HashMap<>();
        int x = 0;
        for (JsonNode e : doc.get("traceEvents")) {
            String ph = e.get("ph").asText();
            assertThat(e.has("pid")).isTrue();
            if (ph.equals("X")) {
                x++;
                assertThat(e.get("ts").isNumber()).isTrue();
                assertThat(e.get("dur").asDouble()).isGreaterThanOrEqualTo(0);
                assertThat(e.has("name") && e.has("cat") && e.has("tid")).isTrue();
            } else if (ph.equals("s") || ph.equals("f")) {
                flows.computeIfAbsent(e.get("id").asLong(), k -> new int[2])[ph.equals("s") ? 0 : 1]++;
            }
        }
        assertThat(x).isGreaterThan(t.kernels().size());
        assertThat(flows.values()).allSatisfy(c -> assertThat(c[0]).isEqualTo(1));
        assertThat(flows.values().stream().mapToInt(c -> c[1]).sum()).isGreaterThanOrEqualTo(flows.size());
        assertThat(ChromeTraceExporter.micros(1_234_567L).toPlainString()).isEqualTo("1234.567");
    }

    @Test
    void gzipWhenTheNameSaysSo() throws Exception {
        Trace t = TestData.load(TestData.nsys("nsysai-mock-tiny/mock.sqlite"));
        Path gz = tmp.resolve("m.json.gz");
        new ChromeTraceExporter().export(t, gz);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            assertThat(new ObjectMapper().readTree(in).get("traceEvents").size()).isPositive();
        }
        Path plain = tmp.resolve("m.json");
        new ChromeTraceExporter().export(t, plain);
        assertThat(Files.readString(plain)).startsWith("{");
    }

    private static void assertSameIntervals(IntervalTable a, IntervalTable b, String what) {
        assertThat(b.size()).as(what + " rows").isEqualTo(a.size());
        long sa = 0;
        long sb = 0;
        long da = 0;
        long db = 0;
        for (int i = 0; i < a.size(); i++) {
            sa += a.startNs(i);
            da += a.hasEnd(i) ? Math.max(0, a.durationNs(i)) : 0;
        }
        for (int i = 0; i < b.size(); i++) {
            sb += b.startNs(i);
            db += b.hasEnd(i) ? b.durationNs(i) : 0;
        }
        assertThat(sb).as(what + " starts").isEqualTo(sa);
        assertThat(db).as(what + " durations").isEqualTo(da);
    }

    private static Map<String, Integer> names(Trace t, KernelTable k) {
        Map<String, Integer> m = new java.util.TreeMap<>();
        for (int i = 0; i < k.size(); i++) {
            m.merge(t.string(k.demangledNameId(i)), 1, Integer::sum);
        }
        return m;
    }

    private static long rangeCount(Trace t, NvtxTable n) {
        long c = 0;
        for (int i = 0; i < n.size(); i++) {
            String d = n.domainNameId(i) < 0 ? null : t.string(n.domainNameId(i));
            if (n.eventType(i) != NvtxTable.MARK && n.textId(i) >= 0 && !"gpu_user_annotation".equals(d)) {
                c++;
            }
        }
        return c;
    }

    private static long linked(LaunchLinks l, Trace t) {
        long c = 0;
        for (int i = 0; i < t.kernels().size(); i++) {
            c += l.kernelApiRow(i) >= 0 ? 1 : 0;
        }
        for (int i = 0; i < t.memcpys().size(); i++) {
            c += l.memcpyApiRow(i) >= 0 ? 1 : 0;
        }
        for (int i = 0; i < t.memsets().size(); i++) {
            c += l.memsetApiRow(i) >= 0 ? 1 : 0;
        }
        return c;
    }
}
