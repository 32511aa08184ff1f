package io.proflens.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.proflens.TestData;
import io.proflens.model.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry, configuration and engine contracts (CONVENTIONS habits 5 and 6). */
class RuleFrameworkTest {
    @TempDir
    Path tmp;

    @Test
    void everyBuiltInRuleIsListedOnceWithWellFormedDeclaration() {
        List<Rule> rules = RuleRegistry.builtIn().rules();
        Set<String> ids = new HashSet<>();
        Set<Class<?>> classes = new HashSet<>();
        for (Rule r : rules) {
            assertThat(ids.add(r.id())).as("duplicate id " + r.id()).isTrue();
            assertThat(classes.add(r.getClass())).as("class listed twice " + r.getClass()).isTrue();
            assertThat(r.id()).matches("[a-z]+\\.[a-z0-9]+(-[a-z0-9]+)*");
            assertThat(r.title()).isNotBlank();
            assertThat(r.description()).hasSizeGreaterThan(60);
            assertThat(r.getClass().getSimpleName()).endsWith("Rule");
            assertThat(r.getClass().getPackageName()).isEqualTo("io.proflens.rules." + r.topic());
            Set<String> keys = new HashSet<>();
            for (Threshold t : r.thresholds()) {
                assertThat(keys.add(t.key())).isTrue();
                assertThat(t.unit()).isNotBlank();
                assertThat(t.source()).isNotBlank();
            }
        }
    }

    @Test
    void registryRejectsDuplicateAndMalformedIds() {
        Rule a = new Stub("gpu.a", () -> null);
        assertThatThrownBy(() -> new RuleRegistry(List.of(a, new Stub("gpu.a", () -> null))))
                .hasMessageContaining("duplicate");
        assertThatThrownBy(() -> new RuleRegistry(List.of(new Stub("Bad Id", () -> null))))
                .hasMessageContaining("malformed");
    }

    @Test
    void configOverridesThresholdsAndRejectsUnknownKeys() throws IOException {
        RuleRegistry reg = new RuleRegistry(List.of(new Stub("gpu.a", () -> null)));
        Path f = tmp.resolve("rules.conf");
        Files.writeString(f, "# comment\ngpu.a.limitPct = 12.5  # trailing\n");
        RuleConfig c = RuleConfig.parse(reg, f, List.of());
        Rule r = reg.get("gpu.a").orElseThrow();
        assertThat(c.valuesFor(r).get("limitPct")).isEqualTo(12.5);
        assertThat(RuleConfig.parse(reg, f, List.of("gpu.a.limitPct=7")).valuesFor(r).get("limitPct")).isEqualTo(7);
        assertThat(RuleConfig.defaults().valuesFor(r).get("limitPct")).isEqualTo(50);
        assertThat(RuleConfig.parse(reg, null, List.of("gpu.a.enabled=false")).disabled(r)).isTrue();
        assertThatThrownBy(() -> RuleConfig.parse(reg, null, List.of("gpu.a.nope=1"))).hasMessageContaining("no threshold 'nope'");
        assertThatThrownBy(() -> RuleConfig.parse(reg, null, List.of("gpu.b.limitPct=1"))).hasMessageContaining("unknown rule");
        assertThatThrownBy(() -> RuleConfig.parse(reg, null, List.of("gpu.a.limitPct=x"))).hasMessageContaining("not a number");
        Files.writeString(f, "gpu.a.limitPct\n");
        assertThatThrownBy(() -> RuleConfig.parse(reg, f, List.of())).hasMessageContaining("rules.conf:1");
    }

    @Test
    void aThrowingRuleBecomesAFailedFindingAndOthersStillRun() {
        Trace t = TestData.load(TestData.allNsysExports().stream().filter(p -> p.toString().contains("nsysai-mock-tiny")).findFirst().orElseThrow());
        Rule boom = new Stub("gpu.boom", () -> {
            throw new IllegalStateException("kaput");
        });
        Rule fine = new Stub("gpu.fine", () -> null);
        List<Finding> fs = new RuleEngine(new RuleRegistry(List.of(boom, fine)), RuleConfig.defaults()).run(RuleContext.of(t));
        assertThat(fs).extracting(Finding::ruleId).containsExactlyInAnyOrder("gpu.boom", "gpu.fine");
        Finding failed = fs.stream().filter(f -> f.ruleId().equals("gpu.boom")).findFirst().orElseThrow();
        assertThat(failed.severity()).isEqualTo(Severity.FAILED);
        assertThat(failed.summary()).contains("kaput");
    }

    @Test
    void findingsAreOrderedByRecoverableTimeThenScore() {
        Rule r = new Stub("gpu.x", () -> null);
        Finding small = Finding.of(r, 90, "s", List.of(), List.of(), "", 10);
        Finding big = Finding.of(r, 30, "b", List.of(), List.of(), "", 1000);
        Finding ok = Finding.ok(r, "ok", List.of());
        List<Finding> l = new java.util.ArrayList<>(List.of(ok, small, big));
        l.sort(RuleEngine.ORDER);
        assertThat(l).containsExactly(big, small, ok);
    }

    @Test
    void severityBandsFollowTheScore() {
        assertThat(Severity.ofScore(10)).isEqualTo(Severity.OK);
        assertThat(Severity.ofScore(25)).isEqualTo(Severity.INFO);
        assertThat(Severity.ofScore(50)).isEqualTo(Severity.WARNING);
        assertThat(Severity.ofScore(75)).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void evidenceFormatReadsLikeTheExperts() {
        assertThat(EvidenceFormat.duration(192_000_000_000d)).isEqualTo("192.000 s");
        assertThat(EvidenceFormat.duration(192_000_000_000d / 179_993)).isEqualTo("1.07 ms");
        assertThat(EvidenceFormat.count(179_993)).isEqualTo("179,993");
        assertThat(EvidenceFormat.bytes(24_576)).isEqualTo("24 KiB");
        assertThat(EvidenceFormat.pct(38.66)).isEqualTo("38.7%");
        assertThat(EvidenceFormat.ratio(359.2 / 131.5)).isEqualTo("2.73×");
    }

    /** A rule whose evaluation is given by the test. */
    private record Stub(String id, java.util.function.Supplier<Finding> body) implements Rule {
        @Override
        public String title() {
            return "stub " + id;
        }

        @Override
        public String description() {
            return "stub rule";
        }

        @Override
        public List<Threshold> thresholds() {
            return List.of(new Threshold("limitPct", "%", 50, "a limit", "test"));
        }

        @Override
        public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
            Finding f = body.get();
            return f != null ? f : Finding.ok(this, "fine", List.of());
        }
    }
}
