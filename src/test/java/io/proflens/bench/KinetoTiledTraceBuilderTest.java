package io.proflens.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.proflens.TestData;
import io.proflens.ingest.ProgressListener;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiling a real Kineto trace: event counts multiply, times and ids shift, the source stays as it was. */
class KinetoTiledTraceBuilderTest {
    @TempDir
    Path tmp;

    @Test
    void tilesShiftTimesAndIdsAndLeaveTheSourceAlone() throws Exception {
        Path source = TestData.root().resolve("kineto/hta-critical-path-a100/simple_add_trace.json.gz");
        String before = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source)));
        KinetoTiledTraceBuilder.SourceFacts f = KinetoTiledTraceBuilder.scan(source);
        int sourceCorrelations = stats(source).correlations.size();
        assertThat(sourceCorrelations).isPositive();
        long tileBytes = KinetoTiledTraceBuilder.build(source, tmp.resolve("one.json"), 1, ProgressListener.NONE).tileBytes();
        for (String name : new String[] {"tiled.json", "tiled.json.gz"}) {
            Path out = tmp.resolve(name);
            KinetoTiledTraceBuilder.Result r = KinetoTiledTraceBuilder.build(source, out, 3 * tileBytes - 10,
                    ProgressListener.NONE);
            assertThat(r.tiles()).isEqualTo(3);
            assertThat(r.events()).isEqualTo(3 * f.events());
            Stats s = stats(out);
            assertThat(s.events).isEqualTo(3 * f.events());
            assertThat(s.correlations).as("correlation ids unique across tiles").hasSize(3 * sourceCorrelations);
            assertThat(s.maxEnd.subtract(s.minTs)).isGreaterThan(f.maxEndUs().subtract(f.minTsUs()).multiply(BigDecimal.valueOf(3)));
            assertThat(s.minTs).isEqualByComparingTo(f.minTsUs());
        }
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source))))
                .isEqualTo(before);
        try (var files = Files.list(tmp)) {
            assertThat(files.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
        }
    }

    static final class Stats {
        long events;
        BigDecimal minTs;
        BigDecimal maxEnd;
        Set<Long> correlations = new HashSet<>();
    }

    static Stats stats(Path file) throws Exception {
        Stats s = new Stats();
        try (InputStream in = KinetoTiledTraceBuilder.open(file); JsonParser p = new JsonFactory().createParser(in)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                if (!f.equals("traceEvents")) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    s.events++;
                    BigDecimal ts = null;
                    BigDecimal dur = BigDecimal.ZERO;
                    String ph = null;
                    String cat = null;
                    Long corr = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        JsonToken v = p.nextToken();
                        if (k.equals("ts") && v.isNumeric()) {
                            ts = p.getDecimalValue();
                        } else if (k.equals("dur") && v.isNumeric()) {
                            dur = p.getDecimalValue();
                        } else if (k.equals("ph")) {
                            ph = p.getText();
                        } else if (k.equals("cat")) {
                            cat = p.getText();
                        } else if (k.equals("args") && v == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String a = p.currentName();
                                JsonToken av = p.nextToken();
                                if (a.equals("correlation") && av == JsonToken.VALUE_NUMBER_INT) {
                                    corr = p.getLongValue();
                                } else {
                                    p.skipChildren();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    if ("kernel".equals(cat) && corr != null) {
                        s.correlations.add(corr);
                    }
                    if (ts != null && !"M".equals(ph)) {
                        s.minTs = s.minTs == null || ts.compareTo(s.minTs) < 0 ? ts : s.minTs;
                        BigDecimal end = ts.add(dur);
                        s.maxEnd = s.maxEnd == null || end.compareTo(s.maxEnd) > 0 ? end : s.maxEnd;
                    }
                }
            }
        }
        return s;
    }
}
