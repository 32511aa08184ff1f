/**
 * The local web UI of {@code proflens serve}: a timeline of processes → threads (NVTX, CPU ops, CUDA API, OS
 * runtime) and GPUs → streams (kernels, memcpy, memset) with level-of-detail window queries, plus the HTML report.
 *
 * <p>{@link io.proflens.web.TimelineModel} indexes a {@link io.proflens.model.Trace} without per-event objects (an
 * {@code int} reference per event, per-lane pyramids of 8-ary aggregates); {@link io.proflens.web.TimelineServer}
 * answers JSON window, event, search and summary queries on the JDK's HTTP server, bound to loopback by default, and
 * serves the page ({@code timeline.html/js/css}, a fixed whitelist of classpath resources). All API times are ns.
 * Nothing here is static mutable state; a model and a server are safe for concurrent requests.
 *
 * <pre>{@code
 * TimelineModel model = TimelineModel.build(trace, KernelClassifier.builtIn());
 * try (TimelineServer s = TimelineServer.start(
 *         List.of(new TimelineServer.Profile("run.sqlite", model, TimelineServer.defaultReport(trace))),
 *         InetAddress.getLoopbackAddress(), 0, false, System.err, 4)) {
 *     System.out.println(s.url()); // GET s.url() + "api/window?p=0&t0=...&t1=...&px=1200"
 * }
 * }</pre>
 *
 * <p>Nothing outside {@code io.proflens.cli} depends on this package.
 */
package io.proflens.web;
