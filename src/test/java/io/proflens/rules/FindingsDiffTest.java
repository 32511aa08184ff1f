package io.proflens.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.model.Trace;
import java.util.List;
import org.junit.jupiter.api.Test;

class FindingsDiffTest {
    private static Finding f(String id, Severity s, String summary) {
        return new Finding(id, id + " title", s, s == Severity.CRITICAL ? 80 : s == Severity.WARNING ? 60 : 0, summary,
                List.of(), List.of(), "", 0);
    }

    @Test
    void classifiesAppearedDisappearedAndChanged() {
        List<Finding> a = List.of(f("a.gone", Severity.WARNING, "was bad"), f("b.new", Severity.OK, "fine"),
                f("c.worse", Severity.INFO, "meh"), f("d.same", Severity.CRITICAL, "bad 1"),
                f("e.na", Severity.NOT_APPLICABLE, "no data"));
        List<Finding> b = List.of(f("a.gone", Severity.OK, "fine now"), f("b.new", Severity.CRITICAL, "now bad"),
                f("c.worse", Severity.WARNING, "worse"), f("d.same", Severity.CRITICAL, "bad 2"),
                f("e.na", Severity.OK, "ok"), f("f.only-b", Severity.INFO, "new rule"));
        FindingsDiff d = FindingsDiff.of(a, b);
        assertThat(d.changes()).extracting(FindingsDiff.Change::ruleId)
                .containsExactly("b.new", "f.only-b", "c.worse", "a.gone");
        assertThat(d.changes()).extracting(FindingsDiff.Change::kind).containsExactly(FindingsDiff.Kind.APPEARED,
                FindingsDiff.Kind.APPEARED, FindingsDiff.Kind.SEVERITY_CHANGED, FindingsDiff.Kind.DISAPPEARED);
        FindingsDiff.Change onlyB = d.changes().get(1);
        assertThat(onlyB.before()).isNull();
        assertThat(onlyB.summaryB()).isEqualTo("new rule");
        assertThat(d.toTable().rows().get(0)).containsExactly("appeared", "b.new", "ok", "critical", "fine", "now bad");
        assertThat(FindingsDiff.of(b, a).changes(FindingsDiff.Kind.DISAPPEARED)).extracting(FindingsDiff.Change::ruleId)
                .containsExactly("b.new", "f.only-b");
    }

    @Test
    void realDiagnosisAgainstItselfIsEmptyAndAgainstAnotherRunIsNot() {
        Trace t = TestData.load(TestData.fuser());
        Diagnosis d = diagnose(t);
        assertThat(FindingsDiff.of(d, diagnose(t)).isEmpty()).isTrue();
        Trace other = TestData.load(TestData.root().resolve(
                "kineto/hta-trace-diff-torchrec-a100-vs-v100/control.json.gz"));
        Diagnosis o = diagnose(other);
        FindingsDiff x = FindingsDiff.of(d, o);
        // independent: the rule ids whose problem status differs between the two finding lists
        long expected = d.findings().stream().filter(fa -> o.findings().stream()
                .filter(fb -> fb.ruleId().equals(fa.ruleId())).findFirst()
                .map(fb -> fb.severity().isProblem() != fa.severity().isProblem()
                        || (fa.severity().isProblem() && fa.severity() != fb.severity()))
                .orElse(fa.severity().isProblem())).count();
        assertThat(x.changes()).hasSize((int) expected);
        assertThat(expected).isPositive();
    }

    private static Diagnosis diagnose(Trace t) {
        return Diagnosis.run(new RuleContext(t, List.of(t), KernelClassifier.builtIn(), RuleContext.Options.none()),
                new RuleEngine(RuleRegistry.builtIn(), RuleConfig.defaults()));
    }
}
