package io.proflens.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.model.Trace;
import io.proflens.testing.Chromium;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the served timeline in headless Chromium. The page interprets {@code #test=step,step} as a scripted
 * scenario driven through real DOM events (wheel, keys, mouse) and writes the observed state as JSON into
 * {@code <pre id="test-result">}, which {@code --dump-dom} shows.
 */
class TimelineBrowserTest {
    private static TimelineServer server;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Trace a = WebTraces.demo(2_000, 1);
        Trace b = WebTraces.demo(500, 2);
        server = TimelineServer.start(List.of(
                new TimelineServer.Profile("before.sqlite", TimelineModel.build(a, KernelClassifier.builtIn()),
                        TimelineServer.defaultReport(a)),
                new TimelineServer.Profile("after.sqlite", TimelineModel.build(b, KernelClassifier.builtIn()),
                        TimelineServer.defaultReport(b))),
                InetAddress.getLoopbackAddress(), 0, false, System.err, 4);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode scenario(Chromium chromium, String steps, Path scratch) throws Exception {
        Chromium.Run run = chromium.dumpDom(server.url() + "#test=" + steps, scratch, 20_000);
        assertThat(Chromium.consoleErrors(run.err())).as("console errors").isEmpty();
        Matcher m = Pattern.compile("<pre id=\"test-result\">(.*?)</pre>", Pattern.DOTALL).matcher(run.out());
        assertThat(m.find()).as("test result in DOM:\n%s", run.out()).isTrue();
        String text = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&amp;", "&");
        JsonNode r = JSON.readTree(text);
        assertThat(r.has("failure")).as("scenario failure: %s", r).isFalse();
        assertThat(r.get("final").get("errors").size()).as("page errors: %s", r).isZero();
        assertThat(run.out()).contains("<pre id=\"errors\" hidden=\"\"></pre>");
        return r;
    }

    @Test
    void rendersZoomsPansAndClicks(@TempDir Path scratch) throws Exception {
        Chromium chromium = Chromium.require();
        JsonNode r = scenario(chromium, "zoom,pan,keys,click,drag,reset", scratch);
        JsonNode initial = r.get("initial").get("panels");
        assertThat(initial.size()).isEqualTo(2); // side by side: before and after
        assertThat(initial.get(0).get("renderedRows").asInt()).isEqualTo(5);
        assertThat(initial.get(1).get("renderedRows").asInt()).isEqualTo(5);
        assertThat(initial.get(0).get("renderedItems").asInt()).isPositive();

        JsonNode zoom = r.get("steps").get("zoom");
        long w0 = zoom.get("before").get("t1").asLong() - zoom.get("before").get("t0").asLong();
        long w1 = zoom.get("after").get("t1").asLong() - zoom.get("after").get("t0").asLong();
        assertThat(w1).as("wheel zoomed in").isLessThan(w0 / 2);

        JsonNode pan = r.get("steps").get("pan");
        long pw0 = pan.get("before").get("t1").asLong() - pan.get("before").get("t0").asLong();
        long pw1 = pan.get("after").get("t1").asLong() - pan.get("after").get("t0").asLong();
        assertThat(pan.get("after").get("t0").asLong()).as("D panned right")
                .isGreaterThan(pan.get("before").get("t0").asLong());
        assertThat(Math.abs(pw1 - pw0)).isLessThanOrEqualTo(1);

        JsonNode keys = r.get("steps").get("keys");
        assertThat(keys.get("after").get("t1").asLong() - keys.get("after").get("t0").asLong())
                .as("W then S restores the width").isCloseTo(pw1, org.assertj.core.data.Percentage.withPercentage(1));

        JsonNode click = r.get("steps").get("click");
        assertThat(click.get("selected").isNull()).as("click selected an event: %s", click).isFalse();
        String name = click.get("selected").get("name").asText();
        assertThat(name).isNotBlank();
        assertThat(r.get("detailsText").asText()).contains(name);
        assertThat(click.get("selected").get("link").get("name").asText()).isEqualTo("cudaLaunchKernel");
        assertThat(click.get("flowDrawn").asBoolean()).isTrue();

        JsonNode drag = r.get("steps").get("drag");
        assertThat(drag.get("after").get("t1").asLong() - drag.get("after").get("t0").asLong())
                .as("drag-select zoomed in").isLessThan(drag.get("before").get("t1").asLong()
                        - drag.get("before").get("t0").asLong());
        assertThat(drag.get("after").get("renderedRows").asInt()).isPositive();
        assertThat(r.get("final").get("selection").get("t1").asLong()).isPositive();

        JsonNode reset = r.get("steps").get("reset");
        assertThat(reset.get("after").get("t0").asLong()).isLessThanOrEqualTo(initial.get(0).get("t0").asLong());
    }

    @Test
    void xssKernelNameRendersAsText(@TempDir Path scratch) throws Exception {
        Chromium chromium = Chromium.require();
        Chromium.Run run = chromium.dumpDom(server.url() + "#test=" + "search:img,click:img", scratch, 20_000);
        assertThat(Chromium.consoleErrors(run.err())).isEmpty();
        String dom = run.out();
        // the name is in the details panel and the search results as text, never as an element
        assertThat(dom).contains("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(dom).doesNotContain("<img src=\"x\"").doesNotContain("<img src=x");
        Matcher m = Pattern.compile("<div id=\"details-name\">(.*?)</div>").matcher(dom);
        assertThat(m.find()).as(dom).isTrue();
        assertThat(m.group(1)).isEqualTo("&lt;img src=x onerror=alert(1)&gt;");
    }
}
