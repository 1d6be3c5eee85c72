package io.gatekit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgChartTest {

    @Test
    void render_isWellFormedSvgWithABarAndALabelPerValue() throws Exception {
        String svg = new SvgChart("Throughput <stdio>", "messages per second")
                .bar("1 in flight", "direct", 12_345)
                .bar("1 in flight", "through Gatekit", 10_000.5)
                .bar("128 in flight", "direct", 98_765)
                .bar("128 in flight", "through Gatekit", Double.NaN) // not measured: no bar
                .render();

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        // background + 3 bars + 2 legend swatches
        assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(6);
        assertThat(svg).contains("Throughput &lt;stdio&gt;", "12,345", "10,001", "98,765", "through Gatekit");
    }

    @Test
    void number_keepsTheDigitsAValueDeserves() {
        assertThat(SvgChart.number(123_456)).isEqualTo("123,456");
        assertThat(SvgChart.number(123.4)).isEqualTo("123");
        assertThat(SvgChart.number(12.34)).isEqualTo("12.3");
        assertThat(SvgChart.number(1.234)).isEqualTo("1.23");
        assertThat(SvgChart.number(0.01234)).isEqualTo("0.012");
    }
}
