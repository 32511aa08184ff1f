package io.proflens.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.KernelTable;
import io.proflens.model.MemcpyKind;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemoryKind;
import io.proflens.model.MemsetTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.Trace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local timeline server on the JDK's {@link HttpServer}.
 *
 * <p>Routes (GET only; anything else 405): {@code /} the timeline page and its two static files (a fixed whitelist of
 * classpath resources), {@code /report?p=} the HTML report of a profile, and the JSON API:
 * <ul>
 *   <li>{@code /api/profiles}: profiles with span and counts;</li>
 *   <li>{@code /api/tracks?p=}: the tracks of profile {@code p};</li>
 *   <li>{@code /api/window?p=&t0=&t1=&px=[&tracks=1,2]}: per track the items in {@code [t0, t1)} at
 *       {@code (t1-t0)/px} ns per pixel, each item an array {@code [lane, i, start, end, count, name]}: a raw
 *       event has its item index {@code i >= 0} and count 1, an aggregate of {@code count >= 2} events merged
 *       within one pixel has {@code i = -1}; {@code name} is a key into {@code names} (text) and {@code cats}
 *       (kernel category of GPU names);</li>
 *   <li>{@code /api/event?p=&track=&i=}: all fields of one event and the linked launch call or GPU operation;</li>
 *   <li>{@code /api/search?p=&q=}: events whose name contains {@code q} (first 100 by start, and the total);</li>
 *   <li>{@code /api/summary?p=&t0=&t1=[&tracks=]}: durations summed by name within the span.</li>
 * </ul>
 * Times are ns. Parameters are parsed strictly: a missing, malformed, duplicated, unknown or out-of-range
 * parameter gives 400 with a one-line JSON {@code {"error": ...}}; unknown paths 404; a request whose target
 * contains {@code ..} (also percent-encoded) 400; a {@code Host} other than a loopback name while bound to loopback
 * 403 (DNS rebinding). Failures never send a stack trace. JSON escapes {@code < > &} so that names stay inert.
 *
 * <p>Binds to loopback unless {@code allowRemote}; a non-loopback bind then warns on the given stream.
 */
public final class TimelineServer implements AutoCloseable {
    /** Maximum pixels of a window query. */
    public static final int MAX_PX = 20_000;
    /** Hits returned by a search. */
    public static final int SEARCH_LIMIT = 100;
    /** Rows returned by a summary. */
    public static final int SUMMARY_LIMIT = 50;
    private static final long MAX_TIME = 1L << 62;
    private static final CharacterEscapes ESCAPES = new io.proflens.report.HtmlSafeJsonEscapes();

    /** Renders the HTML report of a profile on demand. */
    @FunctionalInterface
    public interface ReportSource {
        String render() throws IOException;
    }

    /**
     * One served profile.
     *
     * @param name   display name (file name)
     * @param model  its timeline
     * @param report its HTML report, rendered on first request
     */
    public record Profile(String name, TimelineModel model, ReportSource report) {
    }

    /** Static resources: request path → classpath resource and content type. Nothing else is served as a file. */
    private static final Map<String, String[]> STATIC = Map.of(
            "/", new String[] {"timeline.html", "text/html; charset=utf-8"},
            "/timeline.html", new String[] {"timeline.html", "text/html; charset=utf-8"},
            "/timeline.js", new String[] {"timeline.js", "text/javascript; charset=utf-8"},
            "/timeline.css", new String[] {"timeline.css", "text/css; charset=utf-8"});
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private final List<Profile> profiles;
    private final HttpServer server;
    private final ExecutorService pool;
    private final boolean loopback;
    private final JsonFactory json = new JsonFactory();
    private final Map<Integer, String> reports = new HashMap<>(); // guarded by itself
    private final Map<String, byte[]> resources = new HashMap<>();

    private TimelineServer(List<Profile> profiles, HttpServer server, ExecutorService pool, boolean loopback) {
        this.profiles = List.copyOf(profiles);
        this.server = server;
        this.pool = pool;
        this.loopback = loopback;
        for (String[] r : STATIC.values()) {
            resources.computeIfAbsent(r[0], TimelineServer::resource);
        }
    }

