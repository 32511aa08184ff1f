package io.proflens.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.proflens.ingest.ByteCountingInputStream;
import io.proflens.ingest.ProgressListener;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Builds a large PyTorch profiler (Kineto) trace by tiling a real one: the {@code traceEvents} of the source are
 * written {@code tiles} times, tile {@code t} shifted in time by {@code t × (span + 1000 µs)}, with correlation
 * ids ({@code args.correlation}) and flow ids ({@code id} of {@code s}/{@code f} events) shifted by
 * {@code t × (max id + 1)} so links stay unique; other top-level fields are copied once. Streaming with
 * jackson-core in both directions (no DOM; memory is constant). The source is only read; the output is
 * written to a temporary file beside it and renamed (atomic). A name ending in {@code .gz} is gzip-compressed.
 *
 * <p>Numbers are shifted exactly on their decimal text ({@link BigDecimal}), so a float {@code ts} keeps its
 * digits.
 */
public final class KinetoTiledTraceBuilder {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private KinetoTiledTraceBuilder() {
    }

    /**
     * What was built.
     *
     * @param tiles               copies of the source events
     * @param events              events written (all phases)
     * @param uncompressedBytes   JSON bytes of the output before compression
     * @param fileBytes           bytes on disk
     * @param tileBytes           JSON bytes of one tile's events as written (tiles = ceil(target / tileBytes))
     */
    public record Result(int tiles, long events, long uncompressedBytes, long fileBytes, long tileBytes) {
    }

    /** Facts of the source needed for the shifts. */
    record SourceFacts(long uncompressedBytes, long events, BigDecimal minTsUs, BigDecimal maxEndUs, long maxCorrelation,
                       long maxFlowId) {
    }

