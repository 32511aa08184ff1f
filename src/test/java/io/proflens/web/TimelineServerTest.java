package io.proflens.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.model.Trace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimelineServerTest {
    private static TimelineServer server;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws IOException {
        Trace t = WebTraces.demo(200, 1);
        TimelineModel m = TimelineModel.build(t, KernelClassifier.builtIn());
        server = TimelineServer.start(List.of(new TimelineServer.Profile("web-test.sqlite", m,
                TimelineServer.defaultReport(t))), InetAddress.getLoopbackAddress(), 0, false, System.err, 4);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a request line as is (HttpClient would normalise some targets), returns the status line and body. */
    static String raw(String requestLine, String host) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = s.getOutputStream();
            out.write((requestLine + "\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesThePageAndItsTwoFiles() throws Exception {
        HttpResponse<String> page = get("");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.body()).contains("<script src=\"timeline.js\"></script>").doesNotContain("<script>");
        assertThat(get("timeline.js").statusCode()).isEqualTo(200);
        assertThat(get("timeline.css").body()).contains(".panel");
        HttpResponse<String> report = get("report?p=0");
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).contains("<html");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nope", "api/nope", "timeline.java", "TimelineServer.class",
        "io/proflens/web/timeline.js", "report.css", "kernel-categories.tsv", "META-INF/MANIFEST.MF",
        "timeline.js/", "api/profiles/x"})
    void servesOnlyItsWhitelist(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).isEqualTo(404);
        assertOneLineError(r.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /../pom.xml HTTP/1.1", "GET /%2e%2e/pom.xml HTTP/1.1", "GET /%2E%2e/x HTTP/1.1",
        "GET /timeline.js/..%2f..%2fpom.xml HTTP/1.1", "GET /.%2e/etc/passwd HTTP/1.1",
        "GET /api/window?p=0&t0=../../ HTTP/1.1", "GET /..\\pom.xml HTTP/1.1"})
    void refusesTraversal(String requestLine) throws Exception {
        String r = raw(requestLine, "127.0.0.1");
        assertThat(r).startsWith("HTTP/1.1 400");
        // the JDK's server itself rejects a backslash (unparseable URI) before our handler sees it
        assertThat(r).doesNotContain("<project").doesNotContain("root:");
        if (!requestLine.contains("\\")) {
            assertThat(r).contains("path traversal refused");
        }
    }

    @Test
    void malformedPercentEncodingGets400() throws Exception {
        String r = raw("GET /api/window?p=0&t0=%zz&t1=100&px=10 HTTP/1.1", "127.0.0.1");
        // rejected by the JDK's server before the handler (body "URISyntaxException thrown"): 400, no stack trace
        assertThat(r).startsWith("HTTP/1.1 400").doesNotContain("\tat ").doesNotContain("at java.");
    }

    @Test
    void refusesForeignHostHeaders() throws Exception {
        assertThat(raw("GET /api/profiles HTTP/1.1", "evil.example:80")).startsWith("HTTP/1.1 403");
        assertThat(raw("GET /api/profiles HTTP/1.1", "localhost:" + server.port())).startsWith("HTTP/1.1 200");
    }

    @Test
    void onlyGet() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE")) {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(server.url() + "api/profiles"))
                    .method(method, HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("GET");
            assertOneLineError(r.body());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"api/window", "api/window?p=0&t0=0&t1=100", "api/window?p=0&t0=abc&t1=100&px=10",
        "api/window?p=0&t0=100&t1=100&px=10", "api/window?p=0&t0=200&t1=100&px=10",
        "api/window?p=0&t0=0&t1=100&px=0", "api/window?p=0&t0=0&t1=100&px=999999",
        "api/window?p=1&t0=0&t1=100&px=10", "api/window?p=-1&t0=0&t1=100&px=10",
        "api/window?p=0&t0=0&t1=99999999999999999999&px=10", "api/window?p=0&t0=0&t1=100&px=10&x=1",
        "api/window?p=0&p=0&t0=0&t1=100&px=10", "api/window?p=0&t0=%E2%82&t1=100&px=10",
        "api/window?p=0&t0=0&t1=100&px=10&tracks=1,x", "api/window?p=0&t0=0&t1=100&px=10&tracks=99",
        "api/window?p=0&t0=0&t1=100&px=1e3", "api/window?p=0&t0=0x10&t1=100&px=10", "api/window?p",
        "api/window?p=0&t0=0&t1=100&px=10&", "api/event?p=0&track=0&i=99999", "api/event?p=0&track=99&i=0",
        "api/event?p=0&track=0", "api/search?p=0", "api/search?p=0&q=", "api/summary?p=0&t0=5&t1=1",
        "api/tracks", "api/tracks?p=x", "api/profiles?x=1", "report?p=9", "?a=b"})
    void malformedQueriesGet400WithOneLine(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(400);
        assertOneLineError(r.body());
    }

    private static void assertOneLineError(String body) throws IOException {
        assertThat(body).doesNotContain("\n").doesNotContain("Exception").doesNotContain("at io.proflens");
        assertThat(JSON.readTree(body).get("error").asText()).isNotBlank();
    }

    @Test
    void windowAnswersWithRawEventsAndAggregates() throws Exception {
        JsonNode profiles = JSON.readTree(get("api/profiles").body()).get("profiles");
        long t0 = profiles.get(0).get("startNs").asLong();
        long t1 = profiles.get(0).get("endNs").asLong();
        JsonNode tracks = JSON.readTree(get("api/tracks?p=0").body()).get("tracks");
        assertThat(tracks.size()).isEqualTo(5);
        JsonNode w = JSON.readTree(get("api/window?p=0&t0=" + t0 + "&t1=" + t1 + "&px=100").body());
        assertThat(w.get("tracks").size()).isEqualTo(5);
        long total = 0;
        boolean aggregates = false;
        for (JsonNode t : w.get("tracks")) {
            for (JsonNode it : t.get("items")) {
                // [lane, i, start, end, count, name]
                total += it.get(4).asLong();
                aggregates |= it.get(1).asInt() < 0;
                assertThat(it.get(1).asInt() < 0).isEqualTo(it.get(4).asInt() > 1);
                assertThat(w.get("names").has(it.get(5).asText())).isTrue();
            }
        }
        assertThat(total).isEqualTo(profiles.get(0).get("events").asLong());
        assertThat(aggregates).isTrue();
        assertThat(w.get("cats").toString()).contains("GEMM");
        JsonNode only = JSON.readTree(get("api/window?p=0&t0=" + t0 + "&t1=" + t1 + "&px=100&tracks=3,4").body());
        assertThat(only.get("tracks")).extracting(n -> n.get("id").asInt()).containsExactly(3, 4);
    }

    @Test
    void eventDetailsLinkKernelAndLaunch() throws Exception {
        // stream 7 is track 3; its item 0 is the XSS kernel launched at 11 µs on thread 101
        String body = get("api/event?p=0&track=3&i=0").body();
        JsonNode ev = JSON.readTree(body);
        assertThat(ev.get("name").asText()).isEqualTo(WebTraces.XSS);
        assertThat(ev.get("duration").asLong()).isEqualTo(30_000);
        assertThat(ev.get("fields").get("correlationId").asInt()).isEqualTo(1);
        assertThat(ev.get("link").get("relation").asText()).isEqualTo("launched by");
        assertThat(ev.get("link").get("name").asText()).isEqualTo("cudaLaunchKernel");
        assertThat(ev.get("link").get("start").asLong()).isEqualTo(11_000);
        JsonNode api = JSON.readTree(get("api/event?p=0&track=" + ev.get("link").get("track").asInt() + "&i="
                + ev.get("link").get("i").asInt()).body());
        assertThat(api.get("link").get("relation").asText()).isEqualTo("launches");
        assertThat(api.get("link").get("track").asInt()).isEqualTo(3);
        assertThat(api.get("link").get("i").asInt()).isEqualTo(0);
    }

    @Test
    void xssKernelNameIsEscapedInJson() throws Exception {
        for (String path : List.of("api/event?p=0&track=3&i=0", "api/search?p=0&q=%3Cimg",
                "api/summary?p=0&t0=0&t1=100000", "api/window?p=0&t0=0&t1=100000&px=1000")) {
            String body = get(path).body();
            assertThat(body).as(path).doesNotContain("<img").contains("\\u003Cimg src=x onerror=alert(1)\\u003E");
        }
        JsonNode s = JSON.readTree(get("api/search?p=0&q=%3Cimg").body());
        assertThat(s.get("total").asInt()).isEqualTo(1);
        assertThat(s.get("hits").get(0).get("name").asText()).isEqualTo(WebTraces.XSS);
    }

    @Test
    void summarySumsByName() throws Exception {
        JsonNode s = JSON.readTree(get("api/summary?p=0&t0=0&t1=60000&tracks=3,4").body());
        assertThat(s.get("rows").get(0).get("name").asText()).isEqualTo(WebTraces.XSS);
        assertThat(s.get("rows").get(0).get("totalNs").asLong()).isEqualTo(30_000);
    }

    @Test
    void refusesNonLoopbackBindUnlessAllowed() throws Exception {
        Trace t = WebTraces.demo(0, 1);
        List<TimelineServer.Profile> p = List.of(new TimelineServer.Profile("x", TimelineModel.build(t,
                KernelClassifier.builtIn()), TimelineServer.defaultReport(t)));
        InetAddress any = InetAddress.getByName("0.0.0.0");
        assertThatThrownBy(() -> TimelineServer.start(p, any, 0, false, System.err, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--allow-remote");
        ByteArrayOutputStream warn = new ByteArrayOutputStream();
        try (TimelineServer s = TimelineServer.start(p, any, 0, true, new PrintStream(warn, true,
                StandardCharsets.UTF_8), 1)) {
            assertThat(warn.toString(StandardCharsets.UTF_8)).startsWith("WARNING: serving on 0.0.0.0");
            assertThat(s.port()).isPositive();
        }
        ByteArrayOutputStream quiet = new ByteArrayOutputStream();
        try (TimelineServer s = TimelineServer.start(p, InetAddress.getLoopbackAddress(), 0, false,
                new PrintStream(quiet, true, StandardCharsets.UTF_8), 1)) {
            assertThat(s.url()).startsWith("http://127.0.0.1:");
        }
        assertThat(quiet.size()).isZero();
    }
}
