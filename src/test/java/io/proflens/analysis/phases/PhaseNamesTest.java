package io.proflens.analysis.phases;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhaseNamesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ProfilerStep#12|ProfilerStep#N",
        "ProfilerStep#N|ProfilerStep#N",
        "train_step_3|train_step_N",
        "iteration 7|iteration N",
        "'aten::mul, seq = 12, op_id = 991065'|aten::mul",
        "layer_12.attn|layer_12.attn",
        "conv2d|conv2d",
        "fp16|fp16",
        "## forward ##|## forward ##",
        "Optimizer.step#SGD.step|Optimizer.step#SGD.step",
        "42|42",
    })
    void normalisesTrailingCountersAndOpIds(String in, String expected) {
        assertThat(PhaseNames.normalise(in, true)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "## forward ##|FORWARD",
        "DistributedDataParallel.forward|FORWARD",
        "attn_fwd|FORWARD",
        "## backward ##|BACKWARD",
        "bwd pass|BACKWARD",
        "fwd_bwd|OTHER",
        "## optimizer ##|OPTIMIZER",
        "Optimizer.zero_grad#SGD.zero_grad|OPTIMIZER",
        "ProfilerStep#N|OTHER",
        "train_step_N|OTHER",
        "fwdx|OTHER",
    })
    void rolesByName(String name, PhaseRole role) {
        assertThat(PhaseNames.role(name)).isEqualTo(role);
    }
}
