package io.proflens.web;

import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.ingest.ImportOptions;
import io.proflens.ingest.ProgressListener;
import io.proflens.ingest.TraceImporter;
import io.proflens.model.Trace;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Latency of {@code /api/window} under load: a zoom sweep from the whole span down to ~1 µs windows ({@code levels}
 * geometric steps × {@code offsets} window positions, all tracks, 1500 px) issued over HTTP by {@code clients}
 * concurrent threads, each running the whole sweep in its own seeded order, after one single-client warm-up pass.
 * Prints the model build time, heap after build, p50/p99/max latency and throughput.
 *
 * <p>{@code java -Xmx16g -cp proflens.jar io.proflens.web.WindowQueryBenchmark PROFILE [clients] [levels] [offsets]}
 */
public final class WindowQueryBenchmark {
    /**
     * Outcome of a run; latencies in ns.
     *
     * @param buildNs        model build time
     * @param events         events in the model
     * @param tracks         tracks in the model
     * @param requests       measured requests
     * @param p50Ns          median latency
     * @param p99Ns          99th percentile latency
     * @param maxNs          maximum latency
     * @param wallNs         wall time of the measured phase
     * @param meanBytes      mean response size, bytes
     */
    public record Result(long buildNs, long events, int tracks, int requests, long p50Ns, long p99Ns, long maxNs,
                         long wallNs, long meanBytes) {
    }

    private WindowQueryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: WindowQueryBenchmark PROFILE [clients=8] [levels=20] [offsets=8]");
            System.exit(2);
        }
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int levels = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int offsets = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        long t = System.nanoTime();
        Trace trace = new TraceImporter().read(Path.of(args[0]), ImportOptions.all(), ProgressListener.NONE);
        System.out.printf(Locale.ROOT, "loaded %s in %.1f s%n", args[0], (System.nanoTime() - t) / 1e9);
        run(trace, clients, levels, offsets, System.out);
    }

    /** Builds the model of {@code trace}, serves it on an ephemeral loopback port and runs the sweep. */
    public static Result run(Trace trace, int clients, int levels, int offsets, PrintStream out)
            throws IOException, InterruptedException, java.util.concurrent.ExecutionException {
        long t = System.nanoTime();
        TimelineModel model = TimelineModel.build(trace, KernelClassifier.builtIn());
        long buildNs = System.nanoTime() - t;
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heap = rt.totalMemory() - rt.freeMemory();
        out.printf(Locale.ROOT, "model: %,d events on %d tracks built in %.2f s; heap in use %.2f GB (max %.1f GB)%n",
                model.eventCount(), model.tracks().size(), buildNs / 1e9, heap / 1e9, rt.maxMemory() / 1e9);
        List<String> sweep = sweep(model, levels, offsets);
        try (TimelineServer server = TimelineServer.start(List.of(new TimelineServer.Profile("bench", model,
                TimelineServer.defaultReport(trace))), InetAddress.getLoopbackAddress(), 0, false, out,
                Math.max(clients, 4))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long ws = System.nanoTime();
            for (String q : sweep) {
                fetch(http, server.url() + q);
            }
            out.printf(Locale.ROOT, "warm-up: %d requests, 1 client, %.2f s%n", sweep.size(),
                    (System.nanoTime() - ws) / 1e9);
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<long[]>> futures = new ArrayList<>();
            long start = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                List<String> order = new ArrayList<>(sweep);
                Collections.shuffle(order, new Random(c));
                futures.add(pool.submit(() -> {
                    long[] lat = new long[order.size() * 2];
                    for (int i = 0; i < order.size(); i++) {
                        long s = System.nanoTime();
                        lat[2 * i + 1] = fetch(http, server.url() + order.get(i));
                        lat[2 * i] = System.nanoTime() - s;
                    }
                    return lat;
                }));
            }
            long[] all = new long[clients * sweep.size()];
            long bytes = 0;
            int n = 0;
            for (Future<long[]> f : futures) {
                long[] lat = f.get();
                for (int i = 0; i < lat.length; i += 2) {
                    all[n++] = lat[i];
                    bytes += lat[i + 1];
                }
            }
            long wall = System.nanoTime() - start;
            pool.shutdown();
            Arrays.sort(all);
            Result r = new Result(buildNs, model.eventCount(), model.tracks().size(), n, all[n / 2],
                    all[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)], all[n - 1], wall, bytes / n);
            out.printf(Locale.ROOT, "window queries: %d requests (%d levels × %d offsets × %d clients), "
                    + "p50 %.1f ms, p99 %.1f ms, max %.1f ms, %.0f req/s, mean response %,d bytes%n", n, levels,
                    offsets, clients, r.p50Ns() / 1e6, r.p99Ns() / 1e6, r.maxNs() / 1e6, n / (wall / 1e9),
                    r.meanBytes());
            return r;
        }
    }

    /** Window queries from the whole span down to ~1 µs, geometric, at evenly spread seeded offsets. */
    static List<String> sweep(TimelineModel m, int levels, int offsets) {
        long span = m.endNs() - m.startNs();
        double ratio = Math.pow(Math.max(1.0, span / 1_000.0), 1.0 / Math.max(1, levels - 1));
        Random r = new Random(42);
        List<String> qs = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            long w = Math.max(1_000, (long) (span / Math.pow(ratio, l)));
            for (int o = 0; o < offsets; o++) {
                long t0 = m.startNs() + (long) ((span - w) * ((o + r.nextDouble()) / offsets));
                qs.add("api/window?p=0&t0=" + t0 + "&t1=" + (t0 + w) + "&px=1500");
            }
        }
        return qs;
    }

    private static long fetch(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException(url + ": HTTP " + r.statusCode());
        }
        return r.body().length;
    }
}