    /**
     * Starts a server.
     *
     * @param profiles    profiles to serve, at least one
     * @param bind        address to listen on
     * @param port        port, 0 for an ephemeral one
     * @param allowRemote whether a non-loopback {@code bind} is allowed
     * @param warnings    where the non-loopback warning goes
     * @param threads     request threads ({@code >= 1})
     * @return the running server
     * @throws IllegalArgumentException for a non-loopback bind without {@code allowRemote}, or no profiles
     * @throws IOException when the port cannot be bound
     */
    public static TimelineServer start(List<Profile> profiles, InetAddress bind, int port, boolean allowRemote,
                                       PrintStream warnings, int threads) throws IOException {
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("no profile to serve");
        }
        boolean loopback = bind.isLoopbackAddress();
        if (!loopback && !allowRemote) {
            throw new IllegalArgumentException("refusing to bind to non-loopback address " + bind.getHostAddress()
                    + ": the timeline would be readable from the network; pass --allow-remote to do it anyway");
        }
        if (!loopback) {
            warnings.println("WARNING: serving on " + bind.getHostAddress() + ":" + port
                    + " — anyone who can reach this address can read the profiles (no authentication, no TLS)");
            warnings.flush();
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 64);
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "proflens-web-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        TimelineServer s = new TimelineServer(profiles, server, pool, loopback);
        server.createContext("/", s::handle);
        server.setExecutor(pool);
        server.start();
        return s;
    }

    /** @return the bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** @return the base URL, e.g. {@code http://127.0.0.1:8080/}. */
    public String url() {
        InetAddress a = server.getAddress().getAddress();
        String host = a.getHostAddress().contains(":") ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        return "http://" + host + ":" + port() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private static byte[] resource(String name) {
        try (InputStream in = TimelineServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource io/proflens/web/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request error with its status; the message is sent as one line of JSON. */
    private static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            route(ex);
        } catch (HttpError e) {
            sendError(ex, e.status, e.getMessage());
        } catch (RuntimeException | IOException e) {
            // one line to the operator's console, none of it to the client
            System.err.println("proflens serve: internal error on " + ex.getRequestURI().getRawPath() + ": "
                    + e.getClass().getSimpleName());
            sendError(ex, 500, "internal error");
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String target = ex.getRequestURI().toString().toLowerCase(Locale.ROOT);
        if (target.contains("..") || target.contains("%2e%2e") || target.contains("%2e.") || target.contains(".%2e")
                || target.contains("%5c") || target.contains("\\")) {
            throw new HttpError(400, "path traversal refused");
        }
        if (loopback && !hostAllowed(ex.getRequestHeaders().getFirst("Host"))) {
            throw new HttpError(403, "Host header is not a loopback name");
        }
        if (!ex.getRequestMethod().equals("GET")) {
            ex.getResponseHeaders().set("Allow", "GET");
            throw new HttpError(405, "method not allowed: only GET");
        }
        String path = ex.getRequestURI().getRawPath();
        Map<String, String> q = parseQuery(ex.getRequestURI().getRawQuery());
        String[] res = STATIC.get(path);
        if (res != null) {
            params(q);
            send(ex, 200, res[1], resources.get(res[0]), "default-src 'self'; img-src 'self' data:; "
                    + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
            return;
        }
        switch (path) {
            case "/report" -> report(ex, q);
            case "/api/profiles" -> {
                params(q);
                sendJson(ex, this::writeProfiles);
            }
            case "/api/tracks" -> {
                params(q, "p");
                Profile p = profile(q);
                sendJson(ex, g -> writeTracks(g, p.model()));
            }
            case "/api/window" -> window(ex, q);
            case "/api/event" -> event(ex, q);
            case "/api/search" -> search(ex, q);
            case "/api/summary" -> summary(ex, q);
            default -> throw new HttpError(404, "not found");
        }
    }

    private static boolean hostAllowed(String host) {
        if (host == null) {
            return true; // HTTP/1.0 clients; a browser always sends Host
        }
        String h = host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > h.lastIndexOf(']')) {
            h = h.substring(0, colon);
        }
        return LOOPBACK_HOSTS.contains(h);
    }

    // ---------------------------------------------------------------- parameters

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String part : raw.split("&", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new HttpError(400, "malformed query parameter");
            }
            String k;
            String v;
            try {
                k = URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8);
                v = URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "malformed percent-encoding in query");
            }
            if (m.put(k, v) != null) {
                throw new HttpError(400, "duplicate parameter '" + printable(k) + "'");
            }
        }
        return m;
    }

    /** Checks that only the allowed parameters are present. */
    private static void params(Map<String, String> q, String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (String k : q.keySet()) {
            if (!ok.contains(k)) {
                throw new HttpError(400, "unknown parameter '" + printable(k) + "'");
            }
        }
    }

    private static String printable(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String required(Map<String, String> q, String key) {
        String v = q.get(key);
        if (v == null || v.isEmpty()) {
            throw new HttpError(400, "missing parameter '" + key + "'");
        }
        return v;
    }

    private static long longParam(Map<String, String> q, String key, long min, long max) {
        String v = required(q, key);
        if (!v.matches("-?[0-9]{1,19}")) {
            throw new HttpError(400, "parameter '" + key + "' is not an integer");
        }
        long x;
        try {
            x = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new HttpError(400, "parameter '" + key + "' is out of range");
        }
        if (x < min || x > max) {
            throw new HttpError(400, "parameter '" + key + "' is out of range [" + min + ", " + max + "]");
        }
        return x;
    }

    private Profile profile(Map<String, String> q) {
        return profiles.get((int) longParam(q, "p", 0, profiles.size() - 1));
    }

    private static int[] trackList(Map<String, String> q, TimelineModel m) {
        int n = m.tracks().size();
        String v = q.get("tracks");
        if (v == null) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        if (v.isEmpty()) {
            return new int[0];
        }
        String[] parts = v.split(",", -1);
        if (parts.length > n) {
            throw new HttpError(400, "parameter 'tracks' lists more tracks than exist");
        }
        java.util.TreeSet<Integer> ids = new java.util.TreeSet<>();
        for (String s : parts) {
            if (!s.matches("[0-9]{1,9}")) {
                throw new HttpError(400, "parameter 'tracks' must be comma-separated track ids");
            }
            int id = Integer.parseInt(s);
            if (id >= n) {
                throw new HttpError(400, "parameter 'tracks': no track " + id);
            }
            ids.add(id);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static long[] span(Map<String, String> q) {
        long t0 = longParam(q, "t0", -MAX_TIME, MAX_TIME);
        long t1 = longParam(q, "t1", -MAX_TIME, MAX_TIME);
        if (t1 <= t0) {
            throw new HttpError(400, "t1 must be greater than t0");
        }
        return new long[] {t0, t1};
    }

    // ---------------------------------------------------------------- endpoints

    private void report(HttpExchange ex, Map<String, String> q) throws IOException {
        params(q, "p");
        int p = (int) longParam(q, "p", 0, profiles.size() - 1);
        String html;
        synchronized (reports) {
            html = reports.get(p);
            if (html == null) {
                html = profiles.get(p).report().render();
                reports.put(p, html);
            }
        }
        // the report is one self-contained file with inline script and style
        send(ex, 200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8),
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
                        + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    }

    private void writeProfiles(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("profiles");
        for (int i = 0; i < profiles.size(); i++) {
            Profile p = profiles.get(i);
            TimelineModel m = p.model();
            g.writeStartObject();
            g.writeNumberField("id", i);
            g.writeStringField("name", p.name());
            g.writeNumberField("startNs", m.startNs());
            g.writeNumberField("endNs", m.endNs());
            g.writeNumberField("tracks", m.tracks().size());
            g.writeNumberField("events", m.eventCount());
            g.writeBooleanField("synthetic", m.trace().metadata().synthetic());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeTracks(JsonGenerator g, TimelineModel m) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("tracks");
        for (TimelineModel.TrackInfo t : m.tracks()) {
            g.writeStartObject();
            g.writeNumberField("id", t.id());
            g.writeStringField("group", t.group());
            g.writeStringField("label", t.label());
            g.writeStringField("kind", t.kind());
            g.writeNumberField("lanes", t.lanes());
            g.writeNumberField("events", t.events());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void window(HttpExchange ex, Map<String, String> q) throws IOException {
        params(q, "p", "t0", "t1", "px", "tracks");
        TimelineModel m = profile(q).model();
        long[] span = span(q);
        int px = (int) longParam(q, "px", 1, MAX_PX);
        int[] ids = trackList(q, m);
        long pixelNs = Math.max(1, (span[1] - span[0]) / px);
        sendJson(ex, g -> writeWindow(g, m, span[0], span[1], px, pixelNs, ids));
    }

    /** Writes a window response; package-private for the benchmark's in-process baseline. */
    static void writeWindow(JsonGenerator g, TimelineModel m, long t0, long t1, int px, long pixelNs, int[] ids)
            throws IOException {
        TreeMap<Integer, String> cats = new TreeMap<>();
        java.util.TreeSet<Integer> names = new java.util.TreeSet<>();
        g.writeStartObject();
        g.writeNumberField("t0", t0);
        g.writeNumberField("t1", t1);
        g.writeNumberField("px", px);
        g.writeNumberField("pixelNs", pixelNs);
        g.writeArrayFieldStart("tracks");
        for (int id : ids) {
            boolean gpu = m.tracks().get(id).kind().equals("gpu");
            g.writeStartObject();
            g.writeNumberField("id", id);
            g.writeArrayFieldStart("items");
            IOException[] failure = new IOException[1];
            m.window(id, t0, t1, pixelNs, new TimelineModel.ItemSink() {
                @Override
                public void raw(int lane, int item, long startNs, long endNs, int nameKey) {
                    item(lane, item, startNs, endNs, 1, nameKey);
                }

                @Override
                public void aggregate(int lane, long startNs, long endNs, int count, int nameKey) {
                    item(lane, -1, startNs, endNs, count, nameKey);
                }

                private void item(int lane, int item, long s, long e, int count, int nameKey) {
                    if (failure[0] != null) {
                        return;
                    }
                    try {
                        g.writeStartArray();
                        g.writeNumber(lane);
                        g.writeNumber(item);
                        g.writeNumber(s);
                        g.writeNumber(e);
                        g.writeNumber(count);
                        g.writeNumber(nameKey);
                        g.writeEndArray();
                    } catch (IOException x) {
                        failure[0] = x;
                    }
                    names.add(nameKey);
                    if (gpu) {
                        cats.computeIfAbsent(nameKey, k -> m.category(id, k));
                    }
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("names");
        for (int k : names) {
            g.writeStringField(Integer.toString(k), m.name(k));
        }
        g.writeEndObject();
        g.writeObjectFieldStart("cats");
        for (Map.Entry<Integer, String> e : cats.entrySet()) {
            g.writeStringField(Integer.toString(e.getKey()), e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private void event(HttpExchange ex, Map<String, String> q) throws IOException {
        params(q, "p", "track", "i");
        TimelineModel m = profile(q).model();
        int track = (int) longParam(q, "track", 0, m.tracks().size() - 1);
        int item = (int) longParam(q, "i", 0, m.tracks().get(track).events() - 1);
        sendJson(ex, g -> writeEvent(g, m, track, item));
    }

    private static void writeEvent(JsonGenerator g, TimelineModel m, int track, int item) throws IOException {
        Trace t = m.trace();
        int ref = m.ref(track, item);
        int kind = TimelineModel.kindOf(ref);
        int row = TimelineModel.rowOf(ref);
        long s = m.itemStartNs(track, item);
        long e = m.itemEndNs(track, item);
        int nameKey = m.itemNameKey(track, item);
        g.writeStartObject();
        g.writeNumberField("track", track);
        g.writeNumberField("i", item);
        g.writeNumberField("lane", m.laneOf(track, item));
        g.writeStringField("name", m.name(nameKey));
        g.writeStringField("category", m.category(track, nameKey));
        g.writeNumberField("start", s);
        g.writeNumberField("end", e);
        g.writeNumberField("duration", e - s);
        g.writeObjectFieldStart("fields");
        int link = -1;
        switch (kind) {
            case TimelineModel.KERNEL -> {
                KernelTable k = t.kernels();
                g.writeStringField("table", "kernel");
                g.writeStringField("demangledName", str(t, k.demangledNameId(row)));
                g.writeStringField("shortName", str(t, k.shortNameId(row)));
                g.writeStringField("mangledName", str(t, k.mangledNameId(row)));
                gpuCommon(g, k.deviceId(row), k.contextId(row), k.streamId(row), k.correlationId(row),
                        k.globalPid(row));
                if (k.hasLaunchConfig()) {
                    g.writeStringField("grid", k.gridX(row) + "," + k.gridY(row) + "," + k.gridZ(row));
                    g.writeStringField("block", k.blockX(row) + "," + k.blockY(row) + "," + k.blockZ(row));
                    g.writeNumberField("registersPerThread", k.registersPerThread(row));
                    g.writeNumberField("staticSharedMemoryBytes", k.staticSharedMemoryBytes(row));
                    g.writeNumberField("dynamicSharedMemoryBytes", k.dynamicSharedMemoryBytes(row));
                }
                link = t.launchLinksOrCompute().kernelApiRow(row);
            }
            case TimelineModel.MEMCPY -> {
                MemcpyTable c = t.memcpys();
                g.writeStringField("table", "memcpy");
                MemcpyKind mk = MemcpyKind.ofId(c.copyKind(row));
                g.writeStringField("copyKind", mk != null ? mk.label() : "kind " + c.copyKind(row));
                g.writeNumberField("bytes", c.bytes(row));
                g.writeStringField("srcKind", memoryKind(c.srcKind(row)));
                g.writeStringField("dstKind", memoryKind(c.dstKind(row)));
                gpuCommon(g, c.deviceId(row), c.contextId(row), c.streamId(row), c.correlationId(row),
                        c.globalPid(row));
                link = t.launchLinksOrCompute().memcpyApiRow(row);
            }
            case TimelineModel.MEMSET -> {
                MemsetTable c = t.memsets();
                g.writeStringField("table", "memset");
                g.writeNumberField("bytes", c.bytes(row));
                g.writeStringField("memKind", memoryKind(c.memKind(row)));
                g.writeNumberField("value", c.value(row));
                gpuCommon(g, c.deviceId(row), c.contextId(row), c.streamId(row), c.correlationId(row),
                        c.globalPid(row));
                link = t.launchLinksOrCompute().memsetApiRow(row);
            }
            case TimelineModel.CUDA_API, TimelineModel.OS_RUNTIME -> {
                ApiCallTable a = kind == TimelineModel.CUDA_API ? t.cudaApi() : t.osRuntime();
                g.writeStringField("table", kind == TimelineModel.CUDA_API ? "cuda-api" : "os-runtime");
                g.writeNumberField("pid", GlobalIds.pid(a.globalTid(row)));
                g.writeNumberField("tid", GlobalIds.tid(a.globalTid(row)));
                g.writeNumberField("correlationId", a.correlationId(row));
                g.writeNumberField("eventClass", a.eventClass(row));
                g.writeNumberField("returnValue", a.returnValue(row));
                g.writeNumberField("nestingLevel", a.nestingLevel(row));
            }
            default -> {
                NvtxTable n = kind == TimelineModel.NVTX ? t.nvtx() : t.cpuRanges();
                g.writeStringField("table", kind == TimelineModel.NVTX ? "nvtx" : "cpu-op");
                g.writeNumberField("eventType", n.eventType(row));
                g.writeStringField("domain", str(t, n.domainNameId(row)));
                g.writeNumberField("pid", GlobalIds.pid(n.globalTid(row)));
                g.writeNumberField("tid", GlobalIds.tid(n.globalTid(row)));
                g.writeNumberField("depth", n.depth(row));
                g.writeBooleanField("closed", n.hasEnd(row));
            }
        }
        g.writeEndObject();
        TimelineModel.Location loc = null;
        String relation = null;
        if (kind <= TimelineModel.MEMSET && link >= 0) {
            loc = m.locate(TimelineModel.CUDA_API, link);
            relation = "launched by";
        } else if (kind == TimelineModel.CUDA_API) {
            int gpu = m.gpuOpOf(row);
            if (gpu >= 0) {
                loc = m.locate(TimelineModel.kindOf(gpu), TimelineModel.rowOf(gpu));
                relation = "launches";
            }
        }
        if (loc != null) {
            g.writeObjectFieldStart("link");
            g.writeStringField("relation", relation);
            g.writeNumberField("track", loc.track());
            g.writeNumberField("i", loc.item());
            g.writeNumberField("lane", loc.lane());
            g.writeStringField("name", m.name(m.itemNameKey(loc.track(), loc.item())));
            g.writeNumberField("start", m.itemStartNs(loc.track(), loc.item()));
            g.writeNumberField("end", m.itemEndNs(loc.track(), loc.item()));
            g.writeEndObject();
        } else {
            g.writeNullField("link");
        }
        g.writeEndObject();
    }

    private static void gpuCommon(JsonGenerator g, int device, int context, int stream, int corr, long globalPid)
            throws IOException {
        g.writeNumberField("device", device);
        g.writeNumberField("context", context);
        g.writeNumberField("stream", stream);
        g.writeNumberField("correlationId", corr);
        g.writeNumberField("pid", GlobalIds.pid(globalPid));
    }

    private static String memoryKind(int id) {
        MemoryKind k = MemoryKind.ofId(id);
        return k != null ? k.label() : "kind " + id;
    }

    private static String str(Trace t, int id) {
        return id < 0 ? null : t.string(id);
    }

    private void search(HttpExchange ex, Map<String, String> q) throws IOException {
        params(q, "p", "q");
        TimelineModel m = profile(q).model();
        String text = required(q, "q");
        if (text.length() > 200) {
            throw new HttpError(400, "parameter 'q' is longer than 200 characters");
        }
        TimelineModel.SearchResult r = m.search(text, SEARCH_LIMIT);
        sendJson(ex, g -> {
            g.writeStartObject();
            g.writeNumberField("total", r.total());
            g.writeArrayFieldStart("hits");
            for (TimelineModel.Hit h : r.hits()) {
                g.writeStartObject();
                g.writeNumberField("track", h.track());
                g.writeNumberField("i", h.item());
                g.writeNumberField("start", h.startNs());
                g.writeNumberField("end", h.endNs());
                g.writeStringField("name", h.name());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void summary(HttpExchange ex, Map<String, String> q) throws IOException {
        params(q, "p", "t0", "t1", "tracks");
        TimelineModel m = profile(q).model();
        long[] span = span(q);
        int[] ids = trackList(q, m);
        List<TimelineModel.SummaryRow> rows = m.summary(ids, span[0], span[1], SUMMARY_LIMIT);
        sendJson(ex, g -> {
            g.writeStartObject();
            g.writeNumberField("t0", span[0]);
            g.writeNumberField("t1", span[1]);
            g.writeArrayFieldStart("rows");
            for (TimelineModel.SummaryRow r : rows) {
                g.writeStartObject();
                g.writeStringField("name", r.name());
                g.writeNumberField("count", r.count());
                g.writeNumberField("totalNs", r.totalNs());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    // ---------------------------------------------------------------- responses

    @FunctionalInterface
    private interface JsonBody {
        void write(JsonGenerator g) throws IOException;
    }

    private void sendJson(HttpExchange ex, JsonBody body) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(8192);
        try (JsonGenerator g = json.createGenerator(buf)) {
            g.setCharacterEscapes(ESCAPES);
            body.write(g);
        }
        send(ex, 200, "application/json; charset=utf-8", buf.toByteArray(), "default-src 'none'");
    }

    private void sendError(HttpExchange ex, int status, String message) {
        try {
            sendErrorBody(ex, status, message);
        } catch (IOException | RuntimeException e) {
            // the response had already started or the client went away: nothing more to tell it
        }
    }

    private void sendErrorBody(HttpExchange ex, int status, String message) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonGenerator g = json.createGenerator(buf)) {
            g.setCharacterEscapes(ESCAPES);
            g.writeStartObject();
            g.writeStringField("error", message.replace('\n', ' '));
            g.writeNumberField("status", status);
            g.writeEndObject();
        }
        send(ex, status, "application/json; charset=utf-8", buf.toByteArray(), "default-src 'none'");
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body, String csp) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Content-Security-Policy", csp);
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cache-Control", "no-store");
        h.set("X-Frame-Options", "DENY");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Renders a trace's report with the default rules and no stats tables (what {@code serve} does when called
     *  without the CLI); kept here so that callers other than the CLI get a working {@code /report}. */
    public static ReportSource defaultReport(Trace trace) {
        return () -> {
            io.proflens.rules.RuleRegistry registry = io.proflens.rules.RuleRegistry.builtIn();
            io.proflens.rules.Diagnosis d = io.proflens.rules.Diagnosis.run(new io.proflens.rules.RuleContext(trace,
                    List.of(trace), io.proflens.analysis.classify.KernelClassifier.builtIn(),
                    io.proflens.rules.RuleContext.Options.none()),
                    new io.proflens.rules.RuleEngine(registry, io.proflens.rules.RuleConfig.parse(registry, null,
                            List.of())));
            java.io.StringWriter w = new java.io.StringWriter();
            new io.proflens.report.HtmlReportRenderer().render(io.proflens.analysis.CaptureInfo.of(trace),
                    d.findings(), d.analyses(), d.charts(), Map.of(), w);
            return w.toString();
        };
    }

    /** @return the number of profiles served. */
    public int profileCount() {
        return profiles.size();
    }

    List<Profile> profiles() {
        return new ArrayList<>(profiles);
    }
}
