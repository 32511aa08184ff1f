package io.proflens.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class JUnitXmlWriterTest {
    @TempDir
    Path tmp;

    @Test
    void writesParsableEscapedSuiteAtomically() throws Exception {
        String nasty = "gate failed: kernel:*elementwise_kernel<4, \"x\" & 'y'>*>+10%: 1 -> 2\u0001";
        Path f = tmp.resolve("out/gate.xml");
        JUnitXmlWriter.write(f, "proflens diff a b", "gate", List.of(
                new JUnitXmlWriter.TestCase("total>+5%", "proflens.diff.gate", null, "gate passed: total>+5%"),
                new JUnitXmlWriter.TestCase("kernel:*elementwise_kernel<4, \"x\" & 'y'>*>+10%", "proflens.diff.gate",
                        nasty, nasty)));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(f.toFile());
        Element suite = doc.getDocumentElement();
        assertThat(suite.getTagName()).isEqualTo("testsuite");
        assertThat(suite.getAttribute("tests")).isEqualTo("2");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        NodeList cases = suite.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(2);
        assertThat(((Element) cases.item(0)).getElementsByTagName("failure").getLength()).isZero();
        Element failure = (Element) ((Element) cases.item(1)).getElementsByTagName("failure").item(0);
        String cleaned = nasty.replace('\u0001', '\uFFFD');
        assertThat(failure.getAttribute("message")).isEqualTo(cleaned);
        assertThat(failure.getAttribute("type")).isEqualTo("gate");
        assertThat(((Element) cases.item(1)).getAttribute("name")).isEqualTo("kernel:*elementwise_kernel<4, \"x\" & 'y'>*>+10%");
        try (var s = Files.list(f.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("gate.xml");
        }
    }

    @Test
    void cleanKeepsValidTextAndPairs() {
        assertThat(JUnitXmlWriter.clean("a\tb\nc 😀")).isEqualTo("a\tb\nc 😀");
        assertThat(JUnitXmlWriter.clean("x\uD800y\u0000")).isEqualTo("x\uFFFDy\uFFFD");
    }
}