    static InputStream open(Path p) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
        in.mark(2);
        int a = in.read();
        int b = in.read();
        in.reset();
        return a == 0x1f && b == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }

    /** Scans the source once: size, event count, time span, largest correlation and flow ids. */
    static SourceFacts scan(Path source) throws IOException {
        BigDecimal min = null;
        BigDecimal max = null;
        long maxCorr = 0;
        long maxFlow = 0;
        long events = 0;
        ByteCountingInputStream counting;
        try (InputStream raw = open(source)) {
            counting = new ByteCountingInputStream(raw);
            try (JsonParser p = JSON.createParser(counting)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException(source + ": not a JSON object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    p.nextToken();
                    if (!f.equals("traceEvents")) {
                        p.skipChildren();
                        continue;
                    }
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        events++;
                        BigDecimal ts = null;
                        BigDecimal dur = BigDecimal.ZERO;
                        String ph = null;
                        long id = 0;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String k = p.currentName();
                            JsonToken v = p.nextToken();
                            if (k.equals("ts") && v.isNumeric()) {
                                ts = p.getDecimalValue();
                            } else if (k.equals("dur") && v.isNumeric()) {
                                dur = p.getDecimalValue();
                            } else if (k.equals("ph")) {
                                ph = p.getText();
                            } else if (k.equals("id") && v == JsonToken.VALUE_NUMBER_INT) {
                                id = p.getLongValue();
                            } else if (k.equals("args") && v == JsonToken.START_OBJECT) {
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String a = p.currentName();
                                    JsonToken av = p.nextToken();
                                    if (a.equals("correlation") && av == JsonToken.VALUE_NUMBER_INT) {
                                        maxCorr = Math.max(maxCorr, p.getLongValue());
                                    } else {
                                        p.skipChildren();
                                    }
                                }
                            } else {
                                p.skipChildren();
                            }
                        }
                        if (("s".equals(ph) || "f".equals(ph) || "t".equals(ph)) && id > maxFlow) {
                            maxFlow = id;
                        }
                        if (ts != null && !"M".equals(ph)) {
                            min = min == null || ts.compareTo(min) < 0 ? ts : min;
                            BigDecimal end = ts.add(dur);
                            max = max == null || end.compareTo(max) > 0 ? end : max;
                        }
                    }
                }
            }
        }
        if (min == null) {
            throw new IOException(source + ": no timed traceEvents to tile");
        }
        return new SourceFacts(counting.count(), events, min, max, maxCorr, maxFlow);
    }

    /**
     * Writes at least {@code targetUncompressedBytes} of trace JSON (whole tiles).
     *
     * @throws IOException when the source is not a trace or the output cannot be written
     */
    public static Result build(Path source, Path out, long targetUncompressedBytes, ProgressListener progress)
            throws IOException {
        SourceFacts f = scan(source);
        // size of one tile as this builder writes it (compact JSON, usually smaller than the source's text)
        long perTile;
        CountingOutputStream probe = new CountingOutputStream(OutputStream.nullOutputStream());
        try (JsonGenerator g = JSON.createGenerator(probe, JsonEncoding.UTF8)) {
            g.writeStartArray();
            copyEvents(source, g, BigDecimal.ZERO, 0, 0);
            g.writeEndArray();
        }
        perTile = Math.max(1, probe.count);
        int tiles = (int) Math.max(1, (targetUncompressedBytes + perTile - 1) / perTile);
        BigDecimal timeShift = f.maxEndUs().subtract(f.minTsUs()).add(BigDecimal.valueOf(1000));
        Path abs = out.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        boolean gz = abs.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
        long written;
        long events = 0;
        progress.begin("tiles", tiles);
        try {
            CountingOutputStream counting;
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                 OutputStream body = gz ? new GZIPOutputStream(file, 1 << 16) : file) {
                counting = new CountingOutputStream(body);
                try (JsonGenerator g = JSON.createGenerator(counting, JsonEncoding.UTF8)) {
                    g.writeStartObject();
                    copyTopLevel(source, g);
                    g.writeFieldName("traceEvents");
                    g.writeStartArray();
                    for (int t = 0; t < tiles; t++) {
                        events += copyEvents(source, g, timeShift.multiply(BigDecimal.valueOf(t)),
                                (long) t * (f.maxCorrelation() + 1), (long) t * (f.maxFlowId() + 1));
                        progress.advance(t + 1);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                written = counting.count;
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
            progress.end();
        }
        return new Result(tiles, events, written, Files.size(abs), perTile);
    }

    /** Copies every top-level field except {@code traceEvents}. */
    private static void copyTopLevel(Path source, JsonGenerator g) throws IOException {
        try (InputStream in = open(source); JsonParser p = JSON.createParser(in)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("traceEvents")) {
                    p.skipChildren();
                } else {
                    g.writeFieldName(name);
                    g.copyCurrentStructure(p);
                }
            }
        }
    }

    /** Copies the events of one tile with shifted ts, flow ids and correlation ids; returns the count. */
    private static long copyEvents(Path source, JsonGenerator g, BigDecimal shiftUs, long corrShift, long flowShift)
            throws IOException {
        long n = 0;
        try (InputStream in = open(source); JsonParser p = JSON.createParser(in)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (!name.equals("traceEvents")) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    n++;
                    g.writeStartObject();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        JsonToken v = p.nextToken();
                        g.writeFieldName(k);
                        if (k.equals("ts") && v.isNumeric()) {
                            g.writeNumber(p.getDecimalValue().add(shiftUs).toPlainString());
                        } else if (k.equals("id") && v == JsonToken.VALUE_NUMBER_INT) {
                            g.writeNumber(p.getLongValue() + flowShift);
                        } else if (k.equals("args") && v == JsonToken.START_OBJECT) {
                            g.writeStartObject();
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String a = p.currentName();
                                JsonToken av = p.nextToken();
                                g.writeFieldName(a);
                                if (a.equals("correlation") && av == JsonToken.VALUE_NUMBER_INT) {
                                    g.writeNumber(p.getLongValue() + corrShift);
                                } else {
                                    g.copyCurrentStructure(p);
                                }
                            }
                            g.writeEndObject();
                        } else {
                            g.copyCurrentStructure(p);
                        }
                    }
                    g.writeEndObject();
                }
            }
        }
        return n;
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
